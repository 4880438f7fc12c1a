"""Score a training run against its scenario, in the manner of a call-quality audit.

Every run is checked item by item; each item is a Finding, met or not, and safety-critical or
not. The divergences (the findings not met), each with the node, what was expected, what was
given and the learning point, are the debrief.

Items:
  - outcome (safety-critical): the outcome reached (the trainee's decision if one was recorded,
    else the engine's recommendation) has the expected code, and the expected node and partner
    where the scenario names them;
  - each expected answer (safety-critical): the answer in force at the end of the run;
  - each inject that expects a response (safety-critical): an answer given or changed at one of
    its nodes, or for a re-assessment a linked re-assessment or any changed answer, after it came
    up. A response later than its `respond_within` is a minor divergence;
  - time to the urgent decision: from the start (or the `urgent_from` inject) to the first
    moment an urgent answer is in force, i.e. the window says "deploy or escalate now". Later
    than the expectation is minor; more than twice as late, or never, is safety-critical;
  - time to the outcome: from the start to the moment the final outcome settled (minor);
  - each rationale the pack requires for an answer on the final path (minor): present and
    substantive, meaning at least 5 words, of which at least 3 distinct words of three or more
    letters are not in the question, the answer given or a short list of filler words. "No
    offence." is not substantive; "No offence disclosed: no threats, weapon or damage
    mentioned." is.
A run without timings (every step needs `at`) is scored without its time items, and an inject
revealed by time counts as having come up at the start.

Bands:
  - high compliance: every item met;
  - compliant: the outcome and every safety-critical item met, at most 2 minor divergences;
  - partial: the outcome met, with 1 safety-critical divergence or more than 2 minor ones;
  - low: the outcome met with 2 or more safety-critical divergences, or the outcome missed
    with every other safety-critical item met;
  - non-compliant: the outcome missed together with any other safety-critical divergence
    (a wrong answer at a safety-critical node that led to a wrong outcome, an inject ignored,
    the urgent decision never made).
"""

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from rcrp_desktop.domain.call.rationale_rule import RATIONALE_LEARNING, substantive
from rcrp_desktop.domain.call.walk import answer_label, rationale_required
from rcrp_desktop.domain.outcomes import MEANINGS
from rcrp_desktop.domain.training.findings import Check, Finding
from rcrp_desktop.domain.training.scenario import ExpectedAnswer, Scenario
from rcrp_desktop.domain.training.scenario_run import Moment, Run, replay
from rcrp_desktop.domain.training.scoring_timing import (
    outcome_time,
    response,
    settled_at,
    urgent_time,
)

MAX_MINOR_FOR_COMPLIANT = 2
__all__ = ["Band", "Check", "Finding", "Score", "band_for", "score_run"]


class Band(StrEnum):
    """Call-quality audit bands, best first."""

    HIGH_COMPLIANCE = "high compliance"
    COMPLIANT = "compliant"
    PARTIAL = "partial"
    LOW = "low"
    NON_COMPLIANT = "non-compliant"


@dataclass(frozen=True)
class Score:
    """A run's band, every finding, and the timings measured."""

    scenario_id: str
    scenario_version: str
    band: Band
    findings: tuple[Finding, ...]
    outcome_expected: str
    outcome_given: str
    timed: bool
    urgent_seconds: float | None = None
    outcome_seconds: float | None = None

    @property
    def divergences(self) -> tuple[Finding, ...]:
        """The debrief: where the trainee diverged, safety-critical first."""
        missed = [f for f in self.findings if not f.met]
        return tuple(sorted(missed, key=lambda f: not f.critical))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["divergences"] = [asdict(f) for f in self.divergences]
        return data


def score_run(scenario: Scenario, run: Run) -> Score:
    """Score a run; raises ScenarioError naming the step when a step does not fit the pack."""
    moments = replay(scenario.pack, run.steps, run.source)
    timed = run.timed
    last = moments[-1]
    findings = [_outcome(scenario, last)]
    findings += [_answer(scenario, e, last) for e in scenario.expected]
    findings += [response(i, moments, timed) for i in scenario.injects if i.expects_response]
    urgent_seconds = outcome_seconds = None
    if timed:
        urgent = urgent_time(scenario, moments)
        if urgent is not None:
            findings.append(urgent[0])
            urgent_seconds = urgent[1]
        outcome_seconds = settled_at(moments)
        if scenario.time.outcome_within is not None and outcome_seconds is not None:
            findings.append(outcome_time(scenario.time.outcome_within, outcome_seconds))
    findings += _rationales(scenario, last)
    return Score(
        scenario.id,
        scenario.version,
        band_for(findings),
        tuple(findings),
        findings[0].expected,
        findings[0].given,
        timed,
        urgent_seconds,
        outcome_seconds,
    )


def band_for(findings: list[Finding]) -> Band:
    """The band from the findings, by the rules in this module's docstring."""
    outcome_met = all(f.met for f in findings if f.check is Check.OUTCOME)
    critical = sum(1 for f in findings if f.critical and not f.met and f.check is not Check.OUTCOME)
    minor = sum(1 for f in findings if not f.critical and not f.met)
    if not outcome_met:
        return Band.NON_COMPLIANT if critical else Band.LOW
    if critical >= 2:
        return Band.LOW
    if critical == 1 or minor > MAX_MINOR_FOR_COMPLIANT:
        return Band.PARTIAL
    return Band.COMPLIANT if minor else Band.HIGH_COMPLIANCE


def describe_outcome(code: str, partner_name: str = "") -> str:
    """An outcome in words: its title (never its code), and the partner if there is one."""
    meaning = next((m for c, m in MEANINGS.items() if c.value == code), None)
    text = meaning.title if meaning else code
    return f"{text}, {partner_name}" if partner_name else text


def _outcome(scenario: Scenario, last: Moment) -> Finding:
    want, pack, advice = scenario.outcome, scenario.pack, last.advice
    decision = last.state.decision
    code = decision.code if decision else (advice.code if advice.final else None)
    met = (
        code == want.code
        and (not want.node or advice.outcome_node == want.node)
        and (not want.partner or advice.partner == want.partner)
    )
    partner = pack.partner_name(want.partner) if want.partner else ""
    given = describe_outcome(code.value, advice.partner_name) if code else "no outcome reached"
    if decision and not decision.accepted:
        recommended = describe_outcome(advice.code.value) if advice.code else "outcome"
        given += f" (decided against the recommended {recommended})"
    return Finding(
        Check.OUTCOME,
        want.node,
        "Outcome",
        describe_outcome(want.code.value, partner),
        given,
        met,
        True,
        want.learning,
    )


def _answer(scenario: Scenario, expected: ExpectedAnswer, last: Moment) -> Finding:
    question = scenario.pack.question(expected.node)
    given = last.state.answers.get(expected.node)
    if expected.ticked:
        wanted = "ticked: " + answer_label(question, expected.ticked)
        values = given.value if given and isinstance(given.value, tuple) else ()
        met = given is not None and set(expected.ticked) <= set(values)
    else:
        wanted = " or ".join(answer_label(question, v) for v in expected.answers)
        met = given is not None and given.value in expected.answers
    shown = answer_label(question, given.value) if given else "not answered on the final path"
    return Finding(
        Check.ANSWER, expected.node, question.text, wanted, shown, met, True, expected.learning
    )


def _rationales(scenario: Scenario, last: Moment) -> list[Finding]:
    found = []
    pack = scenario.pack
    for node in last.state.questions_on_path():
        given = last.state.answers.get(node)
        question = pack.question(node)
        if given is None or not rationale_required(question, given.value):
            continue
        problem = (
            substantive(given.rationale, question, given.value)
            if given.rationale
            else "no rationale written"
        )
        found.append(
            Finding(
                Check.RATIONALE,
                node,
                question.text,
                "the facts relied on, in the handler's words",
                given.rationale or "(none)",
                not problem,
                False,
                (f"{problem}. " if problem else "")
                + (scenario.rationale_learning or RATIONALE_LEARNING),
            )
        )
    return found
