"""The main window's keyboard shortcuts, each an action of the window (listed on F1)."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from rcrp_desktop.ui.main_window import MainWindow

# The actions for the decision and the notes after it, by the closure panel's button names.
CALL_ACTIONS = (
    ("accept", ("Ctrl+Return", "Ctrl+Enter"), "accept_recommendation"),
    ("disagree", ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"), "disagree"),
    ("handover", ("Ctrl+H",), "record_handover"),
    ("caller", ("Ctrl+T",), "record_caller_informed"),
    ("referrer", ("Ctrl+R",), "record_referrer_informed"),
    ("deployment", ("Ctrl+D",), "record_deployment"),
    ("supervisor", ("Ctrl+U",), "record_supervisor"),
    ("summary", ("Ctrl+L",), "copy_summary"),
    ("export", ("Ctrl+E",), "export_handover"),
    ("close", ("Ctrl+Shift+C",), "close_call"),
)


def add_window_actions(window: "MainWindow") -> None:
    """Every shortcut as a window-wide action (QAction's default context: the whole window), so
    it works wherever the focus is."""

    def action(text: str, keys: list[QKeySequence], slot: Callable[[], None]) -> QAction:
        act = QAction(text, window)
        act.setShortcuts(keys)
        act.triggered.connect(slot)
        window.addAction(act)
        return act

    # Key strings, not QKeySequence.StandardKey: the first use of an enum makes PySide6 build
    # all of it (StandardKey has 70 members), and these are made before the first paint.
    action("New call", [QKeySequence("Ctrl+N")], window.new_call)
    # Explicit shortcuts rather than button mnemonics: some platform themes disable those.
    action("Back", [QKeySequence("Alt+Left"), QKeySequence("Alt+B")], window.go_back)
    action("Forward", [QKeySequence("Alt+Right")], window.go_forward)
    action("Keyboard shortcuts", [QKeySequence("F1")], lambda: _show_help(window))
    action("Retry saving", [QKeySequence("Ctrl+S")], window.not_saved_bar.retry)
    action("Re-assess", [QKeySequence("Ctrl+Shift+R")], window.reassess_overdue)
    action("Partner confirmed", [QKeySequence("Ctrl+Shift+P")], window.confirm_overdue)
    action("Find calls", [QKeySequence("Ctrl+F")], window.find_calls)
    action("Partner directory", [QKeySequence("Ctrl+Shift+D")], window.edit_partner_directory)
    action("Change handler", [QKeySequence("Ctrl+Shift+I")], window.change_handler)
    for name, keys, slot in CALL_ACTIONS:
        window.call_actions[name] = action(
            name, [QKeySequence(k) for k in keys], getattr(window, slot)
        )


def _show_help(window: "MainWindow") -> None:
    from rcrp_desktop.ui.shortcuts import show_shortcuts  # F1 only: not needed to start

    show_shortcuts(window)
