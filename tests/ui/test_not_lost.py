"""Nothing lost, nothing falsely "saved": the four ways the window used to lose an answer.

Each drives the real window on a database made to refuse writes for a moment (PRAGMA
query_only, as a locked, read-only or full disk does), then lets it recover. The answer must
end in the record exactly once, under its own question, and "saved" is never shown while
anything is waiting.
"""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rcrp_desktop.export.handover import HandoverRequest
from rcrp_desktop.export.recipients import load_templates
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import verify
from rcrp_desktop.ui import export_flow
from rcrp_desktop.ui.dialogs import ChangeReasonDialog
from rcrp_desktop.ui.main_window import MainWindow
from tests.ui.test_main_window import answer_by_keyboard, press, start_call, walk_window_to

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


def refuse_writes(store: Store, refuse: bool) -> None:
    store.db.execute(f"PRAGMA query_only = {'ON' if refuse else 'OFF'}")


def answers_to(store: Store, record: int, node: str) -> list[dict[str, Any]]:
    return [
        e.payload
        for e in store.events(record)
        if e.kind in ("answer", "change") and e.payload["node"] == node
    ]


def says_saved(window: MainWindow) -> bool:
    return "saved" in window.saved_label.text().replace("NOT SAVED", "")


def test_a_deployment_after_a_failed_answer_saves_the_answer_first(
    qtbot: QtBot, window: MainWindow, store: Store, forms: list[dict[str, Any]]
) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "ctx_why_now")
    record = window.session.record_id
    refuse_writes(store, True)
    answer_by_keyboard(qtbot, window, "Sister had a goodbye text at 14:10", "")
    assert window.not_saved_bar.isVisible() and not says_saved(window)
    assert "What has prompted the call now?" in window.not_saved.text()  # named by its text
    # Still refusing: the deployment waits behind the answer; nothing says "saved".
    forms.append({"resource": "Unit 14", "grade": "immediate"})
    press(qtbot, window, Qt.Key.Key_D, CTRL)
    assert "the deployment" in window.not_saved.text() and not says_saved(window)
    # The disk recovers; the handler records another note: everything waiting goes first.
    refuse_writes(store, False)
    forms.append({"resource": "Unit 15", "grade": "immediate"})
    press(qtbot, window, Qt.Key.Key_D, CTRL)
    assert not window.not_saved_bar.isVisible() and says_saved(window)
    kinds = [
        (e.kind, e.payload.get("node") or e.payload.get("resource")) for e in store.events(record)
    ]
    answered = kinds.index(("answer", "ctx_why_now"))
    assert (
        answered < kinds.index(("deployment", "Unit 14")) < kinds.index(("deployment", "Unit 15"))
    )
    assert len(answers_to(store, record, "ctx_why_now")) == 1
    assert verify(store) == []


def test_a_retry_after_looking_back_saves_the_answer_to_its_own_question(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "danger_crime")
    record = window.session.record_id
    refuse_writes(store, True)
    answer_by_keyboard(qtbot, window, "no", "Nothing taken, nobody hurt or threatened")
    assert window.not_saved_bar.isVisible()
    press(qtbot, window, Qt.Key.Key_Left, ALT)  # looks back at the danger-to-life answer
    assert window.question_view.question.id == "danger_life"
    refuse_writes(store, False)
    press(qtbot, window, Qt.Key.Key_S, CTRL)
    assert not window.not_saved_bar.isVisible() and says_saved(window)
    crime = answers_to(store, record, "danger_crime")
    assert [(a["value"], a["rationale"]) for a in crime] == [
        ("no", "Nothing taken, nobody hurt or threatened")
    ]
    assert len(answers_to(store, record, "danger_life")) == 1  # untouched
    assert window.session.state.answers["danger_crime"].value == "no"


def test_a_failed_change_retried_after_going_back_changes_its_own_question(
    qtbot: QtBot, window: MainWindow, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        ChangeReasonDialog, "ask", classmethod(lambda cls, parent, text: "Caller corrected it")
    )
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "ctx_person")
    record = window.session.record_id
    press(qtbot, window, Qt.Key.Key_Left, ALT)  # back to who is calling
    assert window.question_view.question.id == "ctx_caller_type"
    refuse_writes(store, True)
    answer_by_keyboard(qtbot, window, "family", "Her son, Sam")  # a change, with its reason
    assert window.not_saved_bar.isVisible()
    press(qtbot, window, Qt.Key.Key_Left, ALT)  # on to another question before retrying
    press(qtbot, window, Qt.Key.Key_Left, ALT)
    refuse_writes(store, False)
    press(qtbot, window, Qt.Key.Key_S, CTRL)
    changes = [e.payload for e in store.events(record) if e.kind == "change"]
    assert len(changes) == 1
    assert (changes[0]["node"], changes[0]["value"], changes[0]["reason"]) == (
        "ctx_caller_type",
        "family",
        "Caller corrected it",
    )
    assert not window.not_saved_bar.isVisible() and says_saved(window)
    assert verify(store) == []


def test_an_export_finishing_after_another_call_is_opened_lands_on_its_own_record(
    qtbot: QtBot,
    window: MainWindow,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(export_flow, "open_document", opened.append)
    monkeypatch.setattr(export_flow, "ask_pdf_path", lambda parent, suggested: tmp_path / "h")
    monkeypatch.setattr(
        export_flow,
        "ask_export",
        lambda parent, source: export_flow.ExportChoice(
            export_flow.PDF_FILE, HandoverRequest(load_templates().recipient("crisis_team"))
        ),
    )
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "ctx_caller_type")
    first = window.session.record_id
    press(qtbot, window, Qt.Key.Key_E, CTRL)  # built off the GUI thread...
    start_call(qtbot, window, "rcrp-england")  # ...while the handler opens another call
    assert window.session.record_id != first
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    assert opened == [tmp_path / "h.pdf"] and (tmp_path / "h.pdf").exists()
    assert store.events(first)[-1].kind == "exported"
    assert all(e.kind != "exported" for e in store.events(window.session.record_id))


def test_enter_again_on_an_answer_waiting_to_be_saved_retries_it_not_twice(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    start_call(qtbot, window, "rcrp-england")
    record = window.session.record_id
    refuse_writes(store, True)
    answer_by_keyboard(qtbot, window, "Flat 2, 3 Example Road", "")
    press(qtbot, window, Qt.Key.Key_Return)  # again, as a handler does when nothing happens
    assert len(window.session.outbox.waiting) == 1
    refuse_writes(store, False)
    press(qtbot, window, Qt.Key.Key_Return)  # and again: now it saves, once
    assert window.session.outbox.saved and says_saved(window)
    assert len(answers_to(store, record, "ctx_location")) == 1
    assert window.question_view.question.id == "ctx_callback"


def test_a_call_that_cannot_be_started_waits_and_opens_once_when_saved(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    refuse_writes(store, True)
    window.pack_choice.setCurrentIndex(window.pack_choice.findData("rcrp-england"))
    press(qtbot, window, Qt.Key.Key_N, CTRL)
    assert window.session is None and store.recent(10) == []
    assert "starting the call for incident INC-TEST-1" in window.not_saved.text()
    assert window.not_saved_bar.isVisible() and not says_saved(window)
    press(qtbot, window, Qt.Key.Key_S, CTRL)  # still refusing: still waiting, nothing made
    assert window.session is None and window.not_saved_bar.unsaved
    refuse_writes(store, False)
    press(qtbot, window, Qt.Key.Key_S, CTRL)
    assert window.session is not None and not window.not_saved_bar.unsaved
    assert [r.id for r in store.recent(10)] == [window.session.record_id]
    assert store.record(window.session.record_id).incident_ref == "INC-TEST-1"
    assert window.question_view.question is not None
    assert window.question_view.question.id == "ctx_location"


def test_a_partner_confirmation_for_another_call_waits_by_itself_until_saved(
    qtbot: QtBot,
    window: MainWindow,
    store: Store,
    forms: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.ui.test_workflow import half_an_hour_on, handed_over_with_a_recheck

    first = handed_over_with_a_recheck(qtbot, window, forms)
    start_call(qtbot, window, "rcrp-england")  # another call on screen now
    second = window.session.record_id
    half_an_hour_on(monkeypatch)
    window.check_overdue()
    assert f"record {first}" in window.overdue_bar.message.text()
    refuse_writes(store, True)
    forms.append({"by": "Duty nurse, Testshire NHS Trust", "detail": "Seen at home at 15:20"})
    press(qtbot, window, Qt.Key.Key_P, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert "NOT SAVED: the partner's confirmation" in window.not_saved.text()
    assert not says_saved(window)
    # An answer on the call on screen is saved, and does not clear what waits for the other.
    refuse_writes(store, False)
    answer_by_keyboard(qtbot, window, "Flat 2, 3 Example Road", "")
    assert "the partner's confirmation" in window.not_saved.text() and not says_saved(window)
    press(qtbot, window, Qt.Key.Key_S, CTRL)
    assert not window.not_saved_bar.unsaved and not window.not_saved_bar.isVisible()
    confirmed = [e for e in store.events(first) if e.kind == "partner_confirmed"]
    assert len(confirmed) == 1 and confirmed[0].payload["by"].startswith("Duty nurse")
    assert all(e.kind != "partner_confirmed" for e in store.events(second))
    assert verify(store) == []
