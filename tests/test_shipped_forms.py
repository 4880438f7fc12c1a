"""The shipped protocol packs: complete, labelled, jurisdiction-aware, and data only."""

from pathlib import Path

import pytest

import rcrp_desktop
from rcrp_desktop.domain.outcomes import MEANINGS, OutcomeCode, Response
from rcrp_desktop.domain.pack.protocol import Limb, Outcome, Pack, Question, RefKind

CORE_LIMBS = {
    Limb.CRIME,
    Limb.LIFE,
    Limb.SERIOUS_HARM,
    Limb.LEGAL_DUTY,
    Limb.ASSUMED_RESPONSIBILITY,
}
CATEGORY_ENTRY = {
    "welfare": "cfw_situation",
    "missing": "mp_risk_factors",
    "walkout": "wo_detained",
    "awol": "awol_status",
    "medical": "med_need",
    "s136": "s136_arrival",
    "voluntary": "vol_left",
}


def questions(pack: Pack) -> list[Question]:
    return [node for node in pack.nodes.values() if isinstance(node, Question)]


@pytest.mark.parametrize("pack_id", ["rcrp-england", "rcrp-wales", "btp-standard"])
def test_every_question_has_guidance_and_labelled_references(
    packs: dict[str, Pack], pack_id: str
) -> None:
    for question in questions(packs[pack_id]):
        assert len(question.why.split()) >= 12, f"{question.id}: guidance too thin"
        assert question.refs, f"{question.id}: no legal or policy reference"
        for ref in question.refs:
            assert ref.kind in RefKind
            assert ref.cite.strip()


def test_england_asks_the_threshold_limb_by_limb(england: Pack) -> None:
    limbs = {q.limb for q in questions(england) if q.limb}
    assert limbs == CORE_LIMBS
    for question in questions(england):
        if question.limb in (Limb.CRIME, Limb.LIFE, Limb.SERIOUS_HARM):
            assert question.rationale_required
            assert {a.value for a in question.answers if a.urgent} == {"yes", "unknown"}


def test_england_has_a_pack_for_each_category(england: Pack) -> None:
    category = england.question("cat")
    assert set(category.values) == {*CATEGORY_ENTRY, "not_rcrp"}
    for entry in CATEGORY_ENTRY.values():
        assert isinstance(england.nodes[entry], Question)


def test_england_holds_call_context_thrive_red_flags_and_safeguarding(england: Pack) -> None:
    sections = [s.id for s in england.sections]
    assert sections[:6] == ["send", "danger", "context", "category", "thrive", "red_flags"]
    assert {"threshold", "safeguarding", "decision"} <= set(sections)
    assert set(england.question("thrive_grade").values) == {"high", "medium", "low"}
    flags = set(england.question("rf_checklist").values)
    assert {"overdose", "injury", "head_injury", "breathing", "unresponsive", "naloxone"} <= flags
    assert set(england.question("ctx_person").values) >= {"under_16", "age_16_17", "age_18_24"}
    young = set(england.question("sg_concerns_young").values)
    assert {"looked_after", "care_leaver", "children", "adult_needs"} <= young
    # Looked-after and care leavers are asked about only under 25.
    assert not {"looked_after", "care_leaver"} & set(england.question("sg_concerns").values)


def test_outcomes_use_the_fixed_set_and_every_code_is_reachable(england: Pack) -> None:
    codes = {node.code for node in england.nodes.values() if isinstance(node, Outcome)}
    assert codes == set(OutcomeCode)


def test_outcome_codes_never_change_meaning() -> None:
    # A code is a promise to every stored record: this list only ever grows.
    assert {code.value: MEANINGS[code].response for code in OutcomeCode} == {
        "POLICE_DEPLOY": Response.ATTEND,
        "POLICE_DEPLOY_WITH_PARTNER": Response.ATTEND,
        "POLICE_REMAIN": Response.ATTEND,
        "PARTNER_LEAD_NO_POLICE": Response.DECLINE,
        "PARTNER_LEAD_POLICE_STANDBY": Response.STANDBY,
        "ADVICE_AND_CLOSE": Response.DECLINE,
        # Police own the call and respond as usual: never "police will not be coming".
        "NOT_RCRP_STANDARD": Response.STANDARD,
        "ESCALATE_SUPERVISOR": Response.ESCALATE,
    }


def test_wales_works_under_the_welsh_partnership_not_the_english_agreement(
    packs: dict[str, Pack],
) -> None:
    wales = packs["rcrp-wales"]
    assert wales.jurisdiction == "wales"
    for limb in ("thr_crime", "thr_life", "thr_harm"):
        cites = " ".join(ref.cite for ref in wales.question(limb).refs)
        assert "Welsh National Partnership Group" in cites
        assert "National Partnership Agreement" not in cites
    assert "welsh" in wales.question("ctx_language").values
    assert "111" in wales.partner_name("crisis_team")


def test_btp_says_rcrp_is_not_adopted(packs: dict[str, Pack]) -> None:
    btp = packs["btp-standard"]
    assert not btp.rcrp_adopted
    assert "not adopted" in btp.notice
    outcomes = {n.code for n in btp.nodes.values() if isinstance(n, Outcome)}
    assert OutcomeCode.NOT_RCRP_STANDARD in outcomes
    assert OutcomeCode.PARTNER_LEAD_NO_POLICE not in outcomes
    sections = {section.id for section in btp.sections}
    assert "threshold" not in sections, "progress must not promise questions never asked"
    assert {"red_flags", "safeguarding"} <= sections


def test_packs_are_dated_and_hashed(packs: dict[str, Pack]) -> None:
    hashes = set()
    for pack in packs.values():
        assert pack.effective < pack.review_by
        assert len(pack.content_hash) == 64
        hashes.add(pack.content_hash)
    assert len(hashes) == len(packs)


def test_no_question_text_lives_in_python(packs: dict[str, Pack]) -> None:
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in Path(rcrp_desktop.__file__).parent.rglob("*.py")
    )
    for pack in packs.values():
        for question in questions(pack):
            assert question.text not in source, f"{question.id}'s text is in the code"


@pytest.mark.parametrize("pack_id", ["rcrp-england", "rcrp-wales", "btp-standard"])
def test_answers_come_in_one_order_everywhere(packs: dict[str, Pack], pack_id: str) -> None:
    """Yes before no, and "not known" after both, on every question that offers them: the
    same number key means the same thing from one question to the next."""
    for question in questions(packs[pack_id]):
        values = list(question.values)
        yes = [i for i, v in enumerate(values) if v == "yes" or v.startswith("yes_")]
        no = [i for i, v in enumerate(values) if v == "no" or v.startswith("no_")]
        unknown = [i for i, v in enumerate(values) if v == "unknown"]
        if yes and no:
            assert max(yes) < min(no), f"{question.id}: {values}"
        if unknown and (yes or no):
            assert min(unknown) > max(yes + no), f"{question.id}: {values}"


def test_only_a_professional_is_asked_what_their_service_did(england: Pack) -> None:
    from tests.walk import default_answer, walk

    def caller(kind: str) -> list[str]:
        choose = {"ctx_caller_type": kind, "cat": "welfare"}
        state = walk(
            england,
            chooser=lambda q: (choose[q.id], "") if q.id in choose else default_answer(q),
        )
        return state.questions_on_path()

    assert "cfw_professional_checks" not in caller("family")
    assert "cfw_professional_checks" in caller("health_professional")


def test_looked_after_and_care_leavers_are_asked_about_only_under_25(england: Pack) -> None:
    from tests.walk import default_answer, walk

    def asked(band: str) -> list[str]:
        return walk(
            england,
            chooser=lambda q: (band, "") if q.id == "ctx_person" else default_answer(q),
        ).questions_on_path()

    assert "sg_concerns_young" in asked("age_18_24") and "sg_concerns" not in asked("age_18_24")
    assert "sg_concerns" in asked("age_25_plus") and "sg_concerns_young" not in asked("age_25_plus")
    assert "sg_concerns_young" in asked("unknown")
