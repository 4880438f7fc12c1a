"""Orders over a pack's graph: topological ranks, bounded walks and dominators, checked on small
graphs whose answers are known, and against a plain search on random ones."""

import random
from dataclasses import dataclass

import pytest

from rcrp_desktop.domain.pack.order import Dominators, reaches_within, topological_rank


@dataclass(frozen=True)
class N:
    leads_to: tuple[str, ...]


def graph(edges: dict[str, str]) -> dict[str, N]:
    return {name: N(tuple(targets.split())) for name, targets in edges.items()}


DIAMOND = graph({"s": "a b", "a": "j", "b": "j", "j": "x", "x": ""})
LOOP = graph({"s": "a", "a": "b", "b": "a c", "c": ""})


def test_ranks_put_every_node_after_those_leading_to_it() -> None:
    rank = topological_rank(DIAMOND)
    assert rank is not None
    for name, node in DIAMOND.items():
        assert all(rank[name] < rank[target] for target in node.leads_to)


def test_a_cycle_has_no_ranks() -> None:
    assert topological_rank(LOOP) is None


def test_dominators_of_a_diamond() -> None:
    found = Dominators(DIAMOND, "s")
    assert found.dominates("s", "x") and found.dominates("j", "x")
    assert not found.dominates("a", "j") and not found.dominates("b", "x")
    assert found.dominates("x", "x")


def test_dominators_through_a_cycle() -> None:
    found = Dominators(LOOP, "s")
    assert found.dominates("a", "c") and found.dominates("b", "c")
    assert not found.dominates("b", "a")


def _reaches_avoiding(nodes: dict[str, N], start: str, goal: str, avoid: str) -> bool:
    seen, stack = {start}, [start]
    while stack:
        for target in nodes[stack.pop()].leads_to:
            if target == goal:
                return True
            if target != avoid and target not in seen:
                seen.add(target)
                stack.append(target)
    return False


@pytest.mark.parametrize("seed", range(30))
def test_dominators_and_walks_agree_with_plain_search(seed: int) -> None:
    rnd = random.Random(seed)
    names = [f"n{i}" for i in range(12)]
    nodes = {name: N(tuple(sorted(set(rnd.sample(names, rnd.randint(0, 3)))))) for name in names}
    start = "n0"
    found = Dominators(nodes, start)
    reached = {start} | {n for n in names if _reaches_avoiding(nodes, start, n, "")}
    for target in names:
        assert found.reached(target) == (target in reached)
        if target not in reached or target == start:
            continue
        for before in reached - {target}:
            expected = before == start or not _reaches_avoiding(nodes, start, target, before)
            assert found.dominates(before, target) == expected, (seed, before, target)
    rank = topological_rank(nodes)
    for source in names:
        everything = {source} | {n for n in names if _reaches_avoiding(nodes, source, n, "")}
        limit = max(rank.values()) if rank else 0
        assert reaches_within(nodes, source, rank, limit) == everything
