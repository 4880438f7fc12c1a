"""Encrypting a data folder's records: the force recovery key, the first encryption of a
folder's plain databases, and a key for each account an administrator sets up."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from rcrp_desktop import files
from rcrp_desktop.calls.gate import COST, Gate
from rcrp_desktop.storage import cipher, keyring_file, keys
from rcrp_desktop.storage.access_store import AccessLogStore, move_into_encrypted, rekey_log
from rcrp_desktop.storage.accounts import AccountStore
from rcrp_desktop.storage.data import ACCESS_LOG_FILE, RECOVERY_PUBLIC_FILE, database_path
from rcrp_desktop.storage.encrypt import Encrypted, encrypt_in_place
from rcrp_desktop.storage.errors import RefusedError, StorageError


@dataclass(frozen=True)
class RecoveryKeyMade:
    """Where each half of a new force recovery key went, and its fingerprint."""

    private_at: Path
    public_at: Path
    fingerprint: str


@dataclass(frozen=True)
class FolderEncrypted:
    """What encrypting a folder did, and the accounts that cannot open its records yet."""

    databases: tuple[Encrypted, ...]
    key_id: str
    without_key: tuple[str, ...]
    log_entries_moved: int


def make_recovery_key(
    gate: Gate, data_dir: Path, private_out: Path, passphrase: str | None
) -> RecoveryKeyMade:
    """A new force recovery key pair: the private half written to `private_out` (for the
    force's key custodian, never kept on this PC), the public half into the data folder."""
    gate.require("settings.manage")
    if private_out.exists() or private_out.is_symlink():
        raise RefusedError(f"{private_out} already exists: choose a new file for the private key.")
    public_at = data_dir / RECOVERY_PUBLIC_FILE
    if public_at.exists() and keyring_file.load_keyring(data_dir) is not None:
        raise RefusedError(
            f"This folder's records are encrypted for the recovery key in {public_at}: a new "
            "one is set with a rekey, not here."
        )
    pair = keys.make_recovery_key_pair(passphrase)
    try:
        private_out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_atomically(private_out, pair.private_pem)
        files.write_atomically(public_at, pair.public_pem)
    except OSError as error:
        raise StorageError(
            f"The recovery key could not be written: {error.strerror or error}"
        ) from error
    gate.log("recovery key made", f"fingerprint {pair.fingerprint}; private half to {private_out}")
    return RecoveryKeyMade(private_out, public_at, pair.fingerprint)


def recovery_public_key(data_dir: Path) -> X25519PublicKey:
    path = data_dir / RECOVERY_PUBLIC_FILE
    try:
        pem = files.read_small(path, 64 * 1024)
    except FileNotFoundError:
        raise RefusedError(
            f"There is no force recovery key in {data_dir}: run `rcrp-desktop keys "
            "recovery-init` first (records are never encrypted without one)."
        ) from None
    except OSError as error:
        raise StorageError(f"{path} cannot be read: {error.strerror or error}") from error
    return keys.load_recovery_public_key(pem)


def encrypt_folder(gate: Gate, data_dir: Path, secret: str) -> FolderEncrypted:
    """Every plain database of the folder encrypted with its data key (made now, with a wrap
    for the person signed in and one for the force, if the folder has none yet).

    The caller holds the folder's lock. The keyring is saved before any database is
    encrypted, so a key is never lost with a database already encrypted under it; run again,
    it finishes what a stopped run left.
    """
    gate.require("settings.manage")
    number = gate.session.account.number
    keyring = keyring_file.load_keyring(data_dir)
    if keyring is None:
        data_key = keys.new_data_key()
        keyring = keys.make_keyring(data_key, number, secret, recovery_public_key(data_dir), COST)
        keyring_file.save_keyring(data_dir, keyring)
        cipher.unlock_folder(data_dir, data_key)
        gate.data_key = data_key
    elif gate.data_key is None:
        data_key = keys.unlock_with_account(keyring, number, secret)
        cipher.unlock_folder(data_dir, data_key)
        gate.data_key = data_key
    else:
        data_key = gate.data_key
    done = tuple(
        encrypt_in_place(database_path(data_dir, mode), mode, data_key)
        for mode in ("live", "training")
    )
    accounts = [account.number for account in gate.access.store.accounts()]
    without = tuple(n for n in accounts if n not in keyring.accounts)
    detail = "; ".join(f"{d.path.name}: {d.records} record(s)" for d in done if d.was_plain)
    gate.log("records encrypted", f"key {keyring.key_id}; {detail or 'nothing plain left'}")
    moved = _move_access_log(gate, data_dir, data_key)
    return FolderEncrypted(done, keyring.key_id, without, moved)


def _move_access_log(gate: Gate, data_dir: Path, data_key: bytes) -> int:
    """The access log so far moved under the data key; from now on the person's actions are
    logged there. The accounts database is closed while it is made again, then reopened."""
    access = gate.access
    if isinstance(access.journal, AccessLogStore):
        return 0  # moved already: this sign-in writes there
    access.store.close()
    try:
        moved = move_into_encrypted(data_dir, data_key, now=datetime.now(UTC))
    finally:
        access.store = AccountStore.open(data_dir, cost=COST)
        access.journal = access.store
    access.journal = AccessLogStore.open(data_dir, data_key)
    return moved


def encrypt_if_provisioned(gate: Gate, data_dir: Path, secret: str) -> FolderEncrypted | None:
    """A new data folder encrypted before its first record, where the force's recovery key
    was put in it (by the install, or `keys recovery-init`) before its first administrator:
    called as that administrator is made. None where it was not, or is encrypted already."""
    if keyring_file.load_keyring(data_dir) is not None:
        return None
    if not (data_dir / RECOVERY_PUBLIC_FILE).exists():
        return None
    return encrypt_folder(gate, data_dir, secret)


@dataclass(frozen=True)
class Rekeyed:
    """A rekey done: the new key, and the accounts that must be given a key again."""

    old_key_id: str
    key_id: str
    without_key: tuple[str, ...]


def rekey_folder(gate: Gate, data_dir: Path, secret: str) -> Rekeyed:
    """Every encrypted database of the folder re-encrypted under a new data key, wrapped for
    the person signed in and the force; everyone else is given a key again by an
    administrator (accounts reset), so a passphrase or a keyring copy known before no longer
    opens the records.

    The caller holds the folder's lock. The new keyring is saved (beside the old one) before
    any database is re-encrypted and takes the old one's place only once all are: stopped,
    run again, it finishes with the same new key.
    """
    gate.require("settings.manage")
    number = gate.session.account.number
    keyring = keyring_file.load_keyring(data_dir)
    if keyring is None or gate.data_key is None:
        raise RefusedError(f"The records in {data_dir} are not encrypted: nothing to rekey.")
    old_key = gate.data_key
    upcoming = keyring_file.load_next_keyring(data_dir)
    if upcoming is None:
        new_key = keys.new_data_key()
        upcoming = keys.rekey(
            keyring, new_key, {number: secret}, recovery_public_key(data_dir), COST
        ).keyring
        keyring_file.save_next_keyring(data_dir, upcoming)
    else:
        new_key = keys.unlock_with_account(upcoming, number, secret)
    journal = gate.access.journal
    if isinstance(journal, AccessLogStore):
        journal.close()
    gate.access.journal = gate.access.store
    for mode in ("live", "training"):  # stopped anywhere here: the old keyring still rules
        encrypt_in_place(database_path(data_dir, mode), mode, new_key, from_key=old_key)
    rekey_log(data_dir, old_key, new_key)
    keyring_file.promote_next_keyring(data_dir)
    cipher.lock_folder(data_dir)
    cipher.unlock_folder(data_dir, new_key)
    gate.data_key = new_key
    if (data_dir / ACCESS_LOG_FILE).exists():
        gate.access.journal = AccessLogStore.open(data_dir, new_key)
    without = tuple(n for n in keyring.numbers() if n != number)
    gate.log("records re-keyed", f"key {keyring.key_id} to {upcoming.key_id}")
    return Rekeyed(keyring.key_id, upcoming.key_id, without)


def give_key(gate: Gate, data_dir: Path, number: str, secret: str) -> None:
    """Where the folder is encrypted, `number`'s passphrase opens its records from now on
    (a new account, or a passphrase set again). Only someone signed in with the key can."""
    keyring = keyring_file.load_keyring(data_dir)
    if keyring is None:
        return
    if gate.data_key is None:
        raise RefusedError("Sign in with a key to the records first: nothing was changed.")
    keyring_file.save_keyring(
        data_dir, keys.with_account(keyring, gate.data_key, number, secret, COST)
    )
    gate.log("key given", f"account {number} can open the encrypted records")


def take_key(gate: Gate, data_dir: Path, number: str) -> bool:
    """Where the folder is encrypted, `number`'s passphrase opens its records no more (an
    account disabled). Whether there was a key to take. A copy of the keyring made before
    still opens them for that passphrase: `rekey` when that matters."""
    keyring = keyring_file.load_keyring(data_dir)
    if keyring is None or number not in keyring.accounts:
        return False
    keyring_file.save_keyring(data_dir, keys.without_account(keyring, number))
    gate.log("key taken", f"account {number} can no longer open the encrypted records")
    return True
