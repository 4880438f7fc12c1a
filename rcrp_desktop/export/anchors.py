"""The chain anchors printed on documents that left the building, read back for `verify
--anchors`: from a handover PDF (its printed text, read with pypdf) or from a plain list of
the printed lines ("Record 12, event 44, sha256 ..."), one per line."""

import re
from dataclasses import dataclass
from pathlib import Path

from rcrp_desktop.export.errors import ExportError

ANCHOR = re.compile(r"Record (\d+), event (\d+), sha256 ([0-9a-f]{64})")
LOG_ANCHOR = re.compile(r"Anchor log entry (\d+), sha256 ([0-9a-f]{64})")
LOG = 0  # the record id an anchor-log entry is read under (no record has id 0)
MAX_LIST_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, order=True)
class Anchor:
    """One printed anchor: a record's event and its hash, and where it was read from."""

    record_id: int
    seq: int
    digest: str
    source: str


def read_anchors(path: Path) -> list[Anchor]:
    """Every distinct anchor in a PDF or a text file; ExportError if it cannot be read."""
    try:
        if not path.is_file():
            raise ExportError(f"{path}: not a regular file")
        with path.open("rb") as handle:
            head = handle.read(5)
        text = _pdf_text(path) if head == b"%PDF-" else _list_text(path)
    except OSError as error:
        raise ExportError(f"{path}: cannot read: {error.strerror or error}") from error
    found = {
        Anchor(int(record), int(seq), digest, path.name)
        for record, seq, digest in ANCHOR.findall(text)
    } | {Anchor(LOG, int(entry), digest, path.name) for entry, digest in LOG_ANCHOR.findall(text)}
    if not found:
        raise ExportError(f'{path}: no chain anchor ("Record N, event S, sha256 ...") in it')
    return sorted(found)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        # The anchor is printed at the foot of every page; its text may wrap across lines.
        return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as error:
        raise ExportError(f"{path}: not a PDF that can be read ({error})") from error


def _list_text(path: Path) -> str:
    with path.open("rb") as handle:
        data = handle.read(MAX_LIST_BYTES + 1)
    if len(data) > MAX_LIST_BYTES:
        raise ExportError(f"{path}: too large for a list of anchors")
    return data.decode("utf-8", errors="replace")
