"""The recipient templates: checked on load, naming the file; complete; fitted to records."""

from pathlib import Path

import pytest

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.loader import check_paths
from rcrp_desktop.domain.pack.protocol import Pack, Question
from rcrp_desktop.export.errors import TemplateError, UnknownRecipientError
from rcrp_desktop.export.recipients import (
    QUESTION_PARTS,
    Templates,
    load_templates,
    recipients_for,
    templates_path,
)
from rcrp_desktop.export.source import load_source
from rcrp_desktop.paths import examples_dir, forms_dir
from rcrp_desktop.storage.repository import Store

from .records import USER

TYPES = [
    "crisis_team",
    "ambulance",
    "hospital",
    "amhp_adult_social_care",
    "childrens_services",
    "place_of_safety",
]


def test_the_six_recipient_types_of_the_brief(templates: Templates) -> None:
    assert [r.id for r in templates.recipients] == TYPES
    assert templates.marking == "OFFICIAL-SENSITIVE"
    for recipient in templates.recipients:
        assert recipient.lawful_basis and recipient.partners and recipient.parts
        assert {"receiving", "plan", "sharing", "acknowledgement"} <= set(recipient.parts)
    with pytest.raises(UnknownRecipientError, match="crisis_team"):
        templates.recipient("police")


def test_every_question_named_exists_and_every_question_has_a_part(
    templates: Templates, packs: dict[str, Pack]
) -> None:
    named = {node for key in QUESTION_PARTS for node in templates.parts[key].nodes}
    named |= {templates.s136.arrival, templates.s136.expectation, templates.s136.handed_at}
    omitted = {node for r in templates.recipients for node in r.omit}
    tested = {t.node for r in templates.recipients for t in r.when}

    def questions(found: list[Pack]) -> set[str]:
        return {
            node.id
            for pack in found
            if pack.rcrp_adopted
            for node in pack.nodes.values()
            if isinstance(node, Question)
        }

    asked = questions(list(packs.values()))
    # Records made under a superseded pack still export: its questions stay in the templates.
    ever_asked = asked | questions(check_paths([forms_dir()])[0])
    assert named | omitted | tested <= ever_asked
    assert asked <= named, "a question no handover part shows"
    third_party_nodes = {
        item.removesuffix(".rationale")
        for item in templates.third_party
        if "." not in item or item.endswith(".rationale")
    }
    assert third_party_nodes <= named


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[parts.plan]\ntitle", "[parts.plans]\ntitle"), "[parts.plan] is missing"),
        (('id = "ambulance"', 'id = "crisis_team"'), "defined more than once"),
        (('"referrer_informed.who"', '"referrer_informed.whom"'), "not a note field"),
        (('"caller", "sharing"', '"caller", "gossip", "sharing"'), "'gossip' is not a part"),
        (('marking = "OFFICIAL-SENSITIVE"', 'marking = ""'), "'marking' must be non-empty"),
        (("[s136]", "[s136\n"), "cannot read the handover templates"),
        (("lawful_basis = ", "legal_basis = "), "unknown key 'legal_basis'"),
    ],
)
def test_a_broken_templates_file_is_refused_naming_the_file_and_the_fault(
    change: tuple[str, str], message: str, tmp_path: Path
) -> None:
    broken = tmp_path / "broken-recipients.toml"
    text = templates_path().read_text(encoding="utf-8")
    assert change[0] in text
    broken.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_templates(broken)
    assert "broken-recipients.toml" in str(refused.value)
    assert message in str(refused.value)


def test_a_missing_templates_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"nowhere\.toml"):
        load_templates(tmp_path / "nowhere.toml")


@pytest.mark.parametrize(
    ("script", "first", "also"),
    [
        ("welfare-crisis-team.json", "crisis_team", set()),
        ("medical-telecare-fall-ambulance.json", "ambulance", set()),
        ("walkout-capacity-hospital-follow-up.json", "hospital", set()),
        ("medical-mha-conveyance-amhp.json", "amhp_adult_social_care", set()),
        ("welfare-16-year-old-childrens-services.json", "childrens_services", set()),
        ("wales-s136-handover-within-hour.json", "place_of_safety", set()),
        ("walkout-naloxone-ambulance.json", "ambulance", {"hospital"}),
        # Police deploy (no partner leads), but the answers call for both.
        ("welfare-child-at-home-risk-unknown.json", "", {"crisis_team", "childrens_services"}),
    ],
)
def test_the_recipient_types_that_fit_a_record(
    script: str,
    first: str,
    also: set[str],
    store: Store,
    packs: dict[str, Pack],
    templates: Templates,
) -> None:
    call = load_script(examples_dir() / script)
    recorder = CallRecorder.start(store, packs[call.pack], incident_ref="INC-1", user=USER)
    for step in call.steps:
        recorder.answer(step.node, step.answer, step.rationale)
    fitting = [r.id for r in recipients_for(load_source(store, recorder.record_id), templates)]
    if first:
        assert fitting[0] == first
    assert also <= set(fitting)


def test_a_call_outside_rcrp_fits_no_partner(
    store: Store, packs: dict[str, Pack], templates: Templates
) -> None:
    call = load_script(examples_dir() / "not-rcrp-noise-complaint.json")
    recorder = CallRecorder.start(store, packs[call.pack], incident_ref="INC-1", user=USER)
    for step in call.steps:
        recorder.answer(step.node, step.answer, step.rationale)
    assert recipients_for(load_source(store, recorder.record_id), templates) == []
