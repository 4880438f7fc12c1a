"""Every keyboard shortcut, listed on F1: read from the one action table."""

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from rcrp_desktop.ui.action_table import ACTIONS, Act


def shortcut_rows(read_only: bool = False) -> list[tuple[str, str]]:
    """(keys, what they do), in the table's order; in a read-only window, those that write
    say they are off, or what they do there instead."""
    off = " (off: this window is read-only)"

    def does(act: Act) -> str:
        if not read_only or not act.writes:
            return act.help
        if act.off_when_read_only:
            return act.help + off
        return act.read_only_help or act.help

    return [(act.shown_keys, does(act)) for act in ACTIONS]


def show_shortcuts(parent: QWidget) -> None:
    """F1: the list in a box that scrolls, sized to the screen; Enter or Escape closes it."""
    ShortcutsDialog(parent).exec()


class ShortcutsDialog(QDialog):
    """Every shortcut, from the action table, in a list that scrolls."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = "".join(
            f"<tr><td style='padding-right:12px'><b>{escape(keys, quote=False)}</b></td>"
            f"<td>{escape(what, quote=False)}</td></tr>"
            for keys, what in shortcut_rows(bool(getattr(parent, "read_only", False)))
        )
        self.text = QTextBrowser()
        self.text.setObjectName("shortcutList")
        self.text.setAccessibleName("Keyboard shortcuts")
        self.text.setHtml(f"<table>{rows}</table>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setFocus()
        available = self.screen().availableGeometry()
        self.resize(min(720, available.width() - 40), min(640, available.height() - 80))
