"""Drive the engine through a pack with chosen or default answers (test helper)."""

from collections.abc import Callable, Mapping
from typing import Any

from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.pack.protocol import InputKind, Pack, Question

Chooser = Callable[[Question], tuple[Any, str]]


def default_answer(question: Question) -> tuple[Any, str]:
    """A calm, below-threshold answer: 'no' where offered, else the first answer."""
    if question.input is InputKind.TEXT:
        return "Details as given by the caller", ""
    if question.input is InputKind.MULTI:
        none = question.answer("none")
        return [none.value if none else question.answers[0].value], ""
    preferred = question.answer("no") or question.answer("none") or question.answers[0]
    return preferred.value, "Facts as given by the caller"


def walk(
    pack: Pack, answers: Mapping[str, Any] | None = None, chooser: Chooser = default_answer
) -> engine.State:
    """Answer every question until the outcome: from `answers` where given, else `chooser`."""
    answers = answers or {}
    state = engine.start(pack)
    for _ in range(len(pack.nodes)):
        if state.finished:
            return state
        question = pack.question(state.current)
        if question.id in answers:
            given = answers[question.id]
            value, rationale = given if isinstance(given, tuple) else (given, "Facts relied on")
        else:
            value, rationale = chooser(question)
        state = engine.answer(state, question.id, value, rationale)
    raise AssertionError(f"no outcome after {len(pack.nodes)} answers: at {state.current}")
