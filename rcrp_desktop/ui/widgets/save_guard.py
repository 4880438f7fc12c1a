"""The NOT SAVED bar: what is waiting to be saved, by its question, said aloud and retried.

A call's commands that could not be saved wait in its outbox (rcrp_desktop/calls/outbox.py),
each with what it was for; the bar names each by its question's text and clears only as each
is saved. Other writes outside a call (starting a training run, a note on another record) are
kept here the same way, one at a time.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls.errors import ClosureError, RecordClosedError, StorageError
from rcrp_desktop.ui.qt_helpers import named

if TYPE_CHECKING:
    from rcrp_desktop.calls.commands import CallCommand
    from rcrp_desktop.ui.session import CallSession

Write = Callable[[], object]
# How a waiting command is named to the handler: its question's text, or what it records.
Words = Callable[["CallCommand"], str]


class SaveGuard(QWidget):
    """Shows NOT SAVED, with each thing waiting and why; Ctrl+S retries them in order.

    Signals:
        failed(): something could not be saved and is now waiting.
        saved(): everything that was waiting has been saved.
        retried(Sent): a retry sent the call's waiting commands; the window reports refusals.
    """

    failed = Signal()
    saved = Signal()
    retried = Signal(object)  # what a retry of the call's commands did (calls.outbox.Sent)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pending: Write | None = None  # a write outside the call, waiting
        self.pending_error: StorageError | None = None
        self.session: CallSession | None = None
        self.words: Words = repr
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

    def follow(self, session: "CallSession | None", words: Words) -> None:
        """The call whose waiting commands the bar shows (the call on screen)."""
        self.session = session
        self.words = words
        self.show_waiting()

    @property
    def unsaved(self) -> bool:
        waiting = self.session.outbox.waiting if self.session is not None else []
        return bool(waiting) or self.pending is not None

    def attempt(self, write: Write) -> bool:
        """Run one write outside the call's commands; if it cannot be saved it waits here."""
        try:
            write()
        except (ClosureError, RecordClosedError) as error:
            QMessageBox.information(self.window(), APP_TITLE, str(error))
            return False
        except StorageError as error:
            self.pending, self.pending_error = write, error
            self.show_waiting()
            return False
        if self.pending is write:
            self.pending, self.pending_error = None, None
        self.show_waiting()
        return True

    def report(self, error: StorageError) -> None:
        """A failure with nothing to retry (opening the records, say): said, then gone."""
        self.message.setText(f"NOT SAVED. {error}")
        self.show()
        self.failed.emit()

    def show_waiting(self) -> None:
        """Say what is waiting, each by its question, and why; hide when nothing is."""
        lines = []
        waiting = self.session.outbox.waiting if self.session is not None else []
        if waiting:
            first = waiting[0]
            lines.append(f"NOT SAVED: {self.words(first.command)}. {first.error}")
            lines += [f"Also waiting to be saved: {self.words(w.command)}." for w in waiting[1:]]
        if self.pending is not None:
            lines.append(f"NOT SAVED. {self.pending_error}")
        if lines:
            lines.append("What you entered is kept; Ctrl+S tries again.")
            self.message.setText("\n".join(lines))
            self.show()
            self.failed.emit()
        elif self.isVisible():
            self.hide()
            self.saved.emit()

    def clear(self) -> None:
        """Forget a report (a new call is on screen); waiting writes are never dropped here."""
        self.show_waiting()

    @Slot()
    def retry(self) -> None:
        if self.pending is not None:
            self.attempt(self.pending)
        if self.session is not None and self.session.outbox.waiting:
            self.retried.emit(self.session.retry())
        self.show_waiting()

    def may_leave(self) -> bool:
        """Whether the call may be left: asks first when anything is waiting to be saved."""
        if not self.unsaved:
            return True
        choice = QMessageBox.warning(
            self.window(),
            APP_TITLE,
            "Something you entered has NOT been saved yet:\n"
            + self.message.text()
            + "\n\nTry saving again, leave it unsaved (it will be lost), or stay?",
            QMessageBox.StandardButton.Retry
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Retry,
        )
        if choice == QMessageBox.StandardButton.Retry:
            self.retry()
            return not self.unsaved
        if choice == QMessageBox.StandardButton.Discard:
            if self.session is not None:
                self.session.outbox.discard()
            self.pending, self.pending_error = None, None
            self.show_waiting()
            return True
        return False
