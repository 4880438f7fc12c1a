"""The main window's keyboard shortcuts, built from the one action table (action_table.py)."""

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from rcrp_desktop.ui.action_table import of

if TYPE_CHECKING:
    from rcrp_desktop.ui.main_window import MainWindow


def add_window_actions(window: "MainWindow") -> None:
    """Every window and call action as a window-wide QAction (its default context: the whole
    window), so it works wherever the focus is; the call's are kept by name for the buttons
    under the recommendation."""
    # Key strings, not QKeySequence.StandardKey: the first use of an enum makes PySide6 build
    # all of it (StandardKey has 70 members), and these are made before the first paint.
    for act in (*of("window"), *of("call")):
        action = QAction(act.title, window)
        action.setShortcuts([QKeySequence(k) for k in act.keys])
        action.triggered.connect(getattr(window, act.name))
        window.addAction(action)
        if act.group == "call":
            window.call_actions[act.name] = action
