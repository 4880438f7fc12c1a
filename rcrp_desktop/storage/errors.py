"""Storage errors, each with a message a handler can act on."""


class StorageError(Exception):
    """Base class: something stopped the record being read or written."""


class AlreadyRunningError(StorageError):
    """Another copy of the app holds this data folder."""


class DatabaseLockedError(StorageError):
    """The database is busy or locked by another program."""


class ReadOnlyError(StorageError):
    """The database or its folder cannot be written."""


class DiskFullError(StorageError):
    """There is no room left to save."""


class CorruptDatabaseError(StorageError):
    """The file is damaged or not a database; it is never overwritten."""


class NewerSchemaError(StorageError):
    """The database was written by a newer version of the app."""


class RecordNotFoundError(StorageError):
    """No record has that id."""


class RefusedError(StorageError):
    """A refusal, not a passing failure: sending the same again will not help (it is said, and
    never kept waiting to be retried)."""


class RecordClosedError(RefusedError):
    """The record is closed: only a follow-up (partner confirmed, re-assessment, export) may be
    added."""


class OpenedReadOnlyError(RefusedError):
    """The records were opened only to be read (`--read-only`): nothing may be written."""

    def __init__(self, path: object) -> None:
        self.path = path
        super().__init__(f"{path} is open read-only: nothing can be added to it or changed.")


class ModeMismatchError(StorageError):
    """A training record was offered to the live store, or the other way round."""


def classify(error: Exception, path: object) -> StorageError:
    """Turn a SQLite (or SQLCipher) error into the storage error the handler needs to hear."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(
            f"The record database {path} is in use by another program, so nothing was "
            "written. Close the other program and try again."
        )
    # SQLite says "disk I/O error" when a full disk stops it growing the -shm file (its docs
    # give that cause); on a full disk that is what opening, for reading too, meets first.
    if "full" in text or getattr(error, "sqlite_errorname", "") == "SQLITE_IOERR_SHMSIZE":
        return DiskFullError(
            f"The disk holding {path} is full, so nothing was written. Free some space, then "
            "try again."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return ReadOnlyError(
            f"The record database {path} cannot be written (read-only file or folder), so "
            "nothing was written."
        )
    if "record is closed" in text:
        return RecordClosedError(
            "The record is closed: nothing more can be added to it. Start a linked "
            "re-assessment instead."
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return CorruptDatabaseError(corrupt_message(path, str(error)))
    return StorageError(f"The record database {path} could not be used: {error}")


def corrupt_message(path: object, detail: str) -> str:
    return (
        f"The record database {path} is damaged ({detail}). It has not been changed. "
        "Restore the latest backup: close the app, then run `rcrp-desktop restore BACKUP` "
        "(it checks the backup and moves the damaged files aside, keeping them). "
        "Tell your supervisor."
    )


class ClosureError(RefusedError):
    """The call cannot be closed yet; `missing` says what is still to be recorded."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__("The call cannot be closed yet: " + " ".join(missing))
