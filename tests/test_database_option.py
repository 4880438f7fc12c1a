"""`--database FILE`: a backup read where it lies, by its own name, by verify, list, show, export
(as a read-only copy) and the window; live or training as its records say; refused in one line
by everything else and for anything that is not one of the app's databases; not a byte written."""

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rcrp_desktop import cli
from rcrp_desktop.cli import main
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.named_file import open_named_file
from rcrp_desktop.storage.records import Mode
from rcrp_desktop.storage.repository import Store
from tests.at_rest import HANDLER, Calls, record_calls, snapshot


def backed_up(data_dir: Path, pack: Pack, tmp_path: Path, mode: Mode = "live") -> Calls:
    """Two calls in the data folder, backed up as a user would to a file of its own, in a
    folder of backups (nothing else in it)."""
    calls = record_calls(data_dir, pack, mode)
    backups = tmp_path / "backups"
    backups.mkdir()
    copy = backups / f"{mode}-2026-12-07.sqlite3"
    training = ["--training"] if mode == "training" else []
    assert main(["--data-dir", str(data_dir), *training, "backup", str(copy)]) == 0
    return Calls(copy, calls.finished, calls.begun)


def refused(capsys: pytest.CaptureFixture[str], code: int) -> str:
    """The one line a refusal says: nothing on standard output, one line on standard error."""
    assert code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rcrp-desktop: "), captured.err
    return lines[0]


def test_a_backup_is_verified_listed_and_shown_by_its_own_name_writing_nothing(
    data_dir: Path, england: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = backed_up(data_dir, england, tmp_path)
    capsys.readouterr()
    folder = calls.database.parent
    before = snapshot(folder)
    reading = f"rcrp-desktop: reading {calls.database} read-only (nothing is written): "

    assert main(["--database", str(calls.database), "verify"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"ok: {calls.database}: 2 record(s);")
    assert captured.err == reading + "live records\n"
    assert main(["--database", str(calls.database), "list"]) == 0
    listed = capsys.readouterr().out
    assert "INC-RO-1" in listed and "INC-RO-2" in listed
    assert main(["--database", str(calls.database), "show", str(calls.finished)]) == 0
    assert capsys.readouterr().out.startswith(f"Record {calls.finished} (live, open)")
    assert snapshot(folder) == before  # byte for byte; no -wal, -shm or lock beside it


def test_a_relative_name_is_read_where_it_lies(
    data_dir: Path,
    england: Pack,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = backed_up(data_dir, england, tmp_path)
    monkeypatch.chdir(calls.database.parent)
    capsys.readouterr()
    assert main(["--database", calls.database.name, "list", "--json"]) == 0
    captured = capsys.readouterr()
    assert f"reading {calls.database} read-only" in captured.err  # named in full
    assert '"incident_ref": "INC-RO-1"' in captured.out


def test_a_training_backup_is_read_as_training_from_its_records(
    data_dir: Path, england: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = backed_up(data_dir, england, tmp_path, "training")
    capsys.readouterr()
    before = snapshot(calls.database.parent)
    for given in ([], ["--training"]):
        assert main(["--database", str(calls.database), *given, "verify"]) == 0
        captured = capsys.readouterr()
        assert "2 record(s)" in captured.out and "FAILED" not in captured.out
        assert captured.err.endswith(": training records\n")
        assert main(["--database", str(calls.database), *given, "list"]) == 0
        assert "INC-RO-1" in capsys.readouterr().out
        assert main(["--database", str(calls.database), *given, "show", "1"]) == 0
        assert capsys.readouterr().out.startswith("Record 1 (training, open)")
    assert snapshot(calls.database.parent) == before


def test_training_asked_of_a_live_file_is_refused(
    data_dir: Path, england: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = backed_up(data_dir, england, tmp_path)
    capsys.readouterr()
    line = refused(capsys, main(["--database", str(calls.database), "--training", "list"]))
    assert line == (
        f"rcrp-desktop: {calls.database} holds live records, not training ones: leave out "
        "--training (the file's records say which they are). Nothing was read."
    )


def test_a_file_with_no_records_or_both_kinds_says_what_it_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    Store.open(empty, "live").close()
    for training, found in ((False, "live"), (True, "training")):
        named = open_named_file(empty, training=training)
        named.store.close()
        assert named.store.mode == found and named.found == f"no records yet (read as {found})"

    mixed = tmp_path / "mixed.sqlite3"  # a live file someone added a training record to
    for mode in ("live", "training"):
        store = Store.open(mixed, mode)
        store.create_record(
            incident_ref="INC-MIX", handler=HANDLER, force_profile="england", pack_id="p",
            pack_version="1", pack_hash="0" * 64,
        )  # fmt: skip
        store.close()
    named = open_named_file(mixed)
    named.store.close()
    assert named.store.mode == "live"
    assert named.found == "live records (and training ones, which `verify` names)"


def test_what_is_not_one_of_the_apps_databases_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "given"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a database, and never to be changed " * 40)
    with sqlite3.connect(folder / "other.sqlite3") as other:
        other.execute("CREATE TABLE things (name TEXT)")
    other.close()
    (folder / "sub").mkdir()
    before = snapshot(folder)
    expected = {
        "missing.sqlite3": "There is no record database at {}: check the file name given to "
        "--database.",
        "sub": "The record database {} is not a regular file: it has not been opened.",
        "notes.txt": "The record database {} is damaged (not a SQLite database).",
        "other.sqlite3": "{} is a SQLite database, but not an rcrp-desktop record database (it "
        "has no records and events): nothing was read from it.",
    }
    for name, said in expected.items():
        for command in (["verify"], ["list"], ["show", "1"]):
            line = refused(capsys, main(["--database", str(folder / name), *command]))
            assert line.startswith("rcrp-desktop: " + said.format(folder / name)), line
    assert snapshot(folder) == before


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["backup", "again.sqlite3"], "`backup` does not read a file named by --database"),
        (["restore", "elsewhere.sqlite3"], "`restore` writes to the records"),
        (
            ["run-script", str(examples_dir() / "welfare-crisis-team.json"), "--save"],
            "`run-script --save` writes to the records",
        ),
        (["scenario", "runs"], "`scenario` does not read a file named by --database"),
        (["forms", "check"], "`forms` does not read a file named by --database"),
    ],
    ids=["backup", "restore", "run-script --save", "scenario", "forms"],
)
def test_a_command_that_does_not_read_a_file_refuses_it(
    data_dir: Path,
    england: Pack,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    said: str,
) -> None:
    calls = backed_up(data_dir, england, tmp_path)
    capsys.readouterr()
    before, folder = snapshot(calls.database.parent), snapshot(data_dir)
    line = refused(capsys, main(["--database", str(calls.database), *command]))
    assert line.startswith(f"rcrp-desktop: {said}") and line.endswith("nothing was done.")
    assert snapshot(calls.database.parent) == before and snapshot(data_dir) == folder


def test_a_data_folder_and_a_file_together_are_refused(
    data_dir: Path, england: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = backed_up(data_dir, england, tmp_path)
    capsys.readouterr()
    for command in ([], ["list"]):
        line = refused(
            capsys,
            main(["--data-dir", str(data_dir), "--database", str(calls.database), *command]),
        )
        assert "give one of them" in line


def test_export_of_a_backup_is_a_copy_with_its_anchors(
    data_dir: Path, england: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = backed_up(data_dir, england, tmp_path, "training")
    capsys.readouterr()
    before = snapshot(calls.database.parent)
    out = tmp_path / "copy.pdf"
    by = "DS 1180 Casey Example"
    command = ["export", str(calls.finished), "--recipient", "crisis_team", "--out", str(out)]
    assert main(["--database", str(calls.database), *command, "--by", by]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("copied read-only: handover (PDF, ")
    assert f" page(s)) of training record {calls.finished} for " in line
    assert f"to {out}; sha256 " in line
    assert f"not recorded, nothing written to {calls.database}; chain anchor: Record 1, " in line
    assert snapshot(calls.database.parent) == before
    assert main(["--database", str(calls.database), "verify", "--anchors", str(out)]) == 0
    assert "1 outside anchor(s) match" in capsys.readouterr().out


def test_the_window_opens_the_file_read_only(
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    england: Pack,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from rcrp_desktop import app

    calls = backed_up(data_dir, england, tmp_path)
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(app, "run", lambda **kwargs: started.append(kwargs) or 0)
    for argv in (["--database", str(calls.database)], ["gui", "--database", str(calls.database)]):
        args = cli.window_args(argv)
        assert args is not None and args.database == calls.database
        assert main(argv) == 0
    assert [(s["read_only"], s["database"]) for s in started] == [(True, calls.database)] * 2
    capsys.readouterr()
    missing = tmp_path / "missing.sqlite3"
    line = refused(capsys, main(["--database", str(missing)]))
    assert line == (
        f"rcrp-desktop: There is no record database at {missing}: check the file name given "
        "to --database."
    )
    assert len(started) == 2  # no window for nothing


def test_help_says_what_it_does() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rcrp_desktop", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    text = " ".join(done.stdout.split())
    assert "--database FILE read this record database file by its own name" in text
    assert "For verify, list, show, export (a read-only copy) and the window" in text
    done = subprocess.run(
        [sys.executable, "-m", "rcrp_desktop", "export", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    text = " ".join(done.stdout.split())
    assert "--read-only a read-only copy: recorded nowhere, no lock" in text
    assert "not a disclosure recorded in the record" in text


def test_nothing_is_made_where_the_data_folder_would_be(
    data_dir: Path,
    england: Pack,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A named file is read without its data folder: none is made, no lock taken anywhere."""
    calls = backed_up(data_dir, england, tmp_path)
    elsewhere = tmp_path / "no-data-folder"
    monkeypatch.setenv("RCRP_DATA_DIR", str(elsewhere))
    for command in (["verify"], ["list"], ["show", "1"]):
        assert main(["--database", str(calls.database), *command]) == 0
    out = tmp_path / "copy.txt"
    export = ["export", "1", "--recipient", "crisis_team", "--text", "--out", str(out)]
    assert main(["--database", str(calls.database), *export]) == 0
    assert not elsewhere.exists()
    capsys.readouterr()
