"""Pure functions over a pack and a set of answers: values, rationale rules, the walk."""

from collections.abc import Mapping
from typing import Any, Protocol

from rcrp_desktop.domain.errors import AnswerError, Refusal
from rcrp_desktop.domain.pack.protocol import (
    Condition,
    InputKind,
    Outcome,
    Pack,
    Question,
    Route,
    Test,
)

Value = str | tuple[str, ...]


class Answered(Protocol):
    """Anything holding an answer's value and rationale (the engine's Given)."""

    @property
    def value(self) -> Value: ...

    @property
    def rationale(self) -> str: ...


def answer_label(question: Question, value: Value) -> str:
    """What the handler saw for a value: the answer labels, or the text typed."""
    if question.input is InputKind.TEXT:
        return str(value)
    values = value if isinstance(value, tuple) else (value,)
    labels = [a.label for v in values if (a := question.answer(v)) is not None]
    return "; ".join(labels)


def rationale_required(question: Question, value: Value) -> bool:
    """Whether this answer needs the handler's rationale."""
    values = value if isinstance(value, tuple) else (value,)
    overrides = [
        a.rationale_required
        for v in values
        if (a := question.answer(v)) is not None and a.rationale_required is not None
    ]
    if overrides:
        return any(overrides)
    return question.rationale_required


def is_urgent(question: Question, value: Value) -> bool:
    """Whether this answer puts life, serious harm or a crime in play."""
    urgent = question.urgent_values
    if isinstance(value, tuple):
        return any(v in urgent for v in value)
    return isinstance(value, str) and value in urgent


def question_of(pack: Pack, node: str) -> Question:
    found = pack.nodes.get(node)
    if not isinstance(found, Question):
        raise AnswerError(
            f"'{node}' is not a question in pack {pack.id} {pack.version}",
            Refusal.NOT_A_QUESTION,
            node,
        )
    return found


def normalise(question: Question, value: Any) -> Value:
    if question.input is InputKind.TEXT:
        if not isinstance(value, str):
            raise AnswerError(
                f"'{question.id}' takes text, not {type(value).__name__}",
                Refusal.WRONG_VALUE,
                question.id,
            )
        if not question.optional and not value.strip():
            raise AnswerError(
                f"'{question.id}' needs an answer", Refusal.ANSWER_NEEDED, question.id
            )
        return value.strip()
    if question.input is InputKind.CHOICE:
        if not isinstance(value, str) or question.answer(value) is None:
            raise AnswerError(
                f"{value!r} is not an answer to '{question.id}' "
                f"(answers: {', '.join(question.values)})",
                Refusal.WRONG_VALUE,
                question.id,
            )
        return value
    chosen = [value] if isinstance(value, str) else value
    if not isinstance(chosen, list | tuple) or not chosen:
        raise AnswerError(
            f"'{question.id}' needs at least one item ticked", Refusal.ANSWER_NEEDED, question.id
        )
    unknown = [v for v in chosen if not isinstance(v, str) or question.answer(v) is None]
    if unknown:
        raise AnswerError(
            f"{unknown[0]!r} is not an item of '{question.id}' "
            f"(items: {', '.join(question.values)})",
            Refusal.WRONG_VALUE,
            question.id,
        )
    exclusive = [v for v in chosen if question.answer(v).exclusive]  # type: ignore[union-attr]
    if exclusive and len(set(chosen)) > 1:
        raise AnswerError(
            f"'{exclusive[0]}' cannot be ticked with other items on '{question.id}'",
            Refusal.EXCLUSIVE,
            question.id,
        )
    return tuple(v for v in question.values if v in chosen)


def check_rationale(question: Question, given: Answered) -> None:
    # An urgent answer is never held up for its rationale: deploy now, document afterwards.
    if (
        rationale_required(question, given.value)
        and not given.rationale
        and not is_urgent(question, given.value)
    ):
        raise AnswerError(
            f"'{question.id}' needs a rationale for this answer",
            Refusal.RATIONALE_NEEDED,
            question.id,
        )


def walk(pack: Pack, answers: Mapping[str, Answered]) -> tuple[str, ...]:
    path: list[str] = []
    walked: dict[str, Answered] = {}  # conditions see only answers already on the path
    node_id = pack.start
    for _ in range(len(pack.nodes) + 1):
        path.append(node_id)
        node = pack.nodes[node_id]
        if isinstance(node, Outcome):
            return tuple(path)
        if isinstance(node, Condition):
            route = route_taken(node, walked)
            node_id = route.next if route is not None else node.otherwise
            continue
        given = answers.get(node_id)
        if given is None:
            return tuple(path)
        walked[node_id] = given
        chosen = node.answer(given.value) if isinstance(given.value, str) else None
        node_id = chosen.next if chosen is not None and chosen.next else node.next
    raise AnswerError(f"pack {pack.id} loops at '{node_id}'")  # the linter forbids this


def holds(test: Test, answers: Mapping[str, Answered]) -> bool:
    given = answers.get(test.node)
    if given is None:
        return False
    values = given.value if isinstance(given.value, tuple) else (given.value,)
    return any(v in test.values for v in values)


def _matches(route: Route, answers: Mapping[str, Answered]) -> bool:
    return all(holds(t, answers) for t in route.all) and (
        not route.any or any(holds(t, answers) for t in route.any)
    )


def route_taken(node: Condition, answers: Mapping[str, Answered]) -> Route | None:
    return next((route for route in node.routes if _matches(route, answers)), None)
