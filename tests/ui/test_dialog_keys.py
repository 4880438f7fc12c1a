"""One keyboard grammar in every form: Enter confirms (Shift+Enter is a new line in a text box),
Escape cancels; and a form that would record nothing meaningful refuses to."""

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from rcrp_desktop.ui.dialogs.forms import Field, FormDialog
from rcrp_desktop.ui.main_window import MainWindow
from tests.ui.test_main_window import press
from tests.ui.test_workflow import CTRL, play

SHIFT = Qt.KeyboardModifier.ShiftModifier


def on_each_form(
    monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, handle: Callable[[FormDialog], Any]
) -> None:
    """The real form is made for each form the window asks; `handle` decides what it returns
    (the dialog is never exec()'d: nobody would answer it)."""

    def ask(
        cls: type, parent: Any, title: str, intro: str, fields: list[Field], check: Any = None
    ) -> Any:
        dialog = FormDialog(parent, title, intro, fields, check)
        qtbot.add_widget(dialog)
        dialog.intro_text = intro  # type: ignore[attr-defined]
        return handle(dialog)

    monkeypatch.setattr(FormDialog, "ask", classmethod(ask))


def form(qtbot: QtBot, fields: list[Field], check: Any = None) -> FormDialog:
    dialog = FormDialog(None, "A form", "", fields, check)
    qtbot.add_widget(dialog)
    with qtbot.wait_active(dialog):  # focus moves only in the active window
        dialog.show()
        dialog.activateWindow()
    return dialog


def test_enter_in_a_text_box_confirms_and_shift_enter_is_a_new_line(qtbot: QtBot) -> None:
    dialog = form(qtbot, [Field("reason", "Why", "text", required=True)])
    box = dialog.inputs["reason"]
    box.setFocus()
    qtbot.keyClicks(box, "Caller rang back")
    qtbot.keyClick(box, Qt.Key.Key_Return, SHIFT)
    qtbot.keyClicks(box, "with a new address")
    assert dialog.result() != QDialog.DialogCode.Accepted
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.values()["reason"] == "Caller rang back\nwith a new address"


def test_tab_leaves_a_text_box_and_escape_cancels(qtbot: QtBot) -> None:
    dialog = form(qtbot, [Field("reason", "Why", "text"), Field("who", "Who")])
    box = dialog.inputs["reason"]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.inputs["who"]
    assert dialog.values()["reason"] == ""  # no tab typed into it
    qtbot.keyClick(dialog.inputs["who"], Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_enter_on_an_empty_handover_records_nothing_and_says_what_is_needed(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    play(qtbot, window, "welfare-crisis-team.json")
    press(qtbot, window, Qt.Key.Key_Return, CTRL)  # accept: a partner lead
    said: list[str] = []

    def enter(dialog: FormDialog) -> Any:
        dialog.show()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        said.append(dialog.problem.text())
        accepted = dialog.result() == QDialog.DialogCode.Accepted
        dialog.close()
        return dialog.values() if accepted else None

    on_each_form(monkeypatch, qtbot, enter)
    notes_before = len(window.session.recorder.notes)
    press(qtbot, window, Qt.Key.Key_H, CTRL)
    assert len(window.session.recorder.notes) == notes_before  # nothing recorded
    assert "who accepted it" in said[0] and "their reference, or why there is none" in said[0]
    assert "Record the handover" in window.call_page.closure.blockers.text()


def test_escape_leaves_find_and_ctrl_q_quits_asking_first(
    qtbot: QtBot, window: MainWindow, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.test_main_window import answer_by_keyboard, start_call

    start_call(qtbot, window, "rcrp-england")
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    assert window.pages.currentWidget() is window.records_panel
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.call_page
    # Ctrl+Q with an answer waiting to be saved asks first; staying keeps the window open.
    store.db.execute("PRAGMA query_only = ON")
    answer_by_keyboard(qtbot, window, "Flat 2, 3 Example Road", "")
    asked: list[str] = []

    def stay(*args: Any) -> Any:
        asked.append(str(args[2]))
        from PySide6.QtWidgets import QMessageBox

        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.warning", stay)
    press(qtbot, window, Qt.Key.Key_Q, CTRL)
    assert asked and "NOT been saved" in asked[0]
    assert window.isVisible()
    store.db.execute("PRAGMA query_only = OFF")
    press(qtbot, window, Qt.Key.Key_S, CTRL)  # saved now
    press(qtbot, window, Qt.Key.Key_Q, CTRL)  # nothing waiting: it quits without asking
    assert len(asked) == 1 and not window.isVisible()


def test_ctrl_o_goes_to_an_owed_rationale_and_back_once_written(
    qtbot: QtBot, window: MainWindow
) -> None:
    from tests.ui.test_main_window import answer_by_keyboard, start_call, walk_window_to

    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "danger_life")
    answer_by_keyboard(qtbot, window, "yes", "")  # urgent: the rationale can follow
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # to the owed questions
    where = window.question_view.question.id
    assert where != "danger_life"
    press(qtbot, window, Qt.Key.Key_O, CTRL)
    assert window.question_view.question.id == "danger_life"
    assert QApplication.focusWidget() is window.question_view.rationale
    qtbot.keyClicks(window.question_view.rationale, "Sister says he has the tablets with him")
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.session.recommendation().rationale_owed == ()
    assert window.question_view.question.id == where  # back where the handler was


def test_the_caller_wording_is_shown_to_read_aloud_and_warns_before_any_handover(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    play(qtbot, window, "welfare-crisis-team.json")
    press(qtbot, window, Qt.Key.Key_Return, CTRL)  # a partner lead, nothing handed over yet
    intros: list[str] = []

    on_each_form(monkeypatch, qtbot, lambda dialog: intros.append(dialog.intro_text))
    press(qtbot, window, Qt.Key.Key_T, CTRL)
    wording = window.session.pack.caller_wording(
        window.session.recommendation().code, window.session.recommendation().partner
    )
    assert f"\u201c{wording}\u201d" in intros[0]  # in the form's own words, not a box to scroll
    assert intros[0].startswith("No partner has accepted this call yet")


def test_the_handover_form_fits_a_1366_wide_screen(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its directory entries are long: the form must not grow past the screen for them."""
    play(qtbot, window, "welfare-crisis-team.json")
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    widths: list[int] = []

    on_each_form(monkeypatch, qtbot, lambda dialog: widths.append(dialog.sizeHint().width()))
    window.data_dir = None
    press(qtbot, window, Qt.Key.Key_H, CTRL)
    assert widths and widths[0] <= 1300
