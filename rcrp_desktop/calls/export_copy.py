"""A handover made read-only: an investigator's copy from a backup or read-only media.

The same document an export makes, from the same record and options, written the same way
(whole or not at all, owner-only, never over a device: export/files.py), but recorded nowhere:
no event, no lock, not a byte written to the record database. So that it can never pass for a
disclosure, every page says it is a read-only copy, from which file, when and by whom; it
prints the record's chain anchor and the anchor log's head as an export does, so `verify
--anchors` checks it.

    source = load_source(store, record_id, find_pack)             # GUI thread: reads the record
    built = build_handover_pdf(source, as_copy(store, request), path)   # any thread
    result = copy_made(store, built)      # nothing in the record; in the access log, if signed in
"""

from dataclasses import dataclass, replace
from pathlib import Path

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.exports import refuse_over_the_records
from rcrp_desktop.domain.pack.protocol import PackFinder
from rcrp_desktop.export.handover import (
    STANDARD_OUTPUT,
    TEXT,
    Built,
    HandoverRequest,
    build_handover_pdf,
    build_handover_text,
)
from rcrp_desktop.export.recipients import Recipient
from rcrp_desktop.export.source import load_source
from rcrp_desktop.storage.repository import Store


@dataclass(frozen=True)
class CopyResult:
    """A read-only copy made: the file (if any), its hash, and the anchors it prints."""

    path: Path | None
    sha256: str
    pages: int  # 0 for text
    text: str  # the plain-text copy; empty for a PDF
    recipient: Recipient
    agency: str
    training: bool  # a training record's (the document is marked TRAINING)
    source: str  # the record database it was read from, as its notice names it
    anchor: str  # "Record N, event S, sha256 ..."
    log: str  # "Anchor log entry N, sha256 ..."; "" while no record has been closed


def as_copy(store: Store, request: HandoverRequest) -> HandoverRequest:
    """The request as a read-only copy of `store`'s record: its notice names the file."""
    return replace(request, copy_of=str(store.path))


def copied(built: Built) -> CopyResult:
    """What was made, as a copy; nothing is recorded."""
    handover = built.handover
    assert handover.copy is not None, "made as a copy (as_copy)"
    return CopyResult(
        built.path,
        built.sha256,
        built.pages,
        built.data.decode("utf-8") if built.document == TEXT else "",
        handover.recipient,
        handover.agency,
        handover.training,
        handover.copy.source,
        handover.anchor_line(),
        handover.log_line(),
    )


def copy_made(store: Store, built: Built) -> CopyResult:
    """What was made, as a copy, and, where someone is signed in, in the access log."""
    made = copied(built)
    gates.copied(store, built.handover.record_id, f"for {made.agency}")
    return made


def copy_handover(
    store: Store,
    record_id: int,
    request: HandoverRequest,
    out_path: Path | None,
    *,
    text: bool = False,
    shown_as: str = STANDARD_OUTPUT,
    find_pack: PackFinder | None = None,
) -> CopyResult:
    """Read the record and make its handover as a read-only copy: the PDF to `out_path`, or
    (`text`) the plain text to `out_path` or returned in `.text`. Writes nothing but that file.

    Who made it, if said, is `request.prepared_by`: a copy needs nobody named.
    """
    gates.require(store, "record.export")
    if out_path is not None:
        refuse_over_the_records(store, out_path)
    source = load_source(store, record_id, find_pack)
    request = as_copy(store, request)
    if text:
        return copy_made(store, build_handover_text(source, request, out_path, shown_as=shown_as))
    assert out_path is not None, "a PDF is written to a file"
    return copy_made(store, build_handover_pdf(source, request, out_path))
