"""Command-line accounts: the first administrator, adding accounts, listing them, the access
log.

    rcrp-desktop accounts init NUMBER --name NAME           the first administrator (once)
    rcrp-desktop accounts add NUMBER --name NAME --role R.. --as ADMIN [--pin]
    rcrp-desktop accounts reset NUMBER --as ADMIN [--pin]     a passphrase or PIN set again
    rcrp-desktop accounts roles NUMBER --role R.. --as ADMIN  its roles changed
    rcrp-desktop accounts disable|enable NUMBER --as ADMIN    someone who has left, or back
    rcrp-desktop accounts list --as NUMBER
    rcrp-desktop access-log --as NUMBER [--record ID] [--account N] [--since YYYY-MM-DD]

`--as` may come from $RCRP_ACCOUNT. A secret is never an argument (it would sit in the shell's
history and the process list): it is asked for without echo, or read from a protected
environment for scripted use, RCRP_PASSPHRASE for the person signing in and RCRP_NEW_SECRET for
a new account's.
"""

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.access import Access, NotPermittedError, Session
from rcrp_desktop.cli.exits import record_id
from rcrp_desktop.cli.signing import (
    ACCOUNT_ENV,
    SIGN_IN_ENV,
    SignInNeededError,
    add_who,
    secret,
)
from rcrp_desktop.storage import cipher, keyring_file

NEW_SECRET_ENV = "RCRP_NEW_SECRET"


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `accounts` and its actions on the main parser."""
    accounts = commands.add_parser("accounts", help="local accounts: first administrator, add")
    actions = accounts.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="make the first administrator (no account yet)")
    init.add_argument("number", help="collar or staff number")
    init.add_argument("--name", required=True)
    init.set_defaults(handler=init_command)
    add = actions.add_parser("add", help="add an account (an administrator's action)")
    add.add_argument("number", help="the new account's collar or staff number")
    add.add_argument("--name", required=True)
    add.add_argument("--role", action="append", required=True, help="a role; give one or more")
    add.add_argument("--pin", action="store_true", help="a PIN, where the force allows PINs")
    add_who(add)
    add.set_defaults(handler=add_command)
    reset = actions.add_parser(
        "reset",
        help="set an account's passphrase or PIN again (forgotten; or no key yet to the "
        "encrypted records): an administrator's action",
    )
    reset.add_argument("number", help="the account's collar or staff number")
    reset.add_argument("--pin", action="store_true", help="a PIN, where the force allows PINs")
    add_who(reset)
    reset.set_defaults(handler=reset_command)
    roles = actions.add_parser("roles", help="change an account's roles (an administrator's)")
    roles.add_argument("number", help="the account's collar or staff number")
    roles.add_argument("--role", action="append", required=True, help="a role; give one or more")
    add_who(roles)
    roles.set_defaults(handler=roles_command)
    for name, help_text in (
        ("disable", "disable an account (someone who has left): it signs in no more, and where "
         "the records are encrypted its key to them is taken away"),
        ("enable", "enable a disabled account again (it needs its passphrase set again: reset)"),
    ):  # fmt: skip
        action = actions.add_parser(name, help=help_text)
        action.add_argument("number", help="the account's collar or staff number")
        add_who(action)
        action.set_defaults(handler=disable_command, disabled=name == "disable")
    listing = actions.add_parser("list", help="every account and its roles")
    add_who(listing)
    listing.set_defaults(handler=list_command)
    access_log = commands.add_parser(
        "access-log",
        help="who signed in, was refused, changed an account, or consulted a record, and why",
    )
    access_log.add_argument("--record", type=record_id, help="only entries about this record")
    access_log.add_argument("--account", metavar="NUMBER", help="only this account's entries")
    access_log.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="only entries from this day on (UTC)"
    )
    add_who(access_log)
    access_log.set_defaults(handler=log_command)


def init_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.encryption import encrypt_if_provisioned
    from rcrp_desktop.storage.lock import InstanceLock

    with _access(data_dir) as access:
        secret = _new_secret("passphrase")
        made = access.create_first_administrator(
            args.number, args.name, secret, "passphrase", now=_now()
        )
        signed = gates.sign_in(access, made.number, secret, "live")
        try:
            with InstanceLock(data_dir):
                encrypted = encrypt_if_provisioned(signed, data_dir, secret)
        finally:
            signed.close()  # the key let go of, the access log closed
    print(f"The first administrator is {made.stamp()}.")
    if encrypted is not None:
        print(f"The records here are encrypted from the start (data key {encrypted.key_id}).")
    return 0


def add_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.encryption import give_key

    with _access(data_dir) as access, _signed(access, args.signed_in) as signed:
        kind = "pin" if args.pin else "passphrase"
        chosen = _new_secret(kind)
        made = access.add_account(
            signed.session, args.number, args.name, tuple(args.role), chosen, kind, now=_now()
        )
        give_key(signed, data_dir, made.number, chosen)  # where the records are encrypted
    print(f"Added {made.stamp()}: {', '.join(made.roles)}.")
    return 0


def reset_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.encryption import give_key

    with _access(data_dir) as access, _signed(access, args.signed_in) as signed:
        account = access.store.account(args.number.strip())
        if account is None:
            raise NotPermittedError(f"There is no account numbered {args.number}.")
        kind = "pin" if args.pin else "passphrase"
        chosen = _new_secret(kind)
        access.set_secret(signed.session, account.number, chosen, kind, now=_now())
        give_key(signed, data_dir, account.number, chosen)
    print(f"The {kind} of {account.stamp()} is set; tell them in person, and to change it.")
    return 0


def roles_command(args: argparse.Namespace, data_dir: Path) -> int:
    with _access(data_dir) as access, _signed(access, args.signed_in) as signed:
        number = args.number.strip()
        access.set_roles(signed.session, number, tuple(args.role), now=_now())
        changed = access.store.account(number)
    assert changed is not None
    print(f"{changed.stamp()}: {', '.join(changed.roles)}.")
    return 0


def disable_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.encryption import take_key

    with _access(data_dir) as access, _signed(access, args.signed_in) as signed:
        number = args.number.strip()
        access.set_disabled(signed.session, number, args.disabled, now=_now())
        taken = take_key(signed, data_dir, number) if args.disabled else False
        changed = access.store.account(number)
    assert changed is not None
    if args.disabled:
        print(f"{changed.stamp()} is disabled: it signs in no more.")
        if taken:
            print(
                "Its key to the encrypted records is taken away. If they may hold a copy of "
                "the keyring from before, re-encrypt under a new key: rcrp-desktop rekey."
            )
    else:
        keyring = keyring_file.load_keyring(data_dir)
        keyless = keyring is not None and number not in keyring.accounts
        print(f"{changed.stamp()} is enabled again.")
        if keyless:
            print(
                "It has no key to the encrypted records: set its passphrase again before it "
                f"signs in (rcrp-desktop accounts reset {number})."
            )
    return 0


def list_command(args: argparse.Namespace, data_dir: Path) -> int:
    with _access(data_dir) as access:
        session = _sign_in(access, args.signed_in)
        access.require(session, "accounts.manage", now=_now())
        for account in access.store.accounts():
            state = " (disabled)" if account.disabled else ""
            print(f"{account.number}\t{account.name}\t{', '.join(account.roles)}{state}")
    return 0


def log_command(args: argparse.Namespace, data_dir: Path) -> int:
    with _access(data_dir) as access, _signed(access, args.signed_in) as signed:
        signed.require("access_log.read")
        faults = access.store.log_faults()
        entries = access.store.log_entries()
        if access.journal is not access.store:  # encrypted: the actions' log, under the key
            faults += access.journal.log_faults()
            entries = sorted([*entries, *access.journal.log_entries()], key=lambda e: e.utc)
        for entry in entries:
            if (
                (args.record is not None and entry.record_id != args.record)
                or (args.account is not None and args.account not in (entry.account, entry.by))
                or (args.since is not None and entry.utc[:10] < args.since)
            ):
                continue
            record = str(entry.record_id) if entry.record_id else "-"
            fields = (entry.utc, entry.account, entry.by, entry.kind, record, entry.detail)
            print("\t".join(fields).rstrip())
        for fault in faults:
            print(f"rcrp-desktop: {fault}", file=sys.stderr)
    return 1 if faults else 0


@contextmanager
def _access(data_dir: Path) -> Iterator[Access]:
    """The data folder's accounts, open for one command, under the force's rules for secrets."""
    access = gates.open_accounts(data_dir)
    try:
        yield access
    finally:
        access.store.close()


@contextmanager
def _signed(access: Access, given: str | None) -> Iterator[gates.Gate]:
    """The person running the command, signed in through the gate: where the records are
    encrypted, their passphrase opens the data key (to give another account a key), and the
    folder is locked again when the command ends."""
    number, passphrase = _who(access, given)
    signed = gates.sign_in(access, number, passphrase, "live")
    try:
        yield signed
    finally:
        if signed.data_key is not None:
            cipher.lock_folder(access.store.path.parent)


def _sign_in(access: Access, given: str | None) -> Session:
    number, passphrase = _who(access, given)
    return access.sign_in(number, passphrase, "live", now=_now())


def _who(access: Access, given: str | None) -> tuple[str, str]:
    """Who is signing in, and their passphrase."""
    if access.first_start():
        raise NotPermittedError(
            "There is no account yet: make the first administrator with `rcrp-desktop "
            "accounts init NUMBER --name NAME`."
        )
    number = (given or os.environ.get(ACCOUNT_ENV, "")).strip()
    if not number:
        raise SignInNeededError(
            f"Say who you are with --as NUMBER (or set {ACCOUNT_ENV}). Nothing was done."
        )
    return number, secret(f"Passphrase for {number}: ", SIGN_IN_ENV)


def _new_secret(kind: str) -> str:
    if NEW_SECRET_ENV in os.environ:
        return os.environ[NEW_SECRET_ENV]
    first = secret(f"New {kind}: ", "")
    if sys.stdin.isatty() and getpass.getpass(f"The same {kind} again: ") != first:
        raise NotPermittedError(f"The two {kind}s differ: nothing was changed.")
    return first


def _day(text: str) -> str:
    """A YYYY-MM-DD day, as the log's UTC times begin; else one clear line."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"a day is YYYY-MM-DD, not {text!r}") from None


def _now() -> datetime:
    return datetime.now(UTC)
