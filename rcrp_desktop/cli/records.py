"""Command-line access to the decision record: verify, backup, restore, list, show, save a script
(`export` is export.py)."""

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.cli.exits import record_id, whole_number
from rcrp_desktop.cli.signing import refuse_by, signed_of
from rcrp_desktop.domain.call.closure import describe_note, note_from
from rcrp_desktop.domain.call.script import Script
from rcrp_desktop.domain.errors import ScriptError
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.storage import keyring_file
from rcrp_desktop.storage.access_store import encrypted_log_faults
from rcrp_desktop.storage.accounts import access_log_faults
from rcrp_desktop.storage.cipher import folder_key
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.identity import load_handler
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.records import Fault
from rcrp_desktop.storage.repository import Mode, Store, StoredEvent
from rcrp_desktop.storage.verify import check_anchors, verify

PROBLEMS = 1
USAGE = 2
logger = logging.getLogger(__name__)


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register the record commands on the main parser."""
    verify_cmd = commands.add_parser("verify", help="check integrity and every hash chain")
    verify_cmd.add_argument(
        "--anchors",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="handover PDFs, or text files of their printed anchor lines, to check the chains "
        "against: a record cut, deleted or rewritten since they left is caught",
    )
    verify_cmd.set_defaults(handler=verify_command)
    backup = commands.add_parser("backup", help="online backup of the records, then verified")
    backup.add_argument("destination", type=Path)
    backup.set_defaults(handler=backup_command)
    listing = commands.add_parser("list", help="the most recent records")
    listing.add_argument("--limit", type=whole_number(1, 100_000, "--limit"), default=50)
    listing.add_argument("--open", action="store_true", help="unfinished calls only")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    restore = commands.add_parser(
        "restore",
        help="put a backup in place of a damaged database (the damaged files are kept)",
        description="Check the backup (it must verify), move the database and any "
        "write-ahead log beside it aside as NAME.damaged-TIME (never deleted), copy the "
        "backup in its place and check it. The app must not be running.",
    )
    restore.add_argument("backup", type=Path, help="a file made by `rcrp-desktop backup`")
    restore.set_defaults(handler=restore_command)
    show = commands.add_parser("show", help="one record with its full event history")
    show.add_argument("record", type=record_id)
    show.add_argument("--json", action="store_true")
    show.add_argument(
        "--reason",
        default="",
        help="why you are reading a record someone else took (kept in the access log; asked "
        "for only where the data folder has accounts)",
    )
    show.set_defaults(handler=show_command)


BY_HELP = "who is doing this, e.g. 'PC 4821 Sam Example' (default: the handler set in the app)"


class NobodyError(Exception):
    """Nobody is named to stamp the record with: no --by, and no handler set in the app."""


def acting_handler(args: argparse.Namespace, data_dir: Path) -> str:
    """Who the record is stamped with: --by, else the handler set in the app for this data
    folder (never the computer's account: a shared PC's login is nobody in particular)."""
    signed = signed_of(args)
    if signed is not None:
        refuse_by(args, signed)
        return signed.stamp
    given = (getattr(args, "by", None) or "").strip()
    if given:
        return given
    try:
        handler = load_handler(data_dir)
    except StorageError as error:
        raise NobodyError(f"{error} Pass --by 'PC 1234 Name' instead.") from error
    if handler is None:
        raise NobodyError(
            "nobody is named to stamp the record with: set the handler in the app "
            "(Ctrl+Shift+I), or pass --by 'PC 1234 Name'."
        )
    return handler.stamp()


def told(lock: InstanceLock) -> None:
    """What taking the data folder did to it (made private), said on standard error."""
    if lock.notice:
        print(f"rcrp-desktop: {lock.notice}", file=sys.stderr)


def mode_of(args: argparse.Namespace) -> Mode:
    return "training" if args.training else "live"


def open_store(data_dir: Path, mode: Mode) -> Store:
    path = database_path(data_dir, mode)
    return Store.open(path, mode, create=False, readonly=True)


def read_store(args: argparse.Namespace, data_dir: Path, *, say: bool = True) -> Store:
    """The records a reading command reads, read-only: the file `--database` names (and, if
    `say`, which records it holds, on standard error), else the data folder's."""
    if args.database is None:
        return open_store(data_dir, mode_of(args))
    from rcrp_desktop.storage.named_file import open_named_file

    named = open_named_file(
        args.database, training=args.training, key=getattr(args, "database_key", None)
    )
    if say:
        print(f"rcrp-desktop: {named.line()}", file=sys.stderr)
    return named.store


def verify_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.export.anchors import read_anchors

    try:
        anchors = [a for path in args.anchors or [] for a in read_anchors(path)]
    except ExportError as error:
        print(f"rcrp-desktop: {error}", file=sys.stderr)
        return USAGE
    store = read_store(args, data_dir)
    try:
        faults = verify(store)
        faults += check_anchors(store, [(a.record_id, a.seq, a.digest, a.source) for a in anchors])
        records = len(store.record_rows())
    finally:
        store.close()
    if args.database is None:  # the data folder's access log beside its records
        faults += [Fault(f"access log: {line}") for line in access_log_faults(data_dir)]
        if key := folder_key(database_path(data_dir, mode_of(args))):
            faults += [Fault(f"access log: {line}") for line in encrypted_log_faults(data_dir, key)]
    if (signed := signed_of(args)) is not None:
        signed.log("store verified", f"{records} record(s); {len(faults)} fault(s)")
    if faults:
        print(f"FAILED: {faults[0]}")
        for fault in faults[1:]:
            print(f"  also: {fault}")
        return PROBLEMS
    checked = f"; {len(anchors)} outside anchor(s) match" if anchors else ""
    print(
        f"ok: {store.path}: {records} record(s); integrity, schema, foreign keys and every "
        f"hash chain verified{checked}"
    )
    return 0


def backup_command(args: argparse.Namespace, data_dir: Path) -> int:
    store = open_store(data_dir, mode_of(args))
    try:
        store.backup(args.destination)
        key = store.key
        if key:  # so the force recovery key opens it, wherever it goes
            keyring = keyring_file.load_keyring(data_dir)
            if keyring is not None:
                keyring_file.save_keyring_beside(args.destination, keyring)
    finally:
        store.close()
    copy = Store.open(args.destination, mode_of(args), create=False, readonly=True, key=key)
    try:
        faults = verify(copy)
    finally:
        copy.close()
    if (signed := signed_of(args)) is not None:
        signed.log("backup made", f"{args.destination}; {len(faults)} fault(s)")
    if faults:
        print(f"FAILED: the backup at {args.destination} does not verify: {faults[0]}")
        return PROBLEMS
    print(f"ok: backup written to {args.destination} and verified")
    return 0


def restore_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.storage.restore import restore

    mode = mode_of(args)
    with InstanceLock(data_dir) as lock:
        told(lock)
        database = database_path(data_dir, mode)
        done = restore(args.backup, database, mode, key=folder_key(database))
    if (signed := signed_of(args)) is not None:
        signed.log("database restored", f"{done.database} from {args.backup}")
    for kept in done.set_aside:
        print(f"set aside (kept): {kept}")
    print(f"ok: {done.database} restored from {args.backup}: {done.records} record(s), verified")
    return 0


def list_command(args: argparse.Namespace, data_dir: Path) -> int:
    store = read_store(args, data_dir)
    try:
        rows = store.unfinished(args.limit) if args.open else store.recent(args.limit)
    finally:
        store.close()
    signed = signed_of(args)
    if signed is not None:
        which = "unfinished" if args.open else "most recent"
        signed.log("records listed", f"{len(rows)} {which} (limit {args.limit})")
    if args.json:
        print(json.dumps([row._asdict() for row in rows], indent=2, ensure_ascii=False))
        return 0
    print(
        f"{'ID':>6}  {'CREATED (UTC)':<27} {'INCIDENT':<16} {'HANDLER':<14} {'PROTOCOL':<22} STATUS"
    )
    for row in rows:
        print(
            f"{row.id:>6}  {row.created_utc:<27} {row.incident_ref[:16]:<16} "
            f"{row.handler[:14]:<14} {row.pack_id + ' ' + row.pack_version:<22} {row.status}"
        )
    return 0


def show_command(args: argparse.Namespace, data_dir: Path) -> int:
    store = read_store(args, data_dir)
    try:
        header = store.record(args.record)
        signed = signed_of(args)
        if signed is not None:  # before anything of it is shown: logged, with the reason
            signed.consult(header.id, header.handler, args.reason)
        events = store.events(args.record)
    finally:
        store.close()
    if args.json:
        print(
            json.dumps(
                {"record": header._asdict(), "events": [e._asdict() for e in events]},
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(f"Record {header.id} ({header.mode}, {header.status}) incident {header.incident_ref}")
    print(
        f"Created {header.created_utc} by {header.handler}; protocol {header.pack_id} "
        f"{header.pack_version} sha256 {header.pack_hash}"
    )
    for event in events:
        print(
            f"{event.seq:>4}  {event.local}  {event.user:<12} {event.kind:<15} {summarise(event)}"
        )
    return 0


def summarise(event: StoredEvent) -> str:
    """One line of what an event says, for people reading the history."""
    data: dict[str, Any] = event.payload
    if event.kind in ("answer", "change", "rationale", "decide"):
        text = f"{data.get('node')} = {json.dumps(data.get('value'), ensure_ascii=False)}"
        if data.get("rationale"):
            text += f" because {data['rationale']!r}"
        if data.get("reason"):
            text += f" (changed: {data['reason']})"
        return text
    if event.kind == "question_shown":
        return str(data.get("node"))
    if event.kind == "recommendation":
        urgent = " URGENT" if data.get("urgent") else ""
        state = "final" if data.get("final") else "provisional"
        return f"{data.get('code')} ({state}){urgent}"
    if event.kind == "created":
        return f"{data.get('pack_id')} {data.get('pack_version')}"
    if event.kind == "exported":
        note = describe_note(note_from(event.kind, data), event.local)
        return note.removeprefix(f"{event.local[11:19]}  ")
    return json.dumps(data, ensure_ascii=False)[:120]


def save_script(
    script: Script, pack: Pack, data_dir: Path, mode: Mode, incident_ref: str, user: str
) -> int:
    """Store a scripted call as a record, step by step, each committed; the record id."""
    with InstanceLock(data_dir) as lock:
        told(lock)
        store = Store.open(database_path(data_dir, mode), mode)
        try:
            recorder = CallRecorder.start(store, pack, incident_ref=incident_ref, user=user)
            for number, step in enumerate(script.steps, start=1):
                try:
                    if step.reason:
                        recorder.change(step.node, step.answer, step.rationale, step.reason)
                    else:
                        recorder.answer(step.node, step.answer, step.rationale)
                except Exception as error:
                    if isinstance(error, StorageError):
                        raise
                    raise ScriptError(
                        f"{script.source}: step {number} ({step.node}): {error}"
                    ) from error
            return recorder.record_id
        finally:
            store.close()


def report(error: StorageError) -> int:
    print(f"rcrp-desktop: {error}", file=sys.stderr)
    return PROBLEMS
