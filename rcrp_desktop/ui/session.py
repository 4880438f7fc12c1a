"""The call in progress as a QObject: the recorded call, its commands, the question on screen."""

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from rcrp_desktop.calls.commands import (
    AnswerQuestion,
    CallCommand,
    ChangeAnswer,
    CompleteRationale,
    Decide,
)
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.pack.protocol import Pack, Question

if TYPE_CHECKING:  # imported with the store, after the window is up
    from rcrp_desktop.calls.outbox import Sent
    from rcrp_desktop.calls.recorder import CallRecorder


class CallSession(QObject):
    """Turns the handler's intents into commands for this call and renders what they wrote.

    Every write is a command sent through the call's outbox: one that cannot be saved waits
    there, by itself and with what it was for, and so does every command after it, so the
    record gets them in order. What an input is (an answer, a change, a rationale written
    afterwards) is decided once, when its command is made.

    Signals:
        changed: the state or the viewed question changed; views re-render.
        committed(int): the record's newest event number, emitted only after the commit
            returned, so anything that says "saved" is true when it says it.
    """

    changed = Signal()
    committed = Signal(int)

    def __init__(self, recorder: "CallRecorder", parent: QObject | None = None) -> None:
        super().__init__(parent)
        from rcrp_desktop.calls.outbox import Outbox

        self.recorder = recorder
        self.outbox: Outbox = Outbox(recorder)
        # A resumed call opens where it stopped: its current question, or its recommendation.
        self.view_index = len(self.questions()) - (0 if self.state.finished else 1)
        # An urgent answer shows the recommendation at once, before the questions still owed;
        # a resumed urgent call that was never decided opens on it too.
        self.showing_advice = self._urgent_undecided()
        # Where the handler was before jumping to an owed rationale (Ctrl+O), to come back to.
        self._return_to: tuple[int, bool] | None = None

    @property
    def state(self) -> engine.State:
        return self.recorder.state

    @property
    def record_id(self) -> int:
        return self.recorder.record_id

    @property
    def pack(self) -> Pack:
        return self.state.pack

    def questions(self) -> list[str]:
        return self.state.questions_on_path()

    def viewed(self) -> Question | None:
        """The question on screen, or None when the recommendation is: at the call's outcome,
        or at once after an urgent answer."""
        questions = self.questions()
        if self.showing_advice:
            return None
        if self.state.finished and self.view_index >= len(questions):
            return None
        return self.pack.question(questions[min(self.view_index, len(questions) - 1)])

    def submit(self, value: Any, rationale: str, reason: str = "") -> "Sent | None":
        """Answer the viewed question, or change it when it was answered before.

        Raises the engine's AnswerError for an answer that does not fit (nothing is kept: the
        handler corrects it on screen); one that cannot be saved waits in the outbox.
        """
        question = self.viewed()
        if question is None:
            return None
        given = self.state.answers.get(question.id)
        record = self.record_id
        command: CallCommand
        if given is None:
            command = AnswerQuestion(
                record_id=record, node=question.id, value=value, rationale=rationale
            )
        elif self._completes_rationale(value, rationale):
            command = CompleteRationale(record_id=record, node=question.id, rationale=rationale)
        elif reason:
            command = ChangeAnswer(
                record_id=record,
                node=question.id,
                value=value,
                rationale=rationale,
                reason=reason,
            )
        else:  # unchanged: move on without writing anything
            self._show_after(question.id)
            return None
        sent = self.outbox.resend(command)  # Enter again on a waiting answer retries it
        self._adopt(sent)
        return sent

    def send(self, command: CallCommand) -> "Sent":
        """Send a command to the record; render what was written (nothing, if it must wait)."""
        sent = self.outbox.send(command)
        self._adopt(sent)
        return sent

    def retry(self) -> "Sent":
        """Send the waiting commands again, in order (Ctrl+S)."""
        sent = self.outbox.retry()
        self._adopt(sent)
        return sent

    def _adopt(self, sent: "Sent") -> None:
        if not sent.written:
            return  # nothing new on disk: what the handler entered stays on screen
        for written in sent.written:
            self.committed.emit(written.last_seq)
        answered = [
            w.command.question
            for w in sent.written
            if isinstance(w.command, AnswerQuestion | ChangeAnswer | CompleteRationale)
        ]
        decided = any(isinstance(w.command, Decide) for w in sent.written)
        completed = isinstance(sent.written[-1].command, CompleteRationale)
        if completed and self._return_to is not None:
            self.view_index, self.showing_advice = self._return_to  # back where they were
            self._return_to = None
            self.changed.emit()
        elif answered:
            self._show_after(answered[-1])
        elif decided and not self.state.finished:
            # Decided at once on an urgent answer: on to the questions still owed.
            self.showing_advice = False
            self.view_index = len(self.questions()) - 1
            self.changed.emit()
        else:
            self.changed.emit()

    def _urgent_undecided(self) -> bool:
        advice = self.recorder.advice
        return advice.urgent and not advice.final and self.state.decision is None

    def show_owed(self) -> None:
        """Leave the early recommendation for the questions still owed (it stays a key away)."""
        if self.showing_advice:
            self.showing_advice = False
            self.view_index = len(self.questions()) - 1
            self.changed.emit()

    def show_advice(self) -> None:
        """Back to the recommendation from a question (urgent, or at the outcome)."""
        if self.recorder.advice.ready and not self.showing_advice:
            self.showing_advice = not self.state.finished
            self.view_index = len(self.questions())
            self.changed.emit()

    def is_change(self, value: Any, rationale: str) -> bool:
        """Whether submitting this on the viewed question would change an earlier answer."""
        old = self._given()
        if old is None or self._completes_rationale(value, rationale):
            return False
        return (_as_value(value), rationale.strip()) != (old.value, old.rationale)

    def _given(self) -> engine.Given | None:
        question = self.viewed()
        return self.state.answers.get(question.id) if question else None

    def _completes_rationale(self, value: Any, rationale: str) -> bool:
        """Same answer, and a rationale where there was none: documenting afterwards."""
        old = self._given()
        return (
            old is not None
            and not old.rationale
            and bool(rationale.strip())
            and _as_value(value) == old.value
        )

    def to_owed_rationale(self) -> bool:
        """Jump to the first answer whose rationale is still owed (once written, back where the
        handler was); pressed there, straight back. False when nothing is owed."""
        questions = self.questions()
        owed = [n for n in self.recorder.advice.rationale_owed if n in questions]
        viewed = self.viewed()
        if viewed is not None and viewed.id in owed and self._return_to is not None:
            self.view_index, self.showing_advice = self._return_to
            self._return_to = None
            self.changed.emit()
            return True
        if not owed:
            return False
        self._return_to = (self.view_index, self.showing_advice)
        self.view_index, self.showing_advice = questions.index(owed[0]), False
        self.changed.emit()
        return True

    def back(self) -> None:
        if self.showing_advice:
            self.show_owed()
        elif self.view_index > 0:
            self.view_index -= 1
            self.changed.emit()

    def forward(self) -> None:
        if self.view_index < len(self.questions()) - (0 if self.state.finished else 1):
            self.view_index += 1
            self.changed.emit()
        elif not self.state.finished and self.recorder.advice.ready:
            self.show_advice()  # past the question the call stands at: its recommendation

    def _show_after(self, node: str) -> None:
        questions = self.questions()
        after = questions.index(node) + 1 if node in questions else len(questions)
        self.view_index = after
        # The first urgent answer puts the recommendation on screen at once (R29).
        self.showing_advice = self._urgent_undecided()
        self.changed.emit()

    def recommendation(self) -> engine.Recommendation:
        return self.recorder.advice


def _as_value(value: Any) -> engine.Value:
    if isinstance(value, list):
        return tuple(value)
    return value.strip() if isinstance(value, str) else value
