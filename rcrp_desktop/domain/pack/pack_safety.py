"""The linter's safety rules for a current pack: danger first, urgent means police, no dead routes.

A superseded pack kept only so that its records replay (forms/archive/) is not held to these:
they were learnt after it was issued, and its content must not change.
"""

import re
from collections.abc import Iterable, Mapping, Sequence

from rcrp_desktop.domain.outcomes import Response, response
from rcrp_desktop.domain.pack import graph
from rcrp_desktop.domain.pack.order import Dominators
from rcrp_desktop.domain.pack.protocol import Condition, InputKind, Outcome, Question, Route

# On every path, every danger-screen question comes within this many questions of the start.
DANGER_WITHIN = 6
MAX_DANGER_QUESTIONS = 3

# Words that say police will not be coming, and words that say they will. An outcome's text
# must not say the opposite of what its code means (the code is what the app acts on).
_NOT_COMING = (
    "will not attend",
    "won't attend",
    "will not be coming",
    "not attending",
    "police will not",
    "no police",
)
_COMING = (
    "deploy police",
    "police are coming",
    "police will attend",
    "send police",
    "officers are on their way",
)


def check_danger_screen(
    nodes: Mapping[str, graph.GraphNode], start: str, screen: Sequence[str], report: graph.Report
) -> None:
    """The immediate danger screen: yes/no/unknown questions every path asks first."""
    if not screen:
        report(
            "",
            "[pack] danger_screen is missing: name the immediate danger questions (life or "
            "safety, a crime in progress, a physical-health emergency) every path asks first",
        )
        return
    if len(screen) > MAX_DANGER_QUESTIONS:
        report("", f"danger_screen has {len(screen)} questions; at most {MAX_DANGER_QUESTIONS}")
    depth = _questions_up_to(nodes, start, screen)
    for node_id in screen:
        node = nodes.get(node_id)
        if not isinstance(node, Question):
            report("", f"danger_screen names '{node_id}', which is not a question")
            continue
        _check_urgent_choice(node, report)
        bypass = graph.path_avoiding(nodes, start, node_id)
        if bypass is not None:
            report(
                node_id,
                "a danger-screen question every path must ask, but this route reaches an "
                "outcome without it: " + " -> ".join(bypass),
            )
        elif depth is not None and depth.get(node_id, 0) > DANGER_WITHIN:
            report(
                node_id,
                f"a danger-screen question must come within the first {DANGER_WITHIN} "
                f"questions of every path; on one path it is question {depth[node_id]}",
            )


def _check_urgent_choice(node: Question, report: graph.Report) -> None:
    if node.input is not InputKind.CHOICE:
        report(node.id, "a danger-screen question must be a choice (yes, no, not known)")
        return
    missing = [v for v in ("yes", "no", "unknown") if v not in node.values]
    if missing:
        report(node.id, f"a danger-screen question must offer yes, no and unknown: {missing}")
    for answer in node.answers:
        if (answer.value == "no") == answer.urgent:
            wanted = "must not be" if answer.value == "no" else "must be"
            report(node.id, f"danger-screen answer '{answer.value}' {wanted} urgent = true")


def _questions_up_to(
    nodes: Mapping[str, graph.GraphNode], start: str, targets: Iterable[str]
) -> dict[str, int] | None:
    """For each of `targets` and the nodes before it, the most questions any path from start
    meets up to and including it.

    Only the nodes that lead to a target are ranked (a few, in a sound pack), so the check
    takes time in proportion to the pack, however long the rest of it is. None when those
    nodes hold a cycle (reported on its own).
    """
    preds = _predecessors(nodes)
    before_target: set[str] = set()
    stack = [node_id for node_id in targets if node_id in nodes]
    while stack:
        node_id = stack.pop()
        if node_id not in before_target:
            before_target.add(node_id)
            stack += preds[node_id]
    waiting = {
        node_id: sum(1 for p in preds[node_id] if p in before_target) for node_id in before_target
    }
    ready = [node_id for node_id, count in waiting.items() if count == 0]
    most: dict[str, int] = {}
    ranked = 0
    while ready:
        node_id = ready.pop()
        ranked += 1
        before = [most[p] for p in preds[node_id] if p in most]
        if node_id == start or before:  # else not reachable from start
            own = 1 if isinstance(nodes[node_id], Question) else 0
            most[node_id] = max(before, default=0) + own
        for target in nodes[node_id].leads_to:
            if target in waiting:
                waiting[target] -= 1
                if waiting[target] == 0:
                    ready.append(target)
    return most if ranked == len(before_target) else None


def _predecessors(nodes: Mapping[str, graph.GraphNode]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for node_id, node in nodes.items():
        for target in node.leads_to:
            if target in found:
                found[target].append(node_id)
    return found


def check_urgent_route(
    nodes: Mapping[str, graph.GraphNode], urgent_route: str, report: graph.Report
) -> None:
    """Beyond the urgent route lie only conditions and outcomes that send police."""
    node = nodes.get(urgent_route)
    if not urgent_route:
        report(
            "",
            "[pack] urgent_route is missing: name the condition that picks the police "
            "outcome the moment an answer is urgent",
        )
        return
    if not isinstance(node, Condition):
        report("", f"urgent_route names '{urgent_route}', which is not a condition")
        return
    for node_id in graph.reachable(nodes, urgent_route):
        found = nodes[node_id]
        if isinstance(found, Question):
            report(
                urgent_route,
                f"the urgent route reaches the question '{node_id}': an urgent call must "
                "never wait on a question",
            )
        elif isinstance(found, Outcome) and response(found.code) is not Response.ATTEND:
            report(
                node_id,
                f"reached from the urgent route, but its code {found.code} does not send police",
            )


def check_outcome_texts(nodes: Mapping[str, graph.GraphNode], report: graph.Report) -> None:
    """An outcome's text never says the opposite of what its code means."""
    for node_id, node in nodes.items():
        if not isinstance(node, Outcome):
            continue
        text = " ".join(node.text.lower().replace("\u2019", "'").split())
        meaning = response(node.code)
        if meaning in (Response.ATTEND, Response.STANDARD):
            wrong = [p for p in _NOT_COMING if p in text]
            said = "police will not come"
        elif meaning in (Response.DECLINE, Response.STANDBY):
            wrong = [p for p in _COMING if re.search(rf"\b{re.escape(p)}\b", text)]
            said = "police will come"
        else:
            continue
        if wrong:
            report(
                node_id,
                f"its text says {said} ('{wrong[0]}'), which contradicts its code {node.code}",
            )


def check_dead_routes(
    nodes: Mapping[str, graph.GraphNode], start: str, report: graph.Report
) -> None:
    """A route no answers can take, because earlier routes of its condition catch every case.

    Decided exactly over the answers each tested question can hold (a checklist: any set of its
    items; a question that may not be on the path: also no answer at all).
    """
    dominators: Dominators | None = None  # made only if some route needs it (see below)
    for node_id, node in nodes.items():
        if not isinstance(node, Condition) or not node.routes:
            continue
        tested = list(dict.fromkeys(t.node for r in node.routes for t in r.tests))
        questions = [nodes.get(n) for n in tested]
        if not all(isinstance(q, Question) and q.input is not InputKind.TEXT for q in questions):
            continue  # reported elsewhere; no verdict on routes over it
        slot = {n: index for index, n in enumerate(tested)}
        compiled = [_compiled(r, slot) for r in node.routes]

        # First as if every tested question were answered on every path: fewer answers to
        # try, and a route that can be taken then can be taken anyway (a question that may be
        # skipped only adds "no answer" to what it can hold). Only a route that cannot is
        # decided exactly, over which questions every path truly answers: that needs the
        # pack's dominators, made once, and a sound pack never needs them.
        answered = _worlds_of(node, questions, set(tested))
        exact: list[list[frozenset[str]]] | None = None
        for index, route in enumerate(node.routes):
            if not route.tests or _satisfiable(answered, compiled, index):
                continue
            if exact is None:
                if dominators is None:
                    dominators = Dominators(nodes, start)
                exact = _worlds_of(
                    node, questions, _always_answered(dominators, start, node_id, tested)
                )
            if not _satisfiable(exact, compiled, index):
                report(
                    node_id,
                    f"route #{index + 1} (to '{route.next}') can never be taken: earlier "
                    "routes already catch every answer it needs",
                )


def _worlds_of(
    condition: Condition, questions: Sequence[graph.GraphNode | None], always: set[str]
) -> list[list[frozenset[str]]]:
    """For each question the condition tests (in `questions`), the answers it can hold."""
    return [
        _worlds(
            q,
            [t.values for r in condition.routes for t in r.tests if t.node == q.id],
            q.id in always,
        )
        for q in questions
        if isinstance(q, Question)
    ]


def _always_answered(
    dominators: Dominators, start: str, condition: str, questions: Iterable[str]
) -> set[str]:
    """The questions every path from start to the condition answers (start itself counted as
    one that may not be, as it always was here)."""
    return {
        q
        for q in questions
        if q != start and (not dominators.reached(condition) or dominators.dominates(q, condition))
    }


def _satisfiable(
    worlds: Sequence[Sequence[frozenset[str]]], compiled: Sequence["Compiled"], index: int
) -> bool:
    """Whether some answers make route `index` hold while every earlier route fails."""
    target, others = compiled[index], compiled[:index]
    own = [slot for slot, _ in (*target[0], *target[1])]
    needed = {slot for route in (target, *others) for part in route for slot, _ in part}
    # The route's own questions first, so that a world it cannot hold is cut short.
    order = list(dict.fromkeys([*own, *sorted(needed)]))
    assigned: list[frozenset[str] | None] = [None] * len(worlds)

    def search(depth: int) -> bool:
        if _value(target, assigned) is False:
            return False
        if any(_value(r, assigned) is True for r in others):
            return False
        if depth == len(order):
            return True  # every question assigned: the values above are settled
        slot = order[depth]
        for world in worlds[slot]:
            assigned[slot] = world
            if search(depth + 1):
                return True
        assigned[slot] = None
        return False

    return search(0)


Compiled = tuple[tuple[tuple[int, frozenset[str]], ...], tuple[tuple[int, frozenset[str]], ...]]


def _compiled(route: Route, slot: Mapping[str, int]) -> Compiled:
    """A route's tests as (slot, values) pairs: its `all` tests, then its `any` tests."""
    return (
        tuple((slot[t.node], frozenset(t.values)) for t in route.all),
        tuple((slot[t.node], frozenset(t.values)) for t in route.any),
    )


def _worlds(
    question: Question, tested: Iterable[tuple[str, ...]], always: bool
) -> list[frozenset[str]]:
    """The answers this question can hold, one for each way the tests can see it."""
    groups = [frozenset(values) for values in tested]

    def signature(value: str) -> tuple[bool, ...]:
        return tuple(value in group for group in groups)

    representative: dict[tuple[bool, ...], str] = {}
    exclusive: dict[tuple[bool, ...], str] = {}
    for answer in question.answers:
        target = exclusive if answer.exclusive else representative
        target.setdefault(signature(answer.value), answer.value)
    found: list[frozenset[str]] = [] if always else [frozenset()]
    if question.input is InputKind.CHOICE:
        return found + [frozenset({v}) for v in representative.values()]
    found += [frozenset({v}) for v in exclusive.values()]
    items = list(representative.values())
    for mask in range(1, 2 ** len(items)):
        found.append(frozenset(v for bit, v in enumerate(items) if mask >> bit & 1))
    return found


def _value(route: Compiled, assigned: Sequence[frozenset[str] | None]) -> bool | None:
    """True, False, or None while a question it needs is unassigned."""
    all_tests, any_tests = route
    undecided = False
    for index, values in all_tests:
        world = assigned[index]
        if world is None:
            undecided = True
        elif not world & values:
            return False
    if not any_tests:
        return None if undecided else True
    open_any = False
    for index, values in any_tests:
        world = assigned[index]
        if world is None:
            open_any = True
        elif world & values:
            return None if undecided else True
    return None if open_any else False
