"""The call in progress as a QObject: engine state plus which question the handler is viewing."""

from typing import Any

from PySide6.QtCore import QObject, Signal

from rcrp_desktop.domain import engine
from rcrp_desktop.domain.protocol import Pack, Question


class CallSession(QObject):
    """Holds the engine state for one call and forwards the handler's intents to the engine.

    Signals:
        changed: the state or the viewed question changed; views re-render.
    """

    changed = Signal()

    def __init__(self, pack: Pack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = engine.start(pack)
        self.view_index = 0  # index into the questions on the path; the last is current

    @property
    def pack(self) -> Pack:
        return self.state.pack

    def questions(self) -> list[str]:
        return self.state.questions_on_path()

    def viewing_current(self) -> bool:
        return self.view_index >= len(self.questions()) - 1 and not self.state.finished

    def viewed(self) -> Question | None:
        """The question on screen, or None when the call is at its outcome."""
        questions = self.questions()
        if self.state.finished and self.view_index >= len(questions):
            return None
        return self.pack.question(questions[min(self.view_index, len(questions) - 1)])

    def submit(self, value: Any, rationale: str, reason: str = "") -> None:
        """Answer the viewed question, or change it when it was answered before."""
        question = self.viewed()
        if question is None:
            return
        given = self.state.answers.get(question.id)
        if given is None:
            self.state = engine.answer(self.state, question.id, value, rationale)
        elif self._completes_rationale(value, rationale):
            self.state = engine.complete_rationale(self.state, question.id, rationale)
        elif reason:
            self.state = engine.change(self.state, question.id, value, rationale, reason)
        self._show_after(question.id)

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
        if self.view_index > 0:
            self.view_index -= 1
            self.changed.emit()

    def forward(self) -> None:
        if self.view_index < len(self.questions()) - (0 if self.state.finished else 1):
            self.view_index += 1
            self.changed.emit()

    def _show_after(self, node: str) -> None:
        questions = self.questions()
        after = questions.index(node) + 1 if node in questions else len(questions)
        self.view_index = after
        self.changed.emit()

    def recommendation(self) -> engine.Recommendation:
        return engine.recommend(self.state)


def _as_value(value: Any) -> engine.Value:
    if isinstance(value, list):
        return tuple(value)
    return value.strip() if isinstance(value, str) else value
