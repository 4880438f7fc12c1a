"""A backup read by its own name (`--database`) where nothing can be written: a folder the user
may not write (as a normal user: tests/other_user.py) and read-only media (a tmpfs remounted
read-only, which needs root). verify, list, show and a read-only export work; not a byte
changes beside the file, or in it; each refusal is one line with no traceback."""

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rcrp_desktop.cli import main
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from tests import other_user
from tests.at_rest import record_calls, snapshot
from tests.other_user import give

COPIER = "DS 1180 Casey Example"


def reads(copy: Path, out: Path) -> list[list[str]]:
    """Every command that reads the file, the export writing its copy to `out`."""
    return [
        ["verify"],
        ["list"],
        ["show", "1"],
        ["export", "1", "--recipient", "crisis_team", "--out", str(out), "--by", COPIER],
    ]


def backup_of(data: Path, pack: Pack, copy: Path) -> None:
    """Training calls in `data`, backed up to `copy` as a user would."""
    record_calls(data, pack, "training")
    copy.parent.mkdir(exist_ok=True)
    assert main(["--data-dir", str(data), "--training", "backup", str(copy)]) == 0


def said_ok(done: "subprocess.CompletedProcess[str]") -> str:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    return done.stdout + done.stderr


def one_line(done: "subprocess.CompletedProcess[str]") -> str:
    assert done.returncode != 0 and "Traceback" not in done.stderr, done
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rcrp-desktop: "), done.stderr
    return lines[0]


@pytest.fixture
def place() -> Iterator[Path]:
    """A folder the normal user can reach: under /tmp, 0755 (tmp_path's parents are root's)."""
    with other_user.reachable_folder("rcrp-named-") as folder:
        yield folder


def test_a_backup_in_a_folder_the_user_cannot_write_is_read_by_name(
    place: Path, england: Pack, capsys: pytest.CaptureFixture[str]
) -> None:
    backups = place / "backups"
    copy = backups / "training-2026-12-07.sqlite3"
    backup_of(place / "data", england, copy)
    capsys.readouterr()
    give(backups, "administrator")
    copy.chmod(0o644)
    backups.chmod(0o555)
    out = place / "out"
    out.mkdir()
    give(out, "user")
    before = snapshot(backups)
    assert list(before) == [".", copy.name]
    for command in reads(copy, out / "copy.pdf"):
        said = said_ok(other_user.cli("--database", str(copy), *command, cwd=place))
        assert "training" in said, command
    assert snapshot(backups) == before  # not a -wal, -shm or lock; the file as it was
    assert (out / "copy.pdf").stat().st_uid == other_user.ids("user")[0]

    # The copy cannot be saved beside the backup: said in one line, nothing left there.
    inside = ["export", "1", "--recipient", "crisis_team", "--out", str(backups / "c.pdf")]
    line = one_line(other_user.cli("--database", str(copy), *inside, cwd=place))
    assert f"Cannot save the handover as {backups / 'c.pdf'}: Permission denied" in line
    writes = ["run-script", str(examples_dir() / "welfare-crisis-team.json"), "--save"]
    line = one_line(other_user.cli("--database", str(copy), *writes, cwd=place))
    assert "`run-script --save` writes to the records" in line
    assert snapshot(backups) == before


@pytest.fixture
def read_only_media(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs to remount read-only, as a disc of backups (needs root and mount(8))."""
    point = tmp_path / "media"
    point.mkdir()
    if not other_user.as_root() or shutil.which("mount") is None:
        pytest.skip("mounting a read-only filesystem needs root and mount(8)")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(point)], capture_output=True
    )
    if made.returncode:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False)


def test_a_backup_on_read_only_media_is_read_by_name(
    read_only_media: Path, england: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = read_only_media / "backups" / "training-2026-12-07.sqlite3"
    backup_of(tmp_path / "data", england, copy)
    capsys.readouterr()
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_media)], check=True)
    before = snapshot(copy.parent)
    out = tmp_path / "copy.pdf"
    for command in reads(copy, out):
        done = subprocess.run(
            [sys.executable, "-m", "rcrp_desktop", "--database", str(copy), *command],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert "training" in said_ok(done), command
    assert snapshot(copy.parent) == before
    assert out.stat().st_size > 0
    assert main(["--database", str(copy), "verify", "--anchors", str(out)]) == 0
    assert "1 outside anchor(s) match" in capsys.readouterr().out
