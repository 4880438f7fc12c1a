"""Danger first: the screen every call starts with, police at once on an urgent answer, and the
questions still owed completed afterwards before the call can close."""

from pathlib import Path

import pytest

from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.call.closure import Deployment, blockers
from rcrp_desktop.domain.outcomes import MEANINGS, OutcomeCode, Response
from rcrp_desktop.domain.pack.loader import check_paths, find_pack, load_pack
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import forms_dir
from tests.walk import default_answer, walk


def answer_until(pack: Pack, node: str, given: dict[str, object]) -> engine.State:
    """Answer with `given` where named, else calm defaults, until `node` is current."""
    state = engine.start(pack)
    while state.current != node:
        question = pack.question(state.current)
        value, rationale = default_answer(question)
        if question.id in given:
            value = given[question.id]
        state = engine.answer(state, question.id, value, rationale)
    return state


@pytest.mark.parametrize("pack_id", ["rcrp-england", "rcrp-wales", "btp-standard"])
def test_every_call_starts_with_where_a_callback_and_the_danger_screen(
    packs: dict[str, Pack], pack_id: str
) -> None:
    asked = walk(packs[pack_id]).questions_on_path()
    assert asked[:5] == [
        "ctx_location",
        "ctx_callback",
        "danger_life",
        "danger_crime",
        "danger_medical",
    ]


@pytest.mark.parametrize("pack_id", ["rcrp-england", "rcrp-wales", "btp-standard"])
@pytest.mark.parametrize("node", ["danger_life", "danger_crime", "danger_medical"])
def test_an_urgent_danger_answer_recommends_police_with_no_further_question(
    packs: dict[str, Pack], pack_id: str, node: str
) -> None:
    pack = packs[pack_id]
    state = engine.answer(answer_until(pack, node, {}), node, "unknown", "")
    advice = engine.recommend(state)
    assert advice.ready and advice.urgent and not advice.final
    assert advice.police_attend
    assert advice.questions_owed == (state.current,)
    if node == "danger_medical":
        assert (advice.code, advice.partner) == (
            OutcomeCode.POLICE_DEPLOY_WITH_PARTNER,
            "ambulance",
        )
    assert [r.node for r in advice.reasons] == [node]


def test_a_knife_on_a_call_classed_not_rcrp_still_sends_police(england: Pack) -> None:
    state = walk(
        england,
        {"danger_life": ("yes", "Man outside with a knife threatening to kill himself and her")},
        chooser=lambda q: ("not_rcrp", "") if q.id == "cat" else default_answer(q),
    )
    advice = engine.recommend(state)
    assert advice.final and advice.code is OutcomeCode.POLICE_DEPLOY
    assert MEANINGS[advice.code].response not in (Response.DECLINE, Response.STANDBY)
    assert "Police are coming" in england.caller_wording(advice.code, advice.partner)


def test_not_rcrp_means_police_own_the_call(england: Pack) -> None:
    state = walk(
        england, chooser=lambda q: ("not_rcrp", "") if q.id == "cat" else default_answer(q)
    )
    advice = engine.recommend(state)
    assert advice.code is OutcomeCode.NOT_RCRP_STANDARD
    assert MEANINGS[advice.code].response is Response.STANDARD
    assert MEANINGS[advice.code].response not in (Response.DECLINE, Response.STANDBY)
    wording = england.caller_wording(advice.code, advice.partner)
    assert "will not be coming" not in wording and "police will deal with it" in wording
    assert [r.node for r in advice.reasons if r.role == "decided"] == ["cat"]
    # The threshold is not asked of a call that is not RCRP, but the danger screen was.
    assert "thr_life" not in state.path and "danger_life" in state.path


def test_btp_is_decided_by_its_force_profile_unless_something_is_urgent(
    packs: dict[str, Pack],
) -> None:
    btp = packs["btp-standard"]
    advice = engine.recommend(walk(btp))
    assert advice.code is OutcomeCode.NOT_RCRP_STANDARD
    assert [(r.node, r.question) for r in advice.reasons] == [("", "Decided by the force profile")]
    assert "has not adopted" in advice.reasons[0].rationale
    urgent = engine.recommend(walk(btp, {"danger_life": ("yes", "At the platform edge")}))
    assert urgent.code is OutcomeCode.POLICE_DEPLOY and urgent.urgent


def test_a_decision_taken_at_once_stands_while_the_owed_questions_are_answered(
    england: Pack,
) -> None:
    state = engine.answer(answer_until(england, "danger_life", {}), "danger_life", "yes", "")
    state = engine.decide(state, engine.recommend(state).code, "")
    for _ in range(len(england.nodes)):
        if state.finished:
            break
        value, rationale = default_answer(england.question(state.current))
        state = engine.answer(state, state.current, value, rationale)
        assert state.decision is not None, "answering an owed question voids nothing"
    advice = engine.recommend(state)
    assert advice.final and advice.code is OutcomeCode.POLICE_DEPLOY
    # Taking the urgent answer back is a change: the decision made on it goes with it.
    calmer = engine.change(state, "danger_life", "no", "No weapon after all", "Caller corrected")
    assert calmer.decision is None


def test_closure_waits_for_the_owed_questions(england: Pack) -> None:
    state = engine.answer(answer_until(england, "danger_crime", {}), "danger_crime", "yes", "")
    state = engine.complete_rationale(state, "danger_crime", "Hears him smashing the door now")
    state = engine.decide(state, engine.recommend(state).code, "")
    notes = [Deployment("Alpha 21", "immediate")]
    early = blockers(
        engine.recommend(state), state.decision, notes, professional_referral=False, pack=state.pack
    )
    assert any("questions still owed" in line for line in early)
    done = walk(england, {})  # a calm call, for comparison: nothing is owed there
    assert not engine.recommend(done).questions_owed
    while not state.finished:
        value, rationale = default_answer(england.question(state.current))
        state = engine.answer(state, state.current, value, rationale)
    late = blockers(
        engine.recommend(state), state.decision, notes, professional_referral=False, pack=state.pack
    )
    assert late == []


def test_the_recommendation_moving_on_after_a_decision_asks_for_it_again(england: Pack) -> None:
    state = engine.answer(answer_until(england, "danger_life", {}), "danger_life", "yes", "")
    state = engine.decide(state, engine.recommend(state).code, "")  # POLICE_DEPLOY, at once
    children = {"sg_concerns_young": ["children"], "sg_child_risk": "yes"}
    while not state.finished:
        question = england.question(state.current)
        value, rationale = default_answer(question)
        state = engine.answer(state, question.id, children.get(question.id, value), rationale)
    advice = engine.recommend(state)
    assert advice.outcome_node == "out_police_s46"
    missing = blockers(
        advice,
        state.decision,
        [Deployment("A1", "i")],
        professional_referral=False,
        pack=state.pack,
    )
    assert any("changed" in line for line in missing)


def test_the_superseded_versions_are_kept_but_never_offered() -> None:
    packs, problems = check_paths([forms_dir()])
    assert problems == []
    versions = {(p.id, p.version, p.archived) for p in packs}
    current = {"rcrp-england": "2.1.0", "rcrp-wales": "2.1.0", "btp-standard": "2.0.0"}
    for pack_id, version in current.items():
        assert (pack_id, "1.0.0", True) in versions
        assert (pack_id, version, False) in versions
        found = find_pack([forms_dir()], pack_id)
        assert found is not None and load_pack(found).version == version
    assert {("rcrp-england", "2.0.0", True), ("rcrp-wales", "2.0.0", True)} <= versions


def test_a_superseded_pack_keeps_its_content_hash() -> None:
    old = load_pack(forms_dir() / "archive" / "1.0.0" / "england" / "rcrp-england.toml")
    # The hash printed on every 1.0.0 record and handover: adding fields must not move it.
    assert old.content_hash == ("180ce52502c1008a7df9f04947acaa5a43b2aaff8a880df73d9b92b1582e230a")
    assert old.archived and not old.danger_screen
    kept = load_pack(forms_dir() / "archive" / "2.0.0" / "england" / "rcrp-england.toml")
    # The hash on every England 2.0.0 record: the archived copy is the file as it was issued.
    assert kept.content_hash == ("c5d9545be951f2ef72af7f777751d4c8ec0765287f0b98b77471b1b1834ee446")
    assert kept.archived and kept.danger_screen


def test_the_archive_is_only_for_superseded_versions(tmp_path: Path) -> None:
    assert all(p.archived == ("archive" in p.source) for p in check_paths([forms_dir()])[0])
