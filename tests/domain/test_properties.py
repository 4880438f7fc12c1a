"""Property tests: random walks through every shipped pack hold the safety rules."""

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.outcomes import OutcomeCode, Response, police_attend, response
from rcrp_desktop.domain.pack.protocol import InputKind, Outcome, Pack, Question
from tests.conftest import SHIPPED

# Checked by name, not taken from the pack's own settings: the test must not trust the pack.
RED_FLAG_CHECK = "rf_checklist"
AGE = "ctx_person"
# Each group: at least one of these on every path (the safeguarding checklist has an under-25
# form with the looked-after and care-leaver items; the referral, a form for a concern).
SAFEGUARDING_BLOCK = (("sg_concerns", "sg_concerns_young"), ("sg_referral", "sg_referral_concern"))
DANGER_SCREEN = ("danger_life", "danger_crime", "danger_medical")
DANGER_WITHIN = 6
LIMBS = ("thr_crime", "thr_life", "thr_harm", "sg_child_risk", *DANGER_SCREEN)
WALKS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def random_answer(data: st.DataObject, question: Question) -> tuple[Any, str]:
    """Any answer the question allows; rationale sometimes left to follow on urgent answers."""
    if question.input is InputKind.TEXT:
        text = data.draw(
            st.sampled_from(
                ["", "Caller's account", "Ŵyr yn Ysbyty; 07700 900123", "<b>&amp; not markup</b>"]
            )
        )
        return (text or ("" if question.optional else "Required detail")), ""
    if question.input is InputKind.MULTI:
        exclusive = [a.value for a in question.answers if a.exclusive]
        flags = [a.value for a in question.answers if not a.exclusive]
        picked = data.draw(
            st.one_of(
                st.sampled_from(exclusive).map(lambda v: [v]),
                st.lists(st.sampled_from(flags), min_size=1, unique=True),
            )
        )
        return picked, "Ticked as reported"
    answer = data.draw(st.sampled_from(question.answers))
    skip_rationale = answer.urgent and data.draw(st.booleans())
    return answer.value, "" if skip_rationale else "Facts relied on"


Step = Callable[[engine.State, engine.State, str], None]  # (before, after, question answered)


def random_walk(pack: Pack, data: st.DataObject, each: Step | None = None) -> engine.State:
    """Answer at random to the outcome; `each` sees every step (state before, after, question)."""
    state = engine.start(pack)
    for _ in range(len(pack.nodes)):
        if state.finished:
            return state
        question = pack.question(state.current)
        value, rationale = random_answer(data, question)
        before, state = state, engine.answer(state, question.id, value, rationale)
        if each is not None:
            each(before, state, question.id)
    raise AssertionError(f"{pack.id}: no outcome after {len(pack.nodes)} answers")


@pytest.mark.parametrize("pack_id", sorted(SHIPPED))
@WALKS
@given(data=st.data())
def test_every_walk_ends_in_an_outcome_past_red_flags_and_safeguarding(
    packs: dict[str, Pack], pack_id: str, data: st.DataObject
) -> None:
    pack = packs[pack_id]
    state = random_walk(pack, data)
    assert isinstance(pack.nodes[state.current], Outcome)
    missed = [n for n in (RED_FLAG_CHECK, AGE) if n not in state.path]
    missed += [g for g in SAFEGUARDING_BLOCK if not set(g) & set(state.path)]
    assert not missed, f"{pack_id}: route {' -> '.join(state.path)} skips {missed}"
    advice = engine.recommend(state)
    assert advice.final
    assert advice.code in OutcomeCode
    assert (advice.pack_id, advice.pack_version, advice.pack_hash) == (
        pack.id,
        pack.version,
        pack.content_hash,
    )
    assert advice.reasons, "every recommendation carries its explanation"
    for reason in advice.reasons:
        if reason.node:  # by question, or "" for the force profile itself
            assert state.answers[reason.node].rationale == reason.rationale
        else:
            assert not pack.rcrp_adopted


@pytest.mark.parametrize("pack_id", sorted(SHIPPED))
@WALKS
@given(data=st.data())
def test_any_urgent_answer_means_police_attend_now(
    packs: dict[str, Pack], pack_id: str, data: st.DataObject
) -> None:
    pack = packs[pack_id]
    state = random_walk(pack, data)
    advice = engine.recommend(state)
    urgent = [
        n
        for n in state.questions_on_path()
        if engine.is_urgent(pack.question(n), state.answers[n].value)
    ]
    assert advice.urgent == bool(urgent)
    limb_risk = [
        n for n in LIMBS if n in state.answers and state.answers[n].value in ("yes", "unknown")
    ]
    assert set(limb_risk) <= set(urgent), "yes or unknown on a limb is always urgent"
    if urgent:
        assert advice.police_attend
        assert advice.instruction == pack.urgent_instruction
        assert not advice.floor_applied, f"{pack_id} routes {urgent} away from police"
        assert {r.node for r in advice.reasons if r.role == "urgent"} == set(urgent)


@pytest.mark.parametrize("pack_id", sorted(SHIPPED))
@WALKS
@given(data=st.data())
def test_the_danger_screen_comes_first_on_every_path(
    packs: dict[str, Pack], pack_id: str, data: st.DataObject
) -> None:
    pack = packs[pack_id]
    asked = random_walk(pack, data).questions_on_path()
    for node in DANGER_SCREEN:
        assert node in asked, f"{pack_id}: {node} is not asked on {asked}"
        assert asked.index(node) < DANGER_WITHIN, f"{pack_id}: {node} comes late: {asked}"
    first_urgent_capable = next(
        i for i, n in enumerate(asked) if any(a.urgent for a in pack.question(n).answers)
    )
    assert first_urgent_capable <= 4, f"{pack_id}: {first_urgent_capable} questions before"


@pytest.mark.parametrize("pack_id", sorted(SHIPPED))
@WALKS
@given(data=st.data())
def test_an_urgent_answer_recommends_police_at_once(
    packs: dict[str, Pack], pack_id: str, data: st.DataObject
) -> None:
    """Anywhere on any path, whatever the category: zero further questions before police."""
    pack = packs[pack_id]

    def check(before: engine.State, state: engine.State, node: str) -> None:
        advice = engine.recommend(state)
        if engine.is_urgent(pack.question(node), state.answers[node].value):
            assert advice.urgent and advice.ready, f"{pack_id}: not ready after {node}"
        if advice.urgent:
            assert advice.ready and advice.code is not None
            assert response(advice.code) is Response.ATTEND
            assert not advice.floor_applied, f"{pack_id} routes urgent away from police"
            # The handler can decide now, and the decision stands while the rest is answered.
            decided = engine.decide(state, advice.code, "")
            assert decided.decision is not None and decided.decision.accepted
        if advice.code is not None:
            assert advice.urgent or advice.final

    random_walk(pack, data, check)


@pytest.mark.parametrize("pack_id", sorted(SHIPPED))
@WALKS
@given(data=st.data())
def test_adding_a_risk_never_lowers_the_response(
    packs: dict[str, Pack], pack_id: str, data: st.DataObject
) -> None:
    pack = packs[pack_id]
    state = random_walk(pack, data)
    code = engine.recommend(state).code
    if code is None or police_attend(code):
        return
    limbs = [n for n in LIMBS if n in state.answers]
    assert limbs, "a call not sent to police must have passed the danger screen"
    limb = data.draw(st.sampled_from(limbs))
    value = data.draw(st.sampled_from(["yes", "unknown"]))
    raised = engine.change(state, limb, value, "", "New information from the caller")
    for _ in range(len(pack.nodes)):  # questions the change brought onto the path
        if raised.finished:
            break
        question = pack.question(raised.current)
        answer_value, rationale = random_answer(data, question)
        raised = engine.answer(raised, question.id, answer_value, rationale)
    advice = engine.recommend(raised)
    assert advice.urgent
    assert advice.police_attend


@pytest.mark.parametrize("pack_id", sorted(SHIPPED))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_replay_rebuilds_any_walk_with_changes(
    packs: dict[str, Pack], pack_id: str, data: st.DataObject
) -> None:
    pack = packs[pack_id]
    state = random_walk(pack, data)
    for _ in range(data.draw(st.integers(0, 3))):
        node = data.draw(st.sampled_from(state.questions_on_path()))
        value, rationale = random_answer(data, pack.question(node))
        try:
            state = engine.change(state, node, value, rationale + " (amended)", "Caller corrected")
        except engine.AnswerError:
            continue
    assert engine.replay(pack, [e.to_dict() for e in state.history]) == state
