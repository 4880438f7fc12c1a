"""`bundle station|status|export`: the records not yet sent to the force's central store, and
the next bundle of them, signed by this station and sealed to the force."""

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rcrp_desktop.cli.exits import Exit
from rcrp_desktop.cli.signing import add_who, signed_of

if TYPE_CHECKING:
    from rcrp_desktop.storage.repository import Store


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    bundle = commands.add_parser(
        "bundle", help="records leaving this PC for the force's central store, as bundles"
    )
    actions = bundle.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    station = actions.add_parser(
        "station", help="this station's id and public key, for the force to register"
    )
    station.set_defaults(handler=station_command)
    status = actions.add_parser("status", help="the records with events not yet in a bundle")
    add_who(status)
    status.set_defaults(handler=status_command)
    export = actions.add_parser(
        "export", help="every event not yet bundled, as the next bundle (written whole, 0600)"
    )
    export.add_argument("--out", type=Path, required=True, metavar="FILE", help="a new file")
    export.add_argument(
        "--to",
        type=Path,
        metavar="PEM",
        help="the force's public key the bundle is sealed to (default: force-bundle-public.pem "
        "in the data folder, put there by the force's install)",
    )
    add_who(export)
    export.set_defaults(handler=export_command)


def station_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.bundles import this_station

    station = this_station(data_dir)
    print(f"station {station.station}")
    sys.stdout.write(station.public_pem.decode("ascii"))
    return Exit.OK


def status_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.bundles import waiting
    from rcrp_desktop.cli.records import open_store

    store = open_store(data_dir, "live")
    _attach(args, store)
    try:
        left = waiting(store, data_dir)
    finally:
        store.close()
    print(f"station {left.station}: {left.last_sequence} bundle(s) made so far")
    if not left.records:
        print("every event has left in a bundle")
    for uid, incident, events in left.records:
        print(f"{uid}\t{incident}\t{events} event(s) not yet bundled")
    return Exit.OK


def export_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.bundles import export_bundle
    from rcrp_desktop.storage.bundles import FORCE_KEY_FILE, load_force_key
    from rcrp_desktop.storage.data import database_path
    from rcrp_desktop.storage.lock import InstanceLock
    from rcrp_desktop.storage.repository import Store

    force = load_force_key(args.to or data_dir / FORCE_KEY_FILE)
    with InstanceLock(data_dir):
        store = Store.open(database_path(data_dir, "live"), "live", create=False)
        _attach(args, store)
        try:
            made = export_bundle(store, data_dir, args.out, force)
        finally:
            store.close()
    again = " (the one a stopped export had begun, made again)" if made.again else ""
    print(
        f"ok: bundle {made.sequence}{again} written to {made.path}: {made.events} event(s) of "
        f"{made.records} record(s), sha256 {made.bundle_hash}"
    )
    return Exit.OK


def _attach(args: argparse.Namespace, store: "Store") -> None:
    """The person signed in for the command is who the use case asks and logs."""
    from rcrp_desktop.calls import gate

    if (signed := signed_of(args)) is not None:
        gate.attach(store, signed)
