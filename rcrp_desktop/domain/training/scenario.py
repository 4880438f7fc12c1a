"""Training scenarios (R26): a scripted caller, injects, the expected answers and a model run.

Scenarios are data: one TOML file each in forms/scenarios/, read and checked against their
pack by scenario_lint.py (and by `rcrp-desktop forms check`). While a trainee works a call,
the window asks `lines_due` and `injects_due` what the caller has said by now; scoring.py then
marks the run against the scenario's expectations.
"""

from dataclasses import dataclass, field

from rcrp_desktop.domain.call.state import State
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.domain.training.scenario_run import Run, RunStep, ScenarioError

__all__ = [
    "CallerLine",
    "ExpectedAnswer",
    "ExpectedOutcome",
    "Inject",
    "Run",
    "RunStep",
    "Scenario",
    "ScenarioError",
    "TimeLimits",
    "Trigger",
    "injects_due",
    "lines_due",
    "reached",
]


@dataclass(frozen=True)
class Trigger:
    """When something is revealed: on reaching a node, or once the call is some seconds old."""

    node: str = ""  # revealed once the call has reached this node
    after_seconds: float = 0.0  # otherwise: this long after the call started (0: at once)

    def due(self, state: State, elapsed_seconds: float) -> bool:
        if self.node:
            return reached(state, self.node)
        return elapsed_seconds >= self.after_seconds

    def describe(self) -> str:
        if self.node:
            return f"at '{self.node}'"
        return f"after {self.after_seconds:g} s" if self.after_seconds else "at the start"


def reached(state: State, node: str) -> bool:
    """Whether the call has come to `node`: on the path now, or answered at some point.

    The history counts too, so that something revealed stays revealed when a changed answer
    takes the node off the path again.
    """
    return node in state.path or any(event.node == node for event in state.history)


@dataclass(frozen=True)
class CallerLine:
    """What the caller says, and when it comes out."""

    text: str
    trigger: Trigger = field(default_factory=Trigger)


@dataclass(frozen=True)
class Inject:
    """New information mid-call, and the response it should bring.

    A response is an answer given or changed at one of `respond_nodes` after the inject, or
    (with `reassess`) a re-assessment: a linked re-assessment or any changed answer.
    """

    id: str
    text: str
    trigger: Trigger
    respond_nodes: tuple[str, ...] = ()
    reassess: bool = False
    respond_within: float | None = None  # seconds, when the response is timed
    learning: str = ""

    @property
    def expects_response(self) -> bool:
        return bool(self.respond_nodes) or self.reassess


@dataclass(frozen=True)
class ExpectedAnswer:
    """The answer a good handler gives at a safety-critical node.

    A choice question is met by any of `answers`; a checklist by ticking every one of `ticked`.
    """

    node: str
    answers: tuple[str, ...] = ()
    ticked: tuple[str, ...] = ()
    learning: str = ""


@dataclass(frozen=True)
class ExpectedOutcome:
    """Where the call should end: the outcome code, and optionally its node and partner."""

    code: OutcomeCode
    node: str = ""
    partner: str = ""
    learning: str = ""


@dataclass(frozen=True)
class TimeLimits:
    """How quickly things should happen, in seconds; None: not timed."""

    urgent_within: float | None = None  # from `urgent_from` to the urgent answer
    urgent_from: str = ""  # an inject id; "" is the start of the call
    outcome_within: float | None = None  # from the start to the outcome settling


@dataclass(frozen=True)
class Scenario:
    """A training scenario, checked against its pack, with the model run that shows the way."""

    id: str
    version: str
    title: str
    pack: Pack
    briefing: str
    caller: tuple[CallerLine, ...]
    injects: tuple[Inject, ...]
    expected: tuple[ExpectedAnswer, ...]
    outcome: ExpectedOutcome
    time: TimeLimits
    model: tuple[RunStep, ...]
    learning_points: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    rationale_learning: str = ""  # the debrief's point for a thin rationale ("" : the default)
    source: str = ""
    content_hash: str = ""  # SHA-256 of the file as read: a run records which text it used

    def inject(self, inject_id: str) -> Inject | None:
        return next((i for i in self.injects if i.id == inject_id), None)

    def expectation(self, node: str) -> ExpectedAnswer | None:
        return next((e for e in self.expected if e.node == node), None)

    @property
    def model_run(self) -> Run:
        return Run(self.model, "model run", self.id, self.pack.id, self.source)

    @property
    def category(self) -> str:
        """The RCRP category the model run gives (its answer at the pack's category node)."""
        node = self.pack.category_node
        given = [s.value for s in self.model if node and s.node == node and s.action != "rationale"]
        return str(given[-1]) if given else ""


def lines_due(scenario: Scenario, state: State, elapsed_seconds: float) -> list[CallerLine]:
    """The caller's lines revealed by now, in script order; show those not yet shown."""
    return [line for line in scenario.caller if line.trigger.due(state, elapsed_seconds)]


def injects_due(scenario: Scenario, state: State, elapsed_seconds: float) -> list[Inject]:
    """The injects due by now, in scenario order; show those not yet shown.

    Stateless: the window keeps which it has shown, and keeps showing them. (A node that was
    only on screen, never answered, stops counting as reached if a changed answer takes it off
    the path.) Elapsed time counts from the start of the call: the record's creation.
    """
    return [inject for inject in scenario.injects if inject.trigger.due(state, elapsed_seconds)]
