"""The first window, driven from the keyboard the way a handler on a live call would."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import InputKind, Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.ui.dialogs import ChangeReasonDialog
from rcrp_desktop.ui.main_window import MainWindow
from tests.artifacts import artifacts
from tests.walk import default_answer


def press(
    qtbot: QtBot,
    window: MainWindow,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """A key press where the handler's focus is."""
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def answer_by_keyboard(qtbot: QtBot, window: MainWindow, value: Any, rationale: str) -> None:
    """Answer the question on screen with number keys, typing and Enter only."""
    view = window.question_view
    question = view.question
    assert question is not None
    if question.input is InputKind.TEXT:
        assert QApplication.focusWidget() is view.text_input
        qtbot.keyClicks(view.text_input, value)
        press(qtbot, window, Qt.Key.Key_Return)
        return
    for item in value if isinstance(value, list) else [value]:
        number = question.values.index(item) + 1
        press(qtbot, window, getattr(Qt.Key, f"Key_{number}"))
    if rationale:
        press(qtbot, window, Qt.Key.Key_Tab)
        target = QApplication.focusWidget()
        assert target is view.rationale, "Tab goes from the answers to the rationale"
        qtbot.keyClicks(target, rationale)
    press(qtbot, window, Qt.Key.Key_Return)


def on_to_owed(qtbot: QtBot, window: MainWindow) -> None:
    """Past the recommendation an urgent answer puts up at once, to the questions still owed
    (without deciding yet), as a handler documenting afterwards would."""
    if window.session is not None and window.session.showing_advice:
        assert window.call_stack.currentIndex() == 1
        press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
        assert not window.session.showing_advice


def start_call(qtbot: QtBot, window: MainWindow, pack_id: str) -> None:
    window.pack_choice.setCurrentIndex(window.pack_choice.findData(pack_id))
    press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.session is not None
    assert window.session.pack.id == pack_id


WINDOW_SCRIPTS = [
    "welfare-crisis-team.json",
    "walkout-naloxone-ambulance.json",
    "welfare-child-at-home-risk-unknown.json",
    "wales-welsh-language-crisis-team.json",
    "btp-platform-distress.json",
]


@pytest.mark.parametrize("script_name", WINDOW_SCRIPTS)
def test_a_whole_call_by_keyboard_reaches_the_same_recommendation(
    qtbot: QtBot, window: MainWindow, packs: dict[str, Pack], script_name: str
) -> None:
    script = load_script(examples_dir() / script_name)
    start_call(qtbot, window, script.pack)
    for step in script.steps:
        assert not step.reason, "window scripts answer straight through"
        on_to_owed(qtbot, window)
        assert window.question_view.question is not None
        assert window.question_view.question.id == step.node
        answer_by_keyboard(qtbot, window, step.answer, step.rationale)
    assert window.call_stack.currentIndex() == 1, "the call ends on the recommendation"
    state = window.session.state if window.session else None
    assert state is not None
    assert state.finished
    advice = engine.recommend(state)
    assert advice.code is not None
    assert advice.code.value == script.expect["outcome"]
    assert window.call_page.result_view.title.text() == f"Recommendation: {advice.title}"
    assert advice.code.value not in window.call_page.result_view.title.text()  # words, no codes
    shown = [
        window.call_page.result_view.table.item(row, 1).text()
        for row in range(window.call_page.result_view.table.rowCount())
    ]
    assert shown == [reason.question for reason in advice.reasons]
    assert window.urgent.isVisible() == advice.urgent


def test_a_required_rationale_holds_the_question(qtbot: QtBot, window: MainWindow) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "thrive_grade")
    answer_by_keyboard(qtbot, window, "low", "")
    assert window.question_view.question.id == "thrive_grade"
    assert window.question_view.error_label.isVisible()
    shown = window.question_view.error_label.text()
    assert "rationale" in shown
    assert "thrive_grade" not in shown  # the handler sees the question, not its id
    assert window.session.pack.question("thrive_grade").text in shown
    assert "thrive_grade" not in window.session.state.answers


def test_urgent_banner_shows_on_selection_and_the_rationale_can_follow(
    qtbot: QtBot, window: MainWindow
) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "thr_life")
    assert not window.urgent.isVisible()
    press(qtbot, window, Qt.Key.Key_1)  # "yes": shown at once, before anything is saved
    assert window.urgent.isVisible()
    assert "Deploy or escalate now, document afterwards." in window.urgent.text()
    press(qtbot, window, Qt.Key.Key_Return)  # no rationale: never held up
    assert window.session.state.answers["thr_life"].value == "yes"
    assert window.urgent.isVisible()
    assert "Rationale still to write: 1." in window.urgent.text()
    # The recommendation came up at once; Alt+Left goes on to the question still owed, and
    # once more back to the urgent one. Write the rationale: it completes, it is no change.
    assert window.call_stack.currentIndex() == 1
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.question_view.question.id == "thr_harm"
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.question_view.question.id == "thr_life"
    qtbot.keyClicks(window.question_view.rationale, "Said he has tablets and a plan tonight")
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.session.state.history[-1].action == "rationale"
    assert window.session.state.rationale_owed() == []


def test_changing_an_answer_asks_why_and_keeps_the_old_one(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def ask(cls: type, parent: object, question_text: str) -> str:
        asked.append(question_text)
        return "Caller corrected herself: she is his daughter"

    monkeypatch.setattr(ChangeReasonDialog, "ask", classmethod(ask))
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "ctx_caller_type")
    answer_by_keyboard(qtbot, window, "public", "")
    press(qtbot, window, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    assert window.question_view.question.id == "ctx_caller_type"
    answer_by_keyboard(qtbot, window, "family", "")
    assert asked == [window.session.pack.question("ctx_caller_type").text]
    event = window.session.state.history[-1]
    assert (event.action, event.previous, event.value) == ("change", "public", "family")
    assert event.reason == "Caller corrected herself: she is his daughter"
    assert window.question_view.question.id == "ctx_person"


def test_a_cancelled_change_changes_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ChangeReasonDialog, "ask", classmethod(lambda cls, p, q: None))
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "ctx_caller_type")
    answer_by_keyboard(qtbot, window, "public", "")
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    answer_by_keyboard(qtbot, window, "family", "")
    assert window.session.state.answers["ctx_caller_type"].value == "public"
    assert "reason is needed" in window.question_view.error_label.text()


def test_checklist_none_clears_the_red_flags(qtbot: QtBot, window: MainWindow) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "rf_checklist")
    question = window.question_view.question
    press(qtbot, window, Qt.Key.Key_1)
    press(qtbot, window, Qt.Key.Key_6)
    assert window.question_view.value() == ["overdose", "naloxone"]
    press(qtbot, window, getattr(Qt.Key, f"Key_{question.values.index('none') + 1}"))
    assert window.question_view.value() == ["none"]


def test_btp_shows_that_rcrp_is_not_adopted(qtbot: QtBot, window: MainWindow) -> None:
    start_call(qtbot, window, "btp-standard")
    assert window.notice.isVisible()
    assert "not adopted" in window.notice.text()


def test_guidance_and_labelled_references_sit_beside_the_question(
    qtbot: QtBot, window: MainWindow
) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "thr_life")
    html = window.call_page.guidance.text()
    assert "Why we ask" in html
    assert "[LAW]" in html
    assert "Human Rights Act 1998" in html


def test_f1_lists_the_shortcuts(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rcrp_desktop.ui.shortcuts import ShortcutsDialog

    shown: list[ShortcutsDialog] = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    press(qtbot, window, Qt.Key.Key_F1)
    assert shown
    text = shown[0].text.toPlainText()
    assert "Ctrl+N" in text and "Alt+Left" in text and "Ctrl+Q" in text
    # The list scrolls inside a box that fits a 1366x768 screen.
    assert shown[0].height() <= 640 and shown[0].text.verticalScrollBar().maximum() >= 0


def test_one_table_makes_every_key_button_and_help_line(qtbot: QtBot, window: MainWindow) -> None:
    """Each action's keys are the shortcuts the window has, its button says the same keys, and
    F1 lists it: declared once (ui/action_table.py)."""
    from PySide6.QtGui import QKeySequence

    from rcrp_desktop.ui.action_table import ACTIONS, button_text, buttons
    from rcrp_desktop.ui.shortcuts import shortcut_rows

    bound = {sequence.toString() for action in window.actions() for sequence in action.shortcuts()}
    for act in ACTIONS:
        if act.group in ("window", "call", "training"):
            for key in act.keys:
                assert QKeySequence(key).toString() in bound, (act.name, key)
    panel = window.call_page.closure
    assert [b.text() for b in panel.buttons.values()] == [button_text(a) for a in buttons()]
    assert [keys for keys, _ in shortcut_rows()] == [a.shown_keys for a in ACTIONS]
    assert len({k for a in ACTIONS for k in a.keys}) == sum(len(a.keys) for a in ACTIONS)


def test_every_control_on_a_question_has_an_accessible_name(
    qtbot: QtBot, window: MainWindow
) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "thr_crime")
    view = window.question_view
    for control in [*view.buttons, view.rationale, view.back_button, view.next_button]:
        assert control.accessibleName(), control.objectName()


def test_the_window_screenshot_is_kept_as_an_artefact(qtbot: QtBot, window: MainWindow) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "thr_life")
    assert window.grab().save(str(artifacts("screens") / "offscreen-thr_life.png"))


def walk_window_to(qtbot: QtBot, window: MainWindow, node: str) -> None:
    """Answer with calm defaults, by keyboard, until `node` is on screen."""
    for _ in range(len(window.session.pack.nodes)):
        on_to_owed(qtbot, window)
        question = window.question_view.question
        assert question is not None, f"{node} never came up"
        if question.id == node:
            return
        value, rationale = default_answer(question)
        answer_by_keyboard(qtbot, window, value, rationale)
    raise AssertionError(f"{node} never came up")


def test_the_default_walk_reaches_a_partner_outcome(qtbot: QtBot, window: MainWindow) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "sg_referral")
    answer_by_keyboard(qtbot, window, "not_needed", "No concern identified")
    assert engine.recommend(window.session.state).code is OutcomeCode.PARTNER_LEAD_NO_POLICE


def test_each_question_shows_only_its_own_answers_none_ticked_until_given(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Answer buttons are reused from question to question: nothing may carry over."""
    script = load_script(examples_dir() / "welfare-crisis-team.json")
    start_call(qtbot, window, script.pack)
    seen_choice = 0
    for step in script.steps:
        view = window.question_view
        question = view.question
        assert question is not None and question.id == step.node
        if question.input is not InputKind.TEXT:
            seen_choice += 1
            assert [b.accessibleName() for b in view.buttons] == [a.label for a in question.answers]
            assert all(b.isVisible() for b in view.buttons)
            assert not any(b.isChecked() for b in view.buttons), question.id
            assert view.value() in (None, [])
        answer_by_keyboard(qtbot, window, step.answer, step.rationale)
    assert seen_choice > 10
    # Back to an answered question: its own answer is ticked again, and only that one.
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    view = window.question_view
    assert view.question is not None
    given = window.session.state.answers[view.question.id]
    ticked = [b for b in view.buttons if b.isChecked()]
    if view.question.input is InputKind.CHOICE:
        assert [b.objectName() for b in ticked] == [f"answer_{given.value}"]


def test_switching_profile_with_a_call_open_says_the_call_keeps_its_own(
    qtbot: QtBot, window: MainWindow
) -> None:
    start_call(qtbot, window, "rcrp-england")
    window.pack_choice.setCurrentIndex(window.pack_choice.findData("rcrp-wales"))
    assert window.session.pack.id == "rcrp-england"
    assert window.notice.isVisible()
    assert "This call stays under Right Care, Right Person: England" in window.notice.text()
    assert "applies to the next call (Ctrl+N)" in window.notice.text()
    start_call(qtbot, window, "rcrp-wales")
    assert "stays under" not in window.notice.text()


CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_the_dimmed_theme_is_a_key_away_and_kept_for_next_time(
    qtbot: QtBot, window: MainWindow, data_dir: Path, qapp: QApplication
) -> None:
    from rcrp_desktop.calls.desk import load_theme

    window.data_dir = data_dir
    window_colour = QPalette.ColorRole.Window
    try:
        press(
            qtbot,
            window,
            Qt.Key.Key_V,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert window.theme == "dim" and "#23415f" in qapp.styleSheet()
        assert qapp.palette().color(window_colour).name() == "#1e1f22"  # Qt's own parts too
        assert load_theme(data_dir) == "dim"
        press(
            qtbot,
            window,
            Qt.Key.Key_V,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert window.theme == "light" and "#23415f" not in qapp.styleSheet()
        assert qapp.palette().color(window_colour).name() != "#1e1f22"
        assert load_theme(data_dir) == "light"
    finally:
        pass  # the look is put back by the plain_look_after fixture
