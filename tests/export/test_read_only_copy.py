"""A handover made read-only: the same document as an export, but saying on every page that it
is a copy made read-only from a file, when and by whom, and not a disclosure; nothing is written
to the record, and its anchors check with `verify --anchors` as an export's do."""

import shutil
import stat
import subprocess
from pathlib import Path

import pypdf
import pytest

from rcrp_desktop.calls.export_copy import copy_handover
from rcrp_desktop.calls.exports import export_handover, record_export
from rcrp_desktop.cli import main
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export.anchors import read_anchors
from rcrp_desktop.export.errors import RequestError
from rcrp_desktop.export.handover import HandoverRequest, build_handover_pdf
from rcrp_desktop.export.source import load_source
from rcrp_desktop.storage.repository import Store
from tests.artifacts import artifacts

from .records import CASES, USER, make_record

COPIER = "DS 1180 Casey Example"
NOTICE = "READ-ONLY COPY made from "
NOT_RECORDED = "Not a disclosure recorded in the record: nothing was written to it."


def page_texts(path: Path) -> list[str]:
    """Each page's text, one line per line drawn (words joined by single spaces): pdftotext
    where poppler is installed, else pypdf."""
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
        )
        found = done.stdout.split("\f")[:-1]  # a form feed ends every page
    else:
        found = [page.extract_text() for page in pypdf.PdfReader(path).pages]
    return [" ".join(text.split()) for text in found]


@pytest.fixture
def record(store: Store, packs: dict[str, Pack]) -> int:
    return make_record(store, packs, CASES["place_of_safety"], incident="INC-COPY-0136")


def copy_request() -> HandoverRequest:
    return HandoverRequest("place_of_safety", prepared_by=COPIER)


def test_every_page_says_it_is_a_copy_from_which_file_when_and_by_whom(
    store: Store, record: int, tmp_path: Path
) -> None:
    before = store.events(record)
    out = tmp_path / "copy.pdf"
    result = copy_handover(store, record, copy_request(), out)
    texts = page_texts(out)
    assert result.pages == len(texts) > 1
    notice = f"{NOTICE}{store.path} on "
    for number, text in enumerate(texts, start=1):
        assert notice in text and f"by {COPIER}. {NOT_RECORDED}" in text, number
        assert f"Page {number} of {len(texts)}" in text
        assert f"Chain anchor: {result.anchor}" in text
    first = texts[0]
    assert first.count(notice) == 2  # under the title, and at the foot
    assert first.index(notice) < first.index("Incident reference")
    assert "Prepared by" not in first  # it prepares nothing for a partner: the copier is named
    assert store.events(record) == before  # not a byte recorded
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert (
        pypdf.PdfReader(out).metadata.title == "RCRP handover to a partner agency (read-only copy)"
    )


def test_it_prints_the_anchors_an_export_prints_and_verify_checks_them(
    store: Store, record: int, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copy_handover(store, record, copy_request(), tmp_path / "copy.pdf")
    exported = export_handover(
        store, record, HandoverRequest("place_of_safety", prepared_by=USER), tmp_path / "h.pdf"
    )
    note = exported.note
    assert copy.anchor == f"Record {record}, event {note.anchor_seq}, sha256 {note.anchor_hash}"
    as_printed = {(a.record_id, a.seq, a.digest) for a in read_anchors(tmp_path / "copy.pdf")}
    by_export = {(a.record_id, a.seq, a.digest) for a in read_anchors(tmp_path / "h.pdf")}
    assert as_printed == by_export == {(record, note.anchor_seq, note.anchor_hash)}
    store.close()
    code = main(["--data-dir", str(data_dir), "verify", "--anchors", str(tmp_path / "copy.pdf")])
    out = capsys.readouterr().out
    assert code == 0 and "1 outside anchor(s) match" in out


def test_the_plain_text_says_so_at_the_top_and_the_foot(
    store: Store, record: int, tmp_path: Path
) -> None:
    result = copy_handover(store, record, HandoverRequest("place_of_safety"), None, text=True)
    lines = result.text.splitlines()
    assert lines[0] == lines[-1] == "OFFICIAL-SENSITIVE"
    for line in (lines[1], lines[-2]):
        assert line.startswith(f"{NOTICE}{store.path} on ") and line.endswith(NOT_RECORDED)
        assert " by " not in line  # nobody named: nobody said
    assert result.path is None and result.pages == 0


def test_a_copy_is_never_recorded(store: Store, record: int, tmp_path: Path) -> None:
    """The application layer will not record a copy as a disclosure, whoever asks."""
    before = store.events(record)
    built = build_handover_pdf(
        load_source(store, record),
        HandoverRequest("place_of_safety", prepared_by=USER, copy_of=str(store.path)),
        tmp_path / "copy.pdf",
    )
    with pytest.raises(RequestError, match="never recorded"):
        record_export(store, built, USER)
    assert store.events(record) == before


@pytest.mark.parametrize("where", ["database", "log", "device"])
def test_it_is_never_written_over_the_records_or_a_device(
    store: Store, record: int, tmp_path: Path, where: str
) -> None:
    before = store.path.read_bytes()
    out = {
        "database": store.path,
        "log": store.path.with_name(store.path.name + "-wal"),
        "device": Path("/dev/null"),
    }[where]
    with pytest.raises(RequestError) as refused:
        copy_handover(store, record, copy_request(), out)
    said = str(refused.value)
    assert "Nothing was written" in said or "not a regular file" in said
    assert store.path.read_bytes() == before
    assert not list(tmp_path.glob("*.part"))


def test_a_copy_drawn_to_look_at(store: Store, record: int) -> None:
    """Drawn as a reader sees it ($RCRP_ARTIFACTS/pdf/read-only-copy-*.png): every page."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    folder = artifacts("pdf")
    for old in folder.glob("read-only-copy*"):
        old.unlink()
    pdf = folder / "read-only-copy.pdf"
    result = copy_handover(store, record, copy_request(), pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(folder / "read-only-copy")],
        check=True,
        timeout=120,
    )
    assert len(sorted(folder.glob("read-only-copy-*.png"))) == result.pages


def test_a_recorded_export_is_never_written_over_the_records_either(
    store: Store, record: int
) -> None:
    events = store.events(record)
    request = HandoverRequest("place_of_safety", prepared_by=USER)
    with pytest.raises(RequestError, match="the record database's own file"):
        export_handover(store, record, request, store.path)
    assert store.events(record) == events  # nothing recorded, the database still itself
    assert store.path.read_bytes().startswith(b"SQLite format 3\x00")
