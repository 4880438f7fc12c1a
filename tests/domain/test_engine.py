"""The decision engine: answering, changing, replaying, recommending and the safety rules."""

import dataclasses
import textwrap
from pathlib import Path

import pytest

from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.errors import AnswerError
from rcrp_desktop.domain.outcomes import OutcomeCode, police_attend
from rcrp_desktop.domain.pack.loader import load_pack
from rcrp_desktop.domain.pack.protocol import Pack
from tests.walk import walk

URGENT_LIMBS = ["thr_crime", "thr_life", "thr_harm"]


def test_a_call_starts_at_the_first_question(england: Pack) -> None:
    state = engine.start(england)
    assert state.current == england.start == "ctx_location"
    assert not state.finished
    assert engine.recommend(state).code is None


def test_only_the_current_question_can_be_answered(england: Pack) -> None:
    state = engine.start(england)
    with pytest.raises(AnswerError, match="not the current question"):
        engine.answer(state, "thr_life", "no", "x")


def test_an_answer_the_question_does_not_offer_is_refused(england: Pack) -> None:
    with pytest.raises(AnswerError, match="answers: public, family"):
        engine.answer(walk_to(england, "ctx_caller_type"), "ctx_caller_type", "martian")


def test_a_required_rationale_is_enforced(england: Pack) -> None:
    state = walk_to(england, "thrive_grade")
    with pytest.raises(AnswerError, match="needs a rationale"):
        engine.answer(state, "thrive_grade", "low", "   ")
    assert engine.answer(state, "thrive_grade", "low", "Calm, safe").current == "rf_checklist"


def test_a_checklist_refuses_none_ticked_with_a_red_flag(england: Pack) -> None:
    state = walk_to(england, "rf_checklist")
    with pytest.raises(AnswerError, match="cannot be ticked with other items"):
        engine.answer(state, "rf_checklist", ["none", "overdose"])
    ticked = engine.answer(state, "rf_checklist", ["naloxone", "overdose"])
    assert ticked.answers["rf_checklist"].value == ("overdose", "naloxone")  # pack order


@pytest.mark.parametrize("limb", URGENT_LIMBS)
@pytest.mark.parametrize("value", ["yes", "unknown"])
def test_yes_or_unknown_on_a_limb_means_deploy_now_at_once(
    england: Pack, limb: str, value: str
) -> None:
    state = walk_to(england, limb)
    before = engine.recommend(state)
    assert not before.urgent
    # No rationale yet: an urgent answer is never held up for its documentation.
    state = engine.answer(state, limb, value, "")
    now = engine.recommend(state)
    assert now.urgent and not now.final
    assert now.code is OutcomeCode.POLICE_DEPLOY and now.police_attend
    assert now.instruction == "Deploy or escalate now, document afterwards."
    assert [r.node for r in now.reasons] == [limb]
    assert state.rationale_owed() == [limb]

    final = engine.recommend(walk(england, {limb: (value, "")}))
    assert final.final and final.urgent and final.police_attend
    assert final.code in (OutcomeCode.POLICE_DEPLOY, OutcomeCode.POLICE_DEPLOY_WITH_PARTNER)
    assert not final.floor_applied, "the pack itself must route urgent calls to police"
    assert limb in final.rationale_owed


def test_an_owed_rationale_is_completed_afterwards_without_a_change(england: Pack) -> None:
    state = engine.answer(walk_to(england, "thr_life"), "thr_life", "yes", "")
    state = engine.complete_rationale(state, "thr_life", "Said he has a rope and a plan")
    assert state.answers["thr_life"].rationale == "Said he has a rope and a plan"
    assert state.rationale_owed() == []
    assert [e.action for e in state.history][-2:] == ["answer", "rationale"]
    with pytest.raises(AnswerError, match="already has a rationale"):
        engine.complete_rationale(state, "thr_life", "again")


def test_the_recommendation_explains_itself_by_question(england: Pack) -> None:
    advice = engine.recommend(walk(england))
    assert advice.final
    assert advice.code is OutcomeCode.PARTNER_LEAD_NO_POLICE
    assert advice.partner == "crisis_team"
    decided = {r.node: r for r in advice.reasons if r.role == "decided"}
    assert set(decided) == {"cfw_need"}
    assert decided["cfw_need"].answer == england.question("cfw_need").answers[0].label
    considered = {r.node for r in advice.reasons if r.role == "considered"}
    assert {"thr_crime", "thr_life", "thr_harm", "thr_assumed"} <= considered
    assert advice.pack_id == "rcrp-england"
    assert advice.pack_hash == england.content_hash and len(advice.pack_hash) == 64


def test_the_engine_recommends_but_never_decides(england: Pack) -> None:
    state = walk(england)
    assert state.finished and state.decision is None
    advice = engine.recommend(state)
    assert state.decision is None  # asking for advice records nothing
    accepted = engine.decide(state, advice.code, "")
    assert accepted.decision == engine.Decision(advice.code, True, "")
    with pytest.raises(AnswerError, match="needs a rationale"):
        engine.decide(state, OutcomeCode.POLICE_DEPLOY, " ")
    overruled = engine.decide(state, OutcomeCode.POLICE_DEPLOY, "Second call from same address")
    assert overruled.decision is not None and not overruled.decision.accepted
    with pytest.raises(AnswerError, match="no recommendation yet"):
        engine.decide(engine.start(england), OutcomeCode.POLICE_DEPLOY, "x")


def test_changing_an_answer_keeps_the_old_one_with_its_reason(england: Pack) -> None:
    state = walk(england)
    changed = engine.change(
        state,
        "rf_checklist",
        ["overdose"],
        "",
        "Caller now says he took thirty tablets an hour ago",
    )
    event = changed.history[-1]
    assert event.action == "change" and event.node == "rf_checklist"
    assert event.previous == ("none",) and event.value == ("overdose",)
    assert event.reason == "Caller now says he took thirty tablets an hour ago"
    # The red flag inserts the ambulance prompt; later answers wait to be carried forward.
    assert changed.current == "rf_ambulance"
    assert "thr_life" not in changed.answers
    assert changed.carried["thr_life"] == state.answers["thr_life"]
    done = engine.answer(changed, "rf_ambulance", "requested", "Ambulance ref A123")
    assert done.finished and not done.carried
    assert done.answers["thr_life"] == state.answers["thr_life"]
    assert engine.recommend(done).partner == "ambulance"


def test_a_change_drops_answers_that_leave_the_path(england: Pack) -> None:
    state = walk(england)
    assert "cfw_need" in state.answers
    changed = engine.change(state, "cat", "not_rcrp", "", "It is a noise complaint")
    assert "cfw_need" not in changed.answers
    assert "cfw_need" in changed.history[-1].dropped
    assert "cfw_need" not in changed.carried
    assert engine.recommend(changed).code is OutcomeCode.NOT_RCRP_STANDARD


def test_a_change_needs_a_reason_and_a_difference(england: Pack) -> None:
    state = walk(england)
    with pytest.raises(AnswerError, match="reason"):
        engine.change(state, "cat", "walkout", "", "  ")
    given = state.answers["cat"]
    with pytest.raises(AnswerError, match="same as the old one"):
        engine.change(state, "cat", given.value, given.rationale, "no reason")
    with pytest.raises(AnswerError, match="has not been answered"):
        engine.change(engine.start(england), "cat", "walkout", "", "why")


def test_replaying_the_events_rebuilds_the_state_exactly(england: Pack) -> None:
    state = walk(england)
    state = engine.change(state, "thr_life", "yes", "", "Caller disclosed a plan")
    state = engine.complete_rationale(state, "thr_life", "Stated plan and means at home")
    state = engine.decide(state, engine.recommend(state).code, "")
    rebuilt = engine.replay(england, [event.to_dict() for event in state.history])
    assert rebuilt == state
    assert engine.recommend(rebuilt) == engine.recommend(state)


def test_replay_names_the_event_that_does_not_fit(england: Pack) -> None:
    events = [
        {"action": "answer", "node": "ctx_location", "value": "3 Example Road"},
        {"action": "answer", "node": "thr_life", "value": "no"},
    ]
    with pytest.raises(AnswerError, match="event 2: 'thr_life' is not the current question"):
        engine.replay(england, events)


def test_the_engine_overrides_a_pack_that_routes_urgent_away_from_police(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path, misrouted=True))
    state = walk(pack, {"risk": ("yes", "")})
    advice = engine.recommend(state)
    assert advice.floor_applied
    assert advice.code is OutcomeCode.POLICE_DEPLOY and police_attend(advice.code)
    assert advice.text == pack.urgent_instruction


def test_the_content_hash_follows_the_content(tmp_path: Path) -> None:
    first = load_pack(write_pack(tmp_path))
    again = load_pack(write_pack(tmp_path))
    assert first.content_hash == again.content_hash
    reworded = load_pack(write_pack(tmp_path, question="Is anyone at risk right now?"))
    assert reworded.content_hash != first.content_hash
    assert dataclasses.replace(reworded, content_hash="") != first


def walk_to(pack: Pack, node: str) -> engine.State:
    """Answer with defaults until `node` is the current question."""
    state = engine.start(pack)
    from tests.walk import default_answer

    while state.current != node:
        assert not state.finished, f"{node} is not on the default path"
        value, rationale = default_answer(pack.question(state.current))
        state = engine.answer(state, state.current, value, rationale)
    return state


def write_pack(
    folder: Path,
    *,
    misrouted: bool = False,
    question: str = "Is anyone at real and immediate risk?",
) -> Path:
    """A two-question pack; `misrouted` sends an urgent yes to a non-police outcome.

    It has no danger screen, so it lives under an archive/ folder: the linter holds archived
    (superseded) packs only to the rules of their day, and the engine's floor is what still
    stands between them and an urgent call routed away from police.
    """
    target = "out_partner" if misrouted else "out_police"
    (folder / "archive").mkdir(exist_ok=True)
    path = folder / "archive" / "tiny.toml"
    path.write_text(
        textwrap.dedent(f"""
        [pack]
        id = "tiny"
        version = "1"
        title = "Tiny"
        jurisdiction = "england"
        effective = 2026-01-01
        review_by = 2027-01-01
        start = "risk"
        urgent_instruction = "Deploy or escalate now, document afterwards."
        [partners]
        crisis_team = "Crisis team"
        [[sections]]
        id = "s"
        title = "S"
        [[nodes]]
        id = "risk"
        kind = "question"
        section = "s"
        text = "{question}"
        why = "Because."
        [[nodes.answers]]
        value = "yes"
        label = "Yes"
        urgent = true
        next = "{target}"
        [[nodes.answers]]
        value = "unknown"
        label = "Not known"
        urgent = true
        next = "out_police"
        [[nodes.answers]]
        value = "no"
        label = "No"
        next = "out_partner"
        [[nodes]]
        id = "out_police"
        kind = "outcome"
        section = "s"
        code = "POLICE_DEPLOY"
        text = "Deploy."
        [[nodes]]
        id = "out_partner"
        kind = "outcome"
        section = "s"
        code = "PARTNER_LEAD_NO_POLICE"
        partner = "crisis_team"
        text = "Hand over."
        """),
        encoding="utf-8",
    )
    return path
