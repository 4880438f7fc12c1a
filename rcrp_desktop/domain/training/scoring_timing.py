"""The timed items of a training run: injects and the responses to them, the urgent decision.

An inject revealed at a node comes up at the step that brought the call to that node; one
revealed by time comes up at its time (at the start, on a run without timings). A response is
a step after that moment: see `Inject`.
"""

from rcrp_desktop.domain.training.findings import Check, Finding
from rcrp_desktop.domain.training.scenario import Inject, Scenario, reached
from rcrp_desktop.domain.training.scenario_run import Moment, RunStep

VERY_LATE_FACTOR = 2  # later than this many times the expectation is safety-critical
URGENT_LEARNING = (
    "An urgent answer (any yes or not known on crime, life or serious harm) means deploy or "
    "escalate now and document afterwards: the rationale can follow, the response cannot."
)


def fired(inject: Inject, moments: list[Moment], timed: bool) -> Moment | None:
    """The moment an inject came up, or None if it never did on this run."""
    trigger = inject.trigger
    if trigger.node:
        return next((m for m in moments if reached(m.state, trigger.node)), None)
    if not timed:
        return moments[0]
    before = [m for m in moments if (m.at or 0.0) < trigger.after_seconds]
    return before[-1] if before else moments[0]


def fired_at(inject: Inject, moment: Moment) -> float:
    at = moment.at or 0.0
    return at if inject.trigger.node else max(at, inject.trigger.after_seconds)


def responds(inject: Inject, step: RunStep | None) -> bool:
    if step is None:
        return False
    if inject.reassess and step.action in ("reassess", "change"):
        return True
    return step.action in ("answer", "change") and step.node in inject.respond_nodes


def response(inject: Inject, moments: list[Moment], timed: bool) -> Finding:
    """Whether, and how soon, the run responded to an inject."""
    wanted = "re-assess the call" if inject.reassess else "answer or change "
    if not inject.reassess:
        wanted += ", ".join(f"'{n}'" for n in inject.respond_nodes)
    if inject.respond_within is not None and timed:
        wanted += f" within {duration(inject.respond_within)}"
    start = fired(inject, moments, timed)
    answer = None
    if start is not None:
        answer = next((m for m in moments[start.index + 1 :] if responds(inject, m.step)), None)
    met, critical, given = False, True, "no response"
    if start is None:
        given = "the inject never came up: the call did not reach its trigger"
    elif answer is not None:
        met, critical, given = True, True, f"responded at step {answer.index}"
        if timed and answer.at is not None:
            delay = answer.at - fired_at(inject, start)
            given += f", {duration(delay)} after it"
            if inject.respond_within is not None and delay > inject.respond_within:
                met, critical = False, False
    label = f"Inject: {inject.text}"
    return Finding(Check.RESPONSE, inject.id, label, wanted, given, met, critical, inject.learning)


def urgent_time(scenario: Scenario, moments: list[Moment]) -> tuple[Finding, float | None] | None:
    """The time to the urgent decision against the scenario's, and the seconds it took."""
    limits = scenario.time
    if limits.urgent_within is None:
        return None
    start: Moment | None = moments[0]
    start_at = 0.0
    inject = scenario.inject(limits.urgent_from) if limits.urgent_from else None
    if inject is not None:
        start = fired(inject, moments, True)
        start_at = fired_at(inject, start) if start else 0.0
    urgent = None
    if start is not None:
        urgent = next((m for m in moments[start.index :] if m.advice.urgent), None)
    label = "Time to the urgent decision" + (f" (from \u201c{inject.text}\u201d)" if inject else "")
    wanted = f"within {duration(limits.urgent_within)}"
    learning = URGENT_LEARNING
    if urgent is None:
        return Finding(Check.URGENT_TIME, "", label, wanted, "never", False, True, learning), None
    delay = max(0.0, (urgent.at or 0.0) - start_at)
    met = delay <= limits.urgent_within
    critical = delay > limits.urgent_within * VERY_LATE_FACTOR
    at = f" (at {scenario.pack.quoted(urgent.step.node)})" if urgent.step else ""
    given = duration(delay) + at
    return Finding(Check.URGENT_TIME, "", label, wanted, given, met, critical, learning), delay


def settled_at(moments: list[Moment]) -> float | None:
    """When the final outcome settled: the earliest moment from which it never changed."""
    final = moments[-1].advice
    if not final.final:
        return None
    settled = moments[-1]
    for moment in reversed(moments):
        advice = moment.advice
        if not advice.final or (advice.code, advice.outcome_node) != (
            final.code,
            final.outcome_node,
        ):
            break
        settled = moment
    return settled.at


def outcome_time(within: float, seconds: float) -> Finding:
    """The time to the outcome against the scenario's (a minor item)."""
    return Finding(
        Check.OUTCOME_TIME,
        "",
        "Time to the outcome",
        f"within {duration(within)}",
        duration(seconds),
        seconds <= within,
        False,
        "Keep the call moving: ask what the decision needs, and leave the rest for the record.",
    )


def duration(seconds: float) -> str:
    """A time as a trainee reads it: whole seconds, minutes past a minute ("2 min 05 s")."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"
