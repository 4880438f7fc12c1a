"""How a figure's rows read to people: outcome codes, questions and answers in the packs'
words rather than their ids (the CSV keeps the ids)."""

from collections.abc import Iterable, Mapping

from rcrp_desktop.domain.monitoring.config import MonitoringConfig
from rcrp_desktop.domain.monitoring.figures import FIGURES, QUESTION_FIGURES, Figure
from rcrp_desktop.domain.pack.protocol import Pack, Question
from rcrp_desktop.domain.review.facts import outcome_title


def shown_row(
    figure: Figure, row: tuple[object, ...], questions: Mapping[str, str] | None = None
) -> tuple[object, ...]:
    """A row as people read it: outcome codes in words, an empty category named, a question
    by its words and an answer by its label where `questions` (figure_words) knows them."""
    if figure.id == "calls_by_category_outcome":
        category, outcome, *rest = row
        return (category or "(none)", outcome_title(str(outcome)), *rest)
    if figure in QUESTION_FIGURES and questions and str(row[0]) in questions:
        return (questions[str(row[0])], *row[1:])
    label = questions.get(f"{figure.id}={row[0]}") if questions and figure.answers_of else None
    return (label, *row[1:]) if label else row


def question_words(packs: Iterable[Pack]) -> dict[str, str]:
    """Each question id -> its words, from the packs given (the first that asks it)."""
    words: dict[str, str] = {}
    for pack in packs:
        for node_id, node in pack.nodes.items():
            if isinstance(node, Question):
                words.setdefault(node_id, node.text)
    return words


def figure_words(packs: Iterable[Pack], config: MonitoringConfig) -> dict[str, str]:
    """`question_words`, and for each figure whose first column is a question's answer,
    "figure id=value" -> the answer's label, from the packs given (the first that has it)."""
    packs = tuple(packs)  # read once for the questions, again for each figure's answers
    words = question_words(packs)
    for figure in FIGURES:
        if not figure.answers_of:
            continue
        node = str(getattr(config, figure.answers_of))
        for pack in packs:
            question = pack.nodes.get(node)
            if isinstance(question, Question):
                for answer in question.answers:
                    words.setdefault(f"{figure.id}={answer.value}", answer.label)
    return words
