"""The supervisors' review queue in the window: the calls awaiting review, oldest first, each
with why it is there; Enter reviews the selected one (a result and its rationale), which is
written into the record's chain, and the queue is read again."""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.domain.review.facts import RESULTS, outcome_title
from rcrp_desktop.times import shown_minute
from rcrp_desktop.ui.message_box import message_box
from rcrp_desktop.ui.qt_helpers import named, plain_enter
from rcrp_desktop.ui.row_table import row_table

if TYPE_CHECKING:
    from rcrp_desktop.calls.records import Records
    from rcrp_desktop.calls.review import QueueItem

COLUMNS = ("Call made", "Incident", "Outcome", "Handler", "Why it is here")
WHY_COLUMN = 4


def cells(item: "QueueItem") -> tuple[str, ...]:
    facts = item.facts
    return (
        shown_minute(facts.created.astimezone()),
        facts.incident_ref,
        outcome_title(facts.outcome),
        facts.handler,
        "; ".join(item.reasons),
    )


class ReviewForm(QDialog):
    """One call's review: its result and, always, why. Enter saves once a rationale is typed
    (Shift+Enter starts a new line); Escape saves nothing."""

    def __init__(self, parent: QWidget | None, item: "QueueItem") -> None:
        super().__init__(parent)
        facts = item.facts
        self.setWindowTitle(f"Review record {facts.record_id} - {APP_TITLE}")
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        intro = named(QLabel(wordWrap=True), "formIntro")
        intro.setText(
            f"Record {facts.record_id}, {facts.incident_ref}: {outcome_title(facts.outcome)}, "
            f"taken by {facts.handler}. In the queue because: {'; '.join(item.reasons)}."
        )
        layout.addWidget(intro)
        result_label = QLabel("&Result")
        self.result_choice = named(QComboBox(), "reviewResult")
        for key, title in RESULTS.items():
            self.result_choice.addItem(title, key)
        self.result_choice.setAccessibleName("Result of the review")
        result_label.setBuddy(self.result_choice)
        layout.addWidget(result_label)
        layout.addWidget(self.result_choice)
        label = QLabel("R&ationale")
        self.rationale = named(QPlainTextEdit(), "reviewRationale")
        self.rationale.setAccessibleName("Rationale for the review")
        self.rationale.setTabChangesFocus(True)
        self.rationale.setFixedHeight(self.rationale.fontMetrics().lineSpacing() * 5 + 12)
        self.rationale.installEventFilter(self)
        label.setBuddy(self.rationale)
        layout.addWidget(label)
        layout.addWidget(self.rationale)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText("&Save the review")
        self.save_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.rationale.textChanged.connect(lambda: self.save_button.setEnabled(bool(self.text())))
        self.result_choice.setFocus()

    def text(self) -> str:
        return self.rationale.toPlainText().strip()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.rationale and plain_enter(event):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        if self.text():  # never saved without a rationale
            super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, item: "QueueItem") -> tuple[str, str] | None:
        """(result, rationale), or None if the supervisor cancelled (tests replace this)."""
        form = cls(parent, item)
        if form.exec() != QDialog.DialogCode.Accepted:
            return None
        return str(form.result_choice.currentData()), form.text()


class ReviewQueue(QDialog):
    """The queue: read when shown and after each review; Enter reviews the selected call."""

    def __init__(
        self, parent: QWidget, store: "Records", data_dir: Path, user: Callable[[], str]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Review queue - {APP_TITLE}")
        self.store, self.data_dir, self.user = store, data_dir, user
        self.items: list[QueueItem] = []
        self.table = row_table("reviewQueue", COLUMNS, "Calls awaiting review: Enter reviews one")
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)  # every reason shown whole, not cut off
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHY_COLUMN, QHeaderView.ResizeMode.Stretch)
        # The reasons wrap: each row as tall as its text at the width the column has now.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.activated.connect(lambda _index: self.review_selected())
        self.status = named(QLabel(), "reviewQueueStatus")
        self.status.setAccessibleName("Calls in the queue")
        review = named(QPushButton("Review (Enter)"), "reviewButton")
        close = named(QPushButton("Close (Esc)"), "closeReviewQueue")
        for button in (review, close):
            button.setAutoDefault(False)  # Enter in the table reviews, nothing else
        review.clicked.connect(self.review_selected)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(review)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(1100, 520)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Each row as tall as its wrapped reasons at the width the window now gives them,
        # once the columns have settled (bound to the table: dropped if it goes first).
        QTimer.singleShot(0, self.table, self.table.resizeRowsToContents)

    def refresh(self) -> bool:
        """Read the queue again; False (said in one line) if it cannot be."""
        from rcrp_desktop.calls.review import review_queue

        try:
            self.items = review_queue(self.store, self.data_dir)
        except StorageError as error:
            message_box().warning(self.parentWidget(), APP_TITLE, str(error))
            return False
        self.table.setRowCount(len(self.items))
        for number, item in enumerate(self.items):
            for column, text in enumerate(cells(item)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.facts.record_id)
                self.table.setItem(number, column, cell)
        self.table.resizeRowsToContents()
        if self.items:
            self.table.selectRow(0)
        count = len(self.items)
        self.status.setText(
            f"{count} call(s) awaiting review, oldest first." if count else
            "No call is waiting for review."
        )  # fmt: skip
        self.table.setFocus()
        return True

    @Slot()
    def review_selected(self) -> None:
        from rcrp_desktop.calls.review import record_review

        row = self.table.currentRow()
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        answer = ReviewForm.ask(self, item)
        if answer is None:
            return
        result, rationale = answer
        try:
            record_review(
                self.store, self.data_dir, item.facts.record_id, result, rationale, self.user()
            )
        except StorageError as error:
            message_box().warning(self, APP_TITLE, str(error))
            return
        self.refresh()
        self.status.setText(
            f"Record {item.facts.record_id} reviewed ({RESULTS[result]}). {self.status.text()}"
        )
