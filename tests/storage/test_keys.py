"""The keyring: the data key opens with an account's secret or the force recovery key, and a
wrong secret is told apart from a damaged or foreign file."""

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from rcrp_desktop.storage import keyring_file, keys
from rcrp_desktop.storage.accounts import TEST  # never the production cost here
from rcrp_desktop.storage.errors import RefusedError, StorageError
from rcrp_desktop.storage.keys import (
    KeyringDamagedError,
    NoAccountWrapError,
    RecoveryKeyError,
    WrongRecoveryKeyError,
    WrongSecretError,
)

FIRST, SECOND = "4821", "5310"
FIRST_SECRET, SECOND_SECRET = "amber kestrel lantern 42", "granite heron 7"


@pytest.fixture(scope="module")
def recovery() -> keys.RecoveryKeyPair:
    return keys.make_recovery_key_pair("force recovery passphrase")


def public(pair: keys.RecoveryKeyPair) -> X25519PublicKey:
    return keys.load_recovery_public_key(pair.public_pem)


def saved_keyring(folder: Path, pair: keys.RecoveryKeyPair) -> bytes:
    """A new data key, its keyring saved in `folder` with FIRST's wrap; the key."""
    data_key = keys.new_data_key()
    keyring_file.save_keyring(
        folder, keys.make_keyring(data_key, FIRST, FIRST_SECRET, public(pair), TEST)
    )
    return data_key


def loaded(folder: Path) -> keys.Keyring:
    keyring = keyring_file.load_keyring(folder)
    assert keyring is not None
    return keyring


def rewrite(folder: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Edit the keyring's JSON and write its checksum again, as someone editing it on purpose
    would: what is left to catch the edit is the structure check or AES-GCM."""
    path = folder / keys.FILE_NAME
    document = json.loads(path.read_text())
    edit(document)
    body = {name: value for name, value in document.items() if name != "checksum"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    document["checksum"] = "sha256:" + hashlib.sha256(canonical).hexdigest()
    path.write_text(json.dumps(document))


def flip_first_byte(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_an_account_opens_the_data_key_it_was_saved_with(
    data_dir: Path, recovery: keys.RecoveryKeyPair
) -> None:
    assert keyring_file.load_keyring(data_dir) is None
    data_key = saved_keyring(data_dir, recovery)
    assert len(data_key) == keys.KEY_BYTES and data_key != keys.new_data_key()
    keyring = loaded(data_dir)
    assert keyring.key_id == keys.key_id(data_key) and keyring.numbers() == (FIRST,)
    assert keys.unlock_with_account(keyring, FIRST, FIRST_SECRET) == data_key
    path = data_dir / keys.FILE_NAME
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_bytes()
    assert base64.b64encode(data_key) not in text and data_key.hex().encode() not in text
    assert [p.name for p in data_dir.iterdir()] == [keys.FILE_NAME]  # no temporary left


def test_the_recovery_key_opens_it_and_its_passphrase_is_checked(
    data_dir: Path, recovery: keys.RecoveryKeyPair
) -> None:
    data_key = saved_keyring(data_dir, recovery)
    keyring = loaded(data_dir)
    assert keyring.recovery.fingerprint == recovery.fingerprint
    assert b"ENCRYPTED PRIVATE KEY" in recovery.private_pem
    private_key = keys.load_recovery_private_key(recovery.private_pem, "force recovery passphrase")
    assert keys.unlock_with_recovery_key(keyring, private_key) == data_key

    with pytest.raises(WrongRecoveryKeyError, match="does not open the recovery key"):
        keys.load_recovery_private_key(recovery.private_pem, "forced recovery passphrase")
    with pytest.raises(WrongRecoveryKeyError, match="protected by a passphrase: give it"):
        keys.load_recovery_private_key(recovery.private_pem, None)


def test_another_recovery_key_is_refused_by_name(
    data_dir: Path, recovery: keys.RecoveryKeyPair
) -> None:
    saved_keyring(data_dir, recovery)
    other = keys.make_recovery_key_pair(None)
    assert b"ENCRYPTED" not in other.private_pem
    with pytest.raises(WrongRecoveryKeyError, match=other.fingerprint) as refused:
        keys.unlock_with_recovery_key(
            loaded(data_dir), keys.load_recovery_private_key(other.private_pem, None)
        )
    assert recovery.fingerprint in str(refused.value) and str(data_dir) in str(refused.value)
    with pytest.raises(WrongRecoveryKeyError, match="not protected by a passphrase"):
        keys.load_recovery_private_key(other.private_pem, "a passphrase it never had")


def test_what_is_not_an_x25519_key_is_refused_clearly() -> None:
    ed25519 = Ed25519PrivateKey.generate()
    private_pem = ed25519.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = ed25519.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(RecoveryKeyError, match="not an X25519 key"):
        keys.load_recovery_private_key(private_pem, None)
    with pytest.raises(RecoveryKeyError, match="not an X25519 key"):
        keys.load_recovery_public_key(public_pem)
    with pytest.raises(RecoveryKeyError, match="cannot be read"):
        keys.load_recovery_public_key(b"-----BEGIN PUBLIC KEY-----\nnonsense\n")
    with pytest.raises(RecoveryKeyError, match="cannot be read"):
        keys.load_recovery_private_key(b"not a key at all", None)


def test_a_wrong_secret_is_not_called_damage(
    data_dir: Path, recovery: keys.RecoveryKeyPair
) -> None:
    saved_keyring(data_dir, recovery)
    with pytest.raises(WrongSecretError, match=f"does not open the records for account {FIRST}"):
        keys.unlock_with_account(loaded(data_dir), FIRST, FIRST_SECRET + " ")
    assert issubclass(WrongSecretError, RefusedError)
    assert not issubclass(WrongSecretError, KeyringDamagedError)


def test_an_account_without_a_wrap_is_told_so(
    data_dir: Path, recovery: keys.RecoveryKeyPair
) -> None:
    saved_keyring(data_dir, recovery)
    with pytest.raises(NoAccountWrapError, match=f"Account {SECOND} has not been given a key"):
        keys.unlock_with_account(loaded(data_dir), SECOND, FIRST_SECRET)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data[: len(data) // 2], "not JSON"),
        (lambda data: b"", "not JSON"),
        (lambda data: b"\xff\xfe" + data, "not JSON"),
        (lambda data: b"[" * 100_000, "not JSON"),
        (lambda data: b'{"name": "something else"}', "not an rcrp-desktop keyring"),
        (lambda data: data.replace(b'"version": 1', b'"version": 9'), "newer version"),
        # A ciphertext byte changed on disk: the checksum no longer matches, so damage.
        (lambda data: data.replace(b'"sealed": "', b'"sealed": "A', 1), "checksum"),
    ],
)
def test_a_damaged_file_is_named_and_not_taken_for_a_wrong_secret(
    data_dir: Path,
    recovery: keys.RecoveryKeyPair,
    damage: Callable[[bytes], bytes],
    reason: str,
) -> None:
    saved_keyring(data_dir, recovery)
    path = data_dir / keys.FILE_NAME
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(KeyringDamagedError, match=reason) as refused:
        keyring_file.load_keyring(data_dir)
    assert str(path) in str(refused.value)


def test_a_ciphertext_byte_changed_on_disk_is_damage(
    data_dir: Path, recovery: keys.RecoveryKeyPair
) -> None:
    saved_keyring(data_dir, recovery)
    path = data_dir / keys.FILE_NAME
    document = json.loads(path.read_text())
    wrap = document["accounts"][FIRST]
    wrap["sealed"] = flip_first_byte(wrap["sealed"])
    path.write_text(json.dumps(document))  # the checksum left as it was
    with pytest.raises(KeyringDamagedError, match="checksum does not match"):
        keyring_file.load_keyring(data_dir)


def test_a_ciphertext_byte_changed_on_purpose_reads_as_a_wrong_secret(
    data_dir: Path, recovery: keys.RecoveryKeyPair
) -> None:
    """AES-GCM cannot tell a wrong key from a changed ciphertext: both fail the tag. Only the
    checksum tells damage apart, so an edit that writes the checksum again reads as a wrong
    secret. It opens nothing either way, and the recovery wrap still opens the records."""
    data_key = saved_keyring(data_dir, recovery)

    def edit(document: dict[str, Any]) -> None:
        wrap = document["accounts"][FIRST]
        wrap["sealed"] = flip_first_byte(wrap["sealed"])

    rewrite(data_dir, edit)
    keyring = loaded(data_dir)
    with pytest.raises(WrongSecretError):
        keys.unlock_with_account(keyring, FIRST, FIRST_SECRET)
    private_key = keys.load_recovery_private_key(recovery.private_pem, "force recovery passphrase")
    assert keys.unlock_with_recovery_key(keyring, private_key) == data_key


def test_a_recovery_wrap_changed_on_purpose_is_damage_not_a_wrong_key(
    data_dir: Path, recovery: keys.RecoveryKeyPair
) -> None:
    """The fingerprint says the recovery key is the right one, so a failed tag is the wrap's."""
    saved_keyring(data_dir, recovery)

    def edit(document: dict[str, Any]) -> None:
        document["recovery"]["sealed"] = flip_first_byte(document["recovery"]["sealed"])

    rewrite(data_dir, edit)
    private_key = keys.load_recovery_private_key(recovery.private_pem, "force recovery passphrase")
    with pytest.raises(KeyringDamagedError, match="recovery wrap was altered"):
        keys.unlock_with_recovery_key(loaded(data_dir), private_key)


def _drop(*path: str) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        *parents, last = path
        for name in parents:
            document = document[name]
        del document[last]

    return edit


def _set(value: object, *path: str) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        *parents, last = path
        for name in parents:
            document = document[name]
        document[last] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (_drop("accounts", FIRST, "nonce"), "'nonce' is missing"),
        (_drop("key_id"), "'key_id' is missing"),
        (_drop("recovery", "fingerprint"), "'fingerprint' is missing"),
        (_set("not base64!", "accounts", FIRST, "nonce"), "'nonce' is not base64"),
        (_set("AAAA", "accounts", FIRST, "sealed"), "'sealed' is 3 bytes long"),
        (_set([], "accounts", FIRST), "wrap is not an object"),
        (_set({}, "accounts"), "no account's wrap"),
        (_set(True, "accounts", FIRST, "argon2id", "time_cost"), "'time_cost' is missing"),
        (_set(2**30, "accounts", FIRST, "argon2id", "memory_kib"), "cost is out of range"),
        (_set(4, "accounts", FIRST, "argon2id", "memory_kib"), "cost is out of range"),
        (_set(18, "accounts", FIRST, "argon2id", "version"), "unknown Argon2 version"),
        (_set("RSA-OAEP", "recovery", "scheme"), "unknown scheme"),
        (_set("1", "version"), "version '1' is not one this app wrote"),
        (_set(0, "version"), "version 0 is not one this app wrote"),
        (_drop("format"), "not an rcrp-desktop keyring"),
    ],
)
def test_a_keyring_of_the_wrong_shape_is_damaged(
    data_dir: Path,
    recovery: keys.RecoveryKeyPair,
    edit: Callable[[dict[str, Any]], None],
    reason: str,
) -> None:
    saved_keyring(data_dir, recovery)
    rewrite(data_dir, edit)
    with pytest.raises(KeyringDamagedError, match=reason) as refused:
        keyring_file.load_keyring(data_dir)
    assert str(data_dir / keys.FILE_NAME) in str(refused.value)


def test_a_link_in_the_keyrings_place_is_refused(data_dir: Path, tmp_path: Path) -> None:
    data_dir.mkdir()
    (tmp_path / "elsewhere.json").write_text("{}")
    (data_dir / keys.FILE_NAME).symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(KeyringDamagedError, match="not a regular file"):
        keyring_file.load_keyring(data_dir)


def test_a_wrap_moved_to_another_number_does_not_open(
    data_dir: Path, recovery: keys.RecoveryKeyPair
) -> None:
    """The account number is bound as associated data: copying one account's wrap to another
    number (which would let the other sign-in use the first one's passphrase) fails."""
    saved_keyring(data_dir, recovery)
    rewrite(
        data_dir,
        lambda document: document["accounts"].update({SECOND: document["accounts"][FIRST]}),
    )
    keyring = loaded(data_dir)
    assert keyring.numbers() == (FIRST, SECOND)
    assert len(keys.unlock_with_account(keyring, FIRST, FIRST_SECRET)) == keys.KEY_BYTES
    with pytest.raises(WrongSecretError):
        keys.unlock_with_account(keyring, SECOND, FIRST_SECRET)


def test_accounts_are_added_changed_and_removed(recovery: keys.RecoveryKeyPair) -> None:
    data_key = keys.new_data_key()
    keyring = keys.make_keyring(data_key, FIRST, FIRST_SECRET, public(recovery), TEST)
    keyring = keys.with_account(keyring, data_key, SECOND, SECOND_SECRET, TEST)
    assert keys.unlock_with_account(keyring, SECOND, SECOND_SECRET) == data_key

    changed = keys.with_account(keyring, data_key, SECOND, "a new passphrase", TEST)
    assert keys.unlock_with_account(changed, SECOND, "a new passphrase") == data_key
    with pytest.raises(WrongSecretError):
        keys.unlock_with_account(changed, SECOND, SECOND_SECRET)

    removed = keys.without_account(changed, SECOND)
    assert removed.numbers() == (FIRST,)
    with pytest.raises(NoAccountWrapError):
        keys.unlock_with_account(removed, SECOND, "a new passphrase")
    with pytest.raises(NoAccountWrapError):
        keys.without_account(removed, SECOND)
    with pytest.raises(RefusedError, match="only one that can open the records"):
        keys.without_account(removed, FIRST)
    with pytest.raises(ValueError, match="not the one keyring"):
        keys.with_account(keyring, keys.new_data_key(), SECOND, SECOND_SECRET, TEST)


def test_rekey_gives_a_new_key_the_old_wraps_do_not_open(
    data_dir: Path, recovery: keys.RecoveryKeyPair
) -> None:
    old_key = keys.new_data_key()
    old = keys.make_keyring(old_key, FIRST, FIRST_SECRET, public(recovery), TEST)
    old = keys.with_account(old, old_key, SECOND, SECOND_SECRET, TEST)
    new_key = keys.new_data_key()
    rekeyed = keys.rekey(old, new_key, {FIRST: FIRST_SECRET}, public(recovery), TEST)
    keyring_file.save_keyring(data_dir, rekeyed.keyring)
    new = loaded(data_dir)

    assert new.key_id == keys.key_id(new_key) != old.key_id
    assert rekeyed.left_out == (SECOND,) and new.numbers() == (FIRST,)
    assert keys.unlock_with_account(new, FIRST, FIRST_SECRET) == new_key
    private_key = keys.load_recovery_private_key(recovery.private_pem, "force recovery passphrase")
    assert keys.unlock_with_recovery_key(new, private_key) == new_key
    # The old keyring opens only the old key; an old wrap put into the new keyring opens a
    # key that is not the new keyring's, and is refused.
    assert keys.unlock_with_account(old, SECOND, SECOND_SECRET) == old_key != new_key
    transplanted = replace(new, accounts={**new.accounts, SECOND: old.accounts[SECOND]})
    with pytest.raises(KeyringDamagedError, match="other than the keyring's"):
        keys.unlock_with_account(transplanted, SECOND, SECOND_SECRET)
    old_recovery = replace(new, recovery=old.recovery)
    with pytest.raises(KeyringDamagedError, match="other than the keyring's"):
        keys.unlock_with_recovery_key(old_recovery, private_key)


def test_rekey_refuses_a_mistyped_secret_and_the_same_key(recovery: keys.RecoveryKeyPair) -> None:
    data_key = keys.new_data_key()
    keyring = keys.make_keyring(data_key, FIRST, FIRST_SECRET, public(recovery), TEST)
    with pytest.raises(WrongSecretError):
        keys.rekey(keyring, keys.new_data_key(), {FIRST: "typo"}, public(recovery), TEST)
    with pytest.raises(NoAccountWrapError):
        keys.rekey(keyring, keys.new_data_key(), {SECOND: "x"}, public(recovery), TEST)
    with pytest.raises(ValueError, match="new data key"):
        keys.rekey(keyring, data_key, {FIRST: FIRST_SECRET}, public(recovery), TEST)
    with pytest.raises(ValueError, match="at least one account"):
        keys.rekey(keyring, keys.new_data_key(), {}, public(recovery), TEST)


def test_a_keyring_that_cannot_be_saved_says_so(
    tmp_path: Path, recovery: keys.RecoveryKeyPair
) -> None:
    data_key = keys.new_data_key()
    keyring = keys.make_keyring(data_key, FIRST, FIRST_SECRET, public(recovery), TEST)
    (tmp_path / "a file").write_text("")
    with pytest.raises(StorageError, match="Cannot save the keyring"):
        keyring_file.save_keyring(tmp_path / "a file", keyring)
