"""Qt's message box class, made when a message is first shown rather than at start."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox


def message_box() -> "type[QMessageBox]":
    """QMessageBox. Its type and its 18 enums are made the first time it is touched (6 ms,
    before the window could paint, when every module that can show a message imported it);
    most starts show none."""
    from PySide6.QtWidgets import QMessageBox

    return QMessageBox
