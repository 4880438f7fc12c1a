"""Typing on an answer list never picks an answer: digits pick, text starts the rationale, and
space does nothing (it used to tick the focused answer, often "Yes")."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rcrp_desktop.ui.main_window import MainWindow
from tests.ui.test_main_window import press, start_call, walk_window_to


def type_text(qtbot: QtBot, text: str) -> None:
    """Typed as a person types: each key to whatever has the focus by then."""
    for char in text:
        qtbot.keyClicks(QApplication.focusWidget(), char)


def test_a_sentence_typed_on_the_answers_goes_to_the_rationale_and_picks_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "danger_life")
    view = window.question_view
    assert QApplication.focusWidget() is view.buttons[0]  # "Yes", focused, not chosen
    press(qtbot, window, Qt.Key.Key_Space)
    assert view.value() is None  # space never picks
    type_text(qtbot, "Sister says 2 knives, no threats")
    assert view.value() is None  # the "2" went into the sentence, not to answer 2
    assert view.rationale.toPlainText() == "Sister says 2 knives, no threats"
    assert QApplication.focusWidget() is view.rationale
    # Back on the answers, a digit picks as before; the rationale is kept.
    press(qtbot, window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, window, Qt.Key.Key_2)
    assert view.value() == view.question.answers[1].value
    assert view.rationale.toPlainText() == "Sister says 2 knives, no threats"


def test_space_on_a_checklist_ticks_nothing_and_digits_still_toggle(
    qtbot: QtBot, window: MainWindow
) -> None:
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "rf_checklist")
    view = window.question_view
    assert QApplication.focusWidget() is view.buttons[0]
    press(qtbot, window, Qt.Key.Key_Space)
    assert view.value() == []
    press(qtbot, window, Qt.Key.Key_1)
    press(qtbot, window, Qt.Key.Key_1)
    assert view.value() == []
    press(qtbot, window, Qt.Key.Key_2)
    assert view.value() == [view.question.answers[1].value]
