"""The stations the force knows: each registered by its public signing key (printed by
`rcrp-desktop bundle station`), its id worked out from that key, never typed in."""

from dataclasses import dataclass
from datetime import datetime

import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from rcrp_desktop.storage.station import station_id


class StationError(Exception):
    """A station that cannot be registered or changed, said in one line."""


@dataclass(frozen=True)
class Station:
    id: str
    name: str
    registered_utc: datetime
    revoked_utc: datetime | None


def public_key_of(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as error:
        raise StationError(f"that is not a public key ({error})") from error
    if not isinstance(key, Ed25519PublicKey):
        raise StationError("that is not a station's key (an Ed25519 public key)")
    return key


def add(conn: psycopg.Connection, name: str, pem: bytes, now: datetime) -> Station:
    """Register a station by its public key; a key or id already registered is refused."""
    key = public_key_of(pem)
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    ident = station_id(key)
    if not name.strip():
        raise StationError("a station needs a name (where it is, what it is)")
    try:
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute(
                "INSERT INTO stations (id, name, public_key, registered_utc) "
                "VALUES (%s, %s, %s, %s)",
                [ident, name.strip(), raw, now],
            )
    except psycopg.errors.UniqueViolation:
        raise StationError(f"station {ident} is registered already") from None
    return Station(ident, name.strip(), now, None)


def revoke(conn: psycopg.Connection, ident: str, now: datetime) -> None:
    """A station whose bundles are refused from now on (a stolen or retired PC)."""
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(
            "UPDATE stations SET revoked_utc = %s WHERE id = %s AND revoked_utc IS NULL",
            [now, ident],
        )
        if cursor.rowcount != 1:
            raise StationError(f"there is no registered station {ident} still in use")


def listed(conn: psycopg.Connection) -> list[Station]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT id, name, registered_utc, revoked_utc FROM stations ORDER BY id")
        return [Station(*row) for row in cursor.fetchall()]


def signing_key(conn: psycopg.Connection, ident: str) -> Ed25519PublicKey | None:
    """The key a station's bundles are checked against; None if unknown or revoked."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT public_key FROM stations WHERE id = %s AND revoked_utc IS NULL", [ident]
        )
        row = cursor.fetchone()
    return Ed25519PublicKey.from_public_bytes(bytes(row[0])) if row else None
