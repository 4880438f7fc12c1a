"""Every keyboard shortcut, listed on F1: read from the one action table."""

from html import escape

from PySide6.QtWidgets import QMessageBox, QWidget

from rcrp_desktop.ui.action_table import ACTIONS


def shortcut_rows() -> list[tuple[str, str]]:
    """(keys, what they do), in the table's order."""
    return [(act.shown_keys, act.help) for act in ACTIONS]


def show_shortcuts(parent: QWidget) -> None:
    rows = "".join(
        f"<tr><td><b>{escape(keys, quote=False)}</b></td><td>{escape(what, quote=False)}</td></tr>"
        for keys, what in shortcut_rows()
    )
    QMessageBox.information(parent, "Keyboard shortcuts", f"<table>{rows}</table>")
