"""Whole calls through the real window, decision to closure, checked against the stored record."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.identity import Handler, load_handler
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory, as_shown
from tests.ui.test_main_window import answer_by_keyboard, on_to_owed, press, start_call

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def play(qtbot: QtBot, window: MainWindow, script_name: str) -> None:
    script = load_script(examples_dir() / script_name)
    start_call(qtbot, window, script.pack)
    for step in script.steps:
        on_to_owed(qtbot, window)
        assert window.question_view.question is not None
        assert window.question_view.question.id == step.node
        answer_by_keyboard(qtbot, window, step.answer, step.rationale)


def handed_over_with_a_recheck(
    qtbot: QtBot, window: MainWindow, forms: list[dict[str, Any]]
) -> int:
    """A welfare call accepted and handed over with a 30-minute re-check; its record id."""
    play(qtbot, window, "welfare-crisis-team.json")
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    forms.append(
        {
            "agency": "Testshire NHS Trust",
            "contact": "Nurse B. Example",
            "status": "accepted",
            "no_reference": "The team gives none by phone",
            "eta": "within the hour",
            "recheck_minutes": "30",
        }
    )
    press(qtbot, window, Qt.Key.Key_H, CTRL)
    assert window.session is not None
    return window.session.record_id


def half_an_hour_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The overdue check looks 31 minutes ahead: a 30-minute re-check has passed."""
    from datetime import UTC, datetime, timedelta

    from rcrp_desktop.calls import followups

    real = followups.overdue_records
    later = datetime.now(UTC) + timedelta(minutes=31)
    monkeypatch.setattr(followups, "overdue_records", lambda store: real(store, later))


def kinds(store: Store, record_id: int) -> list[str]:
    return [e.kind for e in store.events(record_id)]


def test_welfare_call_to_crisis_team_closes_only_once_the_caller_is_told(
    qtbot: QtBot,
    window: MainWindow,
    store: Store,
    forms: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    play(qtbot, window, "welfare-crisis-team.json")
    assert window.session is not None
    record = window.session.record_id
    panel = window.call_page.closure
    assert not panel.buttons["close_call"].isEnabled()
    press(qtbot, window, Qt.Key.Key_Return, CTRL)  # accept the recommendation
    forms.append(
        {
            "agency": "Testshire NHS Trust",
            "team": "Crisis Resolution Team",
            "contact": "Nurse B. Example",
            "status": "accepted",
            "reference": "CRT-1",
            "eta": "within 2 hours",
        }
    )
    press(qtbot, window, Qt.Key.Key_H, CTRL)
    assert "caller was told" in panel.blockers.text()
    assert not panel.buttons["close_call"].isEnabled()
    refused: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: refused.append(a[2]))
    press(qtbot, window, Qt.Key.Key_C, CTRL | SHIFT)  # closing now is refused, with why
    assert refused
    assert "caller" in refused[0]
    assert store.record(record).status == "open"
    forms.append(
        {
            "advice": "111 option 2; 999 if he is in danger",
            "recontact_triggers": "weapon, injury, he leaves the flat",
            "acknowledged": True,
        }
    )
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    assert panel.buttons["close_call"].isEnabled()
    press(qtbot, window, Qt.Key.Key_C, CTRL | SHIFT)
    assert store.record(record).status == "closed"
    told = next(e.payload for e in store.events(record) if e.kind == "caller_informed")
    assert told["police_attending"] is False
    assert "Police will not be coming" in told["wording"]  # the pack's wording, read out
    assert kinds(store, record)[-1] == "closure"


def test_urgent_awol_is_deployed_at_once_and_the_rationale_follows(
    qtbot: QtBot, window: MainWindow, store: Store, forms: list[dict[str, Any]]
) -> None:
    start_call(qtbot, window, "rcrp-england")
    script = load_script(examples_dir() / "awol-restricted-patient.json")
    for step in script.steps:
        on_to_owed(qtbot, window)
        if step.node == "thr_life":
            answer_by_keyboard(qtbot, window, "yes", "")  # no rationale: deploy first
            assert window.urgent.isVisible()
            forms.append({"resource": "Unit 14", "grade": "immediate"})
            press(qtbot, window, Qt.Key.Key_D, CTRL)  # recorded at once, mid-questions
            continue
        answer_by_keyboard(qtbot, window, step.answer, step.rationale)
    assert window.session is not None
    record = window.session.record_id
    events = store.events(record)
    deployed = next(e for e in events if e.kind == "deployment")
    life = next(e for e in events if e.kind == "answer" and e.payload["node"] == "thr_life")
    assert life.seq < deployed.seq  # the times show the order it happened in
    assert "rationale" in window.call_page.closure.blockers.text()
    # Documenting afterwards: back to the question, the rationale, Enter; the original
    # answer keeps its original time.
    for _ in range(40):
        if window.question_view.question and window.question_view.question.id == "thr_life":
            break
        press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(window.question_view.rationale, "Texted his sister that he has a rope")
    press(qtbot, window, Qt.Key.Key_Return)
    completed = [e for e in store.events(record) if e.kind == "rationale"]
    assert completed[0].payload["node"] == "thr_life"
    assert store.events(record)[life.seq - 1].utc == life.utc


def test_walk_out_after_naloxone_routes_to_the_ambulance(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    play(qtbot, window, "walkout-naloxone-ambulance.json")
    assert window.session is not None
    advice = window.session.recommendation()
    assert advice.partner == "ambulance"
    events = store.events(window.session.record_id)
    ticked = next(e for e in events if e.kind == "answer" and e.payload["node"] == "rf_checklist")
    assert "naloxone" in ticked.payload["value"]


def test_a_child_at_home_gets_a_safeguarding_decision(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    play(qtbot, window, "welfare-child-at-home-risk-unknown.json")
    assert window.session is not None
    answers = {
        e.payload["node"]: e.payload
        for e in store.events(window.session.record_id)
        if e.kind == "answer"
    }
    ticked = (answers.get("sg_concerns") or answers["sg_concerns_young"])["value"]
    assert {"children", "unknown"} & set(ticked)
    assert answers["sg_child_risk"]["rationale"], "the children's ages and carers"
    # A child at risk is a concern on record: a referral, or a reason why not, is required.
    assert answers["sg_referral_concern"]["rationale"]
    assert "sg_referral" not in answers
    assert window.session.recommendation().police_attend


def test_disagreeing_needs_a_rationale_and_a_supervisor_review(
    qtbot: QtBot, window: MainWindow, store: Store, forms: list[dict[str, Any]]
) -> None:
    play(qtbot, window, "welfare-crisis-team.json")
    forms.append({"code": "POLICE_DEPLOY", "rationale": "Third call tonight from this address"})
    press(qtbot, window, Qt.Key.Key_Return, CTRL | SHIFT)
    assert window.session is not None
    decision = window.session.state.decision
    assert decision is not None
    assert not decision.accepted
    assert "supervisor" in window.call_page.closure.blockers.text()
    decided = [e.payload for e in store.events(window.session.record_id) if e.kind == "decide"]
    assert len(decided) == 1 and len(decided[0].pop("command")) == 32  # the command that wrote it
    assert decided == [
        {
            "action": "decide",
            "node": "out_crisis_team",
            "value": "POLICE_DEPLOY",
            "rationale": "Third call tonight from this address",
            "reason": "",
        }
    ]


def test_a_call_resumed_after_the_app_was_killed_carries_on(
    qtbot: QtBot, make_window: WindowFactory, store: Store
) -> None:
    first = make_window(store)
    play(qtbot, first, "welfare-crisis-team.json")
    press(qtbot, first, Qt.Key.Key_Return, CTRL)
    assert first.session is not None
    record, state = first.session.record_id, first.session.state
    first.deleteLater()  # as if killed: nothing more is written
    again = make_window(store)
    press(qtbot, again, Qt.Key.Key_Return)  # resume the offered call
    assert again.session is not None
    assert again.session.record_id == record
    assert again.session.state == state
    assert "decision: accepted" in again.call_page.closure.decision.text().lower()


def test_the_log_summary_is_copied_for_the_incident_log(qtbot: QtBot, window: MainWindow) -> None:
    play(qtbot, window, "welfare-crisis-team.json")
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    press(qtbot, window, Qt.Key.Key_L, CTRL)
    text = QApplication.clipboard().text()
    assert text.startswith("RCRP record 1 | incident INC-TEST-1")
    assert "Recommendation: Partner lead" in text and "PARTNER_LEAD_NO_POLICE" not in text
    assert "Handler's decision:" in text
    assert "<" not in text  # plain text only


def test_a_shift_change_stamps_later_events_with_the_new_handler(
    qtbot: QtBot,
    make_window: WindowFactory,
    store: Store,
    data_dir: Path,
    forms: list[dict[str, Any]],
) -> None:
    window = make_window(store)
    window.data_dir = data_dir
    start_call(qtbot, window, "rcrp-england")
    answer_by_keyboard(qtbot, window, "family", "")
    forms.append({"collar": "PC 9001", "name": "Sam Example", "role": "call handler"})
    press(qtbot, window, Qt.Key.Key_I, CTRL | SHIFT)
    answer_by_keyboard(qtbot, window, "", "")
    assert window.session is not None
    users = [(e.kind, e.user) for e in store.events(window.session.record_id)]
    assert ("answer", "PC 4821") in users
    assert ("answer", "PC 9001 Sam Example (call handler)") in users
    assert load_handler(data_dir) == Handler("PC 9001", "Sam Example", "call handler")


def test_an_overdue_partner_is_flagged_and_reassessed_as_a_linked_call(
    qtbot: QtBot,
    window: MainWindow,
    store: Store,
    forms: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = handed_over_with_a_recheck(qtbot, window, forms)
    window.check_overdue()
    assert not window.overdue_bar.isVisible()
    half_an_hour_on(monkeypatch)
    window.check_overdue()
    assert window.overdue_bar.isVisible()
    assert window.overdue_bar.window() is window  # in the window, not a stray top-level
    assert f"record {first}" in window.overdue_bar.message.text()
    press(qtbot, window, Qt.Key.Key_R, CTRL | SHIFT)
    assert window.session.record_id != first  # a new, linked call is open at question 1
    assert window.question_view.question is not None
    assert window.question_view.question.id == "ctx_location"
    assert store.events(window.session.record_id)[1].kind == "linked"
    assert not window.overdue_bar.isVisible()


def test_the_handover_offers_the_force_directory_partners(
    qtbot: QtBot, window: MainWindow, store: Store, forms: list[dict[str, Any]], data_dir: Path
) -> None:
    window.data_dir = data_dir
    play(qtbot, window, "welfare-crisis-team.json")
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    offered: list[Any] = []

    def pick(
        cls: type, parent: object, title: str, intro: str, fields: list[Any], check: Any = None
    ) -> Any:
        choices = next(f for f in fields if f.name == "directory").choices
        offered.extend(choices)
        return {f.name: as_shown(f) for f in fields} | {"agency": "", "directory": choices[1][0]}

    import rcrp_desktop.ui.dialogs.forms as form_dialog

    forms.clear()
    pytest.MonkeyPatch().setattr(form_dialog.FormDialog, "ask", classmethod(pick))
    press(qtbot, window, Qt.Key.Key_H, CTRL)
    assert len(offered) > 1  # the crisis teams of the England directory
    assert window.session is not None
    handover = window.session.recorder.notes[-1].note
    assert handover.agency  # filled from the directory entry
    assert handover.agency in offered[1][1]


def test_a_call_in_a_phase_not_live_for_the_force_says_so(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    window.data_dir = data_dir  # the England seed: section 136 handovers are not live yet
    start_call(qtbot, window, "rcrp-england")
    for step in load_script(examples_dir() / "s136-handover-over-hour-escalate.json").steps:
        answer_by_keyboard(qtbot, window, step.answer, step.rationale)
        if step.node == "cat":
            break
    assert window.notice.isVisible()
    assert "not live for this force" in window.notice.text()


def test_find_calls_searches_and_opens_a_call(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    play(qtbot, window, "welfare-crisis-team.json")
    assert window.session is not None
    record = window.session.record_id
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    panel = window.records_panel
    assert panel is not None
    assert window.pages.currentWidget() is panel
    qtbot.wait_until(lambda: panel.model.rowCount() == 1, timeout=5000)
    panel.table.setFocus()
    panel.table.selectRow(0)
    with qtbot.wait_signal(panel.open_requested, timeout=2000) as opened:
        press(qtbot, window, Qt.Key.Key_Return)
    assert opened.args == [record]
    assert window.pages.currentWidget() is window.call_page


def test_answering_creates_no_widgets_or_timers_beyond_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtCore import QTimer

    before_timers = len(window.findChildren(QTimer))
    before_tops = len(QApplication.topLevelWidgets())
    play(qtbot, window, "welfare-crisis-team.json")
    assert len(window.findChildren(QTimer)) <= before_timers + 2  # Qt's own, not ours
    assert len(QApplication.topLevelWidgets()) == before_tops
