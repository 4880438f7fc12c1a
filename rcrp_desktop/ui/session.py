"""The call in progress as a QObject: the recorded call plus which question is on screen."""

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from rcrp_desktop.domain import engine
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.protocol import Pack, Question

if TYPE_CHECKING:  # imported with the store, after the window is up
    from rcrp_desktop.calls.recorder import CallRecorder


class CallSession(QObject):
    """Forwards the handler's intents to the recorder; each is on disk before it counts.

    Signals:
        changed: the state or the viewed question changed; views re-render.
        committed(int): the record's newest event number, emitted only after the commit
            returned, so anything that says "saved" is true when it says it.
    """

    changed = Signal()
    committed = Signal(int)

    def __init__(self, recorder: "CallRecorder", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.recorder = recorder
        # A resumed call opens where it stopped: its current question, or its recommendation.
        self.view_index = len(self.questions()) - (0 if self.state.finished else 1)
        # An urgent answer shows the recommendation at once, before the questions still owed;
        # a resumed urgent call that was never decided opens on it too.
        self.showing_advice = self._urgent_undecided()

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

    def viewing_current(self) -> bool:
        return self.view_index >= len(self.questions()) - 1 and not self.state.finished

    def viewed(self) -> Question | None:
        """The question on screen, or None when the recommendation is: at the call's outcome,
        or at once after an urgent answer."""
        questions = self.questions()
        if self.showing_advice:
            return None
        if self.state.finished and self.view_index >= len(questions):
            return None
        return self.pack.question(questions[min(self.view_index, len(questions) - 1)])

    def submit(self, value: Any, rationale: str, reason: str = "") -> None:
        """Answer the viewed question, or change it when it was answered before.

        Raises the engine's AnswerError for an answer that does not fit, and StorageError when
        it could not be saved; either way nothing changes and the same submit can be retried.
        """
        question = self.viewed()
        if question is None:
            return
        given = self.state.answers.get(question.id)
        recorder = self.recorder
        if given is None:
            recorder.answer(question.id, value, rationale)
        elif self._completes_rationale(value, rationale):
            recorder.complete_rationale(question.id, rationale)
        elif reason:
            recorder.change(question.id, value, rationale, reason)
        else:  # unchanged: move on without writing anything
            self._show_after(question.id)
            return
        self.committed.emit(recorder.last_committed[-1].seq)
        self._show_after(question.id)

    def decide(self, code: OutcomeCode, rationale: str) -> None:
        self.recorder.decide(code, rationale)
        if not self.state.finished:
            # Decided at once on an urgent answer: on to the questions still owed.
            self.showing_advice = False
            self.view_index = len(self.questions()) - 1
        self._committed()

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

    def record(self, note: object) -> None:
        self.recorder.record(note)
        self._committed()

    def close(self) -> None:
        self.recorder.close()
        self._committed()

    def _committed(self) -> None:
        self.committed.emit(self.recorder.last_committed[-1].seq)
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
