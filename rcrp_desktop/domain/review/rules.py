"""The rules that put a call in the supervisors' review queue, declared as data: the shipped
ones (resources/review/rules.toml) and any a force adds. A rule holds when every one of its
conditions on the call's facts (facts.py) does; a call is in the queue for each rule that holds,
and by the dip sample."""

import hashlib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from rcrp_desktop import files
from rcrp_desktop.domain.review.facts import CallFacts

# What a condition may name: a fact that is yes or no, or one whose value is one of a list.
FLAGS = frozenset(
    {
        "police_did_not_attend",
        "police_attended",
        "disagreed",
        "urgent",
        "rationale_afterwards",
        "partner_declined",
        "partner_missed_recheck",
        "supervisor_decided",
        "taken_over",
        "closed",
        "linked",
        "recontact_24h",
        "recontact_72h",
    }
)
VALUES = frozenset({"category", "outcome", "recommended", "decided", "response"})
_ID = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
MAX_RULE_BYTES = 256 * 1024


class RulesError(ValueError):
    """Review rules that cannot be used: each problem names the file and the rule."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Rule:
    """One reason a call is reviewed: when it holds, and what the queue says."""

    id: str
    reason: str
    when: tuple[tuple[str, object], ...]  # (fact, yes/no or the values it may take)
    source: str = ""

    def holds(self, facts: CallFacts) -> bool:
        return all(_condition(facts, name, wanted) for name, wanted in self.when)


def _fact(facts: CallFacts, name: str) -> object:
    if name == "linked":
        return facts.linked_from != 0
    if name in ("recontact_24h", "recontact_72h"):
        hours = facts.recontact_hours
        return hours is not None and hours <= (24 if name == "recontact_24h" else 72)
    if name == "police_did_not_attend":
        return facts.police_did_not_attend
    return getattr(facts, name)


def _condition(facts: CallFacts, name: str, wanted: object) -> bool:
    value = _fact(facts, name)
    if isinstance(wanted, tuple):
        return value in wanted
    return value is wanted


def load_rules(*paths: Path) -> tuple[Rule, ...]:
    """The rules of each file in turn (a file that does not exist is skipped); RulesError,
    naming file and rule, for any that cannot be used, or an id given twice."""
    rules: list[Rule] = []
    problems: list[str] = []
    for path in paths:
        try:
            if not path.exists() and not path.is_symlink():
                continue  # a force with no rules of its own
            # Read bounded, and only if a regular file: a folder or a device in its place is
            # said, never skipped (a queue short of the force's rules would pass unnoticed).
            data = tomllib.loads(files.read_small(path, MAX_RULE_BYTES).decode("utf-8"))
        except (OSError, ValueError) as error:
            problems.append(f"{path}: cannot be read as review rules ({error})")
            continue
        made, found = parse_rules(data, str(path))
        rules += made
        problems += found
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            problems.append(f"{rule.source}: rule '{rule.id}' is also defined in {seen[rule.id]}")
        seen[rule.id] = rule.source
    if problems:
        raise RulesError(problems)
    return tuple(rules)


def parse_rules(data: Mapping[str, Any], source: str) -> tuple[list[Rule], list[str]]:
    listed = data.get("rule", [])
    extra = set(data) - {"rule"}
    problems = [f"{source}: unknown table(s) {', '.join(sorted(extra))}"] if extra else []
    if not isinstance(listed, list):
        return [], [*problems, f"{source}: [[rule]] must be a list of tables"]
    rules = []
    for number, table in enumerate(listed, start=1):
        rule, found = _rule(table, source, number)
        problems += found
        if rule is not None:
            rules.append(rule)
    return rules, problems


def _rule(table: object, source: str, number: int) -> tuple[Rule | None, list[str]]:
    if not isinstance(table, dict):
        return None, [f"{source}: rule {number} is not a table"]
    rule_id = table.get("id")
    where = (
        f"{source}: rule '{rule_id}'" if isinstance(rule_id, str) else f"{source}: rule {number}"
    )
    problems = []
    if not (isinstance(rule_id, str) and rule_id and set(rule_id) <= _ID):
        problems.append(f"{where}: id must be lower-case letters, digits and _")
    reason = table.get("reason")
    if not (isinstance(reason, str) and reason.strip()):
        problems.append(f"{where}: reason must say, in words, why the call is reviewed")
    unknown = set(table) - {"id", "reason", "when"}
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    when = table.get("when")
    conditions: list[tuple[str, object]] = []
    if not (isinstance(when, dict) and when):
        problems.append(f"{where}: when must name at least one fact")
    else:
        for name, wanted in when.items():
            if name in FLAGS and isinstance(wanted, bool):
                conditions.append((name, wanted))
            elif name in VALUES and _strings(wanted):
                conditions.append((name, tuple(wanted)))
            elif name in FLAGS:
                problems.append(f"{where}: {name} is true or false")
            elif name in VALUES:
                problems.append(f"{where}: {name} is a list of values")
            else:
                known = ", ".join(sorted(FLAGS | VALUES))
                problems.append(f"{where}: there is no fact '{name}' (facts: {known})")
    if problems:
        return None, problems
    return Rule(str(rule_id), str(reason).strip(), tuple(conditions), source), []


def _strings(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def dip_sampled(uid: str, seed: str, percent: float) -> bool:
    """Whether the dip sample takes this call: the same answer for the same seed every time,
    and about `percent` of all calls."""
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"{seed}\0{uid}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < percent / 100 * 2**64


def reasons_for(facts: CallFacts, rules: Iterable[Rule]) -> list[Rule]:
    return [rule for rule in rules if rule.holds(facts)]


_DERIVED = {"linked", "police_did_not_attend", "recontact_24h", "recontact_72h"}
assert {f.name for f in fields(CallFacts)} >= FLAGS - _DERIVED
assert {f.name for f in fields(CallFacts)} >= VALUES
