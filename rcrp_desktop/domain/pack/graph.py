"""Whole-pack checks on the node graph: references, reachability, cycles, dead ends, safety."""

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rcrp_desktop.domain.pack.order import reaches_within, topological_rank
from rcrp_desktop.domain.pack.protocol import (
    URGENT_LIMBS,
    Condition,
    InputKind,
    Node,
    Outcome,
    Question,
)
from rcrp_desktop.domain.problems import Problem

Report = Callable[[str, str], None]  # (node id, message)


@dataclass(frozen=True)
class Opaque:
    """Stands in for a node that could not be read, so one typo does not cascade.

    Only its raw targets are known: routes pass through it, and it is never a dead end.
    """

    id: str
    targets: tuple[str, ...]

    @property
    def leads_to(self) -> tuple[str, ...]:
        return self.targets

    @classmethod
    def from_table(cls, node_id: str, table: Mapping[str, Any]) -> "Opaque":
        found = [table.get("next"), table.get("otherwise")]
        for group in ("answers", "routes"):
            items = table.get(group)
            if isinstance(items, list):
                found += [item.get("next") for item in items if isinstance(item, dict)]
        return cls(node_id, tuple(dict.fromkeys(t for t in found if isinstance(t, str) and t)))


GraphNode = Node | Opaque


def check_references(nodes: Mapping[str, GraphNode], report: Report) -> None:
    """Every `next`/`otherwise` names an existing node."""
    for node_id, node in nodes.items():
        for target in node.leads_to:
            if target not in nodes:
                report(node_id, f"goes to '{target}', which does not exist")


def reachable(nodes: Mapping[str, GraphNode], start: str, avoid: str = "") -> list[str]:
    """Nodes reachable from `start` (breadth first), never entering `avoid`."""
    if start not in nodes or start == avoid:
        return []
    seen = {start}
    order = [start]
    queue = deque([start])
    while queue:
        for target in nodes[queue.popleft()].leads_to:
            if target in nodes and target not in seen and target != avoid:
                seen.add(target)
                order.append(target)
                queue.append(target)
    return order


class Reach(Mapping[str, frozenset[str]]):
    """Each node's reachable set (itself included), worked out when first asked for and kept.

    Not all at once: a chain of n questions has sets of 1 to n nodes, so computing every set
    up front took time and memory growing with the square of the pack (100,000 nodes did not
    finish in a minute); a call asks for the few nodes it passes."""

    def __init__(self, nodes: Mapping[str, GraphNode]) -> None:
        self._nodes = nodes
        self._found: dict[str, frozenset[str]] = {}

    def __getitem__(self, node_id: str) -> frozenset[str]:
        found = self._found.get(node_id)
        if found is None:
            if node_id not in self._nodes:
                raise KeyError(node_id)
            found = self._found[node_id] = frozenset(reachable(self._nodes, node_id))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)


def reach_all(nodes: Mapping[str, GraphNode]) -> Reach:
    """Every node's reachable set, each worked out on first use (Reach)."""
    return Reach(nodes)


def find_cycles(nodes: Mapping[str, GraphNode], start: str) -> list[list[str]]:
    """Each distinct cycle reachable from start, as the list of node ids around it.

    Depth first with a stack of its own: a pack is data, and a chain of a few hundred
    questions recursed past Python's limit."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []
    on_path: dict[str, int] = {}  # node -> its index in path
    if start not in nodes:
        return cycles
    stack: list[tuple[str, Iterator[str]]] = []

    def enter(node_id: str) -> None:
        state[node_id] = 1
        on_path[node_id] = len(path)
        path.append(node_id)
        stack.append((node_id, iter(nodes[node_id].leads_to)))

    enter(start)
    while stack:
        node_id, targets = stack[-1]
        target = next(targets, None)
        if target is None:
            stack.pop()
            path.pop()
            del on_path[node_id]
            state[node_id] = 2
            continue
        if target not in nodes:
            continue
        if state.get(target) == 1:
            cycles.append([*path[on_path[target] :], target])
        elif target not in state:
            enter(target)
    return cycles


def dead_ends(nodes: Mapping[str, GraphNode], among: Iterable[str]) -> list[str]:
    """Nodes in `among` from which no outcome can be reached."""
    predecessors: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for node_id, node in nodes.items():
        for target in node.leads_to:
            if target in predecessors:
                predecessors[target].append(node_id)
    alive = {n for n, node in nodes.items() if isinstance(node, Outcome | Opaque)}
    queue = deque(alive)
    while queue:
        for source in predecessors[queue.popleft()]:
            if source not in alive:
                alive.add(source)
                queue.append(source)
    return [node_id for node_id in among if node_id not in alive]


def path_avoiding(nodes: Mapping[str, GraphNode], start: str, avoid: str) -> list[str] | None:
    """A route from start to an outcome that never passes `avoid`, or None."""
    if start not in nodes or start == avoid:
        return None
    parent: dict[str, str] = {start: ""}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if isinstance(nodes[current], Outcome):
            route = [current]
            while parent[route[-1]]:
                route.append(parent[route[-1]])
            return route[::-1]
        for target in nodes[current].leads_to:
            if target in nodes and target not in parent and target != avoid:
                parent[target] = current
                queue.append(target)
    return None


def check_conditions(
    nodes: Mapping[str, GraphNode], report: Report, rank: Mapping[str, int] | None = None
) -> None:
    """A condition tests only questions that can come before it, with values they offer.

    `rank`: the graph's topological ranks if already made (None: made here if there is no
    cycle)."""
    testing: dict[str, list[tuple[str, int]]] = {}  # question -> (condition, route number)
    for node_id, node in nodes.items():
        if not isinstance(node, Condition):
            continue
        for index, route in enumerate(node.routes, start=1):
            for test in route.tests:
                target = nodes.get(test.node)
                if target is None:
                    report(node_id, f"route #{index} tests '{test.node}', which does not exist")
                    continue
                if isinstance(target, Opaque):
                    continue  # already reported where it is defined
                if not isinstance(target, Question):
                    report(node_id, f"route #{index} tests '{test.node}', which is not a question")
                    continue
                if target.input is InputKind.TEXT:
                    report(node_id, f"route #{index} tests '{test.node}', a free-text question")
                    continue
                for value in test.values:
                    if value not in target.values:
                        report(
                            node_id,
                            f"route #{index} tests '{test.node}' for '{value}', "
                            f"which is not one of its answers",
                        )
                testing.setdefault(test.node, []).append((node_id, index))
    if not testing:
        return
    # From each tested question, walk only as far as the last condition testing it can lie:
    # a walk over the whole rest of the pack for every tested question took time growing with
    # the square of the pack.
    if rank is None:
        rank = topological_rank(nodes)
    for question, conditions in testing.items():
        limit = max(rank[node_id] for node_id, _ in conditions) if rank is not None else 0
        after = reaches_within(nodes, question, rank, limit)
        for node_id, index in conditions:
            if node_id not in after:
                report(
                    node_id,
                    f"route #{index} tests '{question}', which can never be "
                    "answered before this node",
                )


def check_safety(nodes: Mapping[str, GraphNode], report: Report) -> None:
    """On the crime, life and serious-harm limbs only a plain 'no' may be non-urgent."""
    for node_id, node in nodes.items():
        if not isinstance(node, Question) or node.limb not in URGENT_LIMBS:
            continue
        if node.input is not InputKind.CHOICE:
            report(node_id, f"the '{node.limb}' limb must be a choice question (yes, no, unknown)")
            continue
        missing = [v for v in ("yes", "no", "unknown") if v not in node.values]
        if missing:
            report(
                node_id,
                f"the '{node.limb}' limb must offer yes, no and unknown "
                f"(missing: {', '.join(missing)})",
            )
        for answer in node.answers:
            if answer.value != "no" and not answer.urgent:
                report(
                    node_id,
                    f"answer '{answer.value}' on the '{node.limb}' limb must be urgent = true "
                    "(anything but a plain no means deploy or escalate now)",
                )


def check_every_path(
    nodes: Mapping[str, GraphNode], start: str, required: Iterable[str], report: Report
) -> None:
    """Each node in `every_path` lies on every route from start to an outcome."""
    for node_id in required:
        if node_id not in nodes:
            report("", f"every_path names '{node_id}', which does not exist")
            continue
        bypass = path_avoiding(nodes, start, node_id)
        if bypass is not None:
            report(
                node_id,
                "listed in every_path, but this route reaches an outcome without "
                "it: " + " -> ".join(bypass),
            )


def problems_for(file_of: Callable[[str], str]) -> tuple[list[Problem], Report]:
    """A problem list and a report function that files each problem under its node's file."""
    found: list[Problem] = []

    def report(node_id: str, message: str) -> None:
        found.append(Problem(file_of(node_id), node_id, message))

    return found, report
