"""`rcrp-central`: the force's central store on PostgreSQL, from the command line.

    rcrp-central --dsn DSN init                        the schema, through its migrations
    rcrp-central --dsn DSN stations add NAME PEM       register a station by its public key
    rcrp-central --dsn DSN stations list | revoke ID

The connection is a libpq connection string (`--dsn`, or $RCRP_CENTRAL_DSN): the database and
its role are made with PostgreSQL's own tools (README, "Central store").
"""

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

DSN_ENV = "RCRP_CENTRAL_DSN"


def main(argv: list[str] | None = None) -> int:
    import psycopg

    from rcrp_desktop.central import schema, stations

    args = _parser().parse_args(argv)
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
    except (stations.StationError, schema.NewerSchemaError, OSError) as error:
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
    return parser


def _read(path: Path) -> bytes:
    if path.stat().st_size > 64 * 1024:
        raise OSError(f"{path} is far too large to be a public key")
    return path.read_bytes()


def _said(line: str, code: int) -> int:
    print(f"rcrp-central: {line}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
