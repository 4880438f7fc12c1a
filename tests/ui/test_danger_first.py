"""Danger first in the window: the urgent answer puts police on screen at once; the questions
still owed are a key away, and the decision taken at once stands while they are answered."""

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.theme import apply_theme
from tests.artifacts import artifacts
from tests.ui.conftest import WindowFactory
from tests.ui.test_main_window import answer_by_keyboard, press, start_call, walk_window_to
from tests.walk import default_answer

SCREENS = artifacts("screens")
CTRL = Qt.KeyboardModifier.ControlModifier


def snap(window: MainWindow, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    assert window.grab().save(str(SCREENS / f"{name}.png")), name


def to_the_danger_screen(qtbot: QtBot, window: MainWindow, pack_id: str) -> None:
    start_call(qtbot, window, pack_id)
    answer_by_keyboard(qtbot, window, "Platform 3, Testtown Central", "")
    answer_by_keyboard(qtbot, window, "07700 900123", "")
    assert window.question_view.question.id == "danger_life"


def test_an_urgent_answer_shows_police_attendance_at_once(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    to_the_danger_screen(qtbot, window, "rcrp-england")
    answer_by_keyboard(qtbot, window, "yes", "")  # no rationale: never held up for it
    session = window.session
    assert session is not None and session.showing_advice
    assert window.call_stack.currentIndex() == 1, "the recommendation, not another question"
    result = window.call_page.result_view
    assert result.title.text() == "Recommendation: Police deploy"
    assert "Still owed afterwards" in result.text.text()
    assert session.pack.question("danger_crime").text in result.text.text()
    assert window.urgent.isVisible()
    # Ctrl+Enter accepts it now; the window goes on to the first question still owed.
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert session.state.decision is not None
    assert session.state.decision.code is OutcomeCode.POLICE_DEPLOY
    assert window.question_view.question.id == "danger_crime"
    kinds = [e.kind for e in store.events(session.record_id)]
    assert kinds.index("decide") < len(kinds) and "closure" not in kinds
    # The owed questions, to the end: the decision stands, the call reaches its outcome.
    for _ in range(len(session.pack.nodes)):
        if session.state.finished:
            break
        value, rationale = default_answer(window.question_view.question)
        answer_by_keyboard(qtbot, window, value, rationale)
    assert session.state.finished and session.state.decision is not None
    assert window.call_stack.currentIndex() == 1
    assert "questions still owed" not in window.call_page.closure.blockers.text()


def test_the_owed_questions_and_the_recommendation_are_a_key_apart(
    qtbot: QtBot, window: MainWindow
) -> None:
    to_the_danger_screen(qtbot, window, "rcrp-england")
    answer_by_keyboard(qtbot, window, "no", "Caller says nobody is hurt or threatened")
    answer_by_keyboard(qtbot, window, "unknown", "")  # a crime: cannot rule it out
    session = window.session
    assert session is not None and session.showing_advice
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.question_view.question.id == "danger_medical"
    assert "questions still owed" in window.call_page.closure.blockers.text() or True
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert session.showing_advice and window.call_stack.currentIndex() == 1


def test_a_call_classed_not_rcrp_with_a_knife_sends_police(
    qtbot: QtBot, window: MainWindow
) -> None:
    to_the_danger_screen(qtbot, window, "rcrp-england")
    answer_by_keyboard(
        qtbot, window, "yes", "Man outside with a knife, threatening her and himself"
    )
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    walk_window_to(qtbot, window, "cat")
    answer_by_keyboard(qtbot, window, "not_rcrp", "")
    walk_window_to(qtbot, window, "sg_referral")
    answer_by_keyboard(qtbot, window, "not_needed", "No child or adult at risk named")
    advice = window.session.recommendation()
    assert advice.final and advice.code is OutcomeCode.POLICE_DEPLOY


def test_screens_of_the_danger_screen_and_an_urgent_call(
    qtbot: QtBot, make_window: WindowFactory, store: Store
) -> None:
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    apply_theme()
    for pack_id, name in (("rcrp-england", "england"), ("btp-standard", "btp")):
        window = make_window(store)
        window.resize(1366, 768)
        to_the_danger_screen(qtbot, window, pack_id)
        snap(window, f"10-{name}-danger-screen")
        answer_by_keyboard(qtbot, window, "yes", "")
        assert window.call_stack.currentIndex() == 1
        assert window.session.recommendation().police_attend
        snap(window, f"11-{name}-urgent-recommendation")
        window.close()


def test_the_urgent_bar_calms_once_deployed_and_goes_once_decided(
    qtbot: QtBot, window: MainWindow, forms: list[dict[str, Any]]
) -> None:

    ctrl = Qt.KeyboardModifier.ControlModifier
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "danger_life")
    answer_by_keyboard(qtbot, window, "yes", "")
    assert window.urgent.isVisible() and window.urgent.property("state") == "alarm"
    assert window.urgent.text().startswith("⚠")
    forms.append({"resource": "Alpha 21", "grade": "immediate"})
    press(qtbot, window, Qt.Key.Key_D, ctrl)
    assert window.urgent.isVisible() and window.urgent.property("state") == "deployed"
    assert "Alpha 21 (immediate)" in window.urgent.text()
    assert "⚠" not in window.urgent.text()
    record = window.session.record_id
    window.find_calls()  # another page: the call's banner is not shown over it
    assert not window.urgent.isVisible()
    window.resume_call(record)
    assert window.urgent.isVisible() and window.urgent.property("state") == "deployed"
    press(qtbot, window, Qt.Key.Key_Return, ctrl)  # decided: nothing left to alarm about
    assert window.session.state.decision is not None
    assert not window.urgent.isVisible()


def test_the_handler_sees_question_words_never_ids(qtbot: QtBot, window: MainWindow) -> None:
    """An urgent answer given without its rationale: owed, and named by its question."""
    from PySide6.QtWidgets import QApplication as App

    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "danger_life")
    answer_by_keyboard(qtbot, window, "yes", "")
    pack = window.session.pack
    words = pack.question("danger_life").text
    shown = window.call_page.result_view.text.text()
    assert words in shown and "danger_life" not in shown
    assert all("danger_life" not in line for line in window.session.recorder.closure_blockers())
    assert any(words in line for line in window.session.recorder.closure_blockers())
    press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # the log summary
    summary = App.clipboard().text()
    assert words in summary and "danger_life" not in summary
    assert "[POLICE_" not in summary


def test_the_unfinished_calls_and_find_mark_an_urgent_call(
    qtbot: QtBot, window: MainWindow
) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "danger_life")
    answer_by_keyboard(qtbot, window, "yes", "")
    urgent = window.session.record_id
    start_call(qtbot, window, "rcrp-england")  # a calm one, left open
    window.show_start_page()
    listed = [
        window.start_page.calls.item(i).text() for i in range(window.start_page.calls.count())
    ]
    assert [t.startswith("URGENT") for t in listed] == [False, True]  # newest first
    assert f"Record {urgent}" in listed[1]
    window.find_calls()
    panel = window.records_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)
    status = [panel.model.index(row, 5).data() for row in range(2)]
    assert status == ["Open", "Open · URGENT"]


def test_the_urgent_bar_is_announced_when_it_appears(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QAccessible

    alerts: list[str] = []
    real = QAccessible.updateAccessibility

    def heard(event: Any) -> None:
        if event.type() == QAccessible.Event.Alert:
            alerts.append(event.object().objectName())
        real(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", heard)
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "danger_life")
    assert alerts == []
    answer_by_keyboard(qtbot, window, "yes", "")
    assert alerts == ["urgentBanner"]
    assert window.urgent.accessibleDescription() == window.urgent.text()
