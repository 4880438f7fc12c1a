"""Export a handover and record it (R23): the use case, over the export builders.

    source = load_source(store, record_id, find_pack)       # GUI thread: reads the record
    built = build_handover_pdf(source, request, path)       # any thread: no database
    result = record_export(store, built, user)              # GUI thread: one durable commit

`export_handover` does all three. The file is removed again if the export cannot be recorded:
the record lists only whole exports, and every whole export is in the record.
"""

import contextlib
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from rcrp_desktop.calls import gate
from rcrp_desktop.calls.commands import RecordNote
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.calls.records import refuse_if_read_only
from rcrp_desktop.domain.call.closure import Exported
from rcrp_desktop.domain.pack.protocol import PackFinder
from rcrp_desktop.export.errors import RequestError
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
from rcrp_desktop.storage.before_open import side_file
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.repository import NewEvent, Store, StoredEvent


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


def record_export(
    store: Store, built: Built, user: str, recorder: CallRecorder | None = None
) -> ExportResult:
    """Record the export in the record (R23); if that fails, the file is removed again.

    Pass the record's open `CallRecorder`, if there is one, so that its notes stay current.
    A read-only copy (calls/export_copy.py) is never recorded: it says so on every page.
    """
    handover = built.handover
    if handover.copy is not None:
        raise RequestError("A read-only copy is not a disclosure: it is never recorded.")
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
        refuse_if_read_only(store)  # a StorageError: the file goes, as on any failure here
        gate.require(store, "record.export")  # so does a refusal (logged)
        if recorder is not None and recorder.record_id == handover.record_id:
            command = RecordNote(record_id=recorder.record_id, note=note)
            event = recorder.execute(command).events[0]
        else:
            event = store.append(handover.record_id, [NewEvent("exported", asdict(note))], user)[0]
    except StorageError:
        if built.path is not None:
            with contextlib.suppress(OSError):
                built.path.unlink()
        raise
    signed = gate.gate_of(store)
    if signed is not None:  # s.62: the disclosure in the access log, with its lawful basis
        signed.disclose(handover.record_id, handover.recipient.id, handover.lawful_basis)
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
    request: HandoverRequest,
    out_path: Path,
    *,
    find_pack: PackFinder | None = None,
    recorder: CallRecorder | None = None,
) -> ExportResult:
    """Read the record, build its handover PDF as `request` asks, write it, record the export."""
    refuse_if_read_only(store)  # an export is recorded, or not made: refused before the file
    gate.require(store, "record.export")
    refuse_over_the_records(store, out_path)
    request = _prepared(request)
    source = load_source(store, record_id, find_pack)
    built = build_handover_pdf(source, request, out_path)
    return record_export(store, built, request.prepared_by, recorder)


def export_handover_text(
    store: Store,
    record_id: int,
    request: HandoverRequest,
    out_path: Path | None = None,
    *,
    shown_as: str = STANDARD_OUTPUT,
    find_pack: PackFinder | None = None,
    recorder: CallRecorder | None = None,
) -> ExportResult:
    """The plain-text handover, saved to `out_path` or returned in `.text`; recorded."""
    refuse_if_read_only(store)
    gate.require(store, "record.export")
    if out_path is not None:
        refuse_over_the_records(store, out_path)
    request = _prepared(request)
    source = load_source(store, record_id, find_pack)
    built = build_handover_text(source, request, out_path, shown_as=shown_as)
    return record_export(store, built, request.prepared_by, recorder)


def refuse_over_the_records(store: Store, out_path: Path) -> None:
    """A handover is never saved as the record database or its log: saved whole, it would
    take the records' place (a name typed wrong, or the backup named twice)."""
    target = out_path.expanduser().absolute()
    for kept in (store.path, side_file(store.path, "wal"), side_file(store.path, "shm")):
        if os.path.realpath(target) == os.path.realpath(kept) or (
            target.exists() and kept.exists() and target.samefile(kept)
        ):
            raise RequestError(
                f"{out_path} is the record database's own file ({kept}): give the handover "
                "a file name of its own. Nothing was written."
            )


def _prepared(request: HandoverRequest) -> HandoverRequest:
    """The request, which must name who prepared it (a handover is signed by a person)."""
    if not request.prepared_by.strip():
        raise RequestError("A handover names who prepared it: no handler was given.")
    return request
