"""Where a data folder keeps its databases: live records and training runs never share a file."""

from pathlib import Path
from typing import Literal

LIVE_FILE = "records.sqlite3"
TRAINING_FILE = "training.sqlite3"
ACCOUNTS_FILE = "accounts.sqlite3"  # the accounts and their log (storage/accounts.py)
ACCESS_LOG_FILE = "access-log.sqlite3"  # an encrypted folder's access log (access_store.py)
KEYRING_FILE = "keyring.json"  # there: the folder's databases are encrypted (storage/keys.py)
NEXT_KEYRING_FILE = "keyring.next.json"  # a rekey under way: the new key's keyring
RECOVERY_PUBLIC_FILE = "recovery-public.pem"  # the force recovery key's public half


def database_path(folder: Path, mode: Literal["live", "training"]) -> Path:
    """The database file for this mode inside a data folder."""
    return folder / (TRAINING_FILE if mode == "training" else LIVE_FILE)
