"""One call being recorded: each command is committed, with what it caused, before it counts.

`execute(command)` is the one way in. The engine validates a step first (a bad answer never
reaches the disk); the new state is adopted only after the transaction holding the step, any
change of recommendation and the next question shown has committed, and the events written
are returned. If the write fails, the recorder's state is unchanged and the same command can
be sent again; one that was written already (its id is stored with its events) writes nothing
twice.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from rcrp_desktop.calls import gate, holding
from rcrp_desktop.calls.commands import (
    AnswerQuestion,
    CallCommand,
    ChangeAnswer,
    Close,
    CompleteRationale,
    Decide,
    LetTimePass,
    Reassess,
    RecordNote,
    StartCall,
    first_sending,
)
from rcrp_desktop.calls.events import advice_key, advice_payload, shown_event, step_payload
from rcrp_desktop.calls.records import refuse_if_read_only
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.call.closure import (
    FOLLOW_UP_KINDS,
    Exported,
    Handover,
    Reassessment,
    TakenOver,
    blockers,
    kind_of,
    overdue_handover,
)
from rcrp_desktop.domain.errors import AnswerError, Refusal
from rcrp_desktop.domain.limits import TEXT_LIMIT, too_long
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import Pack, PackFinder
from rcrp_desktop.storage.errors import ClosureError, RecordClosedError, StorageError
from rcrp_desktop.storage.records import RecordedNote
from rcrp_desktop.storage.repository import NewEvent, Store, StoredEvent
from rcrp_desktop.storage.stored_call import PackNotInstalledError, read_call, recorded_notes
from rcrp_desktop.storage.training_runs import CLOCK_NOTE, SCENARIO_NOTE, time_passed
from rcrp_desktop.times import parse_utc

COMMAND_KEY = "command"  # the payload key holding the id of the command that wrote the event


@dataclass(frozen=True)
class Written:
    """What a command wrote: its events (as stored), and the call's state and advice after.

    `repeated` is true when the command had been written before: nothing was written now.
    """

    command: CallCommand | None
    events: tuple[StoredEvent, ...]
    state: engine.State
    advice: engine.Recommendation
    repeated: bool = False
    opened: int = 0  # a record the command made (a re-assessment), else 0

    @property
    def last_seq(self) -> int:
        return self.events[-1].seq if self.events else 0


def needed_for(command: CallCommand) -> str:
    """The action (resources/access/roles.toml) the person signed in needs to send `command`:
    an export's note is the disclosure's, which the export checked and logged; every other
    command works the call."""
    if isinstance(command, RecordNote) and isinstance(command.note, Exported):
        return "record.export"
    if isinstance(command, RecordNote) and isinstance(command.note, TakenOver):
        return holding.needed_to_take_over(command.note)
    return "call.take"


class CallRecorder:
    """Holds one call's engine state and its record; every command is durable when it returns."""

    def __init__(self, store: Store, record_id: int, state: engine.State, user: str) -> None:
        self.store = store
        self.record_id = record_id
        self.state = state
        self.user = user
        self.holder = user  # who works the call: the taker, or the last it was taken over by
        self.created: tuple[StoredEvent, ...] = ()  # the events that made the record (start)
        self.notes: list[RecordedNote] = []
        self.closed = False
        self.time_passed = 0.0  # training: scenario seconds the trainer let pass, as recorded
        # The recommendation for `state`, kept in step by _commit: read this, don't recompute.
        self.advice = engine.recommend(state)

    @classmethod
    def start(
        cls,
        store: Store,
        pack: Pack,
        *,
        incident_ref: str,
        user: str,
        linked_from: int | None = None,
        command_id: str = "",
        scenario: Mapping[str, Any] | None = None,
        uid: str = "",
    ) -> "CallRecorder":
        gate.require(store, "call.take")  # first: the role's refusal is logged, however opened
        refuse_if_read_only(store)
        state = engine.start(pack)
        linked = {"previous": linked_from, **({COMMAND_KEY: command_id} if command_id else {})}
        link = [NewEvent("linked", linked)] if linked_from else []
        run = [NewEvent(SCENARIO_NOTE, dict(scenario))] if scenario is not None else []
        record_id, events = store.create_record(
            incident_ref=incident_ref,
            handler=user,
            force_profile=pack.jurisdiction,
            pack_id=pack.id,
            pack_version=pack.version,
            pack_hash=pack.content_hash,
            first_events=[*link, *run, shown_event(state)],
            uid=uid,
        )
        recorder = cls(store, record_id, state, user)
        recorder.created = tuple(events)
        return recorder

    @classmethod
    def begin(cls, store: Store, command: StartCall, user: str) -> "CallRecorder":
        """Run a StartCall: the new call, or (sent again) the one it made already."""
        if not first_sending(command.command_id):
            made = store.record_with_uid(command.record_uid)
            if made is not None:
                return cls.resume(store, made, lambda *_: command.pack, user)
        return cls.start(
            store,
            command.pack,
            incident_ref=command.incident_ref,
            user=user,
            scenario=command.scenario,
            uid=command.record_uid,
        )

    @classmethod
    def resume(
        cls, store: Store, record_id: int, find_pack: PackFinder, user: str, *, reason: str = ""
    ) -> "CallRecorder":
        """Rebuild the call exactly by replaying its stored engine events.

        Where someone is signed in, the record is consulted first (calls/gate.py): refused
        unless they may read records, and one someone else took only with `reason` (or one
        given for it earlier in the sign-in); logged either way. Working the call is checked
        command by command (`execute`), so a person who may only read can open it to read."""
        gate.consult(store, record_id, reason)
        try:
            call = read_call(store, record_id, find_pack)
        except PackNotInstalledError as error:
            raise StorageError(
                f"{error}, so it cannot be resumed exactly. It can still be read with "
                f"`rcrp-desktop show {record_id}`."
            ) from error
        recorder = cls(store, record_id, call.state, user)
        recorder._take(call.events)
        return recorder

    def execute(self, command: CallCommand) -> Written:
        """Run one command in one transaction and return what it wrote.

        Raises the engine's AnswerError for a step that does not fit (nothing is written),
        ClosureError for a close with something still missing, and StorageError when the
        write failed; in each case the state is unchanged and the command can be sent again.
        On records opened read-only every command is refused (OpenedReadOnlyError) first, and
        one the person signed in may not send (NotPermittedError, logged) next.
        """
        refuse_if_read_only(self.store)
        gate.require(self.store, needed_for(command))  # the person at the keyboard now
        if holding.works_the_call(command):
            gate.require_holder(self.store, self.record_id, self.holder)
        if command.record_id != self.record_id:
            raise ValueError(f"command for record {command.record_id} sent to {self.record_id}")
        first = first_sending(command.command_id)
        before = (
            []
            if first
            else self.store.command_events(self.record_id, command.command_id, COMMAND_KEY)
        )
        if before:  # written already (its success was never heard): adopt it, write nothing
            self._reload()
            opened = (
                int(before[-1].payload.get("record", 0)) if isinstance(command, Reassess) else 0
            )
            return Written(
                command, tuple(before), self.state, self.advice, repeated=True, opened=opened
            )
        tag = command.command_id
        match command:
            case AnswerQuestion():
                new = engine.answer(self.state, command.node, command.value, command.rationale)
                return self._commit(command, new, tag)
            case ChangeAnswer():
                new = engine.change(
                    self.state, command.node, command.value, command.rationale, command.reason
                )
                return self._commit(command, new, tag)
            case CompleteRationale():
                new = engine.complete_rationale(self.state, command.node, command.rationale)
                return self._commit(command, new, tag)
            case Decide():
                return self._commit(
                    command, engine.decide(self.state, command.code, command.rationale), tag
                )
            case RecordNote():
                return self._record(command, command.note)
            case Close():
                return self._close(command)
            case Reassess():
                return self._reassess(command, first)
            case LetTimePass():
                payload = {"seconds": command.seconds, COMMAND_KEY: tag}
                events = self.store.append(
                    self.record_id, [NewEvent(CLOCK_NOTE, payload)], self.user
                )
                self.time_passed += time_passed(payload)
                return Written(command, tuple(events), self.state, self.advice)
        raise TypeError(f"not a command: {command!r}")

    # Shorthands for the CLI, the tests and the benchmarks: each sends one command.

    def answer(self, node: str, value: Any, rationale: str = "") -> engine.State:
        return self.execute(
            AnswerQuestion(record_id=self.record_id, node=node, value=value, rationale=rationale)
        ).state

    def change(self, node: str, value: Any, rationale: str, reason: str) -> engine.State:
        command = ChangeAnswer(
            record_id=self.record_id, node=node, value=value, rationale=rationale, reason=reason
        )
        return self.execute(command).state

    def complete_rationale(self, node: str, rationale: str) -> engine.State:
        command = CompleteRationale(record_id=self.record_id, node=node, rationale=rationale)
        return self.execute(command).state

    def decide(self, code: OutcomeCode | str, rationale: str) -> engine.State:
        command = Decide(record_id=self.record_id, code=str(code), rationale=rationale)
        return self.execute(command).state

    def record(self, note: object) -> RecordedNote:
        """Record a handover, what the caller or referrer was told, a deployment or a review."""
        self.execute(RecordNote(record_id=self.record_id, note=note))
        return self.notes[-1]

    def take_over(self, by: str, reason: str) -> RecordedNote:
        """A supervisor takes over the call someone else holds (break-glass: call.unlock, and
        the reason typed in full, logged); from now on only `by` works it."""
        return self.record(TakenOver("", by, holding.SUPERVISOR, reason))

    def hand_over(self, to: str) -> RecordedNote:
        """At a shift change, the holder still signed in passes the open call to `to`, the
        next handler signed in at the same desk."""
        return self.record(TakenOver("", to, holding.SHIFT_CHANGE, "shift change at this desk"))

    def close(self) -> StoredEvent:
        """Close the call; refused with everything still missing (R15)."""
        return self.execute(Close(record_id=self.record_id)).events[-1]

    def reassess(self, reason: str) -> "CallRecorder":
        """Re-assess as a new, linked record (R16); the new record's call."""
        written = self.execute(Reassess(record_id=self.record_id, reason=reason))
        pack = self.state.pack
        return CallRecorder.resume(self.store, written.opened, lambda *_: pack, self.user)

    def _record(self, command: CallCommand, note: object) -> Written:
        if kind_of(note) not in FOLLOW_UP_KINDS:
            self._refuse_if_closed()
        if isinstance(note, TakenOver):
            note = holding.checked(self.store, self.record_id, note, self.holder)
        if too_long(asdict(note).values()):  # type: ignore[call-overload]
            raise AnswerError(
                f"a {kind_of(note)} note has a text over {TEXT_LIMIT:,} characters",
                Refusal.TOO_LONG,
                "",
            )
        payload = {**asdict(note), COMMAND_KEY: command.command_id}  # type: ignore[call-overload]
        events = self.store.append(self.record_id, [NewEvent(kind_of(note), payload)], self.user)
        event = events[0]
        self.notes.append(RecordedNote(note, event.utc, event.local, event.user))
        if isinstance(note, TakenOver):
            self.holder = note.by
        return Written(command, tuple(events), self.state, self.advice)

    def _close(self, command: CallCommand) -> Written:
        self._refuse_if_closed()
        missing = self.closure_blockers()
        if missing:
            raise ClosureError(missing)
        decision = self.state.decision
        assert decision is not None
        payload = {
            "decision": decision.code.value,
            "accepted": decision.accepted,
            COMMAND_KEY: command.command_id,
        }
        events = self.store.append(self.record_id, [NewEvent("closure", payload)], self.user)
        self.closed = True
        return Written(command, tuple(events), self.state, self.advice)

    def _reload(self) -> None:
        """Take the state from the record again: a command was written whose success was
        never heard here."""
        call = read_call(self.store, self.record_id, lambda *_: self.state.pack)
        self.state = call.state
        self.advice = engine.recommend(self.state)
        self._take(call.events)

    def _take(self, events: tuple[StoredEvent, ...]) -> None:
        """What the record's events hold beyond the engine's state: notes, closure, clock."""
        self.notes = list(recorded_notes(events))
        self.holder = holding.holder_of(events) or self.holder
        self.closed = any(e.kind == "closure" for e in events)
        self.time_passed = sum(time_passed(e.payload) for e in events if e.kind == CLOCK_NOTE)

    def overdue(self, now: datetime) -> tuple[Handover, datetime] | None:
        """An accepted handover past its re-check time without the partner confirming."""
        return overdue_handover(
            [(n.note, parse_utc(n.utc)) for n in self.notes],
            now,
        )

    def _reassess(self, command: Reassess, first: bool) -> Written:
        """The new record first (linked to this one, carrying the command's id), then the note
        here naming it: sent again after a failure between the two, the same new record is
        found and used, never a second one."""
        made = (
            [] if first else self.store.records_with(command.command_id, COMMAND_KEY, kind="linked")
        )
        if made:
            new_id = made[0]
        else:
            header = self.store.record(self.record_id)
            new = CallRecorder.start(
                self.store,
                self.state.pack,
                incident_ref=header.incident_ref,
                user=self.user,
                linked_from=self.record_id,
                command_id=command.command_id,
            )
            new_id = new.record_id
        written = self._record(command, Reassessment(new_id, command.reason))
        return Written(command, written.events, self.state, self.advice, opened=new_id)

    @property
    def professional_referral(self) -> bool:
        """Whether the caller is a professional whose agency must be told the decision."""
        test = self.state.pack.referral
        given = self.state.answers.get(test.node) if test else None
        return bool(test and given and given.value in test.values)

    def closure_blockers(self) -> list[str]:
        return blockers(
            self.advice,
            self.state.decision,
            [n.note for n in self.notes],
            professional_referral=self.professional_referral,
            pack=self.state.pack,
        )

    def _refuse_if_closed(self) -> None:
        # A fast, clear refusal here; the store refuses the same whoever writes (a trigger).
        if self.closed:
            raise RecordClosedError(
                f"Record {self.record_id} is closed: nothing more can be added. "
                "Start a linked re-assessment instead."
            )

    def _commit(self, command: CallCommand, new: engine.State, tag: str) -> Written:
        self._refuse_if_closed()
        category = new.pack.category_node
        events = [
            NewEvent(step.action, {**step_payload(step, category), COMMAND_KEY: tag})
            for step in new.history[len(self.state.history) :]
        ]
        after = engine.recommend(new)
        if advice_key(self.advice) != advice_key(after):
            events.append(NewEvent("recommendation", {**advice_payload(after), COMMAND_KEY: tag}))
        if not new.finished and new.current != self.state.current:
            events.append(NewEvent("question_shown", {"node": new.current, COMMAND_KEY: tag}))
        written = self.store.append(self.record_id, events, self.user)
        self.state, self.advice = new, after  # only now: the step is on disk
        return Written(command, tuple(written), new, after)
