"""The NOT SAVED bar: what is waiting to be saved, by what it was for, said aloud and retried.

Every write is a command. The call on screen sends its commands through its own outbox
(rcrp_desktop/calls/outbox.py); a command for another record (a partner's confirmation from the
overdue bar, a re-assessment) goes through that record's outbox, kept here; a new call's start
waits here if its record cannot be made. Each is named by what it was for, and leaves only by
its own success, in order.
"""

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls.errors import RefusedError, StorageError
from rcrp_desktop.domain.errors import AnswerError
from rcrp_desktop.ui.message_box import message_box
from rcrp_desktop.ui.qt_helpers import named

if TYPE_CHECKING:
    from rcrp_desktop.calls.commands import CallCommand, StartCall
    from rcrp_desktop.calls.outbox import Outbox, Sent
    from rcrp_desktop.calls.recorder import CallRecorder
    from rcrp_desktop.ui.session import CallSession

Begin = Callable[["StartCall"], "CallRecorder"]


class SaveGuard(QWidget):
    """Shows NOT SAVED, with each thing waiting and why; Ctrl+S retries them in order.

    Signals:
        failed(): something could not be saved and is now waiting.
        saved(): everything that was waiting has been saved.
        retried(Sent): a retry sent the call's waiting commands; the window reports refusals.
        started(StartCall, CallRecorder): a call's record was made (at once, or on a retry).
    """

    failed = Signal()
    saved = Signal()
    retried = Signal(object)  # what a retry of the call's commands did (calls.outbox.Sent)
    started = Signal(object, object)

    def __init__(self, begin: Begin, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # What makes a call's record: the window's method, held weakly so that the bar (which
        # the window owns) does not keep the window alive in a reference cycle.
        self._begin = weakref.WeakMethod(begin)
        self.starting: StartCall | None = None  # a start whose record could not be made yet
        self.start_error: StorageError | None = None
        self.elsewhere: dict[int, Outbox] = {}  # commands for records not on screen, waiting
        self.session: CallSession | None = None
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

    def follow(self, session: "CallSession | None") -> None:
        """The call whose waiting commands the bar shows (the call on screen)."""
        self.session = session
        self.show_waiting()

    @property
    def unsaved(self) -> bool:
        boxes = [self.session.outbox] if self.session is not None else []
        waiting = any(box.waiting for box in [*boxes, *self.elsewhere.values()])
        return waiting or self.starting is not None

    def start(self, command: "StartCall") -> None:
        """Start a call: `started` once its record is made; until then the start waits here."""
        self.starting, self.start_error = command, None
        self._send_start()

    def send_elsewhere(self, recorder: "CallRecorder", command: "CallCommand") -> "Sent | None":
        """Send a command to a record that is not the call on screen: what was written, or
        None if it was refused (and said so). One that cannot be saved waits in that record's
        outbox, here, until Ctrl+S."""
        from rcrp_desktop.calls.outbox import Outbox

        box = self.elsewhere.get(recorder.record_id)
        if box is None:  # commands already waiting for this record keep their own outbox
            box = self.elsewhere[recorder.record_id] = Outbox(recorder)
        try:
            sent = box.send(command)
        except RefusedError as error:
            message_box().information(self.window(), APP_TITLE, str(error))
            return None
        except AnswerError as error:
            from rcrp_desktop.ui.wording import refusal

            message_box().information(self.window(), APP_TITLE, refusal(recorder.state.pack, error))
            return None
        finally:
            if not box.waiting:
                del self.elsewhere[recorder.record_id]
            self.show_waiting()
        return sent

    def report(self, error: StorageError) -> None:
        """A failure with nothing to retry (opening the records, say): said, then gone."""
        self.message.setText(f"NOT SAVED. {error}")
        self.show()
        self.failed.emit()

    def show_waiting(self) -> None:
        """Say what is waiting, each by what it was for, and why; hide when nothing is."""
        if not self.unsaved:  # nothing to word (and the wording module stays unloaded)
            if self.isVisible():
                self.hide()
                self.saved.emit()
            return
        from rcrp_desktop.ui.wording import command_words

        lines = []
        for index, (words, error) in enumerate(self._waiting()):
            lines.append(
                f"NOT SAVED: {words}. {error}"
                if index == 0
                else f"Also waiting to be saved: {words}."
            )
        if self.starting is not None:
            pack = self.starting.pack
            lines.append(f"NOT SAVED: {command_words(pack, self.starting)}. {self.start_error}")
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
        for record_id, box in list(self.elsewhere.items()):
            box.retry()
            if not box.waiting:
                del self.elsewhere[record_id]
        if self.session is not None and self.session.outbox.waiting:
            self.retried.emit(self.session.retry())
        if self.starting is not None:
            self._send_start()
        self.show_waiting()

    def may_leave(self) -> bool:
        """Whether the call may be left: asks first when anything is waiting to be saved."""
        if not self.unsaved:
            return True
        box = message_box()
        choice = box.warning(
            self.window(),
            APP_TITLE,
            "Something you entered has NOT been saved yet:\n"
            + self.message.text()
            + "\n\nTry saving again, leave it unsaved (it will be lost), or stay?",
            box.StandardButton.Retry | box.StandardButton.Discard | box.StandardButton.Cancel,
            box.StandardButton.Retry,
        )
        if choice == box.StandardButton.Retry:
            self.retry()
            return not self.unsaved
        if choice == box.StandardButton.Discard:
            if self.session is not None:
                self.session.outbox.discard()
            self.elsewhere.clear()
            self.starting, self.start_error = None, None
            self.show_waiting()
            return True
        return False

    def _waiting(self) -> list[tuple[str, StorageError]]:
        """Every command waiting, in words, with why: the call on screen's first."""
        from rcrp_desktop.ui.wording import command_words

        found = []
        boxes = [self.session.outbox] if self.session is not None else []
        for box in [*boxes, *self.elsewhere.values()]:
            pack = box.recorder.state.pack
            found += [(command_words(pack, w.command), w.error) for w in box.waiting]
        return found

    def _send_start(self) -> None:
        command = self.starting
        if command is None:
            return
        begin = self._begin()
        if begin is None:
            return
        try:
            recorder = begin(command)
        except RefusedError as error:  # records opened read-only: no call is started, nor waits
            self.starting, self.start_error = None, None
            message_box().information(self.window(), APP_TITLE, str(error))
            self.show_waiting()
            return
        except StorageError as error:
            self.start_error = error
            self.show_waiting()
            return
        self.starting, self.start_error = None, None
        self.show_waiting()
        self.started.emit(command, recorder)
