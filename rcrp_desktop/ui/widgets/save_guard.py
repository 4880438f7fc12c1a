"""The NOT SAVED bar: a write that failed is kept, said aloud, and retried, never dropped."""

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from rcrp_desktop import APP_TITLE
from rcrp_desktop.storage.errors import ClosureError, StorageError
from rcrp_desktop.ui.qt_helpers import named

Write = Callable[[], object]


class SaveGuard(QWidget):
    """Runs each write to the record; shows NOT SAVED with the reason when one fails.

    Signals:
        failed(): a write could not be saved and is now pending.
    """

    failed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pending: Write | None = None
        self.message = named(QLabel(wordWrap=True), "notSavedBanner")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Not saved")
        self.retry_button = named(QPushButton("Retry saving (Ctrl+S)"), "retryButton")
        self.retry_button.clicked.connect(self.retry)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.retry_button)
        self.hide()

    def attempt(self, write: Write) -> bool:
        """Run one write. If it cannot be saved it is kept, shown, and Ctrl+S repeats it."""
        try:
            write()
        except ClosureError as error:
            QMessageBox.information(self.window(), APP_TITLE, str(error))
            return False
        except StorageError as error:
            self.pending = write
            self.report(error)
            return False
        self.clear()
        return True

    def report(self, error: StorageError) -> None:
        self.message.setText(f"NOT SAVED. {error}")
        self.show()
        self.failed.emit()

    def clear(self) -> None:
        self.pending = None
        self.hide()

    @Slot()
    def retry(self) -> None:
        if self.pending is not None:
            self.attempt(self.pending)

    def may_leave(self) -> bool:
        """Whether the call may be left: asks first when something on screen is unsaved."""
        if self.pending is None:
            return True
        choice = QMessageBox.warning(
            self.window(),
            APP_TITLE,
            "An answer on screen has NOT been saved. Leave it anyway?",
            QMessageBox.StandardButton.Retry
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Retry,
        )
        if choice == QMessageBox.StandardButton.Retry:
            self.retry()
            return self.pending is None
        return choice == QMessageBox.StandardButton.Discard
