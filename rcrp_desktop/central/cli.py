"""`rcrp-central`: the force's central store on PostgreSQL, from the command line.

    rcrp-central --dsn DSN init                        the schema, through its migrations
    rcrp-central --dsn DSN stations add NAME PEM       register a station by its public key
    rcrp-central --dsn DSN stations list | revoke ID
    rcrp-central force-key --private-out FILE --public-out FILE   the key bundles are sealed to
    rcrp-central signing-key --private-out FILE --public-out FILE the key packs are signed with
    rcrp-central sign --key FILE --out SIGNED FILE     a pack or partner directory, for desks
    rcrp-central --dsn DSN import --key FILE BUNDLE...  check and merge bundles
    rcrp-central --dsn DSN verify | status              every chain and sequence; what is held

The connection is a libpq connection string (`--dsn`, or $RCRP_CENTRAL_DSN): the database and
its role are made with PostgreSQL's own tools (README, "Central store").
"""

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

DSN_ENV = "RCRP_CENTRAL_DSN"
KEY_SECRET_ENV = "RCRP_FORCE_KEY_PASSPHRASE"
MIN_KEY_SECRET = 16


def main(argv: list[str] | None = None) -> int:
    import psycopg

    from rcrp_desktop.central import schema, stations
    from rcrp_desktop.storage.errors import StorageError

    args = _parser().parse_args(argv)
    if args.command in ("force-key", "signing-key"):
        return _make_key(args)
    if args.command == "sign":
        return _sign(args)
    dsn = args.dsn or os.environ.get(DSN_ENV, "")
    if not dsn:
        return _said(f"say which database: --dsn, or ${DSN_ENV}", 2)
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
            if args.command == "init":
                before, after = schema.migrate(conn)
                print(f"ok: central schema {after}" + (f" (was {before})" if before else ""))
                return 0
            if schema.version(conn) < len(schema.MIGRATIONS):
                return _said("the central database is not set up: run `rcrp-central init`", 1)
            now = datetime.now(UTC)
            if args.command == "import":
                return _import(conn, args, now)
            if args.command == "verify":
                return _verify(conn)
            if args.command == "status":
                return _status(conn)
            if args.action == "add":
                made = stations.add(conn, args.name, _read(args.public_key), now)
                print(f"ok: station {made.id} ({made.name}) registered")
            elif args.action == "revoke":
                stations.revoke(conn, args.station, now)
                print(f"ok: station {args.station} revoked: its bundles are refused from now on")
            else:
                for station in stations.listed(conn):
                    state = f"revoked {station.revoked_utc:%Y-%m-%d}" if station.revoked_utc else ""
                    print(f"{station.id}\t{station.name}\t{state}".rstrip())
            return 0
    except (stations.StationError, schema.NewerSchemaError, OSError, StorageError) as error:
        return _said(str(error), 1)
    except psycopg.Error as error:
        return _said(f"the central database: {str(error).strip().splitlines()[0]}", 1)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rcrp-central", description="The force's central store of rcrp-desktop records."
    )
    parser.add_argument("--dsn", help=f"the PostgreSQL connection string (or ${DSN_ENV})")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("init", help="make or bring up to date the central schema")
    station = commands.add_parser("stations", help="the stations bundles are accepted from")
    actions = station.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="register a station by its public key")
    add.add_argument("name", help="where the station is (shown in lists)")
    add.add_argument("public_key", type=Path, help="its key, from `rcrp-desktop bundle station`")
    actions.add_parser("list", help="every station, and whether it is revoked")
    revoke = actions.add_parser("revoke", help="refuse a station's bundles from now on")
    revoke.add_argument("station", help="its id")
    _key_pair_outputs(
        commands.add_parser("force-key", help="make the key pair bundles are sealed to"),
        "the private half (passphrase-protected: keep it on the server)",
        "the public half: every desk's force-bundle-public.pem",
    )
    _key_pair_outputs(
        commands.add_parser(
            "signing-key", help="make the key pair packs and partner directories are signed with"
        ),
        "the private half (passphrase-protected: keep it offline, with the force)",
        "the public half: every desk's force-signing-public.pem",
    )
    sign = commands.add_parser(
        "sign", help="sign a pack (with the bases it extends) or a partner directory for desks"
    )
    sign.add_argument(
        "--key",
        type=Path,
        required=True,
        metavar="FILE",
        help=f"the force's private signing key (its passphrase: asked, or ${KEY_SECRET_ENV})",
    )
    sign.add_argument("--out", type=Path, required=True, metavar="SIGNED", help="a new file")
    sign.add_argument("file", type=Path, help="a pack (.toml) or partner directory (.json)")
    imports = commands.add_parser("import", help="check and merge bundles, one by one")
    imports.add_argument(
        "--key",
        type=Path,
        required=True,
        metavar="FILE",
        help=f"the force's private key (its passphrase: asked, or ${KEY_SECRET_ENV})",
    )
    imports.add_argument("bundles", type=Path, nargs="+", metavar="BUNDLE")
    commands.add_parser("verify", help="check every chain and every station's bundle sequence")
    commands.add_parser("status", help="each station: bundles in, bundles held, conflicts")
    return parser


def _key_pair_outputs(parser: argparse.ArgumentParser, private: str, public: str) -> None:
    """--private-out and --public-out: where a new key pair's halves go."""
    for option, text in (("--private-out", private), ("--public-out", public)):
        parser.add_argument(option, type=Path, required=True, metavar="FILE", help=text)


def _make_key(args: argparse.Namespace) -> int:
    """`force-key` (X25519: bundles are sealed to it) or `signing-key` (Ed25519: packs and
    directories are signed with it): the private half passphrase-protected."""
    from rcrp_desktop import files
    from rcrp_desktop.storage.keys import make_recovery_key_pair  # the same kind: X25519, PEM
    from rcrp_desktop.storage.signed_forms import make_signing_key_pair

    for path in (args.private_out, args.public_out):
        if path.exists() or path.is_symlink():
            return _said(f"{path} already exists: choose a new file", 1)
    secret = _secret(twice=True)
    if len(secret.strip()) < MIN_KEY_SECRET:
        return _said(f"the passphrase is {MIN_KEY_SECRET} characters or more", 1)
    signing = args.command == "signing-key"
    pair = make_signing_key_pair(secret) if signing else make_recovery_key_pair(secret)
    try:
        files.write_atomically(args.private_out, pair.private_pem)
        files.write_atomically(args.public_out, pair.public_pem)
    except OSError as error:
        return _said(f"the key could not be written: {error.strerror or error}", 1)
    what, where = ("signing key", "force-signing-public.pem") if signing else (
        "force key", "force-bundle-public.pem")  # fmt: skip
    print(f"ok: {what} {pair.fingerprint}: private half {args.private_out}, public half "
          f"{args.public_out} (to every desk as {where})")  # fmt: skip
    return 0


def _sign(args: argparse.Namespace) -> int:
    from rcrp_desktop import files
    from rcrp_desktop.central.signing import SigningError, sign_file
    from rcrp_desktop.storage.errors import StorageError
    from rcrp_desktop.storage.signed_forms import load_signing_private_key

    if args.out.exists() or args.out.is_symlink():
        return _said(f"{args.out} already exists: choose a new file", 1)
    try:
        key = load_signing_private_key(_read(args.key), _secret(twice=False) or None)
        blob, what = sign_file(args.file, key, datetime.now(UTC))
    except (SigningError, StorageError, OSError) as error:
        return _said(f"{error}: nothing was signed", 1)
    try:
        files.write_atomically(args.out, blob)
    except OSError as error:
        return _said(f"{args.out} could not be written: {error.strerror or error}", 1)
    print(f"ok: signed {what}: {args.out}")
    return 0


def _import(conn: "psycopg.Connection", args: argparse.Namespace, now: datetime) -> int:
    from rcrp_desktop.central.imports import RejectedError, import_bundle
    from rcrp_desktop.storage.errors import StorageError
    from rcrp_desktop.storage.keys import load_recovery_private_key

    force = load_recovery_private_key(_read(args.key), _secret(twice=False) or None)
    refused = 0
    for path in args.bundles:
        try:
            for done in import_bundle(conn, _read(path, 2**31), force, now):
                print(f"{path}: {done.line()}")
        except (RejectedError, StorageError, OSError) as error:
            refused += 1
            print(f"rcrp-central: rejected: {path}: {error}; nothing of it was stored",
                  file=sys.stderr)  # fmt: skip
    return 1 if refused else 0


def _verify(conn: "psycopg.Connection") -> int:
    from rcrp_desktop.central.checks import faults

    found = faults(conn)
    if found:
        print(f"FAILED: {found[0]}")
        for fault in found[1:]:
            print(f"  also: {fault}")
        return 1
    print("ok: every record's chain and every station's bundle sequence verified")
    return 0


def _status(conn: "psycopg.Connection") -> int:
    from rcrp_desktop.central.checks import status

    for row in status(conn):
        held = f"; held: {', '.join(map(str, row.held))}" if row.held else ""
        revoked = " (revoked)" if row.revoked else ""
        print(
            f"{row.station}\t{row.name}{revoked}\tbundles 1-{row.last_sequence} "
            f"({row.bundles}){held}\t{row.events} event(s)\t{row.conflicts} conflict(s)"
        )
    return 0


def _secret(*, twice: bool) -> str:
    if KEY_SECRET_ENV in os.environ:
        return os.environ[KEY_SECRET_ENV]
    import getpass

    chosen = getpass.getpass("Passphrase for the force key: ")
    if twice and getpass.getpass("The same passphrase again: ") != chosen:
        raise OSError("the two passphrases differ")
    return chosen


def _read(path: Path, largest: int = 64 * 1024) -> bytes:
    from rcrp_desktop.files import read_small

    try:
        return read_small(path, largest)
    except OSError as error:
        raise OSError(f"{path} cannot be read: {error.strerror or error}") from error


def _said(line: str, code: int) -> int:
    print(f"rcrp-central: {line}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
