"""Scoring runs: each band, the debrief's divergences, timings, and runs read from JSON."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from rcrp_desktop.domain.call.rationale_rule import substantive
from rcrp_desktop.domain.outcomes import MEANINGS, OutcomeCode
from rcrp_desktop.domain.training.findings import Check, Finding
from rcrp_desktop.domain.training.scenario import Run, RunStep, Scenario
from rcrp_desktop.domain.training.scenario_run import ScenarioError, load_run, parse_run
from rcrp_desktop.domain.training.scoring import Band, band_for, score_run
from rcrp_desktop.paths import examples_dir

GOOD_CRIME = "No offence disclosed: no threats, weapons, damage or abuse mentioned by the caller."


@pytest.fixture(scope="module")
def overdose(shipped: dict[str, Scenario]) -> Scenario:
    return shipped["late-overdose-disclosure"]


def steps_of(scenario: Scenario) -> list[RunStep]:
    return list(scenario.model)


def index(steps: list[RunStep], node: str, action: str = "answer") -> int:
    return next(i for i, s in enumerate(steps) if s.node == node and s.action == action)


def edit(steps: list[RunStep], node: str, action: str = "answer", **changes: object) -> None:
    i = index(steps, node, action)
    steps[i] = replace(steps[i], **changes)


def shift(steps: list[RunStep], start: int, seconds: float) -> None:
    """Delay every step from `start` on by `seconds`."""
    for i in range(start, len(steps)):
        steps[i] = replace(steps[i], at=(steps[i].at or 0) + seconds)


def score(scenario: Scenario, steps: list[RunStep]) -> tuple[Band, list[Finding]]:
    result = score_run(scenario, Run(tuple(steps), "Sam Example"))
    return result.band, list(result.divergences)


def test_the_model_run_scores_high_compliance(overdose: Scenario) -> None:
    band, divergences = score(overdose, steps_of(overdose))
    assert band is Band.HIGH_COMPLIANCE
    assert divergences == []


def test_a_thin_rationale_is_compliant(overdose: Scenario) -> None:
    steps = steps_of(overdose)
    edit(steps, "thr_crime", rationale="No offence.")
    band, divergences = score(overdose, steps)
    assert band is Band.COMPLIANT
    [thin] = divergences
    assert (thin.check, thin.node, thin.given, thin.critical) == (
        Check.RATIONALE,
        "thr_crime",
        "No offence.",
        False,
    )
    assert "too short" in thin.learning


def test_three_minor_divergences_are_partial(overdose: Scenario) -> None:
    steps = steps_of(overdose)
    edit(steps, "thr_crime", rationale="No offence.")
    edit(steps, "thr_assumed", rationale="Nothing promised to the caller.")
    edit(steps, "thrive_grade", "change", rationale="High.")  # the grade in force at the end
    band, divergences = score(overdose, steps)
    assert band is Band.PARTIAL
    assert len(divergences) == 3 and not any(d.critical for d in divergences)
    assert {d.node for d in divergences} == {"thr_crime", "thr_assumed", "thrive_grade"}


def test_one_wrong_safety_critical_answer_with_the_right_outcome_is_partial(
    overdose: Scenario,
) -> None:
    steps = steps_of(overdose)
    edit(
        steps,
        "thr_harm",
        value="no",
        rationale="The ambulance will deal with any harm; no risk to anybody else at all.",
    )
    band, divergences = score(overdose, steps)
    assert band is Band.PARTIAL
    [wrong] = divergences
    assert (wrong.node, wrong.expected, wrong.given, wrong.critical) == (
        "thr_harm",
        "Yes or Not known",
        "No",
        True,
    )
    assert "liver damage" in wrong.learning


def test_two_wrong_safety_critical_answers_with_the_right_outcome_are_low(
    overdose: Scenario,
) -> None:
    steps = steps_of(overdose)
    edit(steps, "thr_harm", value="no", rationale="No risk to anybody else at all, he is alone.")
    edit(steps, "thr_crime", value="unknown", rationale="Cannot rule out drugs supplied illegally.")
    band, divergences = score(overdose, steps)
    assert band is Band.LOW
    assert {d.node for d in divergences if d.critical} == {"thr_harm", "thr_crime"}


def test_the_wrong_outcome_with_every_critical_answer_right_is_low(
    shipped: dict[str, Scenario],
) -> None:
    scenario = shipped["welfare-declined-handed-over"]
    steps = steps_of(scenario)
    steps.append(
        RunStep(
            "decide",
            value="ADVICE_AND_CLOSE",
            rationale="The agency can sort it out themselves; nothing needed from anyone.",
            at=(steps[-1].at or 0) + 20,
        )
    )
    band, divergences = score(scenario, steps)
    assert band is Band.LOW
    [outcome] = divergences
    assert outcome.check is Check.OUTCOME
    # Outcomes in words, as the debrief shows them: titles, never codes.
    assert MEANINGS[OutcomeCode.ADVICE_AND_CLOSE].title in outcome.given
    recommended = MEANINGS[OutcomeCode.PARTNER_LEAD_NO_POLICE].title
    assert f"decided against the recommended {recommended}" in outcome.given
    assert "ADVICE_AND_CLOSE" not in outcome.given and "_" not in outcome.given


def test_missing_the_overdose_is_non_compliant(overdose: Scenario) -> None:
    """The trainee never acts on the disclosure: a wrong answer leading to a wrong outcome."""
    steps = steps_of(overdose)
    steps = [s for s in steps if s.action != "change" and s.node != "rf_ambulance"]
    edit(steps, "thr_life", value="no", rationale="He says he is fine and will see his CMHT.")
    edit(steps, "thr_harm", value="no", rationale="No harm to anyone else is described at all.")
    band, divergences = score(overdose, steps)
    assert band is Band.NON_COMPLIANT
    by_node = {d.node: d for d in divergences}
    assert by_node["out_police_ambulance"].given.startswith("Partner leads")
    assert by_node["thr_life"].expected == "Yes or Not known"
    assert by_node["thr_life"].given == "No"
    assert by_node["rf_checklist"].given == "None known"
    assert by_node["tablets"].given == "no response"
    assert by_node["tablets"].learning.startswith("When the caller discloses tablets")
    urgent = next(d for d in divergences if d.check is Check.URGENT_TIME)
    assert urgent.given == "never" and urgent.critical
    assert all(d.learning for d in divergences)
    assert divergences == sorted(divergences, key=lambda d: not d.critical)


def test_declining_a_call_police_promised_to_attend_is_non_compliant(
    shipped: dict[str, Scenario],
) -> None:
    scenario = shipped["caller-promised-attendance"]
    steps = steps_of(scenario)
    edit(
        steps, "thr_assumed", value="no", rationale="He is safe at home so the crisis team can go."
    )
    band, divergences = score(scenario, steps)
    assert band is Band.NON_COMPLIANT
    assert {d.node for d in divergences} >= {"thr_assumed", "out_escalate_assumed"}


def test_missing_the_child_is_non_compliant(shipped: dict[str, Scenario]) -> None:
    """No child ticked: the child's risk is never asked, and the call ends with a plain referral
    decision instead of the referral a child at risk needs."""
    scenario = shipped["child-alone-adult-in-crisis"]
    steps = [
        s
        for s in steps_of(scenario)
        if s.node not in ("sg_child_risk", "sg_referral_concern") and s.action != "change"
    ]
    edit(steps, "sg_concerns", value=["none"])
    steps.append(
        RunStep(
            "answer",
            "sg_referral",
            "not_needed",
            "She is drunk but texting and says she will lie down; no one else is at risk.",
            at=290,
        )
    )
    band, divergences = score(scenario, steps)
    assert band is Band.NON_COMPLIANT
    nodes = {d.node for d in divergences}
    assert {"sg_concerns", "sg_child_risk", "child", "out_police_s46"} <= nodes


def test_a_late_urgent_decision_is_minor_and_a_very_late_one_critical(
    overdose: Scenario,
) -> None:
    """The urgent decision is the changed danger-screen answer, 12 s after the inject in the
    model run; it is also the response the inject asks for (within 60 s), so that is late too."""
    steps = steps_of(overdose)
    shift(steps, index(steps, "danger_medical", "change"), 98)  # 110 s after: expected 90
    band, divergences = score(overdose, steps)
    late = next(d for d in divergences if d.check is Check.URGENT_TIME)
    assert not late.critical
    assert late.given == f"1 min 50 s (at {overdose.pack.quoted('danger_medical')})"
    assert "danger_medical" not in late.given and "physical-health emergency" in late.given
    response = next(d for d in divergences if d.check is Check.RESPONSE)
    assert response.node == "tablets" and not response.critical
    assert len(divergences) == 2
    assert band is Band.COMPLIANT

    steps = steps_of(overdose)
    shift(steps, index(steps, "danger_medical", "change"), 238)  # 250 s: more than twice 90
    band, divergences = score(overdose, steps)
    very_late = next(d for d in divergences if d.check is Check.URGENT_TIME)
    assert very_late.critical
    assert very_late.given == f"4 min 10 s (at {overdose.pack.quoted('danger_medical')})"
    assert [d.check for d in divergences if d.critical] == [Check.URGENT_TIME]
    assert band is Band.PARTIAL


def test_a_late_response_to_an_inject_is_minor(overdose: Scenario) -> None:
    steps = steps_of(overdose)
    shift(steps, index(steps, "danger_medical", "change"), 60)
    band, divergences = score(overdose, steps)
    [response] = divergences  # the urgent decision, 72 s after the inject, is still in time
    assert response.check is Check.RESPONSE
    assert response.node == "tablets"
    assert response.given == "responded at step 16, 1 min 12 s after it"
    assert not response.critical
    assert band is Band.COMPLIANT


def test_the_partner_no_show_needs_a_re_assessment(shipped: dict[str, Scenario]) -> None:
    scenario = shipped["partner-never-arrives"]
    steps = steps_of(scenario)
    without = [s for s in steps if s.action != "reassess"]
    band, divergences = score(scenario, without)
    assert band is Band.PARTIAL
    [missed] = divergences
    assert (missed.node, missed.given, missed.critical) == ("no_show", "no response", True)
    assert "Ctrl+Shift+R" in missed.learning

    too_early = [*without, replace(steps[-1], at=500)]  # before the ETA passed
    assert score(scenario, too_early)[0] is Band.PARTIAL

    late = [*without, replace(steps[-1], at=700)]
    band, divergences = score(scenario, late)
    assert band is Band.COMPLIANT
    assert divergences[0].given == "responded at step 22, 2 min 40 s after it"


def test_a_changed_answer_after_the_no_show_counts_as_re_assessing(
    shipped: dict[str, Scenario],
) -> None:
    scenario = shipped["partner-never-arrives"]
    steps = [s for s in steps_of(scenario) if s.action != "reassess"]
    steps.append(
        RunStep(
            "change",
            "thrive_grade",
            "high",
            "Crisis team ETA passed and he is more distressed on his second call tonight.",
            "The crisis team did not call back.",
            560,
        )
    )
    band, _ = score(scenario, steps)
    assert band is Band.HIGH_COMPLIANCE


def test_a_handover_left_under_the_hour_is_non_compliant(shipped: dict[str, Scenario]) -> None:
    scenario = shipped["s136-handover-past-an-hour"]
    steps = [s for s in steps_of(scenario) if s.action != "change"]
    band, divergences = score(scenario, steps)
    assert band is Band.NON_COMPLIANT
    assert {d.node for d in divergences} == {"out_escalate_s136", "s136_handover", "past_hour"}


def test_a_run_without_timings_is_scored_without_its_times(overdose: Scenario) -> None:
    steps = [replace(s, at=None) for s in steps_of(overdose)]
    result = score_run(overdose, Run(tuple(steps)))
    assert result.band is Band.HIGH_COMPLIANCE
    assert not result.timed
    assert result.urgent_seconds is None
    checks = {f.check for f in result.findings}
    assert Check.URGENT_TIME not in checks and Check.OUTCOME_TIME not in checks


def test_an_example_script_can_be_scored_as_a_run(overdose: Scenario) -> None:
    """forms/examples/*.json are run files: this one ticks the overdose, which sends police with
    the ambulance, but re-tests life as no and never says yes to serious harm."""
    run = load_run(examples_dir() / "welfare-overdose-disclosed-mid-call.json")
    result = score_run(overdose, run)
    assert not result.timed
    assert result.band is Band.LOW
    assert result.outcome_given == "Police deploy with a partner, Ambulance service"
    assert [(d.node, d.given, d.critical) for d in result.divergences] == [
        ("thr_life", "No", True),
        ("thr_harm", "No", True),
    ]


def test_the_score_serialises_with_its_debrief(overdose: Scenario) -> None:
    steps = steps_of(overdose)
    edit(steps, "thr_crime", rationale="No offence.")
    data = score_run(overdose, Run(tuple(steps))).to_dict()
    text = json.dumps(data)
    assert json.loads(text)["band"] == "compliant"
    assert data["divergences"][0]["node"] == "thr_crime"
    assert {"node", "expected", "given", "learning"} <= set(data["divergences"][0])


def test_a_step_that_does_not_fit_names_itself(overdose: Scenario) -> None:
    steps = steps_of(overdose)
    edit(steps, "cat", value="burglary")
    with pytest.raises(ScenarioError, match=r"step 9 \(cat\): 'burglary' is not an answer"):
        score(overdose, steps)
    bad_decision = [*steps_of(overdose), RunStep("decide", value="SEND_EVERYONE", at=999)]
    assert len(bad_decision) == 26
    with pytest.raises(ScenarioError, match=r"step 26: 'SEND_EVERYONE'"):
        score(overdose, bad_decision)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a run is a JSON object with a list of 'steps'"),
        ({"steps": [], "colour": 1}, "unknown key(s): colour"),
        ({"steps": [{"node": "cat"}]}, "step 1: an answer step needs an 'answer'"),
        ({"steps": [{"node": "cat", "answer": "x", "extra": 1}]}, "unknown key(s): extra"),
        ({"steps": [{"action": "dance", "node": "cat"}]}, "unknown action 'dance'"),
        ({"steps": [{"node": "a", "answer": "x", "at": -1}]}, "'at' must be the seconds"),
        (
            {"steps": [{"node": "a", "answer": "x", "at": 1}, {"node": "b", "answer": "y"}]},
            "step 2 has no 'at': time every step or none",
        ),
        (
            {
                "steps": [
                    {"node": "a", "answer": "x", "at": 9},
                    {"node": "b", "answer": "y", "at": 3},
                ]
            },
            "step 2: 'at' 3 is before the step above (9)",
        ),
        (
            {"steps": [{"action": "decide", "answer": 3}]},
            "a decision's 'answer' is an outcome code",
        ),
    ],
)
def test_malformed_runs_get_one_clear_error(data: object, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_run(data, "run.json")
    assert str(caught.value).startswith("run.json")
    assert message in str(caught.value)


def test_unreadable_run_files(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_run(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid JSON"):
        load_run(bad)


def test_what_counts_as_a_substantive_rationale(overdose: Scenario) -> None:
    question = overdose.pack.question("thr_crime")
    assert substantive("No offence.", question, "no").startswith("2 word(s)")
    repeats = "No, there has not been a crime happening or one that has happened."
    assert "repeats" in substantive(repeats, question, "no")
    assert substantive(GOOD_CRIME, question, "no") == ""


def test_the_bands_in_order_of_their_rules() -> None:
    def finding(check: Check, met: bool, critical: bool) -> Finding:
        return Finding(check, "n", "label", "e", "g", met, critical, "learn")

    outcome_ok = finding(Check.OUTCOME, True, True)
    outcome_bad = finding(Check.OUTCOME, False, True)
    wrong = finding(Check.ANSWER, False, True)
    thin = finding(Check.RATIONALE, False, False)
    assert band_for([outcome_ok]) is Band.HIGH_COMPLIANCE
    assert band_for([outcome_ok, thin, thin]) is Band.COMPLIANT
    assert band_for([outcome_ok, thin, thin, thin]) is Band.PARTIAL
    assert band_for([outcome_ok, wrong]) is Band.PARTIAL
    assert band_for([outcome_ok, wrong, wrong]) is Band.LOW
    assert band_for([outcome_bad, thin]) is Band.LOW
    assert band_for([outcome_bad, wrong]) is Band.NON_COMPLIANT
