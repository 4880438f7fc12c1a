"""The decision engine: a pure state machine over a protocol pack. It recommends; handlers decide.

A call's state is rebuilt from its event list alone (`replay`), so storage keeps events and
nothing else. Conditions route only on answers already on the walked path. Changing an earlier
answer re-walks the pack from the start: later answers fill themselves in again when the walk
reaches them, and an answer whose question can no longer be reached is dropped from the answers
in force (the history keeps it, and the event that dropped it says so).
"""

from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from rcrp_desktop.domain.call.recommendation import Reason, Recommendation, recommend
from rcrp_desktop.domain.call.state import Action, Decision, Event, Given, State
from rcrp_desktop.domain.call.walk import (
    Value,
    answer_label,
    check_rationale,
    is_urgent,
    normalise,
    question_of,
    rationale_required,
    walk,
)
from rcrp_desktop.domain.errors import AnswerError, Refusal
from rcrp_desktop.domain.limits import TEXT_LIMIT, too_long
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import Pack

__all__ = [
    "Action",
    "AnswerError",
    "Decision",
    "Event",
    "Given",
    "Reason",
    "Recommendation",
    "State",
    "Value",
    "answer",
    "answer_label",
    "change",
    "complete_rationale",
    "decide",
    "is_urgent",
    "rationale_required",
    "recommend",
    "replay",
    "start",
]


def start(pack: Pack) -> State:
    """A new call at the pack's first question."""
    return State(pack=pack, answers=MappingProxyType({}), path=walk(pack, {}))


def answer(state: State, node: str, value: Any, rationale: str = "") -> State:
    """Answer the current question."""
    if state.finished:
        raise AnswerError(
            f"the call has reached its outcome; change an earlier answer instead "
            f"of answering '{node}'",
            Refusal.FINISHED,
            node,
        )
    if node != state.current:
        raise AnswerError(
            f"'{node}' is not the current question (the call is at '{state.current}')",
            Refusal.NOT_CURRENT,
            node,
        )
    _check_length(node, value, rationale)
    question = question_of(state.pack, node)
    given = Given(node, normalise(question, value), rationale.strip())
    check_rationale(question, given)
    answers, carried, path, dropped = _settle(state, node, given)
    event = Event(
        len(state.history) + 1, "answer", node, given.value, given.rationale, dropped=dropped
    )
    # A decision taken at once on an urgent answer stands while the owed questions are
    # answered: an answer only adds facts (a change, which can take facts away, voids it).
    return State(state.pack, answers, path, (*state.history, event), state.decision, carried)


def change(state: State, node: str, value: Any, rationale: str, reason: str) -> State:
    """Change an earlier answer; the old one stays in the history with the reason."""
    if node not in state.answers:
        raise AnswerError(
            f"'{node}' has not been answered on this call, so it cannot be changed",
            Refusal.NOT_ANSWERED,
            node,
        )
    if not reason.strip():
        raise AnswerError(
            f"a reason is needed to change the answer to '{node}'", Refusal.REASON_NEEDED, node
        )
    _check_length(node, value, rationale, reason)
    question = question_of(state.pack, node)
    old = state.answers[node]
    given = Given(node, normalise(question, value), rationale.strip())
    if given == old:
        raise AnswerError(
            f"the new answer to '{node}' is the same as the old one", Refusal.UNCHANGED, node
        )
    check_rationale(question, given)
    answers, carried, path, dropped = _settle(state, node, given)
    event = Event(
        len(state.history) + 1,
        "change",
        node,
        given.value,
        given.rationale,
        reason.strip(),
        old.value,
        old.rationale,
        dropped,
    )
    # A changed answer voids any decision taken on the old answers.
    return State(state.pack, answers, path, (*state.history, event), None, carried)


def complete_rationale(state: State, node: str, rationale: str) -> State:
    """Write the rationale an urgent answer was given without (deploy first, document after)."""
    given = state.answers.get(node)
    if given is None:
        raise AnswerError(
            f"'{node}' has not been answered on this call", Refusal.NOT_ANSWERED, node
        )
    if given.rationale:
        raise AnswerError(
            f"'{node}' already has a rationale; change the answer to amend it",
            Refusal.HAS_RATIONALE,
            node,
        )
    if not rationale.strip():
        raise AnswerError(f"the rationale for '{node}' is empty", Refusal.EMPTY_RATIONALE, node)
    _check_length(node, rationale)
    answers = {**state.answers, node: replace(given, rationale=rationale.strip())}
    event = Event(len(state.history) + 1, "rationale", node, given.value, rationale.strip())
    return replace(state, answers=MappingProxyType(answers), history=(*state.history, event))


def decide(state: State, code: OutcomeCode | str, rationale: str) -> State:
    """Record the handler's decision. Disagreeing with the recommendation needs a rationale.

    The handler can decide at the outcome, or at once when an answer is urgent: police are
    never kept waiting on the questions still owed.
    """
    _check_length("", rationale)
    advice = recommend(state)
    if not advice.ready or advice.code is None:
        raise AnswerError(
            "the call has no recommendation yet: answer the remaining questions",
            Refusal.NO_RECOMMENDATION,
            state.current,
        )
    chosen = OutcomeCode(code)
    accepted = chosen == advice.code
    if not accepted and not rationale.strip():
        raise AnswerError(
            "disagreeing with the recommendation needs a rationale",
            Refusal.DISAGREEMENT_NEEDS_RATIONALE,
        )
    event = Event(len(state.history) + 1, "decide", state.current, chosen.value, rationale.strip())
    return replace(
        state,
        history=(*state.history, event),
        decision=Decision(chosen, accepted, rationale.strip()),
    )


def replay(pack: Pack, events: Iterable[Mapping[str, Any] | Event]) -> State:
    """Rebuild a call's state exactly from its events (dicts as from Event.to_dict())."""
    state = start(pack)
    for index, raw in enumerate(events, start=1):
        item = raw.to_dict() if isinstance(raw, Event) else raw
        action, node = item.get("action"), str(item.get("node", ""))
        value, rationale = item.get("value"), str(item.get("rationale", ""))
        try:
            if action == "answer":
                state = answer(state, node, value, rationale)
            elif action == "change":
                state = change(state, node, value, rationale, str(item.get("reason", "")))
            elif action == "rationale":
                state = complete_rationale(state, node, rationale)
            elif action == "decide":
                state = decide(state, str(value), rationale)
            else:
                raise AnswerError(f"unknown action {action!r}")
        except AnswerError as error:
            raise AnswerError(f"event {index}: {error}", error.kind, error.node) from error
    return state


def _check_length(node: str, *texts: Any) -> None:
    if too_long(texts):
        raise AnswerError(
            f"a text for '{node or 'the decision'}' is over {TEXT_LIMIT:,} characters",
            Refusal.TOO_LONG,
            node,
        )


def _settle(
    state: State, node: str, given: Given
) -> tuple[Mapping[str, Given], Mapping[str, Given], tuple[str, ...], tuple[str, ...]]:
    """Walk with one more answer: the answers on the path, those carried, and those dropped."""
    every = {**state.carried, **state.answers, node: given}
    path = walk(state.pack, every)
    on_path = set(path)
    ahead = state.pack.reach[path[-1]]
    answers = {n: g for n, g in every.items() if n in on_path}
    carried = {n: g for n, g in every.items() if n not in on_path and n in ahead}
    dropped = tuple(n for n in every if n not in on_path and n not in ahead)
    return MappingProxyType(answers), MappingProxyType(carried), path, dropped
