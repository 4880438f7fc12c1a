"""A run of a training scenario: the trainee's timed steps, read from JSON and replayed.

A run file has the shape of the scripted calls in forms/examples/ (so an example can be scored
as it is), with two optional keys per step: `at`, the seconds since the call started, and
`action`, for what is not an answer:

    {"scenario": "late-overdose-disclosure", "trainee": "PC 4521 Sam Example",
     "steps": [
       {"node": "ctx_caller_type", "answer": "family", "at": 4},
       {"node": "rf_checklist", "answer": ["overdose"], "rationale": "...", "reason": "...",
        "at": 212},
       {"action": "rationale", "node": "thr_life", "rationale": "...", "at": 260},
       {"action": "decide", "answer": "POLICE_DEPLOY_WITH_PARTNER", "at": 270},
       {"action": "reassess", "reason": "The crisis team has not arrived", "at": 900}]}

A step with a `reason` and no `action` changes an earlier answer, as in the examples. Either
every step has `at` or none does: a run without timings is scored without its times.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.errors import AnswerError, Error
from rcrp_desktop.domain.json_file import read_json
from rcrp_desktop.domain.pack.protocol import Pack

RunAction = Literal["answer", "change", "rationale", "decide", "reassess"]
ACTIONS: tuple[RunAction, ...] = ("answer", "change", "rationale", "decide", "reassess")
STEP_KEYS = frozenset({"node", "answer", "rationale", "reason", "action", "at"})
RUN_KEYS = frozenset({"scenario", "trainee", "steps", "pack", "title", "expect"})


class ScenarioError(Error):
    """A scenario or a run of one cannot be used; the message says where and why."""


class StepError(ScenarioError):
    """A step of a run does not fit the pack or the state of the call."""

    def __init__(self, message: str, number: int, node: str) -> None:
        super().__init__(message)
        self.number = number
        self.node = node


@dataclass(frozen=True)
class RunStep:
    """One thing the trainee did, `at` seconds after the call started (None: not timed)."""

    action: RunAction
    node: str = ""
    value: Any = None  # the answer, or the outcome code of a decision
    rationale: str = ""
    reason: str = ""  # why an answer was changed, or why the call was re-assessed
    at: float | None = None


@dataclass(frozen=True)
class Run:
    """A trainee's run: the steps in order, and what the run says it is."""

    steps: tuple[RunStep, ...]
    trainee: str = ""
    scenario: str = ""  # the scenario id the run names, if any
    pack: str = ""  # the pack id the run names, if any
    source: str = "<run>"

    @property
    def timed(self) -> bool:
        return bool(self.steps) and all(step.at is not None for step in self.steps)


@dataclass(frozen=True)
class Moment:
    """The call after one step of a run (index 0: before any), and the engine's advice then."""

    index: int
    at: float | None
    step: RunStep | None
    state: engine.State
    advice: engine.Recommendation


def load_run(path: Path) -> Run:
    """Read a run file, with a one-line error for anything malformed."""
    data = read_json(path, ScenarioError)
    return parse_run(data, str(path))


def parse_run(data: Any, source: str = "<run>") -> Run:
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ScenarioError(f"{source}: a run is a JSON object with a list of 'steps'")
    unknown = set(data) - RUN_KEYS
    if unknown:
        raise ScenarioError(f"{source}: unknown key(s): {', '.join(sorted(unknown))}")
    for key in ("scenario", "trainee", "pack", "title"):
        if not isinstance(data.get(key, ""), str):
            raise ScenarioError(f"{source}: '{key}' must be a string")
    steps = tuple(parse_step(raw, number, source) for number, raw in enumerate(data["steps"], 1))
    check_timings(steps, source)
    return Run(
        steps, data.get("trainee", ""), data.get("scenario", ""), data.get("pack", ""), source
    )


def parse_step(raw: Any, number: int, source: str) -> RunStep:
    """One step of a run or a model run; the error names the step."""
    where = f"{source}: step {number}"
    if not isinstance(raw, dict) or set(raw) - STEP_KEYS:
        extra = sorted(set(raw) - STEP_KEYS) if isinstance(raw, dict) else []
        detail = f" (unknown key(s): {', '.join(extra)})" if extra else ""
        raise ScenarioError(
            f"{where}: a step is "
            '{"node": ..., "answer": ..., "rationale": ..., ["reason": ...], ["at": seconds], '
            f'["action": ...]}}{detail}'
        )
    for key in ("node", "rationale", "reason", "action"):
        if not isinstance(raw.get(key, ""), str):
            raise ScenarioError(f"{where}: '{key}' must be a string")
    reason = raw.get("reason", "")
    action = raw.get("action") or ("change" if reason.strip() else "answer")
    if action not in ACTIONS:
        raise ScenarioError(f"{where}: unknown action {action!r} (one of: {', '.join(ACTIONS)})")
    at = raw.get("at")
    if at is not None and (
        isinstance(at, bool) or not isinstance(at, int | float) or not math.isfinite(at) or at < 0
    ):
        raise ScenarioError(f"{where}: 'at' must be the seconds since the call started (0 or more)")
    node = raw.get("node", "")
    article = "an" if action[0] in "aeiou" else "a"
    if action in ("answer", "change", "rationale") and not node:
        raise ScenarioError(f"{where}: {article} {action} step needs a 'node'")
    if action in ("answer", "change", "decide") and "answer" not in raw:
        raise ScenarioError(f"{where}: {article} {action} step needs an 'answer'")
    if action == "decide" and not isinstance(raw["answer"], str):
        raise ScenarioError(f"{where}: a decision's 'answer' is an outcome code")
    return RunStep(
        action,
        node,
        raw.get("answer"),
        raw.get("rationale", ""),
        reason,
        float(at) if at is not None else None,
    )


def check_timings(steps: Sequence[RunStep], source: str) -> None:
    """Either every step is timed or none is, and time never runs backwards."""
    timed = [step.at is not None for step in steps]
    if any(timed) and not all(timed):
        first = timed.index(False) + 1
        raise ScenarioError(f"{source}: step {first} has no 'at': time every step or none")
    last = 0.0
    for number, step in enumerate(steps, 1):
        if step.at is not None:
            if step.at < last:
                raise ScenarioError(
                    f"{source}: step {number}: 'at' {step.at:g} is before the step above ({last:g})"
                )
            last = step.at


def replay(pack: Pack, steps: Sequence[RunStep], source: str = "<run>") -> list[Moment]:
    """The call after each step, from the start; a step that does not fit names itself."""
    timed = bool(steps) and all(step.at is not None for step in steps)
    state = engine.start(pack)
    moments = [Moment(0, 0.0 if timed else None, None, state, engine.recommend(state))]
    for number, step in enumerate(steps, 1):
        try:
            state = apply(state, step)
        except (AnswerError, ValueError) as error:
            where = f" ({step.node})" if step.node else ""
            raise StepError(
                f"{source}: step {number}{where}: {error}", number, step.node
            ) from error
        moments.append(Moment(number, step.at, step, state, engine.recommend(state)))
    return moments


def apply(state: engine.State, step: RunStep) -> engine.State:
    """One step through the engine; a re-assessment leaves the call's answers as they are."""
    if step.action == "answer":
        return engine.answer(state, step.node, step.value, step.rationale)
    if step.action == "change":
        return engine.change(state, step.node, step.value, step.rationale, step.reason)
    if step.action == "rationale":
        return engine.complete_rationale(state, step.node, step.rationale)
    if step.action == "decide":
        return engine.decide(state, str(step.value), step.rationale)
    return state
