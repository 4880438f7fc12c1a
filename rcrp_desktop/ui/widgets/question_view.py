"""One question on screen: its answers on number keys, a rationale box, Enter to move on."""

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QResizeEvent, QTextCursor, QTextLayout
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop.domain.call.engine import Given, is_urgent, rationale_required
from rcrp_desktop.domain.pack.protocol import Answer, InputKind, Question
from rcrp_desktop.ui.qt_helpers import named, plain_enter

DIGIT_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}


KeyHandler = Callable[[QKeyEvent], bool]


class TypedKeys:
    """For an answer button: a key typed on it goes to `typed` first (typing starts the
    rationale). Only key presses reach Python: an event filter would have seen every paint
    too, and cost a frame's worth on a long call.

    An answer takes the width it is given and its text is wrapped to it (`wrapped_text`): a
    button does not wrap by itself, and each question's widest answer set the page's minimum
    width, so the panes beside it jumped narrower and back from question to question (and the
    whole page was laid out and repainted each time).
    """

    _typed: KeyHandler

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._typed(event):
            super().keyPressEvent(event)  # type: ignore[misc]


class AnswerRadio(TypedKeys, QRadioButton):
    """An answer of a one-answer question."""

    def __init__(self, typed: KeyHandler) -> None:
        QRadioButton.__init__(self)
        self._typed = typed
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)


class AnswerCheck(TypedKeys, QCheckBox):
    """An item of a checklist."""

    def __init__(self, typed: KeyHandler) -> None:
        QCheckBox.__init__(self)
        self._typed = typed
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)


class QuestionView(QWidget):
    """Renders a Question and emits what the handler chose.

    Signals:
        submitted(object, str): the value (str or list of str) and the rationale.
        back_requested(): the handler asked for the previous question.
        forward_requested(): the next answer given, asked for (read_only_question.py).
        urgent_selected(bool): whether the answer now selected is urgent (before it is saved).
    """

    submitted = Signal(object, str)
    back_requested = Signal()
    forward_requested = Signal()
    urgent_selected = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question: Question | None = None
        self.buttons: list[QAbstractButton] = []  # the question's answers, in order
        # Answer buttons are kept and relabelled from question to question, one set of radio
        # buttons (one answer) and one of check boxes (a checklist): making and style-polishing
        # new ones for every question was a good part of the time from Enter to the next one.
        self._radios: list[QAbstractButton] = []
        self._checks: list[QAbstractButton] = []
        self._radio_group = QButtonGroup(self)
        self._check_group = QButtonGroup(self)
        self._check_group.setExclusive(False)
        self._wrapped: dict[tuple[str, int], str] = {}  # (shown text, width) -> with line breaks
        self._chrome: dict[type, int] = {}  # per kind of button: its size hint less its text

        self.section_label = named(QLabel(), "sectionLabel")
        self.text_label = named(QLabel(wordWrap=True), "questionText")
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.answers_box = QVBoxLayout()
        self.text_input = named(QLineEdit(), "textAnswer")
        self.text_input.setAccessibleName("Answer")
        # No returnPressed hook: QLineEdit also passes Enter up to this view, which submits;
        # both would answer two questions with one key press.
        self.rationale_label = named(QLabel(), "rationaleLabel")
        self.rationale = named(QPlainTextEdit(), "rationale")
        self.rationale.setAccessibleName("Rationale")
        self.rationale.setAccessibleDescription(
            "The facts relied on for this answer. Enter moves on; Shift+Enter for a new line."
        )
        self.rationale.setTabChangesFocus(True)
        self.rationale.setPlaceholderText(
            "The facts you relied on (Enter to move on, Shift+Enter for a new line)"
        )
        self.rationale.setMaximumHeight(110)
        self.rationale.installEventFilter(self)
        self.error_label = named(QLabel(wordWrap=True), "errorLabel")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()
        self.back_button = named(QPushButton("◀ Back"), "", "Previous question (Alt+Left)")
        self.back_button.setAccessibleName("Back to the previous question")
        self.back_button.clicked.connect(self.back_requested)
        self.next_button = named(
            QPushButton("&Next ▶"), "nextButton", "Save this answer and move on (Enter)"
        )
        self.next_button.setAccessibleName("Next question")
        self.next_button.clicked.connect(self.submit)

        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(self.section_label)
        layout.addWidget(self.text_label)
        layout.addSpacing(8)
        layout.addLayout(self.answers_box)
        layout.addWidget(self.text_input)
        layout.addSpacing(8)
        layout.addWidget(self.rationale_label)
        layout.addWidget(self.rationale)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(360)  # answers wrap, but not to a word a line

    def show_question(
        self, question: Question, section: str, given: Given | None, can_go_back: bool
    ) -> None:
        """Render a question, pre-filled with its answer when it was answered before."""
        self.question = question
        self.section_label.setText(section)
        self.text_label.setText(question.text)
        self.text_label.setAccessibleName(f"Question: {question.text}")
        previous, self.buttons = self.buttons, []
        is_text = question.input is InputKind.TEXT
        self.text_input.setVisible(is_text)
        self.rationale.setVisible(not is_text)
        self.rationale_label.setVisible(not is_text)
        self.text_input.setText(str(given.value) if given and is_text else "")
        self.text_input.setPlaceholderText(
            "Optional: type, or press Enter to skip"
            if question.optional
            else "Required: type the answer, then press Enter"
        )
        self.rationale.setPlainText(given.rationale if given else "")
        if not is_text:
            self._add_answer_buttons(question, given)
        # Only the buttons this question does not use are hidden: hiding and showing again
        # the ones it keeps cost more than a millisecond an answer.
        for button in previous:
            if button not in self.buttons:
                button.hide()
        self.back_button.setEnabled(can_go_back)
        self.error_label.hide()
        self._set_tab_order(is_text)
        self._update_rationale_label()
        (self.text_input if is_text else (self.buttons[0] if self.buttons else self)).setFocus()

    def _set_tab_order(self, is_text: bool) -> None:
        # Answer buttons are made per question, after the boxes: without this, Tab would
        # leave the answers for whatever was created next.
        chain: list[QWidget] = [self.text_input] if is_text else [*self.buttons, self.rationale]
        chain += [self.next_button, self.back_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _add_answer_buttons(self, question: Question, given: Given | None) -> None:
        multi = question.input is InputKind.MULTI
        chosen = (
            set(given.value)
            if given and isinstance(given.value, tuple)
            else ({given.value} if given else set())
        )
        kept, group = (
            (self._checks, self._check_group) if multi else (self._radios, self._radio_group)
        )
        while len(kept) < len(question.answers):
            made: QAbstractButton = (
                AnswerCheck(self._typed_on_answers)
                if multi
                else AnswerRadio(self._typed_on_answers)
            )
            made.toggled.connect(self._on_toggled)
            if type(made) not in self._chrome:
                made.ensurePolished()
                made.setText("M")
                chrome = made.sizeHint().width() - made.fontMetrics().horizontalAdvance("M")
                self._chrome[type(made)] = chrome
            group.addButton(made, len(kept) + 1)
            self.answers_box.addWidget(made)
            made.hide()
            kept.append(made)
        exclusive = group.exclusive()
        group.setExclusive(False)  # so that every answer can start unticked
        shown = kept[: len(question.answers)]
        for number, (answer, button) in enumerate(zip(question.answers, shown, strict=True), 1):
            button.blockSignals(True)  # rendering is not the handler choosing
            button.setText(self._button_text(button, number, answer))
            button.setObjectName(f"answer_{answer.value}")
            button.setAccessibleName(answer.label)
            button.setChecked(answer.value in chosen)
            _show_chosen(button)
            button.blockSignals(False)
            if button.isHidden():
                button.show()  # now, not at the next layout pass, so it can take focus at once
            self.buttons.append(button)
        group.setExclusive(exclusive)

    def _button_text(self, button: QAbstractButton, number: int, answer: Answer) -> str:
        """The answer's label wrapped to the button's width, its number key (1 to 9) first
        and underlined; an "&" in the label shown as itself."""
        shown = (f"{number}  " if number < 10 else "    ") + answer.label
        width = self._text_width(button)
        wrapped = self._wrapped.get((shown, width))
        if wrapped is None:
            if len(self._wrapped) > 4000:  # widths seen while resizing: keep it bounded
                self._wrapped.clear()
            # Wrapped in bold: a chosen answer is drawn bold and must still fit.
            font = QFont(button.font())
            font.setBold(True)
            wrapped = self._wrapped[(shown, width)] = wrapped_text(shown, font, width)
        escaped = wrapped.replace("&", "&&")
        return "&" + escaped if number < 10 else escaped

    def _text_width(self, button: QAbstractButton) -> int:
        """The width an answer's text has: the answers' column less the button's own parts
        (indicator, padding, border: what its size hint adds to its text's width)."""
        outer = self._layout.contentsMargins()
        column = self.width() - outer.left() - outer.right()
        # 4: the chosen answer's focus border is wider than the border measured
        return max(80, column - self._chrome[type(button)] - 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        question = self.question
        if question is None or event.size().width() == event.oldSize().width():
            return
        answers = zip(question.answers, self.buttons, strict=True)
        for number, (answer, button) in enumerate(answers, 1):
            button.setText(self._button_text(button, number, answer))

    def _on_toggled(self, checked: bool) -> None:
        sender = self.sender()
        question = self.question
        if checked and question and question.input is InputKind.MULTI:
            answer = self._answer_of(sender)
            for button in self.buttons:  # an exclusive item ("none") clears the others
                if button is sender:
                    continue
                other = self._answer_of(button)
                if answer and other and (answer.exclusive or other.exclusive):
                    button.setChecked(False)
        _show_chosen(sender)  # type: ignore[arg-type]
        self._update_rationale_label()
        urgent = any(b.isChecked() and self._answer_of(b).urgent for b in self.buttons)
        self.urgent_selected.emit(urgent)

    def _answer_of(self, button: QObject) -> Answer:
        # Kept on the Python side: reading values back through Qt properties is avoided.
        assert self.question is not None
        return self.question.answers[self.buttons.index(button)]  # type: ignore[arg-type]

    def value(self) -> Any:
        """The answer as currently entered: a string, or a list for checklists."""
        if self.question is None:
            return None
        if self.question.input is InputKind.TEXT:
            return self.text_input.text()
        chosen = [self._answer_of(b).value for b in self.buttons if b.isChecked()]
        if self.question.input is InputKind.MULTI:
            return chosen
        return chosen[0] if chosen else None

    def rationale_text(self) -> str:
        return self.rationale.toPlainText()

    def _update_rationale_label(self) -> None:
        question = self.question
        if question is None:
            return
        value = self.value()
        needed = rationale_required(
            question, tuple(value) if isinstance(value, list) else value or ""
        )
        if needed and is_urgent(question, tuple(value) if isinstance(value, list) else value or ""):
            label = "Rationale (required: it can follow once you have deployed or escalated)"
        else:
            label = "Rationale (required)" if needed else "Rationale (optional)"
        self.rationale_label.setText(label)
        self.rationale.setProperty("required", needed)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def submit(self) -> None:
        """Emit the answer; a choice with nothing picked gets a prompt instead."""
        value = self.value()
        if value is None or value == []:
            self.show_error("Pick an answer first (number keys 1 to 9).")
            return
        self.submitted.emit(value, self.rationale_text())

    def pick(self, number: int) -> None:
        """Select (or, on a checklist, toggle) the answer with this number."""
        if 1 <= number <= len(self.buttons):
            button = self.buttons[number - 1]
            is_multi = self.question is not None and self.question.input is InputKind.MULTI
            button.setChecked(not button.isChecked() if is_multi else True)
            button.setFocus()

    def _typed_on_answers(self, event: QKeyEvent) -> bool:
        """A key on the answer list: digits pick (below, in keyPressEvent); space never picks
        (it used to tick the focused answer, often "Yes"); text starts the rationale."""
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            return True
        text = event.text()
        commanding = event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if text and text.isprintable() and not text.isdigit() and not commanding:
            if self.rationale.isVisible():
                self.rationale.setFocus()
                self.rationale.moveCursor(QTextCursor.MoveOperation.End)
                self.rationale.insertPlainText(text)
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Digits reach here only when no text box has focus, so typing is never hijacked.
        if (
            event.key() in DIGIT_KEYS
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.pick(DIGIT_KEYS[Qt.Key(event.key())])
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        else:
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # In the rationale box, Enter moves on and Shift+Enter starts a new line. What is not
        # handled goes on to Qt's own filter (whose answer is returned, not a literal False:
        # a literal returned to Qt from an override drained False's references, qt_check.py).
        if watched is self.rationale and plain_enter(event):
            self.submit()
            return True
        return super().eventFilter(watched, event)


def _show_chosen(button: QAbstractButton) -> None:
    """A chosen answer in bold (with its box and tint from the stylesheet, whose own
    `font-weight` in a `:checked` rule Qt does not draw)."""
    font = button.font()
    if font.bold() != button.isChecked():
        font.setBold(button.isChecked())
        button.setFont(font)


def wrapped_text(text: str, font: QFont, width: int) -> str:
    """`text` with a line break wherever Qt's own line breaking (QTextLayout) ends a line
    of `width` pixels in `font`."""
    layout = QTextLayout(text, font)
    lines = []
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        start = line.textStart()
        lines.append(text[start : start + line.textLength()].rstrip())
    layout.endLayout()
    return "\n".join(lines)
