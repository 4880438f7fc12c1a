"""A public key read from a PEM file the force's install put in place: read bounded, of the
kind asked for, and every way it can fail said in one line (the caller's error, its words)."""

from pathlib import Path
from typing import TypeVar

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from rcrp_desktop import files
from rcrp_desktop.storage.errors import StorageError

K = TypeVar("K")
MAX_PEM_BYTES = 64 * 1024


def load_public_key(
    path: Path, kind: type[K], *, what: str, missing: str, error: type[StorageError]
) -> K:
    """The key at `path`, which must be a `kind`; `what` names it in messages ("the force's
    public key"), `missing` is said when there is no file."""
    try:
        key = serialization.load_pem_public_key(files.read_small(path, MAX_PEM_BYTES))
    except FileNotFoundError:
        raise error(missing) from None
    except OSError as failure:
        raise error(f"{path} cannot be read: {failure.strerror or failure}") from failure
    except (ValueError, UnsupportedAlgorithm) as failure:
        raise error(f"{path} is not {what} ({failure})") from failure
    if not isinstance(key, kind):
        raise error(f"{path} is not {what}: it is a {type(key).__name__}")
    return key
