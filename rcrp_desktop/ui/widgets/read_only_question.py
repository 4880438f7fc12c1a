"""A question as it was answered, in a read-only window: shown, never changed."""

from PySide6.QtWidgets import QWidget

from rcrp_desktop.domain.call.engine import Given
from rcrp_desktop.domain.pack.protocol import Question
from rcrp_desktop.ui.widgets.question_view import QuestionView


class ReadOnlyQuestionView(QuestionView):
    """The answer and rationale given, on the same page a handler answered them on; the
    answers are off and the boxes read-only, and Enter (or Next) goes on to the next answer.

    Nothing here is sent anywhere: `submitted` is never emitted. Records opened read-only
    refuse every command all the same (calls/records.py), so this is not what protects them.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text_input.setReadOnly(True)
        self.rationale.setReadOnly(True)
        self.rationale.setPlaceholderText("No rationale was given.")
        self.next_button.setToolTip("The next answer given (Enter)")

    def show_question(
        self, question: Question, section: str, given: Given | None, can_go_back: bool
    ) -> None:
        super().show_question(question, section, given, can_go_back)
        for button in self.buttons:  # kept from question to question: off once, off after
            button.setEnabled(False)
        self.next_button.setFocus()  # the answers cannot take it; Enter there goes on

    def submit(self) -> None:
        self.forward_requested.emit()

    def pick(self, number: int) -> None:
        """Number keys choose nothing here."""
