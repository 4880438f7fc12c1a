"""The scenario linter: each fault named by file and node or step, every fault, no cascades.

Each broken scenario is the shipped late-overdose scenario with one edit (or several).
"""

import os
from pathlib import Path

import pytest

from rcrp_desktop.domain.problems import Problem
from rcrp_desktop.domain.training.scenario_lint import (
    check_scenarios,
    find_scenario,
    load_scenarios,
    scenario_files,
    split_targets,
)
from rcrp_desktop.paths import forms_dir

SOURCE = forms_dir() / "scenarios" / "late-overdose-disclosure.toml"
TEXT = SOURCE.read_text(encoding="utf-8")
THR_CRIME_EXPECT = """node = "thr_crime"
answer = "no"
learning = "Nothing here is an offence; do not invent a crime to justify attending."
"""
FIRST_EXPECT = '[[expect]]\nnode = "rf_checklist"'
ASSUMED_EXPECT = """[[expect]]
node = "thr_assumed"
answer = "no"
learning = "Nothing was promised to the caller before this call."
"""
DANGER_CRIME_EXPECT = """[[expect]]
node = "danger_crime"
answer = "no"
learning = "Nothing here is an offence; do not invent a crime to justify attending."
"""


def edited(*edits: tuple[str, str]) -> str:
    text = TEXT
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def lint(tmp_path: Path, text: str, name: str = "broken.toml") -> tuple[Path, list[Problem]]:
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    _, problems = check_scenarios([path], forms_dir())
    return path, problems


def shown(path: Path) -> str:
    return os.path.relpath(path)


CASES = {
    "unknown_pack": (
        [('pack = "rcrp-england"', 'pack = "rcrp-narnia"')],
        "",
        "unknown pack 'rcrp-narnia'",
    ),
    "pack_version": (
        [('pack_version = "2.1.0"', 'pack_version = "9.9.9"')],
        "",
        "written for rcrp-england 9.9.9; the pack here is 2.1.0",
    ),
    "unknown_node_expected": (
        [('node = "thr_crime"\nanswer = "no"', 'node = "thr_crimes"\nanswer = "no"')],
        "thr_crimes",
        "names node 'thr_crimes', which does not exist in rcrp-england 2.1.0",
    ),
    "answer_not_allowed": (
        [('answer = ["yes", "unknown"]', 'answer = ["yes", "maybe"]')],
        "thr_life",
        "expected answer 'maybe' is not allowed at this node",
    ),
    "ticked_on_a_choice": (
        [('node = "thr_crime"\nanswer = "no"', 'node = "thr_crime"\nticked = ["no"]')],
        "thr_crime",
        "'ticked' does not fit a choice question; use 'answer'",
    ),
    "text_question_expected": (
        [('node = "thr_crime"\nanswer = "no"', 'node = "ctx_why_now"\nanswer = "no"')],
        "ctx_why_now",
        "a free-text question cannot have an expected answer",
    ),
    "model_answer_not_allowed": (
        [
            (
                'node = "ctx_caller_type"\nanswer = "family"',
                'node = "ctx_caller_type"\nanswer = "cousin"',
            )
        ],
        "ctx_caller_type",
        "model step 6 (ctx_caller_type): 'cousin' is not an answer to 'ctx_caller_type'",
    ),
    "model_unknown_node": (
        [('node = "cfw_service"\nanswer = "cmht_gp"', 'node = "cfw_services"\nanswer = "cmht_gp"')],
        "cfw_services",
        "model step 13 names node 'cfw_services', which does not exist",
    ),
    "model_untimed": (
        [("[[model]]\nat = 8\n", "[[model]]\n")],
        "ctx_location",
        "model step 1 has no 'at'",
    ),
    "model_unknown_action": (
        [("[[model]]\nat = 8\n", '[[model]]\nat = 8\naction = "shrug"\n')],
        "ctx_location",
        "unknown action 'shrug'",
    ),
    "outcome_not_reached": (
        [
            (
                'code = "POLICE_DEPLOY_WITH_PARTNER"\nnode = "out_police_ambulance"\n'
                'partner = "ambulance"',
                'code = "PARTNER_LEAD_NO_POLICE"\nnode = "out_crisis_team"\n'
                'partner = "crisis_team"',
            )
        ],
        "out_crisis_team",
        "is not reached by the model run (it reaches Police deploy with a partner",
    ),
    "outcome_node_code_mismatch": (
        [('code = "POLICE_DEPLOY_WITH_PARTNER"', 'code = "ADVICE_AND_CLOSE"')],
        "out_police_ambulance",
        "[outcome] node is not an outcome with code ADVICE_AND_CLOSE",
    ),
    "outcome_code_unknown": (
        [('code = "POLICE_DEPLOY_WITH_PARTNER"', 'code = "SEND_EVERYONE"')],
        "",
        "[outcome] code 'SEND_EVERYONE' is not one of the fixed outcome codes",
    ),
    "outcome_partner_unknown": (
        [('partner = "ambulance"\nlearning', 'partner = "fire_service"\nlearning')],
        "",
        "[outcome] partner 'fire_service' is not a partner of rcrp-england",
    ),
    "inject_at_missing_node": (
        [('at_node = "thr_life"', 'at_node = "thr_lifes"')],
        "thr_lifes",
        "inject 'tablets' is triggered at a node that names node 'thr_lifes', which does not exist",
    ),
    "inject_never_comes_up": (
        # Asked only about someone under 25; Alex is 34.
        [('at_node = "thr_life"', 'at_node = "sg_concerns_young"')],
        "sg_concerns_young",
        "inject 'tablets' never comes up: the model run does not reach this node",
    ),
    "inject_without_trigger": (
        [('id = "tablets"\nat_node = "thr_life"\n', 'id = "tablets"\n')],
        "",
        "inject 'tablets' needs 'at_node' (a node) or 'after_seconds' (a time)",
    ),
    "unknown_key_in_inject": (
        [
            (
                'learning = """\nWhen the caller discloses',
                'learning_note = """\nWhen the caller discloses',
            )
        ],
        "",
        "unknown key 'learning_note' in inject 'tablets'",
    ),
    "inject_without_learning": (
        [
            (
                FIRST_EXPECT,
                '[[injects]]\nid = "silent"\nat_node = "thr_harm"\nsay = "Quiet."\n'
                "reassess = true\n\n" + FIRST_EXPECT,
            )
        ],
        "",
        "inject 'silent' expects a response but has no learning point",
    ),
    "respond_within_without_response": (
        [
            (
                FIRST_EXPECT,
                '[[injects]]\nid = "info"\nafter_seconds = 30\nsay = "Hm."\nrespond_within = 9\n\n'
                + FIRST_EXPECT,
            )
        ],
        "",
        "inject 'info': respond_within needs respond_nodes or reassess = true",
    ),
    "missing_learning_point": (
        [(THR_CRIME_EXPECT, 'node = "thr_crime"\nanswer = "no"\n')],
        "thr_crime",
        "missing learning point for this safety-critical node",
    ),
    "limb_without_expectation": (
        [(ASSUMED_EXPECT, "")],
        "thr_assumed",
        "a threshold limb on the model run's path has no expected answer",
    ),
    "danger_question_without_expectation": (
        [(DANGER_CRIME_EXPECT, "")],
        "danger_crime",
        "a danger-screen question on the model run's path has no expected answer",
    ),
    "urgent_from_unknown_inject": (
        [('urgent_from = "tablets"', 'urgent_from = "pills"')],
        "",
        "[time] urgent_from names inject 'pills', which is not defined",
    ),
    "model_rationale_thin": (
        [
            (
                'rationale = "Nothing disclosed suggests an offence: no threats to others, '
                'weapons, damage or abuse."',
                'rationale = "No offence."',
            )
        ],
        "thr_crime",
        "the model run scores 'compliant', not 'high compliance'",
    ),
    "model_answer_differs_from_expected": (
        [('node = "thr_crime"\nanswer = "no"', 'node = "thr_crime"\nanswer = "unknown"')],
        "thr_crime",
        "the model run scores 'partial', not 'high compliance': Has a crime happened",
    ),
    "unknown_key": (
        [('tags = ["welfare"', 'colour = "red"\ntags = ["welfare"')],
        "",
        "unknown key 'colour' in [scenario]",
    ),
    "bad_scenario_id": (
        [('id = "late-overdose-disclosure"', 'id = "Late Overdose"')],
        "",
        "scenario id 'Late Overdose' must be lower case letters, digits and '-'",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_fault_is_named_by_file_and_node(tmp_path: Path, case: str) -> None:
    edits, node, message = CASES[case]
    path, problems = lint(tmp_path, edited(*edits))
    assert problems, "the fault was not caught"
    assert any(p.node == node and message in p.message for p in problems), problems
    for problem in problems:
        assert problem.file == shown(path)
        assert str(problem).startswith(shown(path) + ": ")


def test_an_unknown_pack_is_one_problem_not_one_per_node(tmp_path: Path) -> None:
    _, problems = lint(tmp_path, edited(*CASES["unknown_pack"][0]))
    assert len(problems) == 1


def test_a_bad_model_step_is_reported_once_not_again_downstream(tmp_path: Path) -> None:
    _, problems = lint(tmp_path, edited(*CASES["model_answer_not_allowed"][0]))
    assert len(problems) == 1


def test_every_fault_in_a_file_is_listed(tmp_path: Path) -> None:
    _, problems = lint(
        tmp_path,
        edited(
            CASES["unknown_node_expected"][0][0],
            CASES["answer_not_allowed"][0][0],
            CASES["inject_at_missing_node"][0][0],
            (ASSUMED_EXPECT, '[[expect]]\nnode = "thr_assumed"\nanswer = "no"\n'),
        ),
    )
    found = {(p.node, p.message.split(":")[0][:40]) for p in problems}
    assert {p.node for p in problems} >= {"thr_crimes", "thr_life", "thr_lifes", "thr_assumed"}
    assert len(found) == len(problems) >= 4


def test_toml_syntax_errors_and_missing_tables(tmp_path: Path) -> None:
    _, problems = lint(tmp_path, "[scenario\nid = 1")
    assert len(problems) == 1 and "TOML syntax error" in problems[0].message
    _, problems = lint(tmp_path, '[scenario]\nid = "x"\n', name="bare.toml")
    messages = [p.message for p in problems]
    assert "missing key 'outcome' in the file" in messages
    assert "missing key 'model' in the file" in messages


def test_two_scenarios_may_not_share_an_id(tmp_path: Path) -> None:
    lint(tmp_path, TEXT, name="a.toml")
    folder = tmp_path / "scenarios"
    (folder / "b.toml").write_text(TEXT, encoding="utf-8")
    scenarios, problems = check_scenarios([folder], forms_dir())
    assert len(scenarios) == 2
    assert len(problems) == 1
    assert "scenario id 'late-overdose-disclosure' is also used by" in problems[0].message


def test_a_pack_with_problems_is_named_once(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    (forms / "england").mkdir(parents=True)
    pack = (forms_dir() / "england" / "rcrp-england.toml").read_text(encoding="utf-8")
    broken = pack.replace('start = "ctx_location"', 'start = "nowhere"', 1)
    (forms / "england" / "rcrp-england.toml").write_text(broken, encoding="utf-8")
    (forms / "scenarios").mkdir()
    (forms / "scenarios" / "x.toml").write_text(TEXT, encoding="utf-8")
    scenarios, problems = load_scenarios(forms / "scenarios")
    assert scenarios == []
    assert len(problems) == 1
    assert "its pack 'rcrp-england' has" in problems[0].message
    assert "forms check" in problems[0].message


def test_shipped_scenarios_have_no_problems() -> None:
    scenarios, problems = load_scenarios(forms_dir() / "scenarios")
    assert problems == []
    assert scenarios


def test_scenario_files_are_found_only_in_scenario_folders(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "a.toml").write_text(TEXT, encoding="utf-8")
    (tmp_path / "pack.toml").write_text("[pack]\n", encoding="utf-8")
    assert scenario_files([tmp_path]) == [folder / "a.toml"]
    loose = tmp_path / "loose.toml"
    loose.write_text(TEXT, encoding="utf-8")
    packs, scenarios = split_targets([tmp_path / "pack.toml", loose, folder])
    assert packs == [tmp_path / "pack.toml", folder]
    assert scenarios == [loose, folder]


def test_find_scenario_by_id() -> None:
    folder = forms_dir() / "scenarios"
    assert find_scenario(folder, "late-overdose-disclosure") == SOURCE
    assert find_scenario(folder, "no-such-scenario") is None
