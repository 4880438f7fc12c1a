"""A stored call read back as the engine knows it: the pack it was made under, exactly, the state
its steps replay to, and its notes. The recorder resumes a call from it; the export prints one."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.call.closure import NOTE_TYPES, note_from
from rcrp_desktop.domain.pack.protocol import Pack, PackFinder
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.records import ENGINE_KINDS, RecordedNote, RecordSummary, StoredEvent
from rcrp_desktop.storage.repository import Store


class PackNotInstalledError(StorageError):
    """The record's pack (id, version and content hash) is not among those installed."""

    def __init__(self, header: RecordSummary) -> None:
        self.header = header
        super().__init__(
            f"Record {header.id} was made under protocol {header.pack_id} "
            f"{header.pack_version} (sha256 {header.pack_hash[:12]}), which is not installed here"
        )


class ReplayError(StorageError):
    """The record's steps do not replay under its own pack (a damaged or forged record)."""


@dataclass(frozen=True)
class StoredCall:
    """A record's header and events, its pack and the state they replay to."""

    header: RecordSummary
    events: tuple[StoredEvent, ...]
    pack: Pack
    state: engine.State

    @functools.cached_property
    def notes(self) -> tuple[RecordedNote, ...]:
        return recorded_notes(self.events)


def recorded_notes(events: Iterable[StoredEvent]) -> tuple[RecordedNote, ...]:
    """The notes among a record's events, each with when and by whom it was made."""
    return tuple(
        RecordedNote(note_from(event.kind, event.payload), event.utc, event.local, event.user)
        for event in events
        if event.kind in NOTE_TYPES
    )


def read_call(store: Store, record_id: int, find_pack: PackFinder) -> StoredCall:
    """The record's call, replayed; PackNotInstalledError or ReplayError if it cannot be."""
    header = store.record(record_id)  # RecordNotFoundError when there is no such record
    events = tuple(store.events(record_id))
    pack = find_pack(header.pack_id, header.pack_version, header.pack_hash)
    if pack is None:
        raise PackNotInstalledError(header)
    steps = [event.payload for event in events if event.kind in ENGINE_KINDS]
    try:
        state = engine.replay(pack, steps)
    except engine.AnswerError as error:
        raise ReplayError(f"Record {record_id} does not replay: {error}") from error
    return StoredCall(header, events, pack, state)
