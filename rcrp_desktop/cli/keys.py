"""`keys recovery-init` and `encrypt`: the force recovery key, and a folder's records encrypted
at rest. An administrator signs in to each; the passphrase that signs them in also gives their
account the first key to the encrypted records."""

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rcrp_desktop import files
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.gate import Gate
from rcrp_desktop.cli.exits import Exit
from rcrp_desktop.cli.signing import ACCOUNT_ENV, SignInNeededError, add_who, ask_secret, secret
from rcrp_desktop.storage import keyring_file
from rcrp_desktop.storage.errors import RefusedError

RECOVERY_SECRET_ENV = "RCRP_RECOVERY_PASSPHRASE"
_Done = TypeVar("_Done")
MIN_RECOVERY_SECRET = 16  # the key that opens every record: longer than an account's


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    keys = commands.add_parser("keys", help="the force recovery key for encrypted records")
    actions = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    init = actions.add_parser(
        "recovery-init",
        help="make the force recovery key: the private half to FILE (then offline), the "
        "public half into the data folder",
    )
    init.add_argument(
        "--private-out",
        type=Path,
        required=True,
        metavar="FILE",
        help="where the private half is written (removable media for the force's key "
        f"custodian); protected by a passphrase asked for, or ${RECOVERY_SECRET_ENV}",
    )
    add_who(init)
    init.set_defaults(handler=recovery_init_command)
    encrypt = commands.add_parser(
        "encrypt",
        help="encrypt the data folder's records at rest (live and training), safely: copy, "
        "check, swap, destroy the plain copy",
    )
    add_who(encrypt)
    encrypt.set_defaults(handler=encrypt_command)
    rekey = commands.add_parser(
        "rekey",
        help="re-encrypt the records under a new data key (someone must lose access for good): "
        "every other account is given a key again with `accounts reset`",
    )
    add_who(rekey)
    rekey.set_defaults(handler=rekey_command)


def recovery_init_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.encryption import make_recovery_key

    gate, _ = _administrator(args, data_dir)
    try:
        made = make_recovery_key(gate, data_dir, args.private_out, _recovery_secret())
    finally:
        gate.close()
    print(f"Force recovery key {made.fingerprint} made.")
    print(f"  public half: {made.public_at} (stays with the records)")
    print(f"  private half: {made.private_at}")
    print(
        "Move the private half off this PC now, to the force's key custodian, kept offline "
        "with its passphrase apart from it: it opens every record encrypted for it, and "
        "without it a forgotten passphrase can strand records."
    )
    return Exit.OK


def encrypt_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.encryption import encrypt_folder

    done = _under_lock(args, data_dir, encrypt_folder)
    for database in done.databases:
        if database.was_plain:
            print(f"encrypted: {database.path} ({database.records} record(s))")
        elif database.path.exists():
            print(f"already encrypted: {database.path}")
    print(f"ok: the records in {data_dir} are encrypted (data key {done.key_id}).")
    _say_without_key(done.without_key)
    return Exit.OK


def rekey_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.encryption import rekey_folder

    done = _under_lock(args, data_dir, rekey_folder)
    print(f"ok: the records in {data_dir} are re-encrypted (data key {done.key_id}).")
    print(
        "Backups made before now stay under the old key: the force recovery key still opens "
        "them, and a restore needs one made from now on."
    )
    _say_without_key(done.without_key)
    return Exit.OK


def _under_lock(
    args: argparse.Namespace, data_dir: Path, action: Callable[[Gate, Path, str], _Done]
) -> _Done:
    """`action` done by the administrator signed in, holding the data folder's lock."""
    from rcrp_desktop.storage.lock import InstanceLock

    gate, given = _administrator(args, data_dir)
    try:
        with InstanceLock(data_dir):
            return action(gate, data_dir, given)
    finally:
        gate.close()


def _say_without_key(numbers: tuple[str, ...]) -> None:
    if numbers:
        print(
            "These accounts cannot open the records until an administrator sets their "
            f"passphrase again (rcrp-desktop accounts reset NUMBER): {', '.join(numbers)}"
        )


def _administrator(args: argparse.Namespace, data_dir: Path) -> tuple[Gate, str]:
    """The person running the command, signed in, and the passphrase they signed in with."""
    access = gates.accounts_of(data_dir)
    if access is None:
        raise RefusedError(
            "This data folder has no account yet: records are encrypted with a key for each "
            "account, so make the first administrator first (rcrp-desktop accounts init)."
        )
    try:
        number = (args.signed_in or os.environ.get(ACCOUNT_ENV, "")).strip()
        if not number:
            raise SignInNeededError(
                f"Say who you are with --as NUMBER (or set {ACCOUNT_ENV}). Nothing was done."
            )
        given = ask_secret(number)
        signed = gates.sign_in(access, number, given, "live")
    except BaseException:
        access.store.close()
        raise
    try:
        signed.require("settings.manage")
    except BaseException:
        signed.close()
        raise
    return signed, given


def _recovery_secret() -> str:
    """The passphrase protecting the private half: from the environment, else asked twice."""
    if RECOVERY_SECRET_ENV in os.environ:
        chosen = os.environ[RECOVERY_SECRET_ENV]
    else:
        chosen = secret("Passphrase for the recovery key's private half: ", "")
        if sys.stdin.isatty() and getpass.getpass("The same passphrase again: ") != chosen:
            raise RefusedError("The two passphrases differ: no key was made.")
    if len(chosen.strip()) < MIN_RECOVERY_SECRET:
        raise RefusedError(
            f"The recovery key's passphrase is {MIN_RECOVERY_SECRET} characters or more: it "
            "guards every record. No key was made."
        )
    return chosen


def recovery_unlock(database: Path, private_pem: Path) -> bytes:
    """The data key of an encrypted backup, opened with the force recovery key's private half
    (for an investigator: the backup is then read, never written)."""
    from rcrp_desktop.storage import keys

    keyring = keyring_file.keyring_of(database)
    if keyring is None:
        raise RefusedError(
            f"There is no keyring beside {database} ({keyring_file.beside(database).name}): "
            "without it no key opens the backup. Nothing was read."
        )
    try:
        pem = files.read_small(private_pem, 64 * 1024)
    except OSError as error:
        raise RefusedError(
            f"The recovery key {private_pem} cannot be read: {error.strerror or error}"
        ) from error
    given = secret("Passphrase for the recovery key: ", RECOVERY_SECRET_ENV) or None
    return keys.unlock_with_recovery_key(keyring, keys.load_recovery_private_key(pem, given))
