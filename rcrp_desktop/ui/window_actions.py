"""The main window's keyboard shortcuts, built from the one action table (action_table.py)."""

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from rcrp_desktop.ui.action_table import of, title_in


def add_window_actions(
    window: QWidget, call_actions: dict[str, QAction], *, read_only: bool = False
) -> None:
    """Every window and call action as a window-wide QAction (its default context: the whole
    window), so it works wherever the focus is; the call's are kept by name in `call_actions`
    for the buttons under the recommendation. Each action's slot is the window's method of the
    action's name (the window's type is not imported here: no import cycle). In a read-only
    window the actions that write are made, so F1 and the buttons still name them, but off;
    one that writes nothing there (Export, as a copy) stays on, under its read-only title."""
    # Key strings, not QKeySequence.StandardKey: the first use of an enum makes PySide6 build
    # all of it (StandardKey has 70 members), and these are made before the first paint.
    for act in (*of("window"), *of("call")):
        action = QAction(title_in(act, read_only), window)
        action.setShortcuts([QKeySequence(k) for k in act.keys])
        action.triggered.connect(getattr(window, act.name))
        action.setEnabled(not (read_only and act.off_when_read_only))
        window.addAction(action)
        if act.group == "call":
            call_actions[act.name] = action
