"""Who is at the command line: once a data folder has accounts, a command that reads or writes
its records signs the person in first, and the application layer refuses (and logs) what their
roles do not allow.

The person is named with `--as NUMBER` (or $RCRP_ACCOUNT); the passphrase is asked for without
echo, or read from $RCRP_PASSPHRASE for scripted use (a protected environment, never an
argument). A data folder with no account yet works as it did, until its first administrator is
made (`rcrp-desktop accounts init`, or the window's first start).
"""

import argparse
import getpass
import os
import sys
from pathlib import Path

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.access import NotPermittedError
from rcrp_desktop.calls.gate import Gate
from rcrp_desktop.storage.errors import RefusedError
from rcrp_desktop.storage.records import Mode

ACCOUNT_ENV = "RCRP_ACCOUNT"
SIGN_IN_ENV = "RCRP_PASSPHRASE"


class SignInNeededError(RefusedError):
    """The data folder has accounts and the command was not told who is running it."""


def signed_of(args: argparse.Namespace) -> Gate | None:
    """The person signed in for this command, if the data folder has accounts."""
    signed = getattr(args, "signed", None)
    return signed if isinstance(signed, Gate) else None


def add_who(parser: argparse.ArgumentParser) -> None:
    """`--as NUMBER` on a command that signs its user in."""
    parser.add_argument(
        "--as",
        dest="signed_in",
        metavar="NUMBER",
        default=None,
        help=f"your collar or staff number, where the data folder has accounts (also "
        f"${ACCOUNT_ENV}); the passphrase is asked for, or read from ${SIGN_IN_ENV}",
    )


SIGNED_COMMANDS = ("verify", "backup", "restore", "list", "show", "export", "run-script")
SIGNED_SCENARIO_ACTIONS = ("runs", "debrief")


def add_who_to(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """`--as` on every command that works on records (accounts' own commands add theirs)."""
    for name in SIGNED_COMMANDS:
        add_who(commands.choices[name])
    scenario = commands.choices["scenario"]
    for action in scenario._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name in SIGNED_SCENARIO_ACTIONS:
                add_who(action.choices[name])


def action_of(args: argparse.Namespace) -> str | None:
    """The action a command needs (resources/access/roles.toml), or None if it touches no
    record: checking packs, listing or scoring scenarios, replaying a script unsaved."""
    command = args.command
    if command == "run-script":
        return "call.take" if args.save else None
    if command == "scenario":
        return "training.scenarios" if args.scenario_command in ("runs", "debrief") else None
    if command == "bundle":
        return "records.bundle" if args.bundle_command in ("export", "status") else None
    if command == "monitor":
        return "figures.read"
    if command == "review":
        return "record.read" if args.review_command == "feedback" else "record.review"
    return {
        "verify": "store.verify",
        "backup": "store.backup",
        "restore": "store.restore",
        "list": "record.read",
        "show": "record.read",
        "export": "record.export",
    }.get(command)


def database_of(args: argparse.Namespace) -> Mode:
    """The records the command works on: a trainer signs in to the training records only."""
    if args.command == "scenario":
        return "training"
    return "training" if args.training else "live"


def sign_in_for(args: argparse.Namespace, data_dir: Path, action: str) -> Gate | None:
    """The person running the command, signed in and allowed `action` (refused and logged
    otherwise); None where the data folder has no account yet."""
    access = gates.accounts_of(data_dir)
    if access is None:
        return None
    try:
        number = (getattr(args, "signed_in", None) or os.environ.get(ACCOUNT_ENV, "")).strip()
        if not number:
            raise SignInNeededError(
                f"This data folder has accounts: say who you are with --as NUMBER (or set "
                f"{ACCOUNT_ENV}). Nothing was done."
            )
        signed = gates.sign_in(access, number, ask_secret(number), database_of(args))
        signed.require(action)
    except BaseException:
        access.store.close()
        raise
    return signed


def ask_secret(number: str) -> str:
    """The passphrase of the person signing in: $RCRP_PASSPHRASE if set, else asked."""
    return secret(f"Passphrase for {number}: ", SIGN_IN_ENV)


def secret(prompt: str, env: str) -> str:
    """From the environment variable `env` if set, else asked without echo (or, with no
    terminal, one line of standard input)."""
    if env and env in os.environ:
        return os.environ[env]
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


def refuse_by(args: argparse.Namespace, signed: Gate) -> None:
    """`--by` names someone to stamp the record with; signed in, the stamp is the account's."""
    given = (getattr(args, "by", None) or "").strip()
    if given and given != signed.stamp:
        raise NotPermittedError(
            f"Signed in as {signed.stamp}, records are stamped with your account: leave "
            "out --by. Nothing was done."
        )
