"""Export a handover from a stored record: build it, write it atomically, then record it (R23).

Three steps, so that a window can keep the slow one off its GUI thread:

    source = load_source(store, record_id, find_pack)       # GUI thread: reads the record
    built = build_handover_pdf(source, recipient, path)     # any thread: no database
    result = record_export(store, built, user)              # GUI thread: one durable commit

`export_handover` does all three. The file is complete on disk (temporary file in the same
folder, fsync, rename) before the export is recorded, and removed again if it cannot be
recorded: a kill part-way leaves no partial file, and the record lists only whole exports.
"""

import contextlib
import getpass
import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from rcrp_desktop.domain.closure import Exported
from rcrp_desktop.export.content import build_handover
from rcrp_desktop.export.errors import RequestError
from rcrp_desktop.export.files import check_destination, write_atomically
from rcrp_desktop.export.model import Handover
from rcrp_desktop.export.plain import render_text
from rcrp_desktop.export.recipients import Recipient, Templates, load_templates
from rcrp_desktop.export.source import ExportSource, load_source
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.recorder import CallRecorder, PackFinder
from rcrp_desktop.storage.repository import NewEvent, Store, StoredEvent

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
class ExportResult:
    """A recorded export: the file (if any), its hash, and the event that records it."""

    path: Path | None
    sha256: str
    pages: int
    text: str  # the plain-text handover; empty for a PDF
    recipient: Recipient
    agency: str
    note: Exported
    event: StoredEvent


def handover_for(
    source: ExportSource,
    recipient: Recipient | str,
    *,
    marking: str | None = None,
    redact: bool = False,
    lawful_basis: str = "",
    prepared_by: str = "",
    now: datetime | None = None,
    templates: Templates | None = None,
) -> Handover:
    """The handover's content for this recipient type (an id or a Recipient)."""
    chosen = templates or load_templates()
    if isinstance(recipient, str):
        recipient = chosen.recipient(recipient)
    return build_handover(
        source,
        recipient,
        chosen,
        marking=check_marking(chosen.marking if marking is None else marking),
        redact=redact,
        lawful_basis=lawful_basis,
        prepared_by=prepared_by,
        now=now,
    )


def handover_text(
    source: ExportSource,
    recipient: Recipient | str,
    *,
    marking: str | None = None,
    redact: bool = False,
    lawful_basis: str = "",
    prepared_by: str = "",
    now: datetime | None = None,
) -> str:
    """The plain-text handover (the PDF's content), neither written nor recorded."""
    return render_text(
        handover_for(
            source,
            recipient,
            marking=marking,
            redact=redact,
            lawful_basis=lawful_basis,
            prepared_by=prepared_by,
            now=now,
        )
    )


def build_handover_pdf(
    source: ExportSource,
    recipient: Recipient | str,
    out_path: Path,
    *,
    marking: str | None = None,
    redact: bool = False,
    lawful_basis: str = "",
    prepared_by: str = "",
    now: datetime | None = None,
    invariant: bool = False,
) -> Built:
    """Build the PDF and write it atomically to `out_path`. Touches no database: any thread."""
    from rcrp_desktop.export.pdf import render_pdf  # reportlab loads only when a PDF is made

    destination = check_destination(out_path)
    handover = handover_for(
        source,
        recipient,
        marking=marking,
        redact=redact,
        lawful_basis=lawful_basis,
        prepared_by=prepared_by,
        now=now,
    )
    rendered = render_pdf(handover, invariant=invariant)
    write_atomically(destination, rendered.data)
    return Built(handover, PDF, rendered.data, rendered.pages, destination, destination.name)


def build_handover_text(
    source: ExportSource,
    recipient: Recipient | str,
    out_path: Path | None = None,
    *,
    shown_as: str = STANDARD_OUTPUT,
    marking: str | None = None,
    redact: bool = False,
    lawful_basis: str = "",
    prepared_by: str = "",
    now: datetime | None = None,
) -> Built:
    """The plain-text handover, written atomically to `out_path` when one is given."""
    destination = check_destination(out_path) if out_path is not None else None
    handover = handover_for(
        source,
        recipient,
        marking=marking,
        redact=redact,
        lawful_basis=lawful_basis,
        prepared_by=prepared_by,
        now=now,
    )
    data = render_text(handover).encode("utf-8")
    if destination is not None:
        write_atomically(destination, data)
    label = destination.name if destination is not None else shown_as
    return Built(handover, TEXT, data, 0, destination, label)


def record_export(
    store: Store, built: Built, user: str, recorder: CallRecorder | None = None
) -> ExportResult:
    """Record the export in the record (R23); if that fails, the file is removed again.

    Pass the record's open `CallRecorder`, if there is one, so that its notes stay current.
    """
    handover = built.handover
    note = Exported(
        document=built.document,
        recipient=handover.recipient.id,
        agency=handover.agency,
        lawful_basis=handover.lawful_basis,
        sha256=built.sha256,
        file=built.shown_as,
        contents=handover.contents,
        redacted=handover.redacted,
        marking=handover.marking,
        anchor_seq=handover.anchor_seq,
        anchor_hash=handover.anchor_hash,
    )
    try:
        if recorder is not None and recorder.record_id == handover.record_id:
            recorder.record(note)
            event = recorder.last_committed[0]
        else:
            event = store.append(handover.record_id, [NewEvent("exported", asdict(note))], user)[0]
    except StorageError:
        if built.path is not None:
            with contextlib.suppress(OSError):
                built.path.unlink()
        raise
    text = built.data.decode("utf-8") if built.document == TEXT else ""
    return ExportResult(
        built.path,
        built.sha256,
        built.pages,
        text,
        handover.recipient,
        handover.agency,
        note,
        event,
    )


def export_handover(
    store: Store,
    record_id: int,
    recipient: Recipient | str,
    out_path: Path,
    *,
    marking: str | None = None,
    redact: bool = False,
    lawful_basis: str = "",
    user: str | None = None,
    find_pack: PackFinder | None = None,
    recorder: CallRecorder | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Read the record, build its handover PDF for `recipient`, write it, record the export."""
    who = user or getpass.getuser()
    source = load_source(store, record_id, find_pack)
    built = build_handover_pdf(
        source,
        recipient,
        out_path,
        marking=marking,
        redact=redact,
        lawful_basis=lawful_basis,
        prepared_by=who,
        now=now,
    )
    return record_export(store, built, who, recorder)


def export_handover_text(
    store: Store,
    record_id: int,
    recipient: Recipient | str,
    out_path: Path | None = None,
    *,
    shown_as: str = STANDARD_OUTPUT,
    marking: str | None = None,
    redact: bool = False,
    lawful_basis: str = "",
    user: str | None = None,
    find_pack: PackFinder | None = None,
    recorder: CallRecorder | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """The plain-text handover, saved to `out_path` or returned in `.text`; recorded."""
    who = user or getpass.getuser()
    source = load_source(store, record_id, find_pack)
    built = build_handover_text(
        source,
        recipient,
        out_path,
        shown_as=shown_as,
        marking=marking,
        redact=redact,
        lawful_basis=lawful_basis,
        prepared_by=who,
        now=now,
    )
    return record_export(store, built, who, recorder)


def check_marking(marking: str) -> str:
    """A protective marking: one line of printable text, at most MAX_MARKING characters."""
    cleaned = " ".join(marking.split())
    if not cleaned or len(cleaned) > MAX_MARKING or not cleaned.isprintable():
        raise RequestError(
            f"The protective marking must be one line of 1 to {MAX_MARKING} printable "
            f"characters (for example OFFICIAL-SENSITIVE), not {marking[:80]!r}."
        )
    return cleaned
