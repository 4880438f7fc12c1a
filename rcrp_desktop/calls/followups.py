"""Calls whose partner has not confirmed by the agreed time: they need re-assessing (R16)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.domain.call.closure import NOTE_TYPES, Handover, note_from, overdue_handover
from rcrp_desktop.storage.repository import RecordSummary, Store
from rcrp_desktop.times import parse_utc

RECENT_RECORDS = 300  # a shift's worth and more: an ETA is hours, not days


@dataclass(frozen=True)
class Overdue:
    """A record whose accepted handover is past its re-check time, unconfirmed."""

    record: RecordSummary
    handover: Handover
    due: datetime


def overdue_records(store: Store, now: datetime | None = None) -> list[Overdue]:
    """Recent records (open or closed) with a handover overdue for confirmation, oldest first;
    none for a person signed in who may not read records (the list names them)."""
    signed = gates.gate_of(store)
    if signed is not None and not signed.may("record.read"):
        return []
    moment = now or datetime.now(UTC)
    found = []
    for summary in store.recent_with("handover", RECENT_RECORDS):
        notes = [
            (note_from(e.kind, e.payload), _when(e.utc))
            for e in store.events(summary.id)
            if e.kind in NOTE_TYPES
        ]
        late = overdue_handover(notes, moment)
        if late is not None:
            found.append(Overdue(summary, late[0], late[1]))
    return sorted(found, key=lambda item: item.due)


def _when(utc: str) -> datetime:
    return parse_utc(utc)
