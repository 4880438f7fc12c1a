"""How long a call is: questions before the first urgent-capable one, and before a calm
welfare call's recommendation, over every distinct path of a pack, counted exactly.

A path is walked on the pack's graph with answers grouped by what the pack's conditions can tell
apart (two answers that go to the same place and that no condition tests apart are one), so
every distinct route is counted once and nothing is sampled. `bench/question_counts.py` prints
the figures; forms/README.md quotes them.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rcrp_desktop.domain.call.walk import route_taken
from rcrp_desktop.domain.pack.protocol import Condition, InputKind, Outcome, Pack, Question


@dataclass(frozen=True)
class Given:
    """An answer as the walk sees it (the engine's Given has the same two fields)."""

    value: tuple[str, ...] | str
    rationale: str = ""


@dataclass(frozen=True)
class Counts:
    """The figures for one pack."""

    pack: str
    version: str
    before_urgent_max: int  # questions asked before the first urgent-capable one, worst path
    welfare_min: int  # a non-urgent welfare call: questions to its recommendation
    welfare_max: int
    welfare_paths: int


def tested_values(pack: Pack) -> dict[str, list[frozenset[str]]]:
    """For each question a condition tests, the value sets it is tested against."""
    found: dict[str, list[frozenset[str]]] = {}
    for node in pack.nodes.values():
        if isinstance(node, Condition):
            for route in node.routes:
                for test in route.tests:
                    found.setdefault(test.node, []).append(frozenset(test.values))
    return found


def choices(question: Question, tests: list[frozenset[str]], calm: bool) -> Iterator[Given]:
    """One answer for each way the conditions (and the next node) can tell answers apart;
    `calm` leaves out urgent answers."""
    if question.input is InputKind.TEXT:
        yield Given("text")
        return
    seen: set[tuple[object, ...]] = set()
    answers = [a for a in question.answers if not (calm and a.urgent)]
    if question.input is InputKind.CHOICE:
        for answer in answers:
            key = (answer.next or question.next, tuple(answer.value in t for t in tests))
            if key not in seen:
                seen.add(key)
                yield Given(answer.value)
        return
    plain: dict[tuple[bool, ...], str] = {}
    for answer in answers:
        signature = tuple(answer.value in t for t in tests)
        if answer.exclusive:
            if ("x", signature) not in seen:
                seen.add(("x", signature))
                yield Given((answer.value,))
        else:
            plain.setdefault(signature, answer.value)
    items = list(plain.values())
    for mask in range(1, 2 ** len(items)):
        yield Given(tuple(v for bit, v in enumerate(items) if mask >> bit & 1))


def walks(
    pack: Pack, calm: bool, given: Mapping[str, str], stop_at_urgent: bool = False
) -> Iterator[list[str]]:
    """Every distinct path from start to an outcome (or, with `stop_at_urgent`, to the first
    question that can raise the urgent instruction), as its list of questions."""
    tests = tested_values(pack)

    def walk(node_id: str, answers: dict[str, Given], asked: list[str]) -> Iterator[list[str]]:
        node = pack.nodes[node_id]
        if isinstance(node, Outcome):
            yield asked
            return
        if stop_at_urgent and isinstance(node, Question) and any(a.urgent for a in node.answers):
            yield [*asked, node_id]
            return
        if isinstance(node, Condition):
            route = route_taken(node, answers)
            yield from walk(route.next if route else node.otherwise, answers, asked)
            return
        assert isinstance(node, Question)
        options = (
            [Given(given[node_id])]
            if node_id in given
            else list(choices(node, tests.get(node_id, []), calm))
        )
        for option in options:
            chosen = node.answer(option.value) if isinstance(option.value, str) else None
            target = chosen.next if chosen is not None and chosen.next else node.next
            yield from walk(target, {**answers, node_id: option}, [*asked, node_id])

    yield from walk(pack.start, {}, [])


def first_urgent_capable(pack: Pack, asked: list[str]) -> int:
    """How many questions come before the first one with an urgent answer."""
    for index, node in enumerate(asked):
        if any(a.urgent for a in pack.question(node).answers):
            return index
    return len(asked)


def count(pack: Pack) -> Counts:
    # Every path up to its first urgent-capable question, for where that falls; every calm
    # path of a welfare call, for its length.
    before = max(first_urgent_capable(pack, p) for p in _limited(walks(pack, False, {}, True)))
    category = pack.category_node
    welfare = [len(p) for p in _limited(walks(pack, True, {category: "welfare"}))]
    if category not in pack.nodes or not welfare:
        welfare = [0]
    return Counts(pack.id, pack.version, before, min(welfare), max(welfare), len(welfare))


def _limited(paths_found: Iterator[list[str]], most: int = 200_000) -> Iterator[list[str]]:
    for index, found in enumerate(paths_found):
        if index >= most:
            raise ValueError(f"more than {most} paths: the count would not be exact")
        yield found
