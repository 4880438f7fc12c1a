"""`rcrp-desktop export`: a recorded handover, one clear line on any problem, never a traceback."""

import getpass
import subprocess
import sys
from pathlib import Path

import pytest

from rcrp_desktop.cli import main
from rcrp_desktop.domain.call.closure import Exported, note_from
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.identity import Handler, save_handler
from rcrp_desktop.storage.repository import Store

from .records import CASES, make_record, pages

HANDLER = Handler("PC 4821", "Sam Example", "call handler")


@pytest.fixture
def record(store: Store, packs: dict[str, Pack], data_dir: Path) -> int:
    save_handler(data_dir, HANDLER)  # the handler set in the app for this data folder
    return make_record(store, packs, CASES["place_of_safety"], incident="INC-CLI-0136")


def test_the_export_is_stamped_with_the_handler_never_the_computer_account(
    record: int, store: Store, data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pos.pdf"
    assert main(["export", str(record), "--recipient", "place_of_safety", "--out", str(out)]) == 0
    text = " ".join(pages(out)[0].split())
    assert f"Prepared by {HANDLER.stamp()}" in text
    assert getpass.getuser() not in text.replace(HANDLER.stamp(), "")
    assert store.events(record)[-1].user == HANDLER.stamp()
    by = "Sgt 1180 Alex Example"
    assert main(["export", str(record), "--recipient", "ambulance", "--text", "--by", by]) == 0
    assert store.events(record)[-1].user == by


def test_with_nobody_named_the_export_is_refused_in_one_line(
    record: int, store: Store, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "handler.json").unlink()
    before = len(store.events(record))
    assert main(["export", str(record), "--recipient", "ambulance", "--text"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--by" in err and "handler" in err
    assert len(store.events(record)) == before


def test_export_writes_the_pdf_and_records_it(
    record: int, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pos.pdf"
    code = main(["export", str(record), "--recipient", "place_of_safety", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "INC-CLI-0136" in pages(out)[0]
    last = store.events(record)[-1]
    note = note_from(last.kind, last.payload)
    assert isinstance(note, Exported) and note.file == "pos.pdf"
    assert note.sha256 in err and f"recorded as event {last.seq}" in err


def test_text_goes_to_standard_output_with_a_marking_and_redaction(
    record: int, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            str(record),
            "--recipient",
            "place_of_safety",
            "--text",
            "--marking",
            "OFFICIAL",
            "--redact-third-party",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == "OFFICIAL" and out.splitlines()[-1] == "OFFICIAL"
    assert "PC 2290 (attending officer), by radio" not in out
    assert "[redacted: third-party details]" in out
    note = note_from("exported", store.events(record)[-1].payload)
    assert isinstance(note, Exported)
    assert (note.document, note.file, note.redacted, note.marking) == (
        "handover_text",
        "(standard output)",
        True,
        "OFFICIAL",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--recipient", "police", "--out", "x.pdf"], "There is no recipient type 'police'"),
        (["--recipient", "ambulance"], "needs --out FILE.pdf"),
        (["--recipient", "ambulance", "--out", "/no/such/folder/x.pdf"], "no folder /no/such"),
        (["--recipient", "ambulance", "--text", "--marking", " "], "protective marking"),
    ],
)
def test_bad_requests_exit_2_with_one_line(
    args: list[str],
    message: str,
    record: int,
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    before = len(store.events(record))
    assert main(["export", str(record), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert len(store.events(record)) == before


def test_a_missing_record_is_a_bad_request(
    record: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["export", "999", "--recipient", "ambulance", "--out", str(tmp_path / "x.pdf")])
    assert code == 2 and "There is no record 999" in capsys.readouterr().err


def test_unprintable_text_is_one_line_and_exit_1_in_a_real_process(
    store: Store, packs: dict[str, Pack], tmp_path: Path, data_dir: Path
) -> None:
    record = make_record(store, packs, CASES["crisis_team"], changes={"ctx_why_now": ("محمد", "")})
    store.close()  # the command opens the store itself, as from a shell
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "rcrp_desktop",
            "--data-dir",
            str(data_dir),
            "export",
            str(record),
            "--recipient",
            "crisis_team",
            "--out",
            str(tmp_path / "x.pdf"),
            "--by",
            HANDLER.stamp(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 1
    assert "Traceback" not in child.stderr and len(child.stderr.strip().splitlines()) == 1
    assert "U+0645" in child.stderr and "right-to-left" in child.stderr
    assert not (tmp_path / "x.pdf").exists()
