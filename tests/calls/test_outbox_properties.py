"""Any interleaving of commands, failed writes and retries stores exactly what the same commands
store with nothing failing, and the record replays to the same state."""

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rcrp_desktop.calls.commands import (
    AnswerQuestion,
    CallCommand,
    Decide,
    Reassess,
    RecordNote,
    StartCall,
)
from rcrp_desktop.calls.outbox import Outbox
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.call.closure import Deployment
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.records import NewEvent, StoredEvent
from rcrp_desktop.storage.repository import Store
from tests.domain.test_properties import random_answer

USER = "PC 4821 Test"
RUNS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class FlakyStore(Store):
    """A store whose writes can be made to fail before the commit (nothing written), or after
    it (written, but the caller hears a failure, as when the machine stops at that moment)."""

    fail_before = False
    fail_after = False

    def append(
        self, record_id: int, events: Sequence[NewEvent], user: str, now: datetime | None = None
    ) -> list[StoredEvent]:
        if self.fail_before:
            raise StorageError("the disk is full (test)")
        written = super().append(record_id, events, user, now)
        if self.fail_after:
            self.fail_after = False  # once: the next attempt hears the truth
            raise StorageError("the write was not confirmed (test)")
        return written

    def create_record(self, **header: Any) -> tuple[int, list[StoredEvent]]:
        if self.fail_before:
            raise StorageError("the disk is full (test)")
        made = super().create_record(**header)
        if self.fail_after:
            self.fail_after = False
            raise StorageError("the write was not confirmed (test)")
        return made


def plan(pack: Pack, data: st.DataObject) -> list[tuple[str, Any, str]]:
    """A call's answers, drawn as the property tests draw a walk: (node, value, rationale)."""
    state = engine.start(pack)
    steps = []
    while not state.finished:
        question = pack.question(state.current)
        value, rationale = random_answer(data, question)
        state = engine.answer(state, question.id, value, rationale)
        steps.append((question.id, value, rationale))
    return steps


def commands_for(
    record: int, steps: list[tuple[str, Any, str]], data: st.DataObject
) -> list[CallCommand]:
    """The answers as commands, with deployments noted along the way and a decision at the end."""
    commands: list[CallCommand] = []
    for number, (node, value, rationale) in enumerate(steps):
        commands.append(
            AnswerQuestion(record_id=record, node=node, value=value, rationale=rationale)
        )
        if data.draw(st.integers(0, 9)) == 0:
            commands.append(RecordNote(record_id=record, note=Deployment(f"Unit {number}", "i")))
    return commands


def stored(store: Store, record: int) -> list[tuple[str, Any]]:
    """What a record holds, without the times and hashes that differ from run to run."""
    return [(e.kind, e.payload) for e in store.events(record)[1:]]  # after 'created'


def fresh(folder: Path, pack: Pack) -> tuple[FlakyStore, CallRecorder]:
    store = FlakyStore.open(folder / "records.sqlite3", "live")
    return store, CallRecorder.start(store, pack, incident_ref="INC-PROP", user=USER)


@RUNS
@given(data=st.data())
def test_failures_and_retries_store_exactly_what_no_failure_would(
    tmp_path_factory: Any, england: Pack, data: st.DataObject
) -> None:
    steps = plan(england, data)
    calm_store, calm = fresh(tmp_path_factory.mktemp("calm"), england)
    commands = commands_for(calm.record_id, steps, data)
    advice = engine.recommend(
        engine.replay(
            england,
            [{"action": "answer", "node": n, "value": v, "rationale": r} for n, v, r in steps],
        )
    )
    if advice.ready and advice.code is not None:
        commands.append(Decide(record_id=calm.record_id, code=advice.code.value))
    for command in commands:
        calm.execute(command)

    store, recorder = fresh(tmp_path_factory.mktemp("flaky"), england)
    outbox = Outbox(recorder)
    for command in commands:
        store.fail_before = data.draw(st.integers(0, 3)) == 0
        store.fail_after = not store.fail_before and data.draw(st.integers(0, 5)) == 0
        sent = outbox.send(command)
        assert not sent.refused, sent.refused
        if data.draw(st.booleans()):
            store.fail_before = data.draw(st.booleans())
            assert not outbox.retry().refused
    store.fail_before = store.fail_after = False
    while outbox.waiting:
        assert not outbox.retry().refused
    # A command whose success was never heard was written once, and not again on its retry.
    assert stored(store, recorder.record_id) == stored(calm_store, calm.record_id)
    again = CallRecorder.resume(store, recorder.record_id, lambda *_: england, USER)
    assert again.state == calm.state == recorder.state
    calm_store.close()
    store.close()


def test_a_command_sent_twice_is_written_once(tmp_path: Path, england: Pack) -> None:
    store, recorder = fresh(tmp_path, england)
    command = AnswerQuestion(record_id=recorder.record_id, node="ctx_location", value="Flat 2")
    first = recorder.execute(command)
    again = recorder.execute(command)
    assert again.repeated and not first.repeated
    assert again.events == first.events
    assert [e.payload.get("node") for e in store.events(1) if e.kind == "answer"] == [
        "ctx_location"
    ]
    store.close()


def test_only_a_never_sent_id_made_here_skips_the_look_up(tmp_path: Path, england: Pack) -> None:
    """A command is looked up in the record unless its id is fresh: an id given by hand (as a
    resumed or another recorder may send) is found written and is not written twice."""
    store, recorder = fresh(tmp_path, england)
    first = recorder.execute(
        AnswerQuestion(record_id=recorder.record_id, node="ctx_location", value="Flat 2")
    )
    resumed = CallRecorder.resume(store, recorder.record_id, lambda *_: england, USER)
    by_hand = AnswerQuestion(
        record_id=recorder.record_id,
        node="ctx_location",
        value="Flat 2",
        command_id=first.command.command_id,
    )
    again = resumed.execute(by_hand)
    assert again.repeated and again.events == first.events
    assert len([e for e in store.events(1) if e.kind == "answer"]) == 1
    store.close()


def test_a_waiting_command_leaves_only_by_its_own_success(tmp_path: Path, england: Pack) -> None:
    store, recorder = fresh(tmp_path, england)
    outbox = Outbox(recorder)
    store.fail_before = True
    outbox.send(AnswerQuestion(record_id=1, node="ctx_location", value="Flat 2"))
    outbox.send(RecordNote(record_id=1, note=Deployment("Alpha 21", "immediate")))
    assert [w.command.question for w in outbox.waiting] == ["ctx_location", ""]
    assert not outbox.retry().written and len(outbox.waiting) == 2  # still failing: both wait
    store.fail_before = False
    sent = outbox.retry()
    assert [type(w.command).__name__ for w in sent.written] == ["AnswerQuestion", "RecordNote"]
    assert outbox.saved
    store.close()


def test_a_waiting_command_the_engine_then_refuses_is_reported_not_dropped_silently(
    tmp_path: Path, england: Pack
) -> None:
    store, recorder = fresh(tmp_path, england)
    outbox = Outbox(recorder)
    store.fail_before = True
    outbox.send(AnswerQuestion(record_id=1, node="ctx_location", value="Flat 2"))
    outbox.send(AnswerQuestion(record_id=1, node="ctx_location", value="Flat 3"))  # twice
    store.fail_before = False
    sent = outbox.retry()
    assert len(sent.written) == 1
    assert [(c.question, e.kind) for c, e in sent.refused] == [("ctx_location", "not_current")]
    store.close()


def test_a_reassessment_sent_again_after_a_failure_makes_one_new_record(
    tmp_path: Path, england: Pack
) -> None:
    """The new record is made, then the note naming it fails: sent again, the same record is
    found and named, never a second one."""
    store, recorder = fresh(tmp_path, england)
    command = Reassess(record_id=recorder.record_id, reason="Partner did not confirm by 15:00")
    store.fail_before = False

    real_append = store.append

    def fail_the_note(record_id: int, events: Any, user: str, now: Any = None) -> Any:
        if record_id == recorder.record_id and events[0].kind == "reassessment":
            raise StorageError("the disk is full (test)")
        return real_append(record_id, events, user, now)

    store.append = fail_the_note  # type: ignore[method-assign]
    outbox = Outbox(recorder)
    outbox.send(command)
    assert outbox.waiting
    store.append = real_append  # type: ignore[method-assign]
    sent = outbox.retry()
    assert len(sent.written) == 1 and sent.written[0].opened == 2
    assert [r.id for r in store.recent(10)] == [2, 1]  # one new record, not two
    note = [e for e in store.events(1) if e.kind == "reassessment"]
    assert len(note) == 1 and note[0].payload["record"] == 2
    assert store.events(2)[1].payload["previous"] == 1
    store.close()


def test_a_start_sent_again_makes_one_record_whatever_failed(tmp_path: Path, england: Pack) -> None:
    store = FlakyStore.open(tmp_path / "records.sqlite3", "live")
    command = StartCall(pack=england, incident_ref="INC-START")
    store.fail_before = True
    with pytest.raises(StorageError):
        CallRecorder.begin(store, command, USER)
    assert store.recent(10) == []
    store.fail_before, store.fail_after = False, True  # made, but the success is never heard
    with pytest.raises(StorageError):
        CallRecorder.begin(store, command, USER)
    recorder = CallRecorder.begin(store, command, USER)  # sent again: that record, not another
    assert [r.id for r in store.recent(10)] == [recorder.record_id]
    assert store.record(recorder.record_id).uid == command.record_uid
    assert recorder.state.current == england.start
    # A new command is a new call, even for the same incident.
    other = CallRecorder.begin(store, StartCall(pack=england, incident_ref="INC-START"), USER)
    assert other.record_id != recorder.record_id
    store.close()


def test_a_scenario_run_is_made_with_its_note_in_one_transaction(
    tmp_path: Path, england: Pack
) -> None:
    store = FlakyStore.open(tmp_path / "training.sqlite3", "training")
    note = {"scenario": "s1", "version": "1", "title": "T", "sha256": "0" * 64, "trainee": "PC 1"}
    recorder = CallRecorder.begin(
        store, StartCall(pack=england, incident_ref="TRAINING s1", scenario=note), USER
    )
    kinds = [e.kind for e in store.events(recorder.record_id)]
    assert kinds == ["created", "training_scenario", "question_shown"]
    assert len({e.utc for e in store.events(recorder.record_id)}) == 1  # one transaction
    store.close()
