"""Small typed helpers for building widgets."""

from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, tooltip: str = "") -> W:
    """Give a widget its object name (stylesheets and tests find it by that) and a tooltip."""
    widget.setObjectName(name)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


def row_table(name: str, columns: Sequence[str], accessible_name: str) -> QTableWidget:
    """A read-only table picked by whole rows, one at a time; Tab leaves it (keyboard first)."""
    table = named(QTableWidget(0, len(columns)), name)
    table.setAccessibleName(accessible_name)
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    return table
