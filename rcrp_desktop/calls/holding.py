"""Who holds an open call: the handler who took it, or the last person it was taken over by.
Only its holder works it; a supervisor takes it over (break-glass, with a reason typed in full),
and at a shift change the handler leaving hands it to the next at the same desk."""

from collections.abc import Iterable
from dataclasses import replace

from rcrp_desktop.calls import gate
from rcrp_desktop.calls.commands import CallCommand, LetTimePass, Reassess, RecordNote
from rcrp_desktop.domain.call.closure import FOLLOW_UP_KINDS, TakenOver, kind_of
from rcrp_desktop.storage.errors import RefusedError
from rcrp_desktop.storage.repository import Store, StoredEvent

SHIFT_CHANGE = "shift change"
SUPERVISOR = "supervisor"
# Notes anyone who may send them adds to a call someone else holds: facts that follow a call
# up, and a supervisor's decision on an escalated call.
_NOT_WORKING = FOLLOW_UP_KINDS | {"supervisor"}


def holder_of(events: Iterable[StoredEvent]) -> str:
    """The stamp of who holds the call these events record."""
    holder = ""
    for event in events:
        if event.kind == "created":
            holder = event.user
        elif event.kind == "taken_over":
            holder = str(event.payload.get("by", holder))
    return holder


def works_the_call(command: CallCommand) -> bool:
    """Whether `command` works the call (only its holder may send it)."""
    if isinstance(command, LetTimePass | Reassess):
        return False  # the trainer's clock; a re-assessment is a new record of its own
    if isinstance(command, RecordNote) and isinstance(command.note, TakenOver):
        return command.note.how != SUPERVISOR  # a shift change is the holder's to make
    return not (isinstance(command, RecordNote) and kind_of(command.note) in _NOT_WORKING)


def taking_over_fault(note: TakenOver, holder: str) -> str:
    """Why this taking over cannot be recorded, or ""."""
    if note.how not in (SHIFT_CHANGE, SUPERVISOR):
        return f"a call is taken over at a shift change or by a supervisor, not by '{note.how}'"
    if not note.by.strip():
        return "say who takes the call over"
    if note.by.split(" ", 1)[0] == holder.split(" ", 1)[0]:
        return f"{note.by} holds this call already"
    if not note.reason.strip():
        return "taking over a call needs a reason, typed in full"
    return ""


def needed_to_take_over(note: TakenOver) -> str:
    """The action a taking over needs: a supervisor's is `call.unlock`; a shift change is the
    holder's own, so working the call is enough."""
    return "call.unlock" if note.how == SUPERVISOR else "call.take"


def checked(store: Store, record_id: int, note: TakenOver, holder: str) -> TakenOver:
    """The note as it is recorded: from whoever holds the call now. Refused (RefusedError)
    where it cannot be; a supervisor's is broken glass, logged with its reason."""
    note = replace(note, holder=holder, by=note.by.strip(), reason=note.reason.strip())
    fault = taking_over_fault(note, holder) or _not_theirs(store, note)
    if fault:
        raise RefusedError(f"Call {record_id} cannot be taken over: {fault}.")
    if note.how == SUPERVISOR:
        gate.break_glass(store, record_id, note.reason)
    return note


def _not_theirs(store: Store, note: TakenOver) -> str:
    """Where someone is signed in: a supervisor takes a call over for themselves, and a shift
    change hands it to someone with an account here."""
    signed = gate.gate_of(store)
    if signed is None:
        return ""
    number = note.by.split(" ", 1)[0]
    if note.how == SUPERVISOR and not signed.owns(note.by):
        return "a supervisor takes a call over for themselves"
    if note.how == SHIFT_CHANGE and signed.access.store.account(number) is None:
        return f"there is no account {number} here to hand it to"
    return ""
