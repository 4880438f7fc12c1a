"""Nothing the window shows asks for more than a 1366x768 desk: every page's minimum size,
with room left for the title bar and a taskbar, and the dialogs a call opens."""

from pytestqt.qtbot import QtBot

from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.shortcuts import ShortcutsDialog
from tests.ui.test_main_window import answer_by_keyboard, start_call, walk_window_to

DESK = (1366, 768 - 80)  # a title bar and a taskbar take about 80 px


def fits(window: MainWindow) -> tuple[int, int]:
    hint = window.minimumSizeHint()
    assert hint.width() <= DESK[0] and hint.height() <= DESK[1], (hint.width(), hint.height())
    return hint.width(), hint.height()


def test_every_page_fits_a_1366x768_desk(qtbot: QtBot, window: MainWindow) -> None:
    window.show_start_page()
    fits(window)
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "danger_life")
    fits(window)  # a question, with its guidance
    answer_by_keyboard(qtbot, window, "yes", "")
    fits(window)  # the urgent recommendation, the alarm and the closing list
    window.find_calls()
    fits(window)
    shortcuts = ShortcutsDialog(window)
    qtbot.add_widget(shortcuts)
    assert shortcuts.minimumSizeHint().height() <= DESK[1]
