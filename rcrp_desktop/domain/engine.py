"""The decision engine: a pure state machine over a protocol pack. It recommends; handlers decide.

A call's state is rebuilt from its event list alone (`replay`), so storage keeps events and
nothing else. Conditions route only on answers already on the walked path. Changing an earlier
answer re-walks the pack from the start: later answers fill themselves in again when the walk
reaches them, and an answer whose question can no longer be reached is dropped from the answers
in force (the history keeps it, and the event that dropped it says so).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from rcrp_desktop.domain import graph
from rcrp_desktop.domain.errors import AnswerError
from rcrp_desktop.domain.outcomes import MEANINGS, URGENT_OUTCOME, OutcomeCode, police_attend
from rcrp_desktop.domain.protocol import Condition, InputKind, Outcome, Pack, Question, Route, Test

Value = str | tuple[str, ...]
Action = Literal["answer", "change", "rationale", "decide"]
Role = Literal["urgent", "decided", "considered"]


@dataclass(frozen=True)
class Given:
    """An answer in force: the value and the handler's rationale."""

    node: str
    value: Value
    rationale: str = ""


@dataclass(frozen=True)
class Event:
    """One entry of the call's history. Derived fields are recomputed on replay."""

    seq: int
    action: Action
    node: str
    value: Value
    rationale: str = ""
    reason: str = ""  # why an answer was changed, or why the handler disagreed
    previous: Value | None = None  # the superseded value, on a change
    previous_rationale: str = ""
    dropped: tuple[str, ...] = ()  # answers taken off the path by a change

    def to_dict(self) -> dict[str, Any]:
        """The replayable part of the event, as plain JSON-ready data."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {
            "action": self.action,
            "node": self.node,
            "value": value,
            "rationale": self.rationale,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Decision:
    """What the handler decided: an outcome code, and whether it follows the recommendation."""

    code: OutcomeCode
    accepted: bool
    rationale: str


@dataclass(frozen=True)
class State:
    """Where a call stands: the answers in force, the path walked, and the full history."""

    pack: Pack
    answers: Mapping[str, Given]
    path: tuple[str, ...]
    history: tuple[Event, ...] = ()
    decision: Decision | None = None
    # Answers given earlier whose questions are off the path for now but still ahead of it:
    # they fill themselves in when the walk reaches them again.
    carried: Mapping[str, Given] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def current(self) -> str:
        """The node the call is at: the next question to ask, or the outcome reached."""
        return self.path[-1]

    @property
    def finished(self) -> bool:
        return isinstance(self.pack.nodes[self.current], Outcome)

    def questions_on_path(self) -> list[str]:
        return [n for n in self.path if isinstance(self.pack.nodes[n], Question)]

    def rationale_owed(self) -> list[str]:
        """Urgent answers given without their required rationale: to be written afterwards."""
        return [
            node
            for node in self.questions_on_path()
            if (given := self.answers.get(node))
            and not given.rationale
            and rationale_required(self.pack.question(node), given.value)
        ]


@dataclass(frozen=True)
class Reason:
    """One answer that shaped the recommendation."""

    node: str
    question: str
    answer: str
    rationale: str
    role: Role


@dataclass(frozen=True)
class Recommendation:
    """The engine's advice at this point of the call, with its explanation."""

    final: bool
    code: OutcomeCode | None
    title: str
    police_attend: bool
    urgent: bool
    instruction: str
    text: str
    partner: str
    partner_name: str
    reasons: tuple[Reason, ...]
    outcome_node: str
    floor_applied: bool
    pack_id: str
    pack_version: str
    pack_hash: str
    path: tuple[str, ...] = field(default=())
    rationale_owed: tuple[str, ...] = field(default=())


def start(pack: Pack) -> State:
    """A new call at the pack's first question."""
    return State(pack=pack, answers=MappingProxyType({}), path=_walk(pack, {}))


def answer(state: State, node: str, value: Any, rationale: str = "") -> State:
    """Answer the current question."""
    if state.finished:
        raise AnswerError(
            f"the call has reached its outcome; change an earlier answer instead "
            f"of answering '{node}'"
        )
    if node != state.current:
        raise AnswerError(
            f"'{node}' is not the current question (the call is at '{state.current}')"
        )
    question = _question(state.pack, node)
    given = Given(node, _normalise(question, value), rationale.strip())
    _check_rationale(question, given)
    answers, carried, path, dropped = _settle(state, node, given)
    event = Event(
        len(state.history) + 1, "answer", node, given.value, given.rationale, dropped=dropped
    )
    return State(state.pack, answers, path, (*state.history, event), None, carried)


def change(state: State, node: str, value: Any, rationale: str, reason: str) -> State:
    """Change an earlier answer; the old one stays in the history with the reason."""
    if node not in state.answers:
        raise AnswerError(f"'{node}' has not been answered on this call, so it cannot be changed")
    if not reason.strip():
        raise AnswerError(f"a reason is needed to change the answer to '{node}'")
    question = _question(state.pack, node)
    old = state.answers[node]
    given = Given(node, _normalise(question, value), rationale.strip())
    if given == old:
        raise AnswerError(f"the new answer to '{node}' is the same as the old one")
    _check_rationale(question, given)
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
        raise AnswerError(f"'{node}' has not been answered on this call")
    if given.rationale:
        raise AnswerError(f"'{node}' already has a rationale; change the answer to amend it")
    if not rationale.strip():
        raise AnswerError(f"the rationale for '{node}' is empty")
    answers = {**state.answers, node: replace(given, rationale=rationale.strip())}
    event = Event(len(state.history) + 1, "rationale", node, given.value, rationale.strip())
    return replace(state, answers=MappingProxyType(answers), history=(*state.history, event))


def decide(state: State, code: OutcomeCode | str, rationale: str) -> State:
    """Record the handler's decision. Disagreeing with the recommendation needs a rationale."""
    advice = recommend(state)
    if not advice.final or advice.code is None:
        raise AnswerError("the call has no recommendation yet: answer the remaining questions")
    chosen = OutcomeCode(code)
    accepted = chosen == advice.code
    if not accepted and not rationale.strip():
        raise AnswerError("disagreeing with the recommendation needs a rationale")
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
            raise AnswerError(f"event {index}: {error}") from error
    return state


def recommend(state: State) -> Recommendation:
    """The recommendation now, with the answers that decided it. Never a decision."""
    pack = state.pack
    urgent = _urgent_reasons(state)
    if not state.finished:
        code = URGENT_OUTCOME if urgent else None
        return Recommendation(
            final=False,
            code=code,
            title=MEANINGS[code].title if code else "",
            police_attend=bool(urgent),
            urgent=bool(urgent),
            instruction=pack.urgent_instruction if urgent else "",
            text=pack.urgent_instruction if urgent else "",
            partner="",
            partner_name="",
            reasons=tuple(urgent),
            outcome_node="",
            floor_applied=False,
            pack_id=pack.id,
            pack_version=pack.version,
            pack_hash=pack.content_hash,
            path=state.path,
            rationale_owed=tuple(state.rationale_owed()),
        )
    outcome = pack.nodes[state.current]
    assert isinstance(outcome, Outcome)
    code = outcome.code
    floor = bool(urgent) and not police_attend(code)
    if floor:  # the pack routed an urgent call away from police: the engine will not
        code = URGENT_OUTCOME
    reasons = _merge_reasons(urgent + _deciding_reasons(state)) or _profile_reason(pack)
    return Recommendation(
        final=True,
        code=code,
        title=MEANINGS[code].title,
        police_attend=police_attend(code),
        urgent=bool(urgent),
        instruction=pack.urgent_instruction if urgent else "",
        text=pack.urgent_instruction if floor else outcome.text,
        partner=outcome.partner,
        partner_name=pack.partner_name(outcome.partner) if outcome.partner else "",
        reasons=reasons,
        outcome_node=outcome.id,
        floor_applied=floor,
        pack_id=pack.id,
        pack_version=pack.version,
        pack_hash=pack.content_hash,
        path=state.path,
        rationale_owed=tuple(state.rationale_owed()),
    )


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


def _question(pack: Pack, node: str) -> Question:
    found = pack.nodes.get(node)
    if not isinstance(found, Question):
        raise AnswerError(f"'{node}' is not a question in pack {pack.id} {pack.version}")
    return found


def _normalise(question: Question, value: Any) -> Value:
    if question.input is InputKind.TEXT:
        if not isinstance(value, str):
            raise AnswerError(f"'{question.id}' takes text, not {type(value).__name__}")
        if not question.optional and not value.strip():
            raise AnswerError(f"'{question.id}' needs an answer")
        return value.strip()
    if question.input is InputKind.CHOICE:
        if not isinstance(value, str) or question.answer(value) is None:
            raise AnswerError(
                f"{value!r} is not an answer to '{question.id}' "
                f"(answers: {', '.join(question.values)})"
            )
        return value
    chosen = [value] if isinstance(value, str) else value
    if not isinstance(chosen, list | tuple) or not chosen:
        raise AnswerError(f"'{question.id}' needs at least one item ticked")
    unknown = [v for v in chosen if not isinstance(v, str) or question.answer(v) is None]
    if unknown:
        raise AnswerError(
            f"{unknown[0]!r} is not an item of '{question.id}' "
            f"(items: {', '.join(question.values)})"
        )
    exclusive = [v for v in chosen if question.answer(v).exclusive]  # type: ignore[union-attr]
    if exclusive and len(set(chosen)) > 1:
        raise AnswerError(f"'{exclusive[0]}' cannot be ticked with other items on '{question.id}'")
    return tuple(v for v in question.values if v in chosen)


def is_urgent(question: Question, value: Value) -> bool:
    """Whether this answer puts life, serious harm or a crime in play."""
    values = value if isinstance(value, tuple) else (value,)
    return any((a := question.answer(v)) is not None and a.urgent for v in values)


def _check_rationale(question: Question, given: Given) -> None:
    # An urgent answer is never held up for its rationale: deploy now, document afterwards.
    if (
        rationale_required(question, given.value)
        and not given.rationale
        and not is_urgent(question, given.value)
    ):
        raise AnswerError(f"'{question.id}' needs a rationale for this answer")


def _settle(
    state: State, node: str, given: Given
) -> tuple[Mapping[str, Given], Mapping[str, Given], tuple[str, ...], tuple[str, ...]]:
    """Walk with one more answer: the answers on the path, those carried, and those dropped."""
    every = {**state.carried, **state.answers, node: given}
    path = _walk(state.pack, every)
    on_path = set(path)
    ahead = set(graph.reachable(state.pack.nodes, path[-1]))
    answers = {n: g for n, g in every.items() if n in on_path}
    carried = {n: g for n, g in every.items() if n not in on_path and n in ahead}
    dropped = tuple(n for n in every if n not in on_path and n not in ahead)
    return MappingProxyType(answers), MappingProxyType(carried), path, dropped


def _walk(pack: Pack, answers: Mapping[str, Given]) -> tuple[str, ...]:
    path: list[str] = []
    walked: dict[str, Given] = {}  # conditions see only answers already on the path
    node_id = pack.start
    for _ in range(len(pack.nodes) + 1):
        path.append(node_id)
        node = pack.nodes[node_id]
        if isinstance(node, Outcome):
            return tuple(path)
        if isinstance(node, Condition):
            route = _route_taken(node, walked)
            node_id = route.next if route is not None else node.otherwise
            continue
        given = answers.get(node_id)
        if given is None:
            return tuple(path)
        walked[node_id] = given
        chosen = node.answer(given.value) if isinstance(given.value, str) else None
        node_id = chosen.next if chosen is not None and chosen.next else node.next
    raise AnswerError(f"pack {pack.id} loops at '{node_id}'")  # the linter forbids this


def _holds(test: Test, answers: Mapping[str, Given]) -> bool:
    given = answers.get(test.node)
    if given is None:
        return False
    values = given.value if isinstance(given.value, tuple) else (given.value,)
    return any(v in test.values for v in values)


def _matches(route: Route, answers: Mapping[str, Given]) -> bool:
    return all(_holds(t, answers) for t in route.all) and (
        not route.any or any(_holds(t, answers) for t in route.any)
    )


def _route_taken(node: Condition, answers: Mapping[str, Given]) -> Route | None:
    return next((route for route in node.routes if _matches(route, answers)), None)


def _reason(state: State, node: str, role: Role) -> Reason:
    question = _question(state.pack, node)
    given = state.answers[node]
    return Reason(node, question.text, answer_label(question, given.value), given.rationale, role)


def _urgent_reasons(state: State) -> list[Reason]:
    found = []
    for node in state.questions_on_path():
        given = state.answers.get(node)
        if given is None:
            continue
        if is_urgent(_question(state.pack, node), given.value):
            found.append(_reason(state, node, "urgent"))
    return found


def _deciding_reasons(state: State) -> list[Reason]:
    """The answers behind the last step into the outcome: what matched, and what was ruled out."""
    before = state.pack.nodes[state.path[-2]] if len(state.path) > 1 else None
    if isinstance(before, Question):
        return [_reason(state, before.id, "decided")]
    if not isinstance(before, Condition):
        return []
    taken = _route_taken(before, state.answers)
    reasons: list[Reason] = []
    for route in before.routes:
        if route is taken:
            reasons += [
                _reason(state, t.node, "decided") for t in route.tests if _holds(t, state.answers)
            ]
            break
        reasons += [
            _reason(state, t.node, "considered") for t in route.tests if t.node in state.answers
        ]
    return reasons


def _profile_reason(pack: Pack) -> tuple[Reason, ...]:
    """When no answer routed the call, the force profile did (e.g. RCRP not adopted)."""
    basis = pack.notice or (
        "RCRP is not adopted by this force"
        if not pack.rcrp_adopted
        else "The protocol routes every call here"
    )
    return (Reason("", "Force profile", pack.title, basis, "decided"),)


def _merge_reasons(reasons: list[Reason]) -> tuple[Reason, ...]:
    rank = {"urgent": 0, "decided": 1, "considered": 2}
    best: dict[str, Reason] = {}
    for reason in reasons:
        if reason.node not in best or rank[reason.role] < rank[best[reason.node].role]:
            best[reason.node] = reason
    return tuple(sorted(best.values(), key=lambda r: rank[r.role]))
