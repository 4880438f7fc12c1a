"""Small typed helpers for building widgets."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QLabel, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, tooltip: str = "") -> W:
    """Give a widget its object name (stylesheets and tests find it by that) and a tooltip."""
    widget.setObjectName(name)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


def plain_enter(event: QEvent) -> bool:
    """Whether an event is Enter pressed without Shift: "save" in every box of the app
    (Shift+Enter is a new line)."""
    return (
        event.type() == QEvent.Type.KeyPress
        and isinstance(event, QKeyEvent)
        and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
    )


def fix_width_for(label: QLabel, widest: str) -> None:
    """Fix a label's size to fit `widest`, its longest text, in its own (styled) font.

    A label whose text changes often (the "saved" line, every answer) would otherwise ask its
    whole window to be laid out again, and repainted, each time its text changes width.
    """
    label.ensurePolished()
    margins = label.contentsMargins()
    width = label.fontMetrics().horizontalAdvance(widest) + margins.left() + margins.right()
    label.setFixedSize(width + 8, label.sizeHint().height())


@contextmanager
def wait_cursor() -> Iterator[None]:
    """The busy cursor while a few seconds' work runs on the window's thread."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
