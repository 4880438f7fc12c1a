"""The hash chain: canonical JSON and SHA-256 linking each event to the one before."""

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


# Made once: json.dumps with options builds a new encoder on every call.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


# How that encoder writes a string (ensure_ascii=False): the json module's own function.
_text = json.encoder.encode_basestring


def canonical(value: Any) -> str:
    """One exact text for a value: sorted keys, no spaces, UTF-8 kept as is."""
    return _CANONICAL.encode(value)


def event_hash(
    event_id: int,
    record_id: int,
    seq: int,
    kind: str,
    payload: str,
    utc: str,
    local: str,
    user: str,
    prev_hash: str,
) -> str:
    """The hash of one event, covering every stored field and the previous event's hash."""
    texts = (kind, payload, utc, local, user, prev_hash)
    if type(event_id) is type(record_id) is type(seq) is int and all(
        type(text) is str for text in texts
    ):
        return typed_event_hash(
            event_id, record_id, seq, kind, payload, utc, local, user, prev_hash
        )
    # a damaged value of another type, as verify may meet
    body = canonical(
        {
            "id": event_id,
            "record": record_id,
            "seq": seq,
            "kind": kind,
            "payload": payload,
            "utc": utc,
            "local": local,
            "user": user,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def typed_event_hash(
    event_id: int,
    record_id: int,
    seq: int,
    kind: str,
    payload: str,
    utc: str,
    local: str,
    user: str,
    prev_hash: str,
) -> str:
    """`event_hash` for fields already known to be exactly ints and texts (verify checks each
    row's types once, then hashes a million of them)."""
    # canonical() of event_hash's dict, written out (keys sorted): the same text, without
    # building an object to encode for every event written or verified.
    body = (
        f'{{"id":{event_id},"kind":{_text(kind)},"local":{_text(local)},'
        f'"payload":{_text(payload)},"prev":{_text(prev_hash)},"record":{record_id},'
        f'"seq":{seq},"user":{_text(user)},"utc":{_text(utc)}}}'
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
