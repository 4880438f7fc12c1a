"""Orders over a pack's graph, each made once in time linear in the pack: topological ranks,
and dominators (the nodes every path from the start passes before a given node)."""

from collections.abc import Iterator, Mapping
from typing import Protocol


class _Leads(Protocol):
    @property
    def leads_to(self) -> tuple[str, ...]: ...


def topological_rank(nodes: Mapping[str, _Leads]) -> dict[str, int] | None:
    """Each node's place in an order where every node comes after all nodes leading to it;
    None when the graph has a cycle (a cycle is reported on its own)."""
    waiting = dict.fromkeys(nodes, 0)
    for node in nodes.values():
        for target in node.leads_to:
            if target in waiting:
                waiting[target] += 1
    ready = [node_id for node_id, count in waiting.items() if count == 0]
    rank: dict[str, int] = {}
    while ready:
        node_id = ready.pop()
        rank[node_id] = len(rank)
        for target in nodes[node_id].leads_to:
            if target in waiting:
                waiting[target] -= 1
                if waiting[target] == 0:
                    ready.append(target)
    return rank if len(rank) == len(nodes) else None


def reaches_within(
    nodes: Mapping[str, _Leads], source: str, rank: Mapping[str, int] | None, limit: int
) -> set[str]:
    """The nodes reachable from `source` (itself included) whose rank is at most `limit`: in a
    graph without cycles nothing ranked later can lead back, so the walk stops there. Without
    ranks (a cycle), every node reachable."""
    seen = {source}
    stack = [source]
    while stack:
        for target in nodes[stack.pop()].leads_to:
            if target in nodes and target not in seen:
                if rank is not None and rank[target] > limit:
                    continue
                seen.add(target)
                stack.append(target)
    return seen


class Dominators:
    """Which nodes every path from the start passes before reaching another.

    The iterative algorithm of Cooper, Harvey and Kennedy ("A Simple, Fast Dominance
    Algorithm"), over nodes in reverse postorder, then the dominator tree numbered in and out
    so that each question "does a dominate b" is two comparisons.
    """

    def __init__(self, nodes: Mapping[str, _Leads], start: str) -> None:
        self._enter: dict[str, int] = {}
        self._leave: dict[str, int] = {}
        if start not in nodes:
            return
        postorder, cyclic = _postorder(nodes, start)
        number = {node_id: index for index, node_id in enumerate(postorder)}
        preds: dict[str, list[str]] = {node_id: [] for node_id in postorder}
        for node_id in postorder:
            for target in nodes[node_id].leads_to:
                if target in preds:
                    preds[target].append(node_id)
        idom: dict[str, str] = {start: start}

        def common(a: str, b: str) -> str:
            while a != b:
                while number[a] < number[b]:
                    a = idom[a]
                while number[b] < number[a]:
                    b = idom[b]
            return a

        ordered = postorder[::-1][1:]
        changed = True
        while changed:
            # Without a cycle every node's predecessors come before it in this order: one pass
            # settles it. With one, passes until nothing changes (a few).
            changed = False
            for node_id in ordered:
                done = [p for p in preds[node_id] if p in idom] if cyclic else preds[node_id]
                new = done[0]
                for other in done[1:]:
                    new = common(other, new)
                if idom.get(node_id) != new:
                    idom[node_id] = new
                    changed = cyclic
        self._number_tree(idom, start)

    def _number_tree(self, idom: Mapping[str, str], start: str) -> None:
        """Number the dominator tree on the way in and out (depth first, a stack of its own)."""
        children: dict[str, list[str]] = {node_id: [] for node_id in idom}
        for node_id, parent in idom.items():
            if node_id != start:
                children[parent].append(node_id)
        enter, leave = self._enter, self._leave
        clock = 0
        stack = [start]
        while stack:
            node_id = stack.pop()
            clock += 1
            if node_id in enter:  # met again on the way out
                leave[node_id] = clock
                continue
            enter[node_id] = clock
            stack.append(node_id)
            stack += children[node_id]

    def reached(self, node_id: str) -> bool:
        """Whether any path from the start reaches this node."""
        return node_id in self._enter

    def dominates(self, before: str, node_id: str) -> bool:
        """Whether every path from the start to `node_id` passes `before` (a node dominates
        itself); False when either is not reached from the start."""
        if before not in self._enter or node_id not in self._enter:
            return False
        return (
            self._enter[before] <= self._enter[node_id]
            and self._leave[node_id] <= self._leave[before]
        )


def _postorder(nodes: Mapping[str, _Leads], start: str) -> tuple[list[str], bool]:
    """The nodes reachable from start, each after every node it leads to unless a cycle stops
    that (depth first, with a stack of its own: no recursion on a pack's structure); and
    whether a cycle was met."""
    order: list[str] = []
    seen = {start}
    on_path = {start}
    cyclic = False
    stack: list[tuple[str, Iterator[str]]] = [(start, iter(nodes[start].leads_to))]
    while stack:
        node_id, targets = stack[-1]
        for target in targets:
            if target not in nodes:
                continue
            if target not in seen:
                seen.add(target)
                on_path.add(target)
                stack.append((target, iter(nodes[target].leads_to)))
                break
            cyclic = cyclic or target in on_path
        else:
            stack.pop()
            on_path.discard(node_id)
            order.append(node_id)
    return order, cyclic
