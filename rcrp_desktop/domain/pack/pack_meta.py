"""Pack-level settings that name questions: who counts as a referrer, which phase a call is in."""

from collections.abc import Mapping
from typing import Any

from rcrp_desktop.domain.pack import graph
from rcrp_desktop.domain.pack.protocol import Question, Test


def referral_test(raw: Any, nodes: Mapping[str, Any], report: graph.Report) -> Test | None:
    """[pack] referral = { node = "...", in = [...] }: which answers mean a professional caller."""
    if raw is None:
        return None
    if (
        set(raw) != {"node", "in"}
        or not isinstance(raw["node"], str)
        or not (isinstance(raw["in"], list) and all(isinstance(v, str) for v in raw["in"]))
    ):
        report("", 'referral must be { node = "question id", in = ["answer", ...] }')
        return None
    question = nodes.get(raw["node"])
    if not isinstance(question, Question):
        report("", f"referral names '{raw['node']}', which is not a question")
        return None
    for value in raw["in"]:
        if value not in question.values:
            report("", f"referral value '{value}' is not an answer of '{raw['node']}'")
    return Test(node=raw["node"], values=tuple(raw["in"]))


def check_phases(raw: Any, nodes: Mapping[str, Any], report: graph.Report) -> None:
    """[pack] phases = { node = "cat", map = { welfare = "concern_for_welfare", ... } }."""
    if raw is None:
        return
    if (
        set(raw) != {"node", "map"}
        or not isinstance(raw["map"], dict)
        or not all(isinstance(v, str) for v in raw["map"].values())
    ):
        report("", 'phases must be { node = "question id", map = { answer = "phase" } }')
        return
    question = nodes.get(raw["node"])
    if not isinstance(question, Question):
        report("", f"phases names '{raw['node']}', which is not a question")
        return
    for value in raw["map"]:
        if value not in question.values:
            report("", f"phases maps '{value}', which is not an answer of '{raw['node']}'")
