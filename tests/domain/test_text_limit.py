"""One limit on the text of any entry (domain/limits.py): over it, the step is refused with a
kind the window words; at it, the step is recorded."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from rcrp_desktop.calls.commands import AnswerQuestion, RecordNote
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.call.closure import Handover
from rcrp_desktop.domain.errors import AnswerError, Refusal
from rcrp_desktop.domain.limits import TEXT_LIMIT
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.repository import Store

AT = "a" * TEXT_LIMIT
OVER = AT + "a"


def test_a_rationale_a_typed_answer_and_a_reason_over_the_limit_are_refused(
    england: Pack,
) -> None:
    state = engine.start(england)
    with pytest.raises(AnswerError) as raised:
        engine.answer(state, "ctx_location", OVER)
    assert raised.value.kind is Refusal.TOO_LONG and raised.value.node == "ctx_location"
    state = engine.answer(state, "ctx_location", AT)  # at the limit: recorded
    with pytest.raises(AnswerError, match=f"over {TEXT_LIMIT:,}") as raised:
        engine.answer(state, "ctx_callback", "07700 900123", OVER)
    state = engine.answer(state, "ctx_callback", "07700 900123", AT)
    with pytest.raises(AnswerError) as raised:
        engine.change(state, "ctx_location", "Flat 2", "", OVER)
    assert raised.value.kind is Refusal.TOO_LONG


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = Store.open(data_dir / "records.sqlite3", "live")
    yield opened
    opened.close()


def test_a_note_over_the_limit_is_refused_and_nothing_is_written(
    store: Store, england: Pack
) -> None:
    recorder = CallRecorder.start(store, england, incident_ref="INC-1", user="PC 1")
    before = len(store.events(recorder.record_id))
    long_note = Handover("crisis_team", "Trust", "CRT", "Nurse A", "phone", "accepted", OVER)
    with pytest.raises(AnswerError) as raised:
        recorder.execute(RecordNote(record_id=recorder.record_id, note=long_note))
    assert raised.value.kind is Refusal.TOO_LONG
    assert len(store.events(recorder.record_id)) == before
    recorder.execute(AnswerQuestion(record_id=recorder.record_id, node="ctx_location", value=AT))
    assert len(store.events(recorder.record_id)) > before
