"""`rcrp-desktop export`: a record's handover, recorded in the record; or, read-only (`export
--read-only`, `--read-only`, `--database`), a copy that records nothing (calls/export_copy.py)."""

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rcrp_desktop import paths
from rcrp_desktop.calls import gate
from rcrp_desktop.calls.export_copy import CopyResult, copy_handover
from rcrp_desktop.calls.exports import ExportResult, export_handover, export_handover_text
from rcrp_desktop.cli.exits import Exit, record_id
from rcrp_desktop.cli.records import BY_HELP, NobodyError, acting_handler, mode_of, read_store, told
from rcrp_desktop.cli.signing import signed_of
from rcrp_desktop.domain.pack.protocol import PackFinder
from rcrp_desktop.export.errors import ExportError, RequestError
from rcrp_desktop.export.handover import HandoverRequest
from rcrp_desktop.export.source import shipped_pack_finder
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import RecordNotFoundError, StorageError
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.repository import Store

logger = logging.getLogger(__name__)
R = TypeVar("R")


def add_export_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    export = commands.add_parser(
        "export",
        help="a record's handover for a partner agency (PDF, or --text), recorded in the record",
        description="Make a record's handover document for one recipient type and record the "
        "export in the record (what, to whom, when, the lawful basis and the file's SHA-256). "
        "With --read-only (before or after `export`) or --database FILE, make a read-only copy "
        "instead: the same document, saying on every page that it is a copy made read-only "
        "from that file, when and by whom, and not a disclosure recorded in the record; no "
        "lock is taken and nothing is written to the records. Recipient types: crisis_team, "
        "ambulance, hospital, amhp_adult_social_care, childrens_services, place_of_safety "
        "(resources/handover/recipients.toml).",
    )
    export.add_argument("record", type=record_id, help="the record id (see `rcrp-desktop list`)")
    export.add_argument("--recipient", required=True, metavar="TYPE", help="recipient type")
    export.add_argument("--out", type=Path, metavar="FILE", help="the file to write")
    export.add_argument("--marking", help="protective marking (default: OFFICIAL-SENSITIVE)")
    export.add_argument(
        "--redact-third-party", action="store_true", help="leave out third-party details"
    )
    export.add_argument("--basis", help="the lawful basis, if not the recipient type's own")
    export.add_argument(
        "--text", action="store_true", help="plain text, to --out or else standard output"
    )
    export.add_argument(
        "--by",
        metavar="WHO",
        help=BY_HELP + "; for a read-only copy, who made it (named in its notice if given)",
    )
    export.add_argument(
        "--read-only",
        action="store_true",
        # Not set unless given here: the global --read-only, given before `export`, stands.
        default=argparse.SUPPRESS,
        help="a read-only copy: recorded nowhere, no lock, nothing written to the records; "
        "every page says it is a copy (also with --read-only or --database before `export`)",
    )
    export.set_defaults(handler=export_command)


def export_command(args: argparse.Namespace, data_dir: Path) -> int:
    """Export and record a handover, or make a read-only copy; one line on any failure (exit
    2: the request is wrong)."""
    if not args.text and args.out is None:
        print("rcrp-desktop: a PDF handover needs --out FILE.pdf (or use --text)", file=sys.stderr)
        return Exit.USAGE
    find_pack = shipped_pack_finder(args.forms or paths.forms_dir(), data_dir)
    if args.read_only or args.database is not None:
        return _copy(args, data_dir, find_pack)
    mode = mode_of(args)
    try:
        by = acting_handler(args, data_dir)
    except NobodyError as error:
        print(f"rcrp-desktop: {error}", file=sys.stderr)
        return Exit.USAGE
    request = _request(args, by)

    def export() -> ExportResult:
        with InstanceLock(data_dir) as lock:
            told(lock)
            store = Store.open(database_path(data_dir, mode), mode, create=False)
            if (signed := signed_of(args)) is not None:  # the use case checks and logs it
                gate.attach(store, signed)
            try:
                if args.text:
                    return export_handover_text(
                        store, args.record, request, args.out, find_pack=find_pack
                    )
                return export_handover(store, args.record, request, args.out, find_pack=find_pack)
            finally:
                store.close()

    result = _said(args.record, export)
    if isinstance(result, int):
        return result
    _show(args, result.text)
    print(exported_line(args.record, result), file=sys.stderr)
    return Exit.OK


def _copy(args: argparse.Namespace, data_dir: Path, find_pack: PackFinder) -> int:
    """The read-only copy: no lock, nobody needs naming, nothing written but --out."""
    request = _request(args, (args.by or "").strip())

    def copy() -> CopyResult:
        store = read_store(args, data_dir, say=False)  # the line it ends on names the file
        if (signed := signed_of(args)) is not None:  # the use case checks and logs it
            gate.attach(store, signed)
        try:
            return copy_handover(
                store,
                args.record,
                request,
                args.out,
                text=args.text,
                find_pack=find_pack,
            )
        finally:
            store.close()

    result = _said(args.record, copy)
    if isinstance(result, int):
        return result
    _show(args, result.text)
    print(copied_line(args.record, result), file=sys.stderr)
    return Exit.OK


def _request(args: argparse.Namespace, by: str) -> HandoverRequest:
    return HandoverRequest(
        args.recipient,
        marking=args.marking,
        redact=args.redact_third_party,
        lawful_basis=args.basis or "",
        prepared_by=by,
    )


def _said(record: int, make: Callable[[], R]) -> R | int:
    """What `make` made, or the exit code once its failure is said in one line (2: the
    request is wrong). A storage failure goes up to the one line every command gives."""
    try:
        return make()
    except (RequestError, RecordNotFoundError) as error:
        print(f"rcrp-desktop: {error}", file=sys.stderr)
        return Exit.USAGE
    except ExportError as error:
        print(f"rcrp-desktop: {error}", file=sys.stderr)
        return Exit.PROBLEMS
    except (StorageError, KeyboardInterrupt):
        raise
    except Exception as error:  # a fault of ours: one line here, the traceback with --debug
        logger.debug("export of record %s failed", record, exc_info=True)
        print(f"rcrp-desktop: the handover could not be made ({error!r}).", file=sys.stderr)
        return Exit.PROBLEMS


def _show(args: argparse.Namespace, text: str) -> None:
    """Plain text asked for without --out goes to standard output."""
    if args.text and args.out is None:
        sys.stdout.write(text)
        sys.stdout.flush()


def exported_line(record: int, result: ExportResult) -> str:
    what = f"PDF, {result.pages} page(s)" if result.pages else "plain text"
    where = str(result.path) if result.path is not None else result.note.file
    return (
        f"exported: handover ({what}) for {result.agency} [{result.recipient.id}] to {where}; "
        f"sha256 {result.sha256}; recorded as event {result.event.seq} of record {record}"
    )


def copied_line(record: int, result: CopyResult) -> str:
    """What a read-only copy says it made: where, its hash, and the anchors it prints (for
    `verify --anchors`); and that nothing was recorded."""
    what = f"PDF, {result.pages} page(s)" if result.pages else "plain text"
    where = str(result.path) if result.path is not None else "standard output"
    log = f"; {result.log}" if result.log else ""
    return (
        f"copied read-only: handover ({what}) of {'training ' * result.training}record "
        f"{record} for {result.agency} "
        f"[{result.recipient.id}] to {where}; sha256 {result.sha256}; not recorded, nothing "
        f"written to {result.source}; chain anchor: {result.anchor}{log}"
    )
