"""The shipped training scenarios: they load, cover what R26 and the brief's failure modes need,
and reveal the caller's script and injects at the right moment."""

from pathlib import Path

import pytest

from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.training.scenario import Scenario, injects_due, lines_due
from rcrp_desktop.domain.training.scenario_lint import scenario_files
from rcrp_desktop.domain.training.scenario_run import apply
from rcrp_desktop.domain.training.scoring import Band, score_run
from rcrp_desktop.paths import forms_dir

FOLDER = forms_dir() / "scenarios"
FILES = scenario_files([FOLDER])
CATEGORIES = {"welfare", "walkout", "awol", "medical", "s136", "voluntary", "not_rcrp"}
# The failure modes and call types the issue names, by the tag each scenario carries.
REQUIRED_TAGS = {
    "late_disclosure",  # late overdose disclosure
    "child_at_home",  # a child alone with an adult in crisis
    "partner_no_show",  # a partner who never arrives
    "assumed_responsibility",  # a caller already promised attendance
    "part3_restricted",  # a Part III restricted AWOL patient
    "s136_over_hour",  # a section 136 handover running past an hour
    "naloxone_walkout",  # a walk-out after naloxone
    "declined_handed_over",  # a welfare call correctly declined and handed over
    "hidden_crime",  # a crime disguised as a welfare call
    "wales",  # a Welsh force
    "btp",  # a British Transport Police call
    "age_16_17",  # a 16-year-old in crisis
}


def state_at(scenario: Scenario, node: str) -> engine.State:
    """The model run's call at the moment `node` became the current question."""
    state = engine.start(scenario.pack)
    for step in scenario.model:
        if state.current == node:
            return state
        state = apply(state, step)
    raise AssertionError(f"the model run never reaches {node}")


def test_every_shipped_scenario_loads(shipped: dict[str, Scenario]) -> None:
    assert len(shipped) == len(FILES) >= 12


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_model_run_scores_high_compliance(shipped: dict[str, Scenario], path: Path) -> None:
    scenario = next(s for s in shipped.values() if s.source.endswith(path.name))
    score = score_run(scenario, scenario.model_run)
    assert score.band is Band.HIGH_COMPLIANCE, score.divergences
    assert score.divergences == ()
    assert score.timed


def test_scenarios_cover_every_category_force_and_failure_mode(
    shipped: dict[str, Scenario],
) -> None:
    assert {s.category for s in shipped.values()} == CATEGORIES
    assert {s.pack.id for s in shipped.values()} == {"rcrp-england", "rcrp-wales", "btp-standard"}
    tags = {tag for s in shipped.values() for tag in s.tags}
    assert tags >= REQUIRED_TAGS
    outcomes = {s.outcome.code.value for s in shipped.values()}
    assert len(outcomes) == 7, "every outcome code is a right answer somewhere"


def test_every_scenario_briefs_scripts_and_teaches(shipped: dict[str, Scenario]) -> None:
    for scenario in shipped.values():
        assert len(scenario.briefing.split()) >= 20, scenario.id
        assert scenario.caller, scenario.id
        assert len(scenario.learning_points) >= 2, scenario.id
        assert scenario.outcome.learning, scenario.id
        assert all(e.learning for e in scenario.expected), scenario.id
        assert len(scenario.content_hash) == 64
        assert scenario.version


def test_scenarios_change_mid_call(shipped: dict[str, Scenario]) -> None:
    """The hard cases change mid-call: injects by node and by time, and re-assessment."""
    injects = [i for s in shipped.values() for i in s.injects]
    assert any(i.trigger.node and i.expects_response for i in injects)
    assert any(not i.trigger.node and i.reassess for i in injects)
    assert any(not i.trigger.node and i.respond_nodes for i in injects)


def test_an_inject_at_a_node_comes_up_when_the_call_reaches_it(
    shipped: dict[str, Scenario],
) -> None:
    scenario = shipped["late-overdose-disclosure"]
    before = state_at(scenario, "thr_crime")
    at = state_at(scenario, "thr_life")
    assert injects_due(scenario, before, 9999) == []
    assert [i.id for i in injects_due(scenario, at, 0)] == ["tablets"]
    assert "thirty" in injects_due(scenario, at, 0)[0].text


def test_an_inject_stays_revealed_when_a_change_takes_its_answered_node_off_the_path(
    shipped: dict[str, Scenario],
) -> None:
    scenario = shipped["late-overdose-disclosure"]
    at = engine.answer(
        state_at(scenario, "thr_life"), "thr_life", "no", "He says he has taken nothing at all."
    )
    changed = engine.change(
        at, "rf_checklist", ["overdose"], "Thirty tablets disclosed.", "Overdose disclosed."
    )
    assert "thr_life" not in changed.path
    assert [i.id for i in injects_due(scenario, changed, 0)] == ["tablets"]


def test_an_inject_by_time_comes_up_at_its_time(shipped: dict[str, Scenario]) -> None:
    scenario = shipped["partner-never-arrives"]
    state = engine.start(scenario.pack)
    assert injects_due(scenario, state, 539.9) == []
    assert [i.id for i in injects_due(scenario, state, 540)] == ["no_show"]


def test_the_caller_speaks_at_once_then_as_the_call_reaches_each_node(
    shipped: dict[str, Scenario],
) -> None:
    scenario = shipped["late-overdose-disclosure"]
    start = engine.start(scenario.pack)
    # The call opens at ctx_location: the untriggered line and the one at that node.
    assert start.current == "ctx_location" == scenario.caller[1].trigger.node
    first = lines_due(scenario, start, 0)
    assert [line.text for line in first] == [line.text for line in scenario.caller[:2]]
    assert "Alex" in first[0].text and "flat" in first[1].text
    # The line at danger_life waits until the call reaches it.
    assert len(lines_due(scenario, state_at(scenario, "ctx_callback"), 0)) == 2
    at_danger = lines_due(scenario, state_at(scenario, "danger_life"), 0)
    assert [line.text for line in at_danger] == [line.text for line in scenario.caller[:3]]
    later = lines_due(scenario, state_at(scenario, "cfw_need"), 0)
    assert len(later) == len(scenario.caller)
    assert [line.text for line in later] == [line.text for line in scenario.caller]


def test_scenario_text_is_data_not_code(shipped: dict[str, Scenario]) -> None:
    import rcrp_desktop

    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in Path(rcrp_desktop.__file__).parent.rglob("*.py")
    )
    for scenario in shipped.values():
        assert scenario.briefing not in source
        assert scenario.title not in source
