"""The window's side of who holds an open call: a supervisor taking over a call someone else
holds (break-glass, with a reason), the open call passed on at a shift change at this desk, and
a line saying who holds a call opened by someone else."""

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.ui.message_box import message_box

if TYPE_CHECKING:
    from rcrp_desktop.calls.commands import CallCommand
    from rcrp_desktop.calls.gate import Gate
    from rcrp_desktop.ui.session import CallSession


def _number(stamp: str) -> str:
    return stamp.split(" ", 1)[0]


class HoldingActionsMixin:
    """Slots and steps of the main window about who works the call on screen."""

    if TYPE_CHECKING:  # provided by MainWindow; declared for the type checker only
        user: str
        gate: Gate | None
        session: CallSession | None
        read_only: bool
        saved_label: QLabel

        @property
        def _widget(self) -> QWidget: ...
        def send(self, command: CallCommand) -> bool: ...
        def statusBar(self) -> QStatusBar: ...
        def refresh(self) -> None: ...

    @Slot()
    def take_over_call(self) -> None:
        """A supervisor takes over the call on screen from whoever holds it: asked why (the
        reason goes into the record and the access log), refused in one line to others."""
        session = self.session
        if session is None or self.read_only:
            return
        recorder = session.recorder
        if recorder.closed:
            self.statusBar().showMessage(f"Record {recorder.record_id} is closed.", 10000)
            return
        if _number(recorder.holder) == _number(self.user):
            self.statusBar().showMessage(f"You hold call {recorder.record_id} already.", 10000)
            return
        from rcrp_desktop.calls import gate as gates
        from rcrp_desktop.calls.commands import RecordNote
        from rcrp_desktop.calls.holding import SUPERVISOR
        from rcrp_desktop.domain.call.closure import TakenOver
        from rcrp_desktop.ui.dialogs.reading import ReasonDialog

        try:  # asked before the reason is typed: a handler is told at once
            gates.require(recorder.store, "call.unlock")
        except StorageError as error:
            message_box().warning(self._widget, APP_TITLE, str(error))
            return
        reason = ReasonDialog.ask(
            self._widget, recorder.record_id, recorder.holder, taking_over=True
        )
        if reason is None:
            return
        note = TakenOver("", self.user, SUPERVISOR, reason)
        if self.send(RecordNote(record_id=recorder.record_id, note=note)):
            self.statusBar().showMessage(
                f"Call {recorder.record_id} taken over: you work it from now on.", 10000
            )
            self.refresh()

    def hand_over_at_shift_change(self, signed: "Gate") -> None:
        """Before the next person takes the desk: the call on screen, still open and held by
        the person leaving, passes to them (written as the person leaving, who holds it).
        Someone who may not take calls here is handed nothing."""
        session = self.session
        if session is None or self.read_only or not signed.may("call.take"):
            return
        recorder = session.recorder
        if recorder.closed or _number(recorder.holder) != _number(self.user):
            return
        if _number(signed.stamp) == _number(self.user):
            return
        # Written straight through the recorder, not the call's outbox: the page is left as it
        # is, with whatever the person leaving had typed and not saved, for the next to save.
        try:
            recorder.hand_over(signed.stamp)
        except StorageError as error:
            message_box().warning(
                self._widget,
                APP_TITLE,
                f"Call {recorder.record_id} stays held by {recorder.holder}: {error}",
            )

    def say_who_holds(self) -> None:
        """On opening a call someone else holds: say so, and how it can be worked."""
        session = self.session
        if session is None or self.read_only or self.gate is None:
            return
        recorder = session.recorder
        if recorder.closed or self.gate.owns(recorder.holder):
            return
        self.saved_label.setText(f"Record {recorder.record_id}: held by {_number(recorder.holder)}")
        self.statusBar().showMessage(
            f"You can read this call; only {recorder.holder} works it. A supervisor takes it "
            "over: Ctrl+Shift+O."
        )
