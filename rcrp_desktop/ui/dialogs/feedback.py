"""A handler's own feedback in the window: the reviews of the calls they took (never another's),
newest first, each with its result, who reviewed it and why."""

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop import APP_TITLE
from rcrp_desktop.domain.review.facts import RESULTS
from rcrp_desktop.times import local_minute
from rcrp_desktop.ui.qt_helpers import named
from rcrp_desktop.ui.row_table import row_table

if TYPE_CHECKING:
    from rcrp_desktop.calls.review import Feedback

COLUMNS = ("Reviewed", "Record", "Incident", "Result", "By", "Why")
MAX_COLUMN = 200


class FeedbackView(QDialog):
    def __init__(self, parent: QWidget, found: "list[Feedback]") -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Your feedback - {APP_TITLE}")
        self.table = row_table("feedbackTable", COLUMNS, "Reviews of your calls")
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setRowCount(len(found))
        for number, item in enumerate(found):
            cells = (local_minute(item.utc), str(item.record_id), item.incident_ref,
                     RESULTS.get(item.result, item.result), item.by, item.rationale)  # fmt: skip
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(number, column, cell)
        # The reason is what a handler reads: the other columns as wide as they need, no wider
        # than a short phrase, and the rows as tall as the reasons, wrapped.
        self.table.resizeColumnsToContents()
        for column in range(len(COLUMNS) - 1):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), MAX_COLUMN))
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.resizeRowsToContents()
        said = named(QLabel(), "feedbackStatus")
        said.setText(f"{len(found)} review(s) of your calls." if found else
                     "No call of yours has been reviewed yet.")  # fmt: skip
        close = named(QPushButton("Close (Esc)"), "closeFeedback")
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(said)
        layout.addWidget(close)
        self.resize(1100, 420)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The reasons' column has its width only once shown: the rows as tall as they wrap.
        QTimer.singleShot(0, self.table, self.table.resizeRowsToContents)  # gone with the table
