"""How the window sends commands and says what was saved: answers from the question page, the
call's other commands, commands for another record, and the "saved" label that never runs ahead
of the record."""

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QWidget

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls.errors import RefusedError
from rcrp_desktop.domain.errors import AnswerError, Refusal
from rcrp_desktop.ui.dialogs import ChangeReasonDialog
from rcrp_desktop.ui.message_box import message_box

if TYPE_CHECKING:
    from rcrp_desktop.calls.commands import CallCommand
    from rcrp_desktop.calls.outbox import Sent
    from rcrp_desktop.calls.recorder import CallRecorder, Written
    from rcrp_desktop.ui.session import CallSession
    from rcrp_desktop.ui.widgets.question_view import QuestionView
    from rcrp_desktop.ui.widgets.save_guard import SaveGuard


class SendingMixin:
    """The main window's sending half. Every write is a command: sent through the call's
    outbox, or another record's; refusals are said with the question's text."""

    if TYPE_CHECKING:  # provided by MainWindow; declared for the type checker only
        session: CallSession | None
        not_saved_bar: SaveGuard
        saved_label: QLabel

        @property
        def question_view(self) -> QuestionView: ...
        @property
        def _widget(self) -> QWidget: ...  # the window (CallActionsMixin)

    @Slot(object, str)
    def on_submitted(self, value: object, rationale: str) -> None:
        session = self.session
        question = session.viewed() if session else None
        if session is None or question is None:
            return
        reason = ""
        if session.is_change(value, rationale):
            reason = ChangeReasonDialog.ask(self._widget, question.text) or ""
            if not reason:
                self.question_view.show_error(
                    "Not changed: a reason is needed to change an earlier answer."
                )
                return
        self._save(value, rationale, reason)

    def _save(self, value: object, rationale: str, reason: str) -> None:
        """Send the answer to the record; one that cannot be saved waits, still on screen."""
        from rcrp_desktop.ui.wording import refusal

        assert self.session is not None
        session = self.session
        try:
            sent = session.submit(value, rationale, reason)
        except RefusedError as error:  # a closed record, or records opened read-only
            self.question_view.show_error(f"Not saved: {error}")
            return
        except AnswerError as error:
            self.question_view.show_error(refusal(session.pack, error))
            if error.kind is Refusal.RATIONALE_NEEDED:
                self.question_view.rationale.setFocus()
            return
        if sent is not None:
            self._after_send(sent)

    def send(self, command: "CallCommand") -> bool:
        """Send a command for the call on screen (a decision, a note, closing it): True when
        it was saved. One that cannot be saved waits, named in the NOT SAVED bar."""
        session = self.session
        sent = self._send(command)
        return (
            sent is not None
            and bool(sent.written)
            and session is not None
            and (session.outbox.saved)
        )

    def send_to(self, recorder: "CallRecorder", command: "CallCommand") -> "Written | None":
        """Send a command for any record: the call on screen's through its outbox, another's
        through that record's outbox in the NOT SAVED bar. What it wrote, or None (waiting,
        or refused and said so)."""
        session = self.session
        if session is not None and session.record_id == recorder.record_id:
            sent = self._send(command)
        else:
            sent = self.not_saved_bar.send_elsewhere(recorder, command)
        found = [w for w in sent.written if w.command is command] if sent is not None else []
        return found[0] if found else None

    def _send(self, command: "CallCommand") -> "Sent | None":
        from rcrp_desktop.ui.wording import refusal

        session = self.session
        if session is None:
            return None
        try:
            sent = session.send(command)
        except RefusedError as error:  # closing too soon, a closed record, read-only records
            message_box().information(self._widget, APP_TITLE, str(error))
            return None
        except AnswerError as error:
            message_box().information(self._widget, APP_TITLE, refusal(session.pack, error))
            return None
        self._after_send(sent)
        return sent

    @Slot(object)
    def _after_send(self, sent: "Sent") -> None:
        """Say what a send or a retry left: refused steps, anything still waiting."""
        from rcrp_desktop.ui.wording import command_words, refusal

        session = self.session
        if session is not None:
            for command, error in sent.refused:
                reason = refusal(session.pack, error) if isinstance(error, AnswerError) else error
                message_box().warning(
                    self._widget,
                    APP_TITLE,
                    f"Not saved: {command_words(session.pack, command)}. {reason} Enter it again.",
                )
        self.not_saved_bar.show_waiting()

    @Slot()
    def on_not_saved(self) -> None:
        self._set_saved_label("NOT SAVED", failed=True)

    def _set_saved_label(self, text: str, *, failed: bool) -> None:
        self.saved_label.setText(text)
        state = "yes" if failed else "no"
        if self.saved_label.property("failed") != state:
            # The colour follows the property; polishing is a stylesheet pass, so only on a
            # change (every answer sets the text).
            self.saved_label.setProperty("failed", state)
            self.saved_label.style().polish(self.saved_label)

    @Slot(int)
    def on_committed(self, seq: int) -> None:
        if self.not_saved_bar.unsaved:
            return  # something is still waiting: "saved" would not be true of the call
        when = datetime.now().strftime("%H:%M:%S")
        record = self.session.record_id if self.session else 0
        self._set_saved_label(f"Record {record}: saved {when} (event {seq})", failed=False)

    @Slot()
    def on_all_saved(self) -> None:
        session = self.session
        events = session.recorder.store.events(session.record_id) if session else []
        self.on_committed(events[-1].seq if events else 0)

    @Slot()
    def retry_saving(self) -> None:
        self.not_saved_bar.retry()
