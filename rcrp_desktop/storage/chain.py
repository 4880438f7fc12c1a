"""The hash chain: canonical JSON and SHA-256 linking each event to the one before."""

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """One exact text for a value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


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
