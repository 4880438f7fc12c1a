"""Answers wrap to the width they are given: every answer is shown whole, chosen (bold) or
not, and the panes beside the question keep their widths from question to question."""

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QApplication
from pytestqt.qtbot import QtBot

from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.protocol import InputKind
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.widgets.question_view import wrapped_text
from tests.ui.test_main_window import answer_by_keyboard, start_call

SCRIPT = "welfare-crisis-team.json"  # its category question has the pack's longest answers


def shown_whole(button: QAbstractButton) -> bool:
    """The button is as wide as its text needs, and the text is its label, line by line."""
    return button.sizeHint().width() <= button.width()


def label_of(button: QAbstractButton) -> str:
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    return " ".join(text.split("\n")).split("  ", 1)[-1].strip()


@pytest.mark.parametrize("size", [(1366, 768), (1024, 700)])
def test_the_panes_keep_their_widths_and_every_answer_is_shown_whole(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    window.resize(*size)
    QApplication.processEvents()
    script = load_script(examples_dir() / SCRIPT)
    start_call(qtbot, window, script.pack)
    widths = set()
    longest = 0
    for step in script.steps:
        view = window.question_view
        question = view.question
        assert question is not None and question.id == step.node
        QApplication.processEvents()
        widths.add(tuple(window.call_page.sizes()))
        scroll = window.call_page.question_scroll.verticalScrollBar()
        assert scroll.value() == 0, "each question is shown from its text"
        scroll.setValue(scroll.maximum())  # as if the handler had scrolled down to Next
        for answer, button in zip(question.answers, view.buttons, strict=True):
            assert shown_whole(button), (question.id, answer.value, button.text())
            assert label_of(button) == answer.label
            longest = max(longest, button.text().count("\n"))
        answer_by_keyboard(qtbot, window, step.answer, step.rationale)
    assert len(widths) == 1, f"the panes moved: {sorted(widths)}"
    if size[0] < 1366:
        assert longest >= 1, "no answer was long enough to wrap: the test proves nothing"


def test_a_chosen_answer_is_bold_and_still_shown_whole_after_a_narrower_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(1366, 768)
    script = load_script(examples_dir() / SCRIPT)
    start_call(qtbot, window, script.pack)
    for step in script.steps:
        if window.question_view.question.id == "cat":
            break
        answer_by_keyboard(qtbot, window, step.answer, step.rationale)
    view = window.question_view
    assert view.question is not None and view.question.input is InputKind.CHOICE
    widest = max(range(len(view.buttons)), key=lambda i: len(view.question.answers[i].label))
    view.pick(widest + 1)
    QApplication.processEvents()
    chosen = view.buttons[widest]
    assert chosen.font().bold()
    assert not any(b.font().bold() for b in view.buttons if b is not chosen)
    assert shown_whole(chosen), chosen.text()
    window.resize(1000, 700)  # a window made narrower: the answers wrap again
    QApplication.processEvents()
    assert all(shown_whole(b) for b in view.buttons), [b.text() for b in view.buttons]
    pairs = zip(view.question.answers, view.buttons, strict=True)
    assert all(label_of(b) == a.label for a, b in pairs)
    view.pick(1)  # another answer chosen: the first goes back to regular weight
    assert view.buttons[0].font().bold() and not chosen.font().bold()


def test_wrapped_text_keeps_every_word_in_lines_no_wider_than_asked() -> None:
    font = QFont()
    font.setPointSize(13)
    font.setBold(True)
    metrics = QFontMetrics(font)
    text = "4  AWOL: patient detained under the Mental Health Act, on a CTO or recalled"
    for width in (120, 250, 400):
        lines = wrapped_text(text, font, width).split("\n")
        assert len(lines) > 1
        assert all(metrics.horizontalAdvance(line) <= width for line in lines), lines
        assert " ".join(lines).split() == text.split()
    assert wrapped_text(text, font, 5000) == text
