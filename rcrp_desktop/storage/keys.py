"""The records' data key, kept only wrapped: once for each account, once for the force.

A random 256-bit data key encrypts the records. The keyring file beside them holds it sealed
with AES-256-GCM under a key derived by Argon2id from each account's passphrase or PIN, and
sealed once more (HPKE, RFC 9180: X25519, HKDF-SHA256, AES-256-GCM) to the force's recovery
public key, whose private half the force keeps offline: a forgotten passphrase never strands
the records, and an investigator can open a backup. A SHA-256 checksum over the file tells a
file damaged on disk or edited by hand from a wrong passphrase: AES-GCM alone cannot (both
fail its tag).
"""

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from argon2.exceptions import HashingError
from argon2.low_level import ARGON2_VERSION, Type, hash_secret_raw
from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rcrp_desktop.storage.accounts import ArgonCost
from rcrp_desktop.storage.cipher import KEY_BYTES
from rcrp_desktop.storage.data import KEYRING_FILE
from rcrp_desktop.storage.errors import RefusedError, StorageError

FILE_NAME = KEYRING_FILE
FORMAT = "rcrp-desktop keyring"
VERSION = 1

SALT_BYTES = 16
NONCE_BYTES = 12
SEALED_BYTES = KEY_BYTES + 16  # AES-GCM's tag follows the ciphertext
_RECOVERY_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
RECOVERY_SCHEME = "HPKE base mode, X25519, HKDF-SHA256, AES-256-GCM"
RECOVERY_SEALED_BYTES = 32 + SEALED_BYTES  # the encapsulated X25519 key, then the sealed key
_RECOVERY_INFO = f"{FORMAT} {VERSION}: the data key, for the force recovery key".encode()
_ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
# A keyring is a few kilobytes; a damaged one must not make the app read gigabytes, nor make
# Argon2 take all the memory there is (sixteen times production's cost is the most it may ask).
MAX_TIME_COST = 48
MAX_MEMORY_KIB = 1024 * 1024
MAX_PARALLELISM = 16


class KeyringDamagedError(StorageError):
    """The keyring file is damaged, not this app's, or from a newer version: never changed."""

    def __init__(self, source: object, reason: str, advice: str = "") -> None:
        self.source = source
        super().__init__(
            f"The keyring {source} cannot be used: {reason}. It has not been changed. "
            + (
                advice
                or "Put back the keyring from the latest backup of the data folder, or open "
                "the records with the force recovery key; tell your supervisor."
            )
        )


class WrongSecretError(RefusedError):
    """The passphrase or PIN given does not open the account's wrap of the data key."""


class NoAccountWrapError(RefusedError):
    """The account has no wrap of the data key in the keyring."""


class WrongRecoveryKeyError(RefusedError):
    """The recovery key is not this keyring's, or its passphrase is wrong."""


class RecoveryKeyError(StorageError):
    """What was given as a recovery key is not one (not PEM, or not an X25519 key)."""


@dataclass(frozen=True)
class AccountWrap:
    """The data key sealed under a key derived from one account's passphrase or PIN."""

    salt: bytes
    cost: ArgonCost
    nonce: bytes
    sealed: bytes  # AES-256-GCM ciphertext and tag


@dataclass(frozen=True)
class RecoveryWrap:
    """The data key sealed to the force recovery public key named by `fingerprint`."""

    fingerprint: str
    sealed: bytes  # HPKE: the encapsulated key, then ciphertext and tag


@dataclass(frozen=True)
class Keyring:
    """A data key's wraps, named by its key id; `source` is the file it was read from."""

    key_id: str
    accounts: Mapping[str, AccountWrap]
    recovery: RecoveryWrap
    source: Path | None = field(default=None, compare=False)

    def numbers(self) -> tuple[str, ...]:
        """The accounts that can open the data key."""
        return tuple(sorted(self.accounts))

    def name(self) -> str:
        return str(self.source) if self.source else f"for data key {self.key_id}"


@dataclass(frozen=True)
class RecoveryKeyPair:
    """A new force recovery key: the private half (PEM) goes offline, the public half to
    every desk."""

    private_pem: bytes
    public_pem: bytes
    fingerprint: str


@dataclass(frozen=True)
class Rekeyed:
    """A keyring for a new data key, and the accounts of the old one it has no wrap for
    (someone who knows their passphrase must add them again)."""

    keyring: Keyring
    left_out: tuple[str, ...]


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def key_id(data_key: bytes) -> str:
    """A short name for a data key that can be shown and stored: a keyring and a database
    made with the same key carry the same one, and it tells nothing of the key."""
    return _fingerprint(b"data key", data_key)


def make_keyring(
    data_key: bytes, number: str, secret: str, recovery_key: X25519PublicKey, cost: ArgonCost
) -> Keyring:
    """A keyring for a new data key: the first account's wrap and the force's."""
    _check_data_key(data_key)
    return Keyring(
        key_id(data_key),
        {number: _wrap_for_account(data_key, number, secret, cost)},
        _wrap_for_recovery(data_key, recovery_key),
    )


def with_account(
    keyring: Keyring, data_key: bytes, number: str, secret: str, cost: ArgonCost
) -> Keyring:
    """The keyring with `number`'s wrap added or replaced (a new passphrase). Only someone
    who has opened the data key can give it to another account."""
    _check_data_key(data_key)
    if key_id(data_key) != keyring.key_id:
        raise ValueError(f"that data key is not the one keyring {keyring.key_id} wraps")
    wrap = _wrap_for_account(data_key, number, secret, cost)
    return replace(keyring, accounts={**keyring.accounts, number: wrap})


def without_account(keyring: Keyring, number: str) -> Keyring:
    """The keyring with `number`'s wrap taken out. A copy of the old keyring still opens
    the records for that passphrase: rekey when someone must lose access for good."""
    if number not in keyring.accounts:
        raise _no_wrap(number)
    if len(keyring.accounts) == 1:
        raise RefusedError(
            f"Account {number} is the only one that can open the records: give another "
            "account a key first, or only the force recovery key could open them."
        )
    return replace(keyring, accounts={n: w for n, w in keyring.accounts.items() if n != number})


def unlock_with_account(keyring: Keyring, number: str, secret: str) -> bytes:
    """The data key, opened with an account's passphrase or PIN."""
    wrap = keyring.accounts.get(number)
    if wrap is None:
        raise _no_wrap(number)
    wrapping_key = _derive(secret, wrap.salt, wrap.cost)
    try:
        data_key = AESGCM(wrapping_key).decrypt(wrap.nonce, wrap.sealed, _account_aad(number))
    except InvalidTag:
        # The checksum showed the file as it was written, so a failed tag means the secret.
        raise WrongSecretError(
            f"That passphrase or PIN does not open the records for account {number}."
        ) from None
    return _checked(keyring, data_key)


def unlock_with_recovery_key(keyring: Keyring, private_key: X25519PrivateKey) -> bytes:
    """The data key, opened with the force's recovery private key."""
    given = recovery_fingerprint(private_key.public_key())
    if given != keyring.recovery.fingerprint:
        raise WrongRecoveryKeyError(
            f"The recovery key given ({given}) is not the one the keyring {keyring.name()} "
            f"was made for ({keyring.recovery.fingerprint})."
        )
    try:
        data_key = _RECOVERY_SUITE.decrypt(keyring.recovery.sealed, private_key, _RECOVERY_INFO)
    except InvalidTag:
        # The right key (its fingerprint matched) on a sound file fails only if the wrap was
        # altered and the checksum written again to match.
        raise KeyringDamagedError(
            keyring.name(), "its recovery wrap was altered; the recovery key cannot open it"
        ) from None
    return _checked(keyring, data_key)


def rekey(
    keyring: Keyring,
    new_key: bytes,
    account_secrets: Mapping[str, str],
    recovery_key: X25519PublicKey,
    cost: ArgonCost,
) -> Rekeyed:
    """A keyring for `new_key` with a wrap for each account in `account_secrets` and one for
    `recovery_key` (the force's, or a new one). Each secret must open the old keyring first,
    so a mistyped one never locks its account out of the new key."""
    _check_data_key(new_key)
    if key_id(new_key) == keyring.key_id:
        raise ValueError("a rekey needs a new data key, not the one the keyring wraps")
    if not account_secrets:
        raise ValueError("at least one account must be able to open the new data key")
    for number, secret in account_secrets.items():
        unlock_with_account(keyring, number, secret)
    accounts = {
        number: _wrap_for_account(new_key, number, secret, cost)
        for number, secret in account_secrets.items()
    }
    fresh = Keyring(key_id(new_key), accounts, _wrap_for_recovery(new_key, recovery_key))
    left_out = tuple(number for number in keyring.numbers() if number not in accounts)
    return Rekeyed(fresh, left_out)


def make_recovery_key_pair(passphrase: str | None) -> RecoveryKeyPair:
    """A new force recovery key; the private half protected by `passphrase` when given
    (PKCS #8, the best encryption the cryptography package has)."""
    private_key = X25519PrivateKey.generate()
    if passphrase == "":
        raise ValueError("an empty passphrase protects nothing: give None or a passphrase")
    protection: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase is not None
        else serialization.NoEncryption()
    )
    public_key = private_key.public_key()
    return RecoveryKeyPair(
        private_pem=private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, protection
        ),
        public_pem=public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        fingerprint=recovery_fingerprint(public_key),
    )


def load_recovery_public_key(pem: bytes) -> X25519PublicKey:
    try:
        public_key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm) as error:
        raise RecoveryKeyError(f"The recovery public key cannot be read: {error}") from error
    if not isinstance(public_key, X25519PublicKey):
        raise RecoveryKeyError("The recovery public key is not an X25519 key.")
    return public_key


def load_recovery_private_key(pem: bytes, passphrase: str | None) -> X25519PrivateKey:
    """The recovery private key; a wrong passphrase is told apart from a file that is not a
    key (the PEM header says whether it is protected)."""
    protected = _ENCRYPTED_PEM in pem
    if protected and passphrase is None:
        raise WrongRecoveryKeyError("The recovery key is protected by a passphrase: give it.")
    if not protected and passphrase is not None:
        raise WrongRecoveryKeyError(
            "The recovery key is not protected by a passphrase: open it without one."
        )
    password = passphrase.encode("utf-8") if passphrase is not None else None
    try:
        private_key = serialization.load_pem_private_key(pem, password)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        if protected:
            raise WrongRecoveryKeyError(
                "That passphrase does not open the recovery key (or the key file is damaged)."
            ) from None
        raise RecoveryKeyError(f"The recovery private key cannot be read: {error}") from error
    if not isinstance(private_key, X25519PrivateKey):
        raise RecoveryKeyError("The recovery private key is not an X25519 key.")
    return private_key


def recovery_fingerprint(public_key: X25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _fingerprint(b"recovery key", raw)


def _wrap_for_account(data_key: bytes, number: str, secret: str, cost: ArgonCost) -> AccountWrap:
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)  # each wrap's key is new (its own salt) anyway
    sealed = AESGCM(_derive(secret, salt, cost)).encrypt(nonce, data_key, _account_aad(number))
    return AccountWrap(salt, cost, nonce, sealed)


def _wrap_for_recovery(data_key: bytes, recovery_key: X25519PublicKey) -> RecoveryWrap:
    sealed = _RECOVERY_SUITE.encrypt(data_key, recovery_key, _RECOVERY_INFO)
    return RecoveryWrap(recovery_fingerprint(recovery_key), sealed)


def _derive(secret: str, salt: bytes, cost: ArgonCost) -> bytes:
    # UTF-8 as typed, not normalised: the same bytes the account store's hash was made from.
    try:
        return hash_secret_raw(
            secret.encode("utf-8"),
            salt,
            time_cost=cost.time_cost,
            memory_cost=cost.memory_kib,
            parallelism=cost.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
            version=ARGON2_VERSION,
        )
    except HashingError as error:
        raise ValueError(f"Argon2 refused the cost {cost}: {error}") from None


def _account_aad(number: str) -> bytes:
    """What a wrap is bound to: this file format and the account number, so a wrap copied to
    another number (or into another kind of file) does not open."""
    return json.dumps([FORMAT, VERSION, "account", number]).encode("utf-8")


def _checked(keyring: Keyring, data_key: bytes) -> bytes:
    """A key that opened is the keyring's only if its id matches: a wrap copied in from
    another keyring opens a key these records were never encrypted with."""
    if key_id(data_key) != keyring.key_id:
        raise KeyringDamagedError(
            keyring.name(), "a wrap in it opens a data key other than the keyring's"
        )
    return data_key


def _check_data_key(data_key: bytes) -> None:
    if len(data_key) != KEY_BYTES:
        raise ValueError(f"a data key is {KEY_BYTES} bytes, not {len(data_key)}")


def _no_wrap(number: str) -> NoAccountWrapError:
    return NoAccountWrapError(
        f"Account {number} has not been given a key to the records. Someone who can open "
        "them must add it (a supervisor, or the force with its recovery key)."
    )


def _fingerprint(label: bytes, data: bytes) -> str:
    return hashlib.sha256(b"rcrp-desktop " + label + b"\0" + data).hexdigest()[:16]
