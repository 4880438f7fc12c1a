"""The dead-route rule, decided exactly: what earlier routes catch, and what they leave."""

from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack import pack_safety
from rcrp_desktop.domain.pack.protocol import (
    Answer,
    Condition,
    InputKind,
    Node,
    Outcome,
    Question,
    Route,
)
from rcrp_desktop.domain.pack.protocol import (
    Test as Check,
)


def question(node_id: str, values: list[str], nxt: str, *, multi: bool = False) -> Question:
    return Question(
        id=node_id,
        section="s",
        text=node_id,
        why="why",
        input=InputKind.MULTI if multi else InputKind.CHOICE,
        answers=tuple(
            Answer(v, v, "" if multi else nxt, exclusive=multi and v == "none") for v in values
        ),
        next=nxt if multi else "",
    )


def graph(*routes: Route, skip: bool = False) -> dict[str, Node]:
    """start: q (yes/no/unknown) -> flags (checklist) -> decide. With `skip`, a second path from
    start reaches decide without asking q at all."""
    start = question("start", ["go", "skip"], "q")
    if skip:
        start = Question(
            "start",
            "s",
            "start",
            "why",
            answers=(Answer("go", "go", "q"), Answer("skip", "skip", "flags")),
        )
    nodes: dict[str, Node] = {
        "start": start,
        "q": question("q", ["yes", "no", "unknown"], "flags"),
        "flags": question("flags", ["a", "b", "c", "none"], "decide", multi=True),
        "decide": Condition("decide", "s", "out", routes),
        "out": Outcome("out", "s", OutcomeCode.POLICE_DEPLOY, "Deploy."),
    }
    return nodes


def dead(nodes: dict[str, Node]) -> list[str]:
    found: list[str] = []
    pack_safety.check_dead_routes(nodes, "start", lambda node, message: found.append(message))
    return [m.split(" (")[0] for m in found]


def route(*any_: Check, all_: tuple[Check, ...] = ()) -> Route:
    return Route("out", all=all_, any=any_)


def test_a_route_wholly_inside_an_earlier_one_is_dead() -> None:
    nodes = graph(route(Check("q", ("yes", "unknown"))), route(Check("q", ("yes",))))
    assert dead(nodes) == ["route #2"]


def test_a_route_left_open_by_earlier_ones_is_alive() -> None:
    nodes = graph(route(Check("q", ("yes",))), route(Check("q", ("yes", "unknown"))))
    assert dead(nodes) == []


def test_a_question_every_path_asks_has_no_empty_answer() -> None:
    # yes, no and unknown all caught: nothing is left for a third route on the same question,
    # because every path to the condition answers it.
    caught = (route(Check("q", ("yes",))), route(Check("q", ("no", "unknown"))))
    assert dead(graph(*caught, route(Check("q", ("no",))))) == ["route #3"]
    # Where a path can skip the question, a route on another question is still open.
    assert dead(graph(*caught, route(Check("flags", ("a",))), skip=True)) == []


def test_a_checklist_can_hold_any_set_of_its_items() -> None:
    # "a or b" first; "b and c" ticked together is caught by it, so the route is dead...
    nodes = graph(
        route(Check("flags", ("a", "b"))),
        route(all_=(Check("flags", ("b",)), Check("flags", ("c",)))),
    )
    assert dead(nodes) == ["route #2"]
    # ...but "c" on its own is not.
    assert dead(graph(route(Check("flags", ("a", "b"))), route(Check("flags", ("c",))))) == []


def test_an_exclusive_item_is_never_ticked_with_another() -> None:
    # "none" with "a" cannot happen: a route needing both is dead from the start.
    nodes = graph(route(all_=(Check("flags", ("none",)), Check("flags", ("a",)))))
    assert dead(nodes) == ["route #1"]


def test_all_and_any_together() -> None:
    first = route(Check("q", ("yes",)), Check("flags", ("a",)))
    assert dead(graph(first, route(Check("q", ("yes",)), all_=(Check("flags", ("b",)),)))) == [
        "route #2"
    ]
    assert dead(graph(first, route(Check("q", ("no",)), all_=(Check("flags", ("b",)),)))) == []
