"""A read-only table of rows: its own module, as its types are not needed to start the app."""

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QTableWidget

from rcrp_desktop.ui.qt_helpers import named


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
