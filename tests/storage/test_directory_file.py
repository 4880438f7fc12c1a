"""The locally edited partner directory: seed fallback, atomic saves, damaged copies kept."""

import dataclasses
import errno
import os
import sys
from pathlib import Path

import pytest

from rcrp_desktop.domain.partners import Directory, DirectoryError, Route, load_directory
from rcrp_desktop.paths import forms_dir
from rcrp_desktop.storage import directory_file
from rcrp_desktop.storage.directory_file import (
    CorruptDirectoryError,
    DirectoryFileError,
    load_local,
    load_seed,
    local_path,
    save_local,
    set_aside_local,
)

SEEDS = forms_dir() / "partners"


def edited(directory: Directory, hours: str) -> Directory:
    """The directory with the first partner's hours changed, as the editor would hand it over."""
    first = dataclasses.replace(directory.partners[0], hours=hours)
    return dataclasses.replace(directory, partners=(first, *directory.partners[1:]))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("jurisdiction", ["england", "wales", "btp"])
def test_without_a_local_copy_the_seed_is_used(data_dir: Path, jurisdiction: str) -> None:
    directory = load_local(data_dir, jurisdiction, SEEDS)

    assert directory == load_directory(SEEDS / f"{jurisdiction}.json")
    assert not local_path(data_dir, jurisdiction).exists()


def test_save_then_load_round_trips(data_dir: Path) -> None:
    seed = load_local(data_dir, "england", SEEDS)

    saved = save_local(data_dir, edited(seed, "Pob dydd ond gŵyl y banc"))
    again = load_local(data_dir, "england", SEEDS)

    assert again == saved
    assert again.partners[0].hours == "Pob dydd ond gŵyl y banc"
    assert again.edited and again.edited.endswith("+00:00")
    assert again.source == str(local_path(data_dir, "england"))
    assert "gŵyl" in local_path(data_dir, "england").read_text(encoding="utf-8")
    assert load_local(data_dir, "wales", SEEDS) == load_seed(SEEDS, "wales"), "others untouched"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_local_copy_is_owner_only(data_dir: Path) -> None:
    save_local(data_dir, load_seed(SEEDS, "wales"))

    assert local_path(data_dir, "wales").stat().st_mode & 0o777 == 0o600
    assert data_dir.stat().st_mode & 0o777 == 0o700


def test_a_failed_write_leaves_the_old_copy_intact(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = save_local(data_dir, load_seed(SEEDS, "england"))
    before = local_path(data_dir, "england").read_bytes()

    def disk_full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(directory_file.os, "fsync", disk_full)
    with pytest.raises(DirectoryFileError, match="the disk is full") as caught:
        save_local(data_dir, edited(first, "never saved"))

    assert "previous copy is intact" in str(caught.value)
    assert local_path(data_dir, "england").read_bytes() == before
    assert leftovers(data_dir) == []
    monkeypatch.undo()
    assert load_local(data_dir, "england", SEEDS) == first


def test_a_failed_rename_leaves_no_temp_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: str, target: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(directory_file.os, "replace", refuse)
    with pytest.raises(DirectoryFileError, match="Permission denied"):
        save_local(data_dir, load_seed(SEEDS, "england"))

    assert not local_path(data_dir, "england").exists()
    assert leftovers(data_dir) == []


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b'{"profile": {', "is not valid JSON"),
        (b'{"profile": {"jurisdiction": "england"}}', "missing 'title'"),
        (b"\x00\x01\x02", "is not valid JSON"),
    ],
)
def test_a_damaged_local_copy_is_reported_and_never_overwritten(
    data_dir: Path, content: bytes, detail: str
) -> None:
    path = local_path(data_dir, "england")
    data_dir.mkdir(parents=True)
    path.write_bytes(content)

    with pytest.raises(CorruptDirectoryError) as caught:
        load_local(data_dir, "england", SEEDS)
    message = str(caught.value)
    assert str(path) in message and detail in message and "has not been changed" in message

    with pytest.raises(CorruptDirectoryError, match="Nothing was saved"):
        save_local(data_dir, load_seed(SEEDS, "england"))
    assert path.read_bytes() == content


def test_a_local_copy_for_another_jurisdiction_is_refused(data_dir: Path) -> None:
    save_local(data_dir, load_seed(SEEDS, "wales"))
    local_path(data_dir, "wales").replace(local_path(data_dir, "england"))

    with pytest.raises(CorruptDirectoryError, match="holds the 'wales' directory"):
        load_local(data_dir, "england", SEEDS)


def test_setting_a_damaged_copy_aside_keeps_it_and_returns_to_the_seed(data_dir: Path) -> None:
    path = local_path(data_dir, "btp")
    data_dir.mkdir(parents=True)
    path.write_bytes(b"garbage")

    kept = set_aside_local(data_dir, "btp")

    assert kept is not None and kept.read_bytes() == b"garbage"
    assert kept.parent == data_dir and kept.name.startswith("partners-btp.set-aside-")
    assert load_local(data_dir, "btp", SEEDS) == load_seed(SEEDS, "btp")
    assert set_aside_local(data_dir, "btp") is None


def test_an_invalid_directory_is_refused_before_the_disk_is_touched(data_dir: Path) -> None:
    seed = load_seed(SEEDS, "england")
    twin = dataclasses.replace(seed.partners[1], id=seed.partners[0].id)
    broken = dataclasses.replace(seed, partners=(seed.partners[0], twin))

    with pytest.raises(DirectoryError, match="is also used by partner 1"):
        save_local(data_dir, broken)
    no_routes = dataclasses.replace(seed.partners[0], routes=())
    with pytest.raises(DirectoryError, match="needs at least one phone route"):
        save_local(data_dir, dataclasses.replace(seed, partners=(no_routes,)))

    assert not data_dir.exists()


def test_a_missing_seed_says_so(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(DirectoryFileError, match="shipped partner directory could not be loaded"):
        load_local(data_dir, "england", tmp_path)


def test_an_unknown_jurisdiction_is_refused(data_dir: Path) -> None:
    with pytest.raises(DirectoryFileError, match="no partner directory for 'scotland'"):
        load_local(data_dir, "scotland", SEEDS)


def test_saving_twice_replaces_the_copy(data_dir: Path) -> None:
    seed = load_seed(SEEDS, "england")
    save_local(data_dir, edited(seed, "first"))
    route = Route("New desk", "01632 960999")
    changed = dataclasses.replace(seed.partners[0], routes=(route,))

    save_local(data_dir, dataclasses.replace(seed, partners=(changed,)))

    again = load_local(data_dir, "england", SEEDS)
    assert [p.routes for p in again.partners] == [(route,)]
    assert leftovers(data_dir) == []
