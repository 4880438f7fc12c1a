"""Frozen dataclasses for a loaded protocol pack: sections, questions, conditions, outcomes."""

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from rcrp_desktop.domain.outcomes import OutcomeCode, Response, response

# Fields added after the 1.0.0 packs carry this metadata: the content hash leaves them out while
# they hold their default, so a record made under an older pack still finds that pack exactly.
SINCE_2 = {"hashed_when_set": True}


class RefKind(StrEnum):
    """How binding a reference is; shown beside the question."""

    LAW = "law"
    NATIONAL_GUIDANCE = "national_guidance"
    LOCAL_AGREEMENT = "local_agreement"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Limb(StrEnum):
    """The threshold limbs, asked one by one (R4, R31)."""

    CRIME = "crime"
    LIFE = "life"
    SERIOUS_HARM = "serious_harm"
    LEGAL_DUTY = "legal_duty"
    ASSUMED_RESPONSIBILITY = "assumed_responsibility"


# Limbs where a yes or an unknown must mean "deploy or escalate now" (R17, R29).
URGENT_LIMBS = frozenset({Limb.CRIME, Limb.LIFE, Limb.SERIOUS_HARM})


class InputKind(StrEnum):
    """How a question is answered."""

    CHOICE = "choice"
    MULTI = "multi"
    TEXT = "text"


@dataclass(frozen=True)
class Reference:
    """A legal or policy reference, labelled by how binding it is."""

    kind: RefKind
    cite: str
    note: str = ""


@dataclass(frozen=True)
class Answer:
    """One fixed answer to a question."""

    value: str
    label: str
    next: str = ""  # empty on multi-select options: the question's `next` applies
    urgent: bool = False
    exclusive: bool = False
    rationale_required: bool | None = None  # None: the question's setting applies


@dataclass(frozen=True)
class Question:
    """A question the handler answers."""

    id: str
    section: str
    text: str
    why: str
    input: InputKind = InputKind.CHOICE
    answers: tuple[Answer, ...] = ()
    next: str = ""  # text and checklist questions; on choices, the default for answers
    refs: tuple[Reference, ...] = ()
    limb: Limb | None = None
    rationale_required: bool = False
    optional: bool = False

    def answer(self, value: object) -> Answer | None:
        """The answer with this value, or None (also for a value that is not text)."""
        return self._by_value.get(value) if isinstance(value, str) else None

    @functools.cached_property
    def urgent_values(self) -> frozenset[str]:
        """The values of the answers that put life, serious harm or a crime in play."""
        return frozenset(answer.value for answer in self.answers if answer.urgent)

    @functools.cached_property
    def _by_value(self) -> dict[str, Answer]:
        # Looked up for every answer on the path at every step: a dict, made once.
        return {answer.value: answer for answer in self.answers}

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(a.value for a in self.answers)

    @functools.cached_property
    def leads_to(self) -> tuple[str, ...]:
        """The nodes this question can lead to, in declaration order, without repeats (made
        once: every check of a pack walks its graph again)."""
        if self.input is not InputKind.CHOICE:
            return (self.next,) if self.next else ()
        return _distinct(answer.next or self.next for answer in self.answers)


@dataclass(frozen=True)
class Test:
    """One test in a condition: the answer to `node` is one of `values`."""

    node: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    """A route out of a condition: taken when every `all` test and any `any` test holds."""

    next: str
    all: tuple[Test, ...] = ()
    any: tuple[Test, ...] = ()

    @property
    def tests(self) -> tuple[Test, ...]:
        return self.all + self.any


@dataclass(frozen=True)
class Condition:
    """A branch on earlier answers: the first matching route wins, else `otherwise`."""

    id: str
    section: str
    otherwise: str
    routes: tuple[Route, ...] = ()

    @functools.cached_property
    def leads_to(self) -> tuple[str, ...]:
        """The nodes this condition can lead to: its routes in order, then `otherwise`."""
        return _distinct([*(route.next for route in self.routes), self.otherwise])


@dataclass(frozen=True)
class Outcome:
    """An end of the protocol: a stable code, the partner who owns the need, what to do."""

    id: str
    section: str
    code: OutcomeCode
    text: str
    partner: str = ""

    @property
    def leads_to(self) -> tuple[str, ...]:
        """An outcome ends the call: it leads nowhere."""
        return ()


Node = Question | Condition | Outcome


def _distinct(targets: Iterable[str]) -> tuple[str, ...]:
    """Targets in order, each once, blanks left out."""
    return tuple(dict.fromkeys(target for target in targets if target))


@dataclass(frozen=True)
class Section:
    """A stage of the call, for progress shown to the handler."""

    id: str
    title: str


@dataclass(frozen=True)
class Pack:
    """A resolved protocol pack, variants merged over their base."""

    id: str
    version: str
    title: str
    jurisdiction: str
    effective: date
    review_by: date
    start: str
    urgent_instruction: str
    rcrp_adopted: bool
    notice: str
    every_path: tuple[str, ...]
    partners: dict[str, str]
    sections: tuple[Section, ...]
    nodes: dict[str, Node]
    source: str
    # Which answer makes the caller a professional referrer, who must be told the decision.
    referral: Test | None = None
    # What the handler reads to the caller; {partner} is replaced by the partner's name.
    wording_attend: str = ""
    wording_not_attend: str = ""
    # Police own the call under their usual process (NOT_RCRP_STANDARD); a supervisor decides.
    wording_standard: str = field(default="", metadata=SINCE_2)
    wording_escalated: str = field(default="", metadata=SINCE_2)
    # A partner leads with police ready to support; officers already there stay with the person.
    wording_standby: str = field(default="", metadata=SINCE_2)
    wording_remain: str = field(default="", metadata=SINCE_2)
    # The immediate danger screen: the questions every path asks first (issue: danger first).
    danger_screen: tuple[str, ...] = field(default=(), metadata=SINCE_2)
    # The condition that picks the police outcome the moment an answer is urgent, before the
    # rest of the call is answered ("deploy now, document afterwards", R29).
    urgent_route: str = field(default="", metadata=SINCE_2)
    # Which RCRP phase each category belongs to: a call in a phase the force has not made live
    # gets the standard response. (the category question, {its answer value: phase id})
    phase_node: str = ""
    phase_of: Mapping[str, str] = field(default_factory=dict, compare=False)
    content_hash: str = field(default="", compare=False)
    # A superseded version kept so that its records replay and export exactly; never offered
    # for a new call (forms/archive/).
    archived: bool = field(default=False, compare=False, metadata=SINCE_2)
    # Node id -> every node reachable from it; worked out once at load for the engine.
    reach: Mapping[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def question(self, node_id: str) -> Question:
        node = self.nodes[node_id]
        if not isinstance(node, Question):
            raise KeyError(f"'{node_id}' is not a question")
        return node

    def quoted(self, node_id: str) -> str:
        """A question as the handler knows it: its text, in quotes (never its id)."""
        found = self.nodes.get(node_id)
        return f"\u201c{found.text}\u201d" if isinstance(found, Question) else "this question"

    def quoted_all(self, node_ids: Iterable[str]) -> str:
        return "; ".join(self.quoted(node_id) for node_id in node_ids)

    def section_title(self, section_id: str) -> str:
        for section in self.sections:
            if section.id == section_id:
                return section.title
        return section_id

    @property
    def category_node(self) -> str:
        """The question that asks the call's RCRP category ("" if the pack has none).

        [pack] phases names it: the phases are keyed by its answers. The recorder marks the
        answers given there, so the store indexes the category without knowing any node id.
        """
        return self.phase_node

    def partner_name(self, key: str) -> str:
        return self.partners.get(key, key)

    def phase(self, answers: Mapping[str, Any]) -> str:
        """The RCRP phase of this call so far ("" until the category is answered)."""
        given = answers.get(self.phase_node) if self.phase_node else None
        value = getattr(given, "value", None)
        return self.phase_of.get(value, "") if isinstance(value, str) else ""

    def caller_wording(self, code: OutcomeCode, partner: str) -> str:
        """What the handler reads to the caller for this outcome; {partner} filled in."""
        templates = {
            Response.ATTEND: self.wording_attend,
            Response.STANDARD: self.wording_standard,
            Response.ESCALATE: self.wording_escalated,
            Response.DECLINE: self.wording_not_attend,
            Response.STANDBY: self.wording_not_attend,
        }
        template = templates[response(code)]
        # Packs before 2.0.0 had no standby or remain wording: theirs is kept for their records.
        if code is OutcomeCode.POLICE_REMAIN and self.wording_remain:
            template = self.wording_remain
        elif response(code) is Response.STANDBY and self.wording_standby:
            template = self.wording_standby
        return template.replace("{partner}", self.partner_name(partner) if partner else "")


# Finds the pack a stored record was made under: (id, version, content hash) -> pack.
PackFinder = Callable[[str, str, str], "Pack | None"]


def exact_pack(packs: Iterable[Pack], pack_id: str, version: str, digest: str) -> Pack | None:
    """The pack a stored record was made under, exactly: same id, version and content hash."""
    return next(
        (p for p in packs if (p.id, p.version, p.content_hash) == (pack_id, version, digest)),
        None,
    )
