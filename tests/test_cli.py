"""The command line: scripted calls, the shipped examples, and starting with no display."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rcrp_desktop import cli
from rcrp_desktop.cli import main
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.paths import examples_dir

EXAMPLES = sorted(examples_dir().glob("*.json"))
CATEGORIES = {"welfare", "missing", "walkout", "awol", "medical", "s136", "voluntary", "not_rcrp"}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rcrp_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_reaches_its_expected_outcome(
    script: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run-script", str(script), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    expect = load_script(script).expect
    assert result["finished"]
    assert result["outcome"] == expect["outcome"]
    assert result["outcome_node"] == expect.get("node", result["outcome_node"])
    assert result["explanation"], "every recommendation carries its explanation"
    assert result["path"][-1] == result["outcome_node"]
    assert len(result["pack"]["sha256"]) == 64
    # Each example says what decided it, what the caller is told and whether it was urgent;
    # run-script has held the result to them (exit 0), so they are not just decoration.
    assert {"urgent", "explanation", "caller"} <= set(expect), "an example asserts all three"
    assert result["urgent"] == expect["urgent"]
    assert expect["caller"] in result["caller_wording"]
    if expect["urgent"]:
        assert "ready_after" in expect and result["police_attend"]


def test_an_example_that_expects_the_wrong_thing_fails(tmp_path: Path) -> None:
    script = json.loads((examples_dir() / "not-rcrp-knife-threats-to-kill.json").read_text())
    script["expect"]["caller"] = "Police will not be coming"
    script["expect"]["ready_after"] = "cat"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(script), encoding="utf-8")
    result = run("run-script", str(wrong))
    assert result.returncode != 0
    assert "expected the caller to be told 'Police will not be coming'" in result.stderr
    assert "expected the recommendation ready after 'cat', got 'danger_life'" in result.stderr


def test_the_examples_cover_every_category_and_every_outcome() -> None:
    outcomes, categories, packs = set(), set(), set()
    for path in EXAMPLES:
        script = load_script(path)
        outcomes.add(script.expect["outcome"])
        packs.add(script.pack)
        categories |= {step.answer for step in script.steps if step.node == "cat"}
    assert outcomes == {code.value for code in OutcomeCode}
    assert categories >= CATEGORIES
    assert packs == {"rcrp-england", "rcrp-wales", "btp-standard"}


def test_run_script_prints_outcome_explanation_and_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run-script", str(examples_dir() / "welfare-crisis-team.json")]) == 0
    out = capsys.readouterr().out
    assert "Outcome: PARTNER_LEAD_NO_POLICE" in out
    assert "Explanation:" in out
    assert "Path: ctx_location -> ctx_callback -> danger_life -> " in out
    assert "Tell the caller: Police will not be coming to this." in out
    assert "The handler decides" in out


def test_a_script_that_does_not_fit_names_the_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = json.loads((examples_dir() / "welfare-crisis-team.json").read_text())
    script["steps"][8]["answer"] = "burglary"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(script))
    assert main(["run-script", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "step 9 (cat)" in err
    assert "'burglary' is not an answer" in err


def test_a_wrong_expectation_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = json.loads((examples_dir() / "welfare-crisis-team.json").read_text())
    script["expect"]["outcome"] = "POLICE_DEPLOY"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(script))
    assert main(["run-script", str(wrong)]) == 1
    assert "expected outcome 'POLICE_DEPLOY', got 'PARTNER_LEAD_NO_POLICE'" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    "content",
    ["not json", '{"pack": "nope", "steps": []}', "[]", "[" * 100_000 + "]" * 100_000],
    ids=["not-json", "no-pack", "a-list", "nested-100000-deep"],
)
def test_bad_script_files_get_a_message_not_a_traceback(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = run("run-script", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("rcrp-desktop: ")


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_script_that_is_a_fifo_or_a_device_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    path = Path("/dev/zero")
    if kind == "fifo":
        path = tmp_path / "script.json"
        os.mkfifo(path)
    result = run("run-script", str(path))  # read for ever, before: the run's timeout says so
    assert result.returncode == 1
    assert "not a regular file" in result.stderr and "Traceback" not in result.stderr


def test_no_display_gets_one_clear_line_instead_of_a_qt_abort() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = run(env=env)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no display found" in lines[0]
    assert "xvfb-run" in lines[0]


def test_forms_check_passes_the_shipped_packs() -> None:
    result = run("forms", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok  ") == 8
    assert result.stdout.count("archived: kept so its records replay") == 5


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("gui", "forms", "run-script"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("argv", "opens_window"),
    [
        ([], True),
        (["gui"], True),
        (["--data-dir", "somewhere", "--training", "gui"], True),
        (["--pack", "rcrp-wales"], True),
        (["list"], False),
        (["--data-dir", "somewhere", "verify"], False),
        (["--help"], False),
        (["gui", "--help"], False),
        (["--version"], False),
        (["--no-such-option"], False),
    ],
)
def test_only_a_window_start_skips_the_full_parser(argv: list[str], opens_window: bool) -> None:
    assert (cli.window_args(argv) is not None) is opens_window


def test_parsing_a_window_start_imports_none_of_the_headless_commands() -> None:
    """The window is the start a handler waits for: storage and scripts load after it."""
    probe = (
        "import sys; from rcrp_desktop import cli; args = cli.window_args(['--training']); "
        "print(args.training, sorted(m for m in ('sqlite_utils', 'rcrp_desktop.cli.records', "
        "'rcrp_desktop.cli.script', 'rcrp_desktop.domain.call.engine', 'reportlab') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split("\n")[0] == "True []"
