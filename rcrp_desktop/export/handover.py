"""Build a handover from a stored record and write it atomically (R21, R22).

The first two of three steps (the third, recording the export, is the application layer's:
rcrp_desktop/calls/exports.py), so that a window can keep the slow one off its GUI thread:

    source = load_source(store, record_id, find_pack)       # GUI thread: reads the record
    built = build_handover_pdf(source, request, path)       # any thread: no database

The file is complete on disk (temporary file in the same folder, fsync, rename) before the
export is recorded, and removed again if it cannot be recorded.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rcrp_desktop.export.content import build_handover
from rcrp_desktop.export.errors import RequestError
from rcrp_desktop.export.files import check_destination, write_atomically
from rcrp_desktop.export.model import Handover
from rcrp_desktop.export.plain import render_text
from rcrp_desktop.export.recipients import Recipient, Templates, load_templates
from rcrp_desktop.export.source import ExportSource

PDF, TEXT = "handover_pdf", "handover_text"
STANDARD_OUTPUT = "(standard output)"
MAX_MARKING = 60


@dataclass(frozen=True)
class Built:
    """A handover made and (for a file) safely on disk, not yet recorded as exported."""

    handover: Handover
    document: str  # PDF or TEXT
    data: bytes  # exactly what was written or is to be shown
    pages: int  # 0 for text
    path: Path | None  # None: shown or copied rather than saved
    shown_as: str  # the file name, or where the text went

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class HandoverRequest:
    """What a handover is asked to be: for which recipient type (an id or a Recipient), marked
    how, whether third parties are left out, on what basis, prepared by whom and when.

    `copy_of` names the database file of a read-only copy (calls/export_copy.py): every page
    then says it is a copy, made from that file, and not a disclosure recorded in the record.
    """

    recipient: Recipient | str
    marking: str | None = None
    redact: bool = False
    lawful_basis: str = ""
    prepared_by: str = ""
    now: datetime | None = None
    copy_of: str = ""


def handover_of(
    source: ExportSource, request: HandoverRequest, templates: Templates | None = None
) -> Handover:
    """The handover's content for a request."""
    chosen = templates or load_templates()
    recipient = request.recipient
    if isinstance(recipient, str):
        recipient = chosen.recipient(recipient)
    marking = chosen.marking if request.marking is None else request.marking
    return build_handover(
        source,
        recipient,
        chosen,
        marking=check_marking(marking),
        redact=request.redact,
        lawful_basis=request.lawful_basis,
        prepared_by=request.prepared_by,
        now=request.now,
        copy_of=request.copy_of,
    )


def build_handover_pdf(
    source: ExportSource, request: HandoverRequest, out_path: Path, *, invariant: bool = False
) -> Built:
    """Build the PDF and write it atomically to `out_path`. Touches no database: any thread."""
    from rcrp_desktop.export.pdf import render_pdf  # reportlab loads only when a PDF is made

    destination = check_destination(out_path)
    handover = handover_of(source, request)
    rendered = render_pdf(handover, invariant=invariant)
    write_atomically(destination, rendered.data)
    return Built(handover, PDF, rendered.data, rendered.pages, destination, destination.name)


def build_handover_text(
    source: ExportSource,
    request: HandoverRequest,
    out_path: Path | None = None,
    *,
    shown_as: str = STANDARD_OUTPUT,
) -> Built:
    """The plain-text handover, written atomically to `out_path` when one is given."""
    destination = check_destination(out_path) if out_path is not None else None
    handover = handover_of(source, request)
    data = render_text(handover).encode("utf-8")
    if destination is not None:
        write_atomically(destination, data)
    label = destination.name if destination is not None else shown_as
    return Built(handover, TEXT, data, 0, destination, label)


def check_marking(marking: str) -> str:
    """A protective marking: one line of printable text, at most MAX_MARKING characters."""
    cleaned = " ".join(marking.split())
    if not cleaned or len(cleaned) > MAX_MARKING or not cleaned.isprintable():
        raise RequestError(
            f"The protective marking must be one line of 1 to {MAX_MARKING} printable "
            f"characters (for example OFFICIAL-SENSITIVE), not {marking[:80]!r}."
        )
    return cleaned
