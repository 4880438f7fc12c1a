"""Read a scenario file's tables into scenario dataclasses, checking each against its pack.

Every fault is collected as a Problem naming the file and the node or model step; nothing
stops at the first. Without a pack (an unknown pack id) only the shape of the file is checked,
so one wrong id does not bury the file under a message per node.
"""

from collections.abc import Mapping
from typing import Any

from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import InputKind, Outcome, Pack, Question
from rcrp_desktop.domain.pack.schema import (
    BOOL,
    STR,
    STR_LIST,
    STR_REQ,
    TABLE,
    TABLES,
    Key,
    Reader,
)
from rcrp_desktop.domain.training.scenario import (
    CallerLine,
    ExpectedAnswer,
    ExpectedOutcome,
    Inject,
    TimeLimits,
    Trigger,
)
from rcrp_desktop.domain.training.scenario_run import RunStep, ScenarioError, parse_step


def _is_seconds(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _is_values(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
    )


SECONDS = Key(_is_seconds, "a number of seconds (0 or more)")
ANY = Key(lambda value: True, "an answer")
TOP_KEYS = {
    "scenario": Key(lambda v: isinstance(v, dict), "a table", required=True),
    "outcome": Key(lambda v: isinstance(v, dict), "a table", required=True),
    "time": TABLE,
    "caller": TABLES,
    "injects": TABLES,
    "expect": TABLES,
    "model": Key(lambda v: isinstance(v, list) and bool(v), "a list of steps", required=True),
}
SCENARIO_KEYS = {
    "id": STR_REQ,
    "version": STR_REQ,
    "title": STR_REQ,
    "pack": STR_REQ,
    "pack_version": STR,
    "briefing": STR_REQ,
    "learning_points": STR_LIST,
    "tags": STR_LIST,
    "rationale_learning": STR,
}
OUTCOME_KEYS = {"code": STR_REQ, "node": STR, "partner": STR, "learning": STR_REQ}
TIME_KEYS = {"urgent_within": SECONDS, "urgent_from": STR, "outcome_within": SECONDS}
CALLER_KEYS = {"say": STR_REQ, "at_node": STR, "after_seconds": SECONDS}
INJECT_KEYS = {
    "id": STR_REQ,
    "say": STR_REQ,
    "at_node": STR,
    "after_seconds": SECONDS,
    "respond_nodes": STR_LIST,
    "reassess": BOOL,
    "respond_within": SECONDS,
    "learning": STR,
}
EXPECT_KEYS = {
    "node": STR_REQ,
    "answer": Key(_is_values, "an answer value or a list of them"),
    "ticked": Key(_is_values, "a list of checklist items"),
    "learning": STR,
}
MODEL_KEYS = {
    "node": STR,
    "answer": ANY,
    "rationale": STR,
    "reason": STR,
    "action": STR,
    "at": SECONDS,
}


class ScenarioReader(Reader):
    """A Reader that also knows the pack the scenario is written for (None: unknown)."""

    def __init__(self, file: str, pack: Pack | None) -> None:
        super().__init__(file)
        self.pack = pack

    def node_exists(self, node: str, problem_node: str, what: str) -> bool:
        if self.pack is None or node in self.pack.nodes:
            return True
        self.fail(problem_node, f"{what} names node '{node}', which does not exist in {self._pack}")
        return False

    def question(self, node: str, what: str) -> Question | None:
        """The pack's question `node`, or None (with a problem when the pack is known)."""
        if self.pack is None or not self.node_exists(node, node, what):
            return None
        found = self.pack.nodes[node]
        if not isinstance(found, Question):
            self.fail(node, f"{what}: '{node}' is not a question")
            return None
        return found

    @property
    def _pack(self) -> str:
        return f"{self.pack.id} {self.pack.version}" if self.pack else "the pack"


def _values(raw: Any) -> tuple[str, ...]:
    return (raw,) if isinstance(raw, str) else tuple(raw)


def read_trigger(reader: ScenarioReader, table: Mapping[str, Any], what: str) -> Trigger:
    if "at_node" in table and "after_seconds" in table:
        reader.fail("", f"{what}: give 'at_node' or 'after_seconds', not both")
    node = table.get("at_node", "")
    if node and not reader.node_exists(node, node, f"{what} is triggered at a node that"):
        return Trigger(node)
    return Trigger(node, float(table.get("after_seconds", 0)))


def read_caller(reader: ScenarioReader, tables: list[dict[str, Any]]) -> tuple[CallerLine, ...]:
    lines = []
    for number, table in enumerate(tables, 1):
        what = f"caller line {number}"
        if reader.check_keys(table, CALLER_KEYS, "", what):
            lines.append(CallerLine(table["say"].strip(), read_trigger(reader, table, what)))
    return tuple(lines)


def read_injects(reader: ScenarioReader, tables: list[dict[str, Any]]) -> tuple[Inject, ...]:
    injects: list[Inject] = []
    for number, table in enumerate(tables, 1):
        label = table.get("id") if isinstance(table.get("id"), str) else f"#{number}"
        what = f"inject '{label}'"
        if not reader.check_keys(table, INJECT_KEYS, "", what):
            continue
        reader.check_id(table["id"], "", "inject id")
        if any(i.id == table["id"] for i in injects):
            reader.fail("", f"duplicate inject id '{table['id']}'")
        if "at_node" not in table and "after_seconds" not in table:
            reader.fail("", f"{what} needs 'at_node' (a node) or 'after_seconds' (a time)")
        for node in table.get("respond_nodes", []):
            reader.question(node, f"{what}: respond_nodes")
        inject = Inject(
            table["id"],
            table["say"].strip(),
            read_trigger(reader, table, what),
            tuple(table.get("respond_nodes", [])),
            table.get("reassess", False),
            table.get("respond_within"),
            table.get("learning", "").strip(),
        )
        if inject.respond_within is not None and not inject.expects_response:
            reader.fail("", f"{what}: respond_within needs respond_nodes or reassess = true")
        if inject.expects_response and not inject.learning:
            reader.fail("", f"{what} expects a response but has no learning point")
        injects.append(inject)
    return tuple(injects)


def read_expected(
    reader: ScenarioReader, tables: list[dict[str, Any]]
) -> tuple[ExpectedAnswer, ...]:
    found: list[ExpectedAnswer] = []
    for number, table in enumerate(tables, 1):
        raw = table.get("node")
        node = raw if isinstance(raw, str) else f"#{number}"
        if not reader.check_keys(table, EXPECT_KEYS, node, "an expected answer"):
            continue
        if any(e.node == node for e in found):
            reader.fail(node, "a second expected answer for the same node")
        expected = ExpectedAnswer(
            node,
            _values(table.get("answer", ())),
            _values(table.get("ticked", ())),
            table.get("learning", "").strip(),
        )
        if not expected.learning:
            reader.fail(node, "missing learning point for this safety-critical node")
        _check_expected(reader, expected, table)
        found.append(expected)
    return tuple(found)


def _check_expected(reader: ScenarioReader, expected: ExpectedAnswer, table: Any) -> None:
    question = reader.question(expected.node, "an expected answer")
    if question is None:
        return
    node = expected.node
    if question.input is InputKind.TEXT:
        reader.fail(node, "a free-text question cannot have an expected answer")
        return
    key, other = ("ticked", "answer") if question.input is InputKind.MULTI else ("answer", "ticked")
    if key not in table:
        reader.fail(node, f"an expected answer here needs '{key}'")
    if other in table:
        reader.fail(node, f"'{other}' does not fit a {question.input.value} question; use '{key}'")
    for value in expected.answers + expected.ticked:
        if question.answer(value) is None:
            reader.fail(
                node,
                f"expected answer '{value}' is not allowed at this node "
                f"(answers: {', '.join(question.values)})",
            )


def read_outcome(reader: ScenarioReader, table: dict[str, Any]) -> ExpectedOutcome | None:
    if not reader.check_keys(table, OUTCOME_KEYS, "", "[outcome]"):
        return None
    if table["code"] not in OutcomeCode.__members__:
        reader.fail("", f"[outcome] code '{table['code']}' is not one of the fixed outcome codes")
        return None
    expected = ExpectedOutcome(
        OutcomeCode(table["code"]),
        table.get("node", ""),
        table.get("partner", ""),
        table["learning"].strip(),
    )
    pack = reader.pack
    if pack is None:
        return expected
    if expected.node and reader.node_exists(expected.node, expected.node, "[outcome]"):
        found = pack.nodes[expected.node]
        if not isinstance(found, Outcome) or found.code != expected.code:
            reader.fail(
                expected.node, f"[outcome] node is not an outcome with code {expected.code}"
            )
    if expected.partner and expected.partner not in pack.partners:
        reader.fail("", f"[outcome] partner '{expected.partner}' is not a partner of {pack.id}")
    codes = {n.code for n in pack.nodes.values() if isinstance(n, Outcome)}
    if expected.code not in codes and expected.code != OutcomeCode.POLICE_DEPLOY:
        reader.fail("", f"expected outcome {expected.code} is not an outcome of {pack.id}")
    return expected


def read_time(
    reader: ScenarioReader, table: dict[str, Any], injects: tuple[Inject, ...]
) -> TimeLimits:
    if not reader.check_keys(table, TIME_KEYS, "", "[time]"):
        return TimeLimits()
    limits = TimeLimits(
        table.get("urgent_within"), table.get("urgent_from", ""), table.get("outcome_within")
    )
    if limits.urgent_from and all(i.id != limits.urgent_from for i in injects):
        reader.fail(
            "", f"[time] urgent_from names inject '{limits.urgent_from}', which is not defined"
        )
    if limits.urgent_from and limits.urgent_within is None:
        reader.fail("", "[time] urgent_from needs urgent_within")
    return limits


def read_model(reader: ScenarioReader, tables: list[Any]) -> tuple[RunStep, ...] | None:
    """The model run's steps, each checked on its own; None when any step is unusable."""
    steps: list[RunStep] = []
    usable = True
    for number, table in enumerate(tables, 1):
        node = table.get("node", "") if isinstance(table, dict) else ""
        where = f"model step {number}"
        if not isinstance(table, dict) or not reader.check_keys(table, MODEL_KEYS, node, where):
            usable = False
            continue
        try:
            step = parse_step(table, number, "model")
        except ScenarioError as error:
            reader.fail(node, str(error).replace("model: step", "model step"))
            usable = False
            continue
        if step.at is None:
            reader.fail(node, f"{where} has no 'at': the model run is timed, step by step")
            usable = False
        if step.node and not reader.node_exists(step.node, step.node, where):
            usable = False
        steps.append(step)
    return tuple(steps) if usable else None
