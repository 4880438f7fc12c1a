"""Scripted calls: a JSON list of (node, answer, rationale) steps replayed through the engine."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.errors import AnswerError, ScriptError
from rcrp_desktop.domain.json_file import read_json
from rcrp_desktop.domain.pack.protocol import Pack


@dataclass(frozen=True)
class Step:
    """One scripted answer."""

    node: str
    answer: Any
    rationale: str = ""
    reason: str = ""  # present: change an earlier answer instead of answering the current one


# What a script may expect of its result:
#   outcome, partner, node: the recommendation's code, partner key and outcome node;
#   urgent: whether an urgent answer is live (true or false);
#   explanation: node ids that must be among the answers that decided it ("force_profile" for
#     the force profile, when nothing the handler answered routed the call);
#   caller: words the pack's wording for the caller must contain;
#   ready_after: the node whose answer made the recommendation ready to act on (an urgent
#     call is decided there, with the rest of its questions still owed).
EXPECT_KEYS = ("outcome", "partner", "node", "urgent", "explanation", "caller", "ready_after")


@dataclass(frozen=True)
class Script:
    """A scripted call: which pack, the steps, and optionally the outcome expected."""

    pack: str
    title: str
    steps: tuple[Step, ...]
    expect: dict[str, Any] = field(default_factory=dict)
    source: str = ""


def load_script(path: Path) -> Script:
    """Read a script file, with a clear error for anything malformed."""
    data = read_json(path, ScriptError)
    return parse_script(data, str(path))


def parse_script(data: Any, source: str = "<script>") -> Script:
    if not isinstance(data, dict):
        raise ScriptError(f"{source}: a script is a JSON object with 'pack' and 'steps'")
    unknown = set(data) - {"pack", "title", "steps", "expect"}
    if unknown:
        raise ScriptError(f"{source}: unknown key(s): {', '.join(sorted(unknown))}")
    if not isinstance(data.get("pack"), str) or not isinstance(data.get("steps"), list):
        raise ScriptError(f"{source}: 'pack' must be a pack id and 'steps' a list")
    expect = data.get("expect", {})
    if not isinstance(expect, dict) or set(expect) - set(EXPECT_KEYS):
        raise ScriptError(f"{source}: 'expect' takes {', '.join(EXPECT_KEYS)}")
    if not all(isinstance(expect.get(k, ""), str) for k in ("outcome", "partner", "node")):
        raise ScriptError(f"{source}: expected outcome, partner and node are strings")
    if not isinstance(expect.get("urgent", False), bool) or not (
        isinstance(expect.get("explanation", []), list)
        and all(isinstance(v, str) for v in expect.get("explanation", []))
    ):
        raise ScriptError(f"{source}: 'urgent' is true or false; 'explanation' a list of nodes")
    steps = []
    for number, raw in enumerate(data["steps"], start=1):
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("node"), str)
            or "answer" not in raw
            or set(raw) - {"node", "answer", "rationale", "reason"}
        ):
            raise ScriptError(
                f"{source}: step {number}: a step is "
                '{"node": ..., "answer": ..., "rationale": ..., ["reason": ...]}'
            )
        steps.append(
            Step(
                raw["node"],
                raw["answer"],
                str(raw.get("rationale", "")),
                str(raw.get("reason", "")),
            )
        )
    return Script(
        data["pack"],
        str(data.get("title", "")),
        tuple(steps),
        dict(expect),
        source,
    )


def run_script(pack: Pack, script: Script) -> engine.State:
    """Replay every step; a step that does not fit the pack fails naming the step."""
    if script.pack != pack.id:
        raise ScriptError(f"{script.source}: written for pack '{script.pack}', not '{pack.id}'")
    state = engine.start(pack)
    for number, step in enumerate(script.steps, start=1):
        try:
            if step.reason:
                state = engine.change(state, step.node, step.answer, step.rationale, step.reason)
            else:
                state = engine.answer(state, step.node, step.answer, step.rationale)
        except AnswerError as error:
            raise ScriptError(f"{script.source}: step {number} ({step.node}): {error}") from error
    return state


def ready_after(pack: Pack, script: Script) -> str:
    """The node whose answer first made the recommendation ready to act on ("" if none did)."""
    state = engine.start(pack)
    for step in script.steps:
        if step.reason:
            state = engine.change(state, step.node, step.answer, step.rationale, step.reason)
        else:
            state = engine.answer(state, step.node, step.answer, step.rationale)
        if engine.recommend(state).ready:
            return step.node
    return ""


def mismatches(
    script: Script, advice: engine.Recommendation, pack: Pack | None = None
) -> list[str]:
    """How the result differs from the script's `expect`, if at all."""
    got: dict[str, Any] = {
        "outcome": advice.code.value if advice.code else "(none)",
        "partner": advice.partner,
        "node": advice.outcome_node,
        "urgent": advice.urgent,
    }
    wrong = [
        f"expected {key} {want!r}, got {got[key]!r}"
        for key, want in script.expect.items()
        if key in got and got[key] != want
    ]
    deciding = {r.node or "force_profile" for r in advice.reasons if r.role != "considered"}
    for node in script.expect.get("explanation", []):
        if node not in deciding:
            wrong.append(f"expected {node!r} among the answers that decided it")
    if pack is not None and "caller" in script.expect and advice.code is not None:
        wording = pack.caller_wording(advice.code, advice.partner)
        if script.expect["caller"] not in wording:
            wrong.append(f"expected the caller to be told {script.expect['caller']!r}: {wording!r}")
    if pack is not None and "ready_after" in script.expect:
        first = ready_after(pack, script)
        if first != script.expect["ready_after"]:
            wrong.append(
                f"expected the recommendation ready after {script.expect['ready_after']!r}"
                f", got {first or 'never'!r}"
            )
    return wrong
