"""Small typed helpers for building widgets."""

from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, tooltip: str = "") -> W:
    """Give a widget its object name (stylesheets and tests find it by that) and a tooltip."""
    widget.setObjectName(name)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget
