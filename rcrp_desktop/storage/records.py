"""What the record database holds, as plain data: records, events, and verify's faults."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

from rcrp_desktop.storage.chain import canonical
from rcrp_desktop.times import utc_text

Mode = Literal["live", "training"]


HEADER_FIELDS = (
    "uid",
    "incident_ref",
    "created_utc",
    "handler",
    "force_profile",
    "pack_id",
    "pack_version",
    "pack_hash",
    "mode",
    "app_version",
)


RECORD_COLUMNS = ("id", *HEADER_FIELDS, "status")


EVENT_COLUMNS = (
    "id",
    "record_id",
    "seq",
    "kind",
    "payload",
    "utc",
    "local",
    "user",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class NewEvent:
    """An event about to be written: what happened, and its details."""

    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PreparedEvents:
    """What an append writes that the database does not decide: each payload's canonical JSON
    and the times, made before the write lock is taken, so the transaction holds it no longer
    than the chain and the rows need."""

    events: Sequence[NewEvent]
    payloads: list[str]
    utc: str
    local: str

    @classmethod
    def of(cls, events: Sequence[NewEvent], when: datetime) -> "PreparedEvents":
        local = when.astimezone().isoformat(timespec="microseconds")
        return cls(events, [canonical(e.payload) for e in events], utc_text(when), local)


class StoredEvent(NamedTuple):
    """An event as written: numbered, timed (UTC and local), attributed and chained.

    A NamedTuple, not a dataclass: a record's history is read in bulk, and this is cheaper.
    """

    seq: int
    kind: str
    payload: dict[str, Any]
    utc: str
    local: str
    user: str
    hash: str


class RecordSummary(NamedTuple):
    """A record's header and status, for lists.

    A NamedTuple, not a dataclass: lists of records are read fifty at a time, and building a
    frozen dataclass of twelve fields cost nearly as much as the query that read them.
    """

    id: int
    uid: str
    incident_ref: str
    created_utc: str
    handler: str
    force_profile: str
    pack_id: str
    pack_version: str
    pack_hash: str
    mode: str
    app_version: str
    status: str


assert RecordSummary._fields == RECORD_COLUMNS  # rows of RECORD_COLUMNS are made into these


@dataclass(frozen=True)
class Fault:
    """Something `verify` found wrong, naming the record and event where it can."""

    message: str
    record_id: int | None = None
    seq: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.record_id is not None:
            where = f"record {self.record_id}" + (f", event {self.seq}" if self.seq else "")
            where += ": "
        return where + self.message


# The engine's own events: replayed to rebuild a call's state.
ENGINE_KINDS = frozenset({"answer", "change", "rationale", "decide"})


@dataclass(frozen=True)
class RecordedNote:
    """A handover, caller, referrer, deployment or supervisor note, with when it was made."""

    note: object
    utc: str
    local: str
    user: str
