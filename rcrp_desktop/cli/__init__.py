"""Command line: parse arguments, then run a headless command or open the window.

Start-up order: arguments are parsed first; headless commands (`forms check`, `run-script`)
never import Qt; `gui` (the default) checks for a display before importing PySide6, so a
machine with no screen gets one clear line instead of a Qt abort. `--read-only` opens the
window only to read; a command that writes refuses it rather than write all the same, and
`export` makes a copy that records nothing. `--database FILE` reads one record database by its
own name (a backup): read-only, for the commands that read and the window, refused by the rest.
"""

import argparse
import logging
import os
import sys
from pathlib import Path

from rcrp_desktop import __version__, paths
from rcrp_desktop.cli.exits import Exit
from rcrp_desktop.storage.errors import StorageError

DEFAULT_PACK = "rcrp-england"
QT_LIBS_APT = (
    "apt-get install -y libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 "
    "libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 "
    "libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core"
)


def _common(parser: argparse.ArgumentParser) -> None:
    """The options every start takes, the window's among them."""
    parser.add_argument("--data-dir", help=f"where records live (also ${paths.DATA_DIR_ENV})")
    parser.add_argument("--forms", type=Path, help="protocol folder (default: the shipped forms/)")
    parser.add_argument("--debug", action="store_true", help="log debug messages to stderr")
    parser.add_argument(
        "--pack", default=DEFAULT_PACK, help="force profile (pack id) the window starts with"
    )
    parser.add_argument(
        "--training", action="store_true", help="use the training database, not live records"
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="open the records only to read them (a backup, read-only media): no lock taken, "
        "nothing created or written; in the window, find and read records and export "
        "read-only copies, nothing else (verify, list and show always only read; export "
        "makes a read-only copy, recorded nowhere)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        metavar="FILE",
        help="read this record database file by its own name (one made by `rcrp-desktop "
        "backup`, a copy on read-only media) instead of a data folder's: opened read-only "
        "(implies --read-only), nothing written beside it; live or training as its records "
        "say. For verify, list, show, export (a read-only copy) and the window",
    )
    parser.add_argument(
        "--recovery-key",
        type=Path,
        metavar="PEM",
        help="with --database: open an encrypted backup with the force recovery key's private "
        "half (its passphrase asked for, or $RCRP_RECOVERY_PASSPHRASE); the backup's keyring "
        "is the file beside it. Read-only, as --database always is; in the window too",
    )


def build_parser() -> argparse.ArgumentParser:
    """Every command (the headless ones' modules are imported here, not to open the window)."""
    from rcrp_desktop.cli import accounts as accounts_cli
    from rcrp_desktop.cli import bundle as bundle_cli
    from rcrp_desktop.cli import export as export_cli
    from rcrp_desktop.cli import forms as forms_cli
    from rcrp_desktop.cli import keys as keys_cli
    from rcrp_desktop.cli import monitor as monitor_cli
    from rcrp_desktop.cli import records as records_cli
    from rcrp_desktop.cli import review as review_cli
    from rcrp_desktop.cli import scenario as scenario_cli
    from rcrp_desktop.cli import settings as settings_cli
    from rcrp_desktop.cli import signing

    parser = argparse.ArgumentParser(
        prog="rcrp-desktop",
        description="Right Care, Right Person decision support. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser(
        "gui",
        help="open the app (the default)",
        description="Open the app on the data folder's records. What it opens is chosen by "
        "the options of `rcrp-desktop --help`: --data-dir, --training, --read-only.",
    )

    forms = commands.add_parser("forms", help="protocol pack tools")
    forms_commands = forms.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    check = forms_commands.add_parser("check", help="lint protocol packs; exit 1 on any problem")
    check.add_argument("paths", nargs="*", type=Path, help="files or folders (default: forms/)")
    forms_cli.add_commands(forms_commands)

    script = commands.add_parser("run-script", help="replay a scripted call through the engine")
    script.add_argument("script", type=Path, help="a scripted call (JSON)")
    script.add_argument("--json", action="store_true", help="print the result as JSON")
    script.add_argument("--save", action="store_true", help="store the call as a record")
    script.add_argument("--incident", help="incident reference for --save (default: the file)")
    script.add_argument("--by", metavar="WHO", help=records_cli.BY_HELP + " (with --save)")
    records_cli.add_commands(commands)
    export_cli.add_export_command(commands)
    scenario_cli.add_commands(commands)
    accounts_cli.add_commands(commands)
    keys_cli.add_commands(commands)
    bundle_cli.add_commands(commands)
    review_cli.add_commands(commands)
    monitor_cli.add_commands(commands)
    settings_cli.add_commands(commands)
    signing.add_who_to(commands)
    return parser


def window_args(argv: list[str]) -> argparse.Namespace | None:
    """The arguments when they only open the window (no command, or `gui`), else None.

    Opening the window is the common start and the one a handler waits for: it is parsed
    without importing the headless commands (storage, scripts, exports), which the full
    parser needs. Anything else, help included, goes to the full parser.
    """
    if any(arg in ("-h", "--help", "--version") for arg in argv):
        return None
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    _common(parser)
    parser.add_argument("command", nargs="?")
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return args if not rest and args.command in (None, "gui") else None


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.OK


def _main(argv: list[str] | None) -> int:
    given = sys.argv[1:] if argv is None else argv
    args = window_args(given) or build_parser().parse_args(given)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(name)s: %(levelname)s: %(message)s",
    )
    forms_root: Path = args.forms or paths.forms_dir()
    data_dir = paths.data_dir(args.data_dir)
    if args.database is not None:
        args.database = args.database.expanduser().absolute()  # named as given, links and all
        refused = _refuse_database(args)
        if refused:
            print(f"rcrp-desktop: {refused}", file=sys.stderr)
            return Exit.USAGE
        from rcrp_desktop.storage.before_open import check_named  # no sqlite-utils: cheap

        try:  # before anything opens: a window is not opened on nothing
            if args.recovery_key is not None:
                from rcrp_desktop.cli.keys import recovery_unlock

                args.database_key = recovery_unlock(args.database, args.recovery_key)
            check_named(args.database, keyed=args.recovery_key is not None)
        except StorageError as error:
            print(f"rcrp-desktop: {error}", file=sys.stderr)
            return Exit.PROBLEMS
        args.read_only = True  # a file named to be read is only read
    elif args.recovery_key is not None:
        print("rcrp-desktop: --recovery-key reads a backup named by --database.", file=sys.stderr)
        return Exit.USAGE
    if args.command in (None, "gui"):
        if args.database is not None and args.recovery_key is not None:  # read with its key
            from rcrp_desktop.storage.cipher import unlock_folder

            unlock_folder(args.database.parent, args.database_key)
        return gui(
            forms_root,
            args.pack,
            data_dir,
            training=args.training,
            read_only=args.read_only,
            database=args.database,
        )
    if args.read_only and (writes := _writes(args)):
        print(
            f"rcrp-desktop: {writes} writes to the records, and --read-only writes nothing: "
            "nothing was done.",
            file=sys.stderr,
        )
        return Exit.USAGE
    from rcrp_desktop.cli import forms as forms_cli
    from rcrp_desktop.cli import records as records_cli
    from rcrp_desktop.cli import script as script_cli
    from rcrp_desktop.cli import signing

    if args.command == "forms" and args.forms_command == "check":
        return script_cli.forms_check(args.paths or [forms_root], forms_root)
    if args.command == "forms" and args.forms_command == "list":
        return forms_cli.list_command(data_dir, forms_root)
    # Once the data folder has accounts, whoever runs a command on its records signs in and
    # may do it (a file named by --database is read by its own name, beside no accounts).
    action = signing.action_of(args) if args.database is None else None
    args.signed = None
    try:
        if action is not None:
            args.signed = signing.sign_in_for(args, data_dir, action)
        if args.command == "run-script":
            return script_cli.run_script_command(args, forms_root, data_dir)
        if args.command == "forms":  # install: signs its user in for what the file holds
            return forms_cli.install_command(args, data_dir, forms_root)
        return int(args.handler(args, data_dir))
    except StorageError as error:
        return records_cli.report(error)
    finally:
        if args.signed is not None:
            args.signed.close()


def _writes(args: argparse.Namespace) -> str:
    """The command as typed, when it writes to the records (so refuses --read-only), else "".
    `export` read-only makes a copy and records nothing (calls/export_copy.py)."""
    if args.command == "restore":
        return f"`{args.command}`"
    if args.command == "forms" and args.forms_command == "install":
        return "`forms install`"
    if args.command == "review" and args.review_command == "record":
        return "`review record`"
    if args.command == "run-script" and args.save:
        return "`run-script --save`"
    return ""


READS_A_FILE = (None, "gui", "verify", "list", "show", "export")


def _refuse_database(args: argparse.Namespace) -> str:
    """Why `--database` cannot be given here, in one line, or "" when it can: only the
    commands that read take it (export as a copy), and the window, read-only."""
    if args.data_dir:
        return (
            "--database names the file to read and --data-dir a data folder: give one of "
            "them. Nothing was done."
        )
    if args.command in READS_A_FILE:
        return ""
    if writes := _writes(args):
        return (
            f"{writes} writes to the records, and --database opens {args.database} only to "
            "read it: nothing was done."
        )
    return (
        f"`{args.command}` does not read a file named by --database (verify, list, show, export "
        "and the window do): nothing was done."
    )


def display_problem() -> str | None:
    """Why a window cannot open here, or None when a display (or offscreen) is available."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return (
            "rcrp-desktop: no display found (DISPLAY is not set). Run it from a desktop "
            "session, or on a virtual screen with `xvfb-run -a rcrp-desktop`; "
            "headless commands: `rcrp-desktop --help`."
        )
    return None


def gui(
    forms_root: Path,
    pack: str,
    data_dir: Path,
    *,
    training: bool = False,
    read_only: bool = False,
    database: Path | None = None,
) -> int:
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return Exit.NO_DISPLAY
    try:
        from rcrp_desktop import app
    except ImportError as error:
        print(
            f"rcrp-desktop: Qt could not be loaded ({error}). Install the system libraries "
            f"it needs: sudo {QT_LIBS_APT}",
            file=sys.stderr,
        )
        return Exit.NO_DISPLAY
    return app.run(
        forms_root=forms_root,
        pack=pack,
        data_dir=data_dir,
        training=training,
        read_only=read_only,
        database=database,
    )
