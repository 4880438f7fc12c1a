"""A stored record read back for export: its header, events, pack, replayed state and notes."""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rcrp_desktop import paths
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.pack.protocol import Pack, PackFinder, exact_pack
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.storage.pack_catalogue import installed_names, pack_catalogue
from rcrp_desktop.storage.records import RecordedNote
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.stored_call import (
    PackNotInstalledError,
    ReplayError,
    StoredCall,
    read_call,
)
from rcrp_desktop.storage.verify import verify_record

N = TypeVar("N")


@dataclass(frozen=True)
class ExportSource(StoredCall):
    """Everything a handover is drawn from, read once: the stored call and its recommendation.
    Immutable: safe to hand to a worker."""

    advice: engine.Recommendation
    log_head: tuple[int, str] | None = None  # the anchor log's last entry when it was read

    @property
    def record_id(self) -> int:
        return self.header.id

    @property
    def anchor(self) -> tuple[int, str]:
        """The last event's sequence number and hash: what a printed copy is matched by."""
        last = self.events[-1]
        return last.seq, last.hash

    def notes_of(self, kind: type[N]) -> list[tuple[N, RecordedNote]]:
        """The notes of one kind, in order, each with its record (time and person)."""
        return [
            (recorded.note, recorded) for recorded in self.notes if isinstance(recorded.note, kind)
        ]

    def latest(self, kind: type[N]) -> tuple[N, RecordedNote] | None:
        found = self.notes_of(kind)
        return found[-1] if found else None


def load_source(store: Store, record_id: int, find_pack: PackFinder | None = None) -> ExportSource:
    """Read a record for export, after checking its hash chain; ExportError if it cannot be.

    `find_pack` finds the pack the record was made under, exactly (id, version and content
    hash): the window passes its own; by default the shipped packs are searched.
    """
    store.record(record_id)  # RecordNotFoundError when there is no such record, first
    faults = verify_record(store, record_id)
    if faults:
        raise ExportError(
            f"Record {record_id} fails its integrity check ({faults[0]}), so no handover is "
            "made from it. Run `rcrp-desktop verify` and tell your supervisor."
        )
    try:
        call = read_call(
            store, record_id, find_pack or shipped_pack_finder(paths.forms_dir(), store.path.parent)
        )
    except PackNotInstalledError as error:
        raise ExportError(
            f"{error}, so its questions cannot be printed exactly. "
            f"`rcrp-desktop show {record_id}` still reads it."
        ) from error
    except ReplayError as error:
        raise ExportError(str(error)) from error
    return ExportSource(
        call.header,
        call.events,
        call.pack,
        call.state,
        engine.recommend(call.state),
        store.anchor_log_head(),
    )


def shipped_pack_finder(
    forms_root: Path, data_dir: Path | None = None
) -> Callable[[str, str, str], Pack | None]:
    """A PackFinder over the packs under `forms_root` and those installed in `data_dir`
    (loaded once, on first use, and again when an install has been added)."""

    def find(pack_id: str, version: str, digest: str) -> Pack | None:
        folder = data_dir.resolve() if data_dir is not None else None
        return exact_pack(
            _packs(forms_root.resolve(), folder, installed_names(folder)), pack_id, version, digest
        )

    return find


@functools.cache
def _packs(forms_root: Path, data_dir: Path | None, names: tuple[str, ...]) -> tuple[Pack, ...]:
    del names  # in the key only: a pack installed since is found
    return tuple(pack_catalogue(forms_root, data_dir)[0])
