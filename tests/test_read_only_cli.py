"""`--read-only` on the command line: it opens the window read-only, `--help` says what it does,
a command that writes refuses it in one line rather than writing all the same, and `export`
makes a read-only copy instead of a recorded export."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rcrp_desktop import cli
from rcrp_desktop.cli import main
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from tests.at_rest import record_calls, snapshot


@pytest.mark.parametrize(
    "argv",
    [
        ["--read-only"],
        ["--read-only", "gui"],
        ["--data-dir", "backup", "--training", "--read-only", "gui"],
        ["gui", "--read-only"],
    ],
)
def test_the_flag_opens_the_window_read_only(argv: list[str]) -> None:
    args = cli.window_args(argv)
    assert args is not None and args.read_only is True
    assert cli.window_args(["gui"]).read_only is False  # type: ignore[union-attr]


def test_the_window_is_started_with_it(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    from rcrp_desktop import app

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(app, "run", lambda **kwargs: started.append(kwargs) or 0)
    assert main(["--data-dir", str(data_dir), "--training", "--read-only"]) == 0
    assert started[0]["read_only"] is True and started[0]["training"] is True
    assert started[0]["data_dir"] == data_dir
    assert main(["--data-dir", str(data_dir)]) == 0
    assert started[1]["read_only"] is False
    assert not data_dir.exists()  # nothing was made on the way to the window


def test_help_says_what_it_does() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rcrp_desktop", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "--read-only" in text
    assert "no lock taken, nothing created or written" in text


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["restore", "elsewhere.sqlite3"], "`restore`"),
        (
            ["run-script", str(examples_dir() / "welfare-crisis-team.json"), "--save"],
            "`run-script --save`",
        ),
    ],
    ids=["restore", "run-script --save"],
)
def test_a_command_that_writes_refuses_it_in_one_line(
    data_dir: Path,
    england: Pack,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    said: str,
) -> None:
    record_calls(data_dir, england)
    before = snapshot(data_dir)
    assert main(["--data-dir", str(data_dir), "--read-only", *command]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"rcrp-desktop: {said} writes to the records, and --read-only writes nothing: "
        "nothing was done.\n"
    )
    assert snapshot(data_dir) == before


def test_the_reading_commands_take_it(
    data_dir: Path, england: Pack, capsys: pytest.CaptureFixture[str]
) -> None:
    record_calls(data_dir, england)
    before = snapshot(data_dir)
    for command in (["list"], ["show", "1"], ["verify"]):
        assert main(["--data-dir", str(data_dir), "--read-only", *command]) == 0
    assert "INC-RO-1" in capsys.readouterr().out
    assert snapshot(data_dir) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["--read-only", "export", "1"],
        ["export", "1", "--read-only"],
        ["--read-only", "export", "--read-only", "1"],
    ],
    ids=["before", "after", "both"],
)
def test_export_read_only_makes_a_copy_and_records_nothing(
    data_dir: Path,
    england: Pack,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    calls = record_calls(data_dir, england)
    before = snapshot(data_dir)
    out = tmp_path / "copy.txt"
    command = [*argv, "--recipient", "crisis_team", "--text", "--out", str(out)]
    assert main(["--data-dir", str(data_dir), *command]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"copied read-only: handover (plain text) of record {calls.finished} ")
    assert f"not recorded, nothing written to {calls.database}" in err
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith(f"READ-ONLY COPY made from {calls.database} on ")
    assert "Not a disclosure recorded in the record" in text.splitlines()[-2]
    assert snapshot(data_dir) == before  # no event, no lock file, no -wal or -shm
