"""Marking, identity and integrity on every page, clean metadata, same bytes, atomic export.

RELIABILITY.md P3 (marking top and bottom of every page, from config), P5 (record, page n of
m, generation time and chain anchor on every page; the anchor reproduces from the database),
P6 (no personal data in the metadata, nothing active in the file), P7 (same input, same
bytes: checked within one machine), P9 (a kill part-way leaves no final file and no record).
"""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from rcrp_desktop.calls.exports import export_handover
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.export.handover import HandoverRequest, build_handover_pdf, handover_of
from rcrp_desktop.export.pdf import render_pdf
from rcrp_desktop.export.recipients import load_templates, templates_path
from rcrp_desktop.export.source import load_source
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import verify

from .records import CASES, USER, make_record, pages

LONG = " ".join(f"fact{n:04d}" for n in range(900))  # makes the document run to more pages


def positions(path: Path, needle: str) -> list[list[float]]:
    """For each page, the heights (points from the bottom) at which `needle` is drawn."""
    found: list[list[float]] = []
    for page in pypdf.PdfReader(path).pages:
        heights: list[float] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            if needle in text:
                heights.append(cm[5] + tm[5])  # noqa: B023 (used at once, in this loop)

        page.extract_text(visitor_text=visit)
        found.append(heights)
    return found


@pytest.fixture
def record(store: Store, packs: dict[str, Pack]) -> int:
    return make_record(store, packs, CASES["crisis_team"], changes={"thr_life": ("no", LONG)})


def test_the_marking_is_at_the_top_and_bottom_of_every_page(
    store: Store, record: int, tmp_path: Path
) -> None:
    result = export_handover(
        store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
    )
    assert result.pages >= 6  # overflow pages and the appendix included
    for number, heights in enumerate(positions(tmp_path / "h.pdf", "OFFICIAL-SENSITIVE"), 1):
        assert len(heights) == 2, number
        assert max(heights) > 800 and min(heights) < 40, (number, heights)


def test_the_marking_comes_from_configuration_or_the_caller(
    store: Store, record: int, tmp_path: Path
) -> None:
    configured = tmp_path / "recipients.toml"
    configured.write_text(
        templates_path()
        .read_text(encoding="utf-8")
        .replace('marking = "OFFICIAL-SENSITIVE"', 'marking = "OFFICIAL"'),
        encoding="utf-8",
    )
    source = load_source(store, record)
    handover = handover_of(source, HandoverRequest("crisis_team"), load_templates(configured))
    (tmp_path / "c.pdf").write_bytes(render_pdf(handover).data)
    assert all(len(h) == 2 for h in positions(tmp_path / "c.pdf", "OFFICIAL"))
    assert not any("SENSITIVE" in page for page in pages(tmp_path / "c.pdf"))
    export_handover(
        store,
        record,
        HandoverRequest("crisis_team", marking="OFFICIAL-SENSITIVE PERSONAL", prepared_by=USER),
        tmp_path / "m.pdf",
    )
    marked = positions(tmp_path / "m.pdf", "OFFICIAL-SENSITIVE PERSONAL")
    assert all(len(h) == 2 for h in marked)


def test_every_page_carries_its_number_the_anchor_the_pack_and_the_time(
    store: Store, record: int, tmp_path: Path
) -> None:
    last = store.events(record)[-1]
    result = export_handover(
        store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
    )
    every = pages(tmp_path / "h.pdf")
    generated = re.search(r"Generated (\S+ \S+)", every[0])
    assert generated is not None
    for number, text in enumerate(every, start=1):
        assert f"Page {number} of {len(every)}" in text
        assert f"Record {record}, event {last.seq}, sha256 {last.hash}" in text
        assert "rcrp-england 2.1.0" in text and f"Generated {generated.group(1)}" in text
        assert f"Record {record}" in text
    # The anchor is the record's last event before the export, and reproduces from the store.
    assert (result.note.anchor_seq, result.note.anchor_hash) == (last.seq, last.hash)
    assert store.events(record)[last.seq - 1].hash == last.hash
    assert verify(store) == []


def test_the_metadata_holds_no_personal_data_and_nothing_is_active(
    store: Store, record: int, tmp_path: Path
) -> None:
    export_handover(
        store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
    )
    reader = pypdf.PdfReader(tmp_path / "h.pdf")
    source = load_source(store, record)
    personal = [
        source.header.incident_ref,
        USER,
        "Martin Sample",
        "Testshire and Sampleton",
        "Nurse A. Example",
        "07700",
    ]
    info = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
    assert set(info) <= {
        "/Title",
        "/Author",
        "/Subject",
        "/Creator",
        "/Producer",
        "/Keywords",
        "/CreationDate",
        "/ModDate",
        "/Trapped",
    }
    for value in info.values():
        assert not any(item in value for item in personal), value
    root = reader.trailer["/Root"]
    assert "/Metadata" not in root and "/Names" not in root  # no XMP, no embedded files
    assert "/OpenAction" not in root and "/AA" not in root
    assert all("/Annots" not in page for page in reader.pages)  # no links
    active = {
        "/JavaScript",
        "/JS",
        "/URI",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/XFA",
        "/AA",
        "/OpenAction",
        "/Annots",
        "/A",
        "/Metadata",
    }
    walked = []
    for number in range(1, int(reader.trailer["/Size"])):
        found = reader.get_object(number)
        if isinstance(found, dict):
            assert not active & set(found), (number, sorted(found))
            walked.append(found.get("/Type"))
    assert walked.count("/Page") == len(reader.pages)  # every object was looked at


def test_the_same_record_gives_the_same_bytes(store: Store, record: int, tmp_path: Path) -> None:
    source = load_source(store, record)
    when = source.header.created_utc.replace("Z", "+00:00")
    from datetime import datetime

    now = datetime.fromisoformat(when)
    one = build_handover_pdf(
        source, HandoverRequest("crisis_team", now=now), tmp_path / "1.pdf", invariant=True
    )
    two = build_handover_pdf(
        source, HandoverRequest("crisis_team", now=now), tmp_path / "2.pdf", invariant=True
    )
    assert one.data == two.data and one.sha256 == two.sha256


def test_a_failed_write_leaves_nothing_and_records_nothing(
    store: Store, record: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    before = len(store.events(record))

    def refuse(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ExportError, match="No space left"):
        export_handover(
            store, record, HandoverRequest("crisis_team", prepared_by=USER), out / "h.pdf"
        )
    assert list(out.iterdir()) == [] and len(store.events(record)) == before


def test_an_export_that_cannot_be_recorded_removes_its_file(
    store: Store, record: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise StorageError("The database is locked.")

    monkeypatch.setattr(store, "append", refuse)
    with pytest.raises(StorageError):
        export_handover(
            store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
        )
    assert not (tmp_path / "h.pdf").exists()


KILLED_MID_EXPORT = """
import os, signal, sys
from pathlib import Path
from rcrp_desktop.calls.exports import export_handover
from rcrp_desktop.export.handover import HandoverRequest
from rcrp_desktop.storage.repository import Store

def die(*_):
    os.kill(os.getpid(), signal.SIGKILL)  # after the data is written, before the rename

os.replace = die
store = Store.open(Path(sys.argv[1]), "live")
request = HandoverRequest("crisis_team", prepared_by="PC 1")
export_handover(store, int(sys.argv[2]), request, Path(sys.argv[3]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_kill_mid_export_leaves_no_final_file_and_no_record(
    store: Store, record: int, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "h.pdf"
    target.parent.mkdir()
    before = len(store.events(record))
    child = subprocess.run(
        [sys.executable, "-c", KILLED_MID_EXPORT, str(store.path), str(record), str(target)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert not target.exists()
    leftovers = list(target.parent.iterdir())
    assert all(p.name.startswith(".h.pdf.") and p.suffix == ".part" for p in leftovers)
    assert len(store.events(record)) == before and verify(store) == []


def test_the_dejavu_family_is_registered_so_bold_is_a_real_face(
    store: Store, record: int, tmp_path: Path
) -> None:
    from reportlab.lib.fonts import tt2ps

    from rcrp_desktop.export import fonts

    fonts.register()
    assert tt2ps(fonts.FAMILY, 1, 0) == fonts.BOLD
    assert tt2ps(fonts.FAMILY, 0, 1) == fonts.ITALIC
    assert tt2ps(fonts.FAMILY, 1, 1) == fonts.BOLD_ITALIC
    export_handover(
        store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
    )
    used = set()
    for page in pypdf.PdfReader(tmp_path / "h.pdf").pages:
        for font in page["/Resources"]["/Font"].values():
            used.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    # Embedded subsets of the bundled faces only: no built-in Helvetica, no ZapfDingbats.
    assert used == {"DejaVuSans", "DejaVuSans-Bold"}, used


def test_a_training_record_s_handover_says_training_on_every_page(
    data_dir: Path, packs: dict[str, Pack], tmp_path: Path
) -> None:
    from rcrp_desktop.storage.data import database_path

    training = Store.open(database_path(data_dir, "training"), "training")
    try:
        record = make_record(
            training, packs, CASES["crisis_team"], changes={"thr_life": ("no", LONG)}
        )
        export_handover(
            training, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "t.pdf"
        )
    finally:
        training.close()
    texts = pages(tmp_path / "t.pdf")
    assert len(texts) >= 2
    for number, text in enumerate(texts, 1):
        # The running header and the diagonal watermark, on top of the marking.
        assert text.count("TRAINING") >= 2, number
        assert "OFFICIAL-SENSITIVE" in text
