"""The engine's advice at any point of a call, with the answers that decided it."""

from dataclasses import dataclass, field
from typing import Literal

from rcrp_desktop.domain.call.state import State
from rcrp_desktop.domain.call.walk import answer_label, holds, is_urgent, question_of, route_taken
from rcrp_desktop.domain.outcomes import MEANINGS, URGENT_OUTCOME, OutcomeCode, police_attend
from rcrp_desktop.domain.pack.protocol import Condition, Outcome, Pack, Question

Role = Literal["urgent", "decided", "considered"]


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

    final: bool  # the walk has reached its outcome: every question on the path is answered
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
    # The question the call still stands at when an urgent answer made the recommendation
    # before the end: it and those after it are owed, to complete afterwards (R29).
    questions_owed: tuple[str, ...] = field(default=())

    @property
    def ready(self) -> bool:
        """Whether the handler can decide now: at the outcome, or at once on an urgent answer."""
        return self.code is not None and (self.final or self.urgent)


def recommend(state: State) -> Recommendation:
    """The recommendation now, with the answers that decided it. Never a decision."""
    pack = state.pack
    urgent = _urgent_reasons(state)
    final = state.finished
    outcome = pack.nodes[state.current] if final else None
    if urgent and not final:
        # Police get moving now; the rest of the call is completed afterwards.
        outcome = _urgent_outcome(state)
    code: OutcomeCode | None = URGENT_OUTCOME if urgent else None
    text = pack.urgent_instruction if urgent else ""
    floor = False
    reasons: tuple[Reason, ...] = tuple(urgent)
    if isinstance(outcome, Outcome):
        code, text = outcome.code, outcome.text
        if urgent and not police_attend(code):
            # The pack routed an urgent call away from police: the engine will not.
            code, text, floor = URGENT_OUTCOME, pack.urgent_instruction, True
        if final:
            deciding = _deciding_reasons(state)
            if urgent:  # an urgent answer decided it, not the force profile
                deciding = [r for r in deciding if r.node]
            reasons = _merge_reasons(urgent + deciding) or _profile_reason(pack)
    partner = outcome.partner if isinstance(outcome, Outcome) else ""
    return Recommendation(
        final=final,
        code=code,
        title=MEANINGS[code].title if code else "",
        police_attend=police_attend(code) if code else False,
        urgent=bool(urgent),
        instruction=pack.urgent_instruction if urgent else "",
        text=text,
        partner=partner,
        partner_name=pack.partner_name(partner) if partner else "",
        reasons=reasons,
        outcome_node=outcome.id if isinstance(outcome, Outcome) else "",
        floor_applied=floor,
        pack_id=pack.id,
        pack_version=pack.version,
        pack_hash=pack.content_hash,
        path=state.path,
        rationale_owed=tuple(state.rationale_owed()),
        questions_owed=() if final else (state.current,) if urgent else (),
    )


def _urgent_outcome(state: State) -> Outcome | None:
    """The outcome the pack's urgent route picks from the answers given so far, if it has one.

    The linter holds that only conditions and police outcomes lie beyond the urgent route, so
    this never waits on an unanswered question.
    """
    pack = state.pack
    node = pack.nodes.get(pack.urgent_route) if pack.urgent_route else None
    for _ in range(len(pack.nodes)):
        if not isinstance(node, Condition):
            break
        route = route_taken(node, state.answers)
        node = pack.nodes.get(route.next if route is not None else node.otherwise)
    return node if isinstance(node, Outcome) else None


def _reason(state: State, node: str, role: Role) -> Reason:
    question = question_of(state.pack, node)
    given = state.answers[node]
    return Reason(node, question.text, answer_label(question, given.value), given.rationale, role)


def _urgent_reasons(state: State) -> list[Reason]:
    found = []
    for node in state.questions_on_path():
        given = state.answers.get(node)
        if given is None:
            continue
        if is_urgent(question_of(state.pack, node), given.value):
            found.append(_reason(state, node, "urgent"))
    return found


def _deciding_reasons(state: State) -> list[Reason]:
    """The answers behind the last step into the outcome: what matched, and what was ruled out."""
    before = state.pack.nodes[state.path[-2]] if len(state.path) > 1 else None
    if isinstance(before, Question):
        return [_reason(state, before.id, "decided")]
    if not isinstance(before, Condition):
        return []
    taken = route_taken(before, state.answers)
    if taken is None and not state.pack.rcrp_adopted:
        # Nothing the handler answered sent the call here: the force profile did.
        return list(_profile_reason(state.pack))
    reasons: list[Reason] = []
    for route in before.routes:
        if route is taken:
            reasons += [
                _reason(state, t.node, "decided") for t in route.tests if holds(t, state.answers)
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
    return (Reason("", "Decided by the force profile", pack.title, basis, "decided"),)


def _merge_reasons(reasons: list[Reason]) -> tuple[Reason, ...]:
    rank = {"urgent": 0, "decided": 1, "considered": 2}
    best: dict[str, Reason] = {}
    for reason in reasons:
        if reason.node not in best or rank[reason.role] < rank[best[reason.node].role]:
            best[reason.node] = reason
    return tuple(sorted(best.values(), key=lambda r: rank[r.role]))
