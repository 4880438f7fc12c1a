"""The scenario commands: check, list, score and runs, and scenarios in `forms check`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.cli import main
from rcrp_desktop.domain.pack.loader import load_pack
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.domain.training.scenario import RunStep, Scenario
from rcrp_desktop.domain.training.scenario_lint import load_scenarios, scenario_files
from rcrp_desktop.paths import examples_dir, forms_dir
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.training_runs import scenario_note

SCENARIOS = forms_dir() / "scenarios"
SHIPPED = len(scenario_files([SCENARIOS]))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rcrp_desktop", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def overdose() -> Scenario:
    scenarios, _ = load_scenarios(SCENARIOS)
    return next(s for s in scenarios if s.id == "late-overdose-disclosure")


def step_json(step: RunStep) -> dict[str, object]:
    data: dict[str, object] = {"action": step.action, "at": step.at}
    if step.node:
        data["node"] = step.node
    if step.value is not None:
        data["answer"] = step.value
    if step.rationale:
        data["rationale"] = step.rationale
    if step.reason:
        data["reason"] = step.reason
    return data


def run_file(tmp_path: Path, steps: list[dict[str, object]], **extra: str) -> Path:
    path = tmp_path / "run.json"
    path.write_text(json.dumps({**extra, "steps": steps}), encoding="utf-8")
    return path


def broken_scenario(tmp_path: Path) -> Path:
    text = (SCENARIOS / "late-overdose-disclosure.toml").read_text(encoding="utf-8")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    path = folder / "broken.toml"
    path.write_text(text.replace('at_node = "thr_life"', 'at_node = "thr_lifes"'), "utf-8")
    return path


def test_scenario_check_passes_the_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "check"]) == 0
    out = capsys.readouterr().out
    assert out.count("fits  ") == SHIPPED
    assert "late-overdose-disclosure 2.1.0  on rcrp-england 2.1.0" in out


def test_scenario_check_lists_problems_by_file_and_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = broken_scenario(tmp_path)
    assert main(["scenario", "check", str(path)]) == 1
    captured = capsys.readouterr()
    assert "node 'thr_lifes': inject 'tablets' is triggered at a node that" in captured.out
    assert "broken.toml" in captured.out
    assert "1 problem(s) found." in captured.err


def test_forms_check_lints_the_scenarios_too(tmp_path: Path) -> None:
    result = run("forms", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    packs = [line for line in result.stdout.splitlines() if line.startswith("ok  ")]
    # The three current packs, and the superseded copies kept under archive/ so old records
    # replay: 1.0.0 of each, 2.0.0 of England and Wales (BTP's 2.0.0 is still current).
    archived = [line for line in packs if "archive/" in line]
    assert len(packs) == 8 and len(archived) == 5
    current = {"rcrp-england": "2.1.0", "rcrp-wales": "2.1.0", "btp-standard": "2.0.0"}
    for pack, version in current.items():
        assert sum(f"  {pack} {version}  " in line for line in packs) == 1, pack
        assert sum(f"  {pack} 1.0.0  " in line for line in archived) == 1, pack
    for pack in ("rcrp-england", "rcrp-wales"):
        assert sum(f"  {pack} 2.0.0  " in line for line in archived) == 1, pack
    assert result.stdout.count("fits  ") == SHIPPED
    broken = run("forms", "check", str(broken_scenario(tmp_path).parent))
    assert broken.returncode == 1
    assert "broken.toml: node 'thr_lifes'" in broken.stdout
    assert "Traceback" not in broken.stderr


def test_scenario_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "list"]) == 0
    out = capsys.readouterr().out
    assert "late-overdose-disclosure" in out and "btp-standard" in out
    assert main(["scenario", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == SHIPPED
    assert {s["category"] for s in listed} >= {"welfare", "awol", "s136", "not_rcrp"}


def test_scoring_the_model_run(
    tmp_path: Path, overdose: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = run_file(tmp_path, [step_json(s) for s in overdose.model], trainee="Sam Example")
    assert main(["scenario", "score", "late-overdose-disclosure", "--answers", str(answers)]) == 0
    out = capsys.readouterr().out
    assert "Band: high compliance" in out
    # From the inject (thr_crime answered, 167 s) to the changed danger answer (179 s).
    assert "Time to the urgent decision: 12 s" in out
    assert "Where the run diverged" not in out


def test_scoring_a_run_as_json_with_its_debrief(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = examples_dir() / "welfare-overdose-disclosed-mid-call.json"
    scenario = SCENARIOS / "late-overdose-disclosure.toml"
    assert main(["scenario", "score", str(scenario), "--answers", str(example), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    # The overdose ticked sends police with the ambulance, but life and harm stay "no".
    assert result["band"] == "low"
    assert result["timed"] is False
    assert result["outcome_given"] == "Police deploy with a partner, Ambulance service"
    assert [(d["node"], d["critical"]) for d in result["divergences"]] == [
        ("thr_life", True),
        ("thr_harm", True),
    ]
    assert all(d["learning"] for d in result["divergences"])


def overdose_pack() -> Pack:
    return load_pack(forms_dir() / "england" / "rcrp-england.toml")


def test_scoring_text_lists_divergences_with_learning_points(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = examples_dir() / "welfare-overdose-disclosed-mid-call.json"
    assert main(["scenario", "score", "late-overdose-disclosure", "--answers", str(example)]) == 0
    out = capsys.readouterr().out
    assert "Band: low" in out
    life, harm = (overdose_pack().question(n).text for n in ("thr_life", "thr_harm"))
    assert f"SAFETY-CRITICAL: {life}" in out and f"SAFETY-CRITICAL: {harm}" in out
    assert "thr_life" not in out  # words, never ids
    assert "Timings: not given" in out
    assert "Learning points:" in out


@pytest.mark.parametrize(
    ("scenario", "content", "message"),
    [
        ("no-such-scenario", '{"steps": []}', "no scenario 'no-such-scenario'"),
        ("late-overdose-disclosure", "not json", "not valid JSON"),
        ("late-overdose-disclosure", '{"steps": [{"node": "cat", "answer": "x"}]}', "step 1 (cat)"),
        (
            "late-overdose-disclosure",
            '{"scenario": "naloxone-walkout", "steps": []}',
            "a run of scenario 'naloxone-walkout', not 'late-overdose-disclosure'",
        ),
        (
            "late-overdose-disclosure",
            '{"pack": "btp-standard", "steps": []}',
            "written for pack 'btp-standard'",
        ),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    scenario: str,
    content: str,
    message: str,
) -> None:
    answers = tmp_path / "run.json"
    answers.write_text(content, encoding="utf-8")
    assert main(["scenario", "score", scenario, "--answers", str(answers)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("rcrp-desktop: ") and message in err[0]


def test_a_broken_scenario_or_missing_run_file_is_bad_input(tmp_path: Path) -> None:
    broken = run("scenario", "score", str(broken_scenario(tmp_path)), "--answers", "x.json")
    assert broken.returncode == 2
    assert "thr_lifes" in broken.stderr and "scenario check" in broken.stderr
    missing = run("scenario", "score", "late-overdose-disclosure", "--answers", "nope.json")
    assert missing.returncode == 2
    assert missing.stderr.startswith("rcrp-desktop: nope.json: cannot read")
    for result in (broken, missing):
        assert "Traceback" not in result.stderr + result.stdout
        assert len(result.stderr.strip().splitlines()) == 1
    usage = run("scenario", "score", "late-overdose-disclosure")
    assert usage.returncode == 2 and "--answers" in usage.stderr


def test_runs_with_no_training_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "runs"]) == 0
    assert "no training database yet" in capsys.readouterr().err
    assert main(["scenario", "runs", "--csv"]) == 0
    assert capsys.readouterr().out.startswith("trainee,started_utc,")


def test_runs_lists_and_exports_the_trainees_runs(
    data_dir: Path, overdose: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(database_path(data_dir, "training"), "training")
    try:
        recorder = CallRecorder.start(
            store,
            overdose.pack,
            incident_ref="TRAINING",
            user="Sgt 1180 Alex Trainer",
            scenario=scenario_note(overdose, "PC 4521 Sam Example"),
        )
        for step in overdose.model:
            if step.action == "answer":
                recorder.answer(step.node, step.value, step.rationale)
            elif step.action == "change":
                recorder.change(step.node, step.value, step.rationale, step.reason)
    finally:
        store.close()
    assert main(["scenario", "runs"]) == 0
    out = capsys.readouterr().out
    assert "PC 4521 Sam Example" in out and "high compliance" in out
    assert main(["scenario", "runs", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "late-overdose-disclosure" in lines[1]
    assert main(["scenario", "runs", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["band"] == "high compliance" and row["trainee"] == "PC 4521 Sam Example"
    assert not database_path(data_dir, "live").exists()


def test_help_lists_the_scenario_commands() -> None:
    result = run("scenario", "--help")
    assert result.returncode == 0
    for action in ("check", "list", "score", "runs"):
        assert action in result.stdout
