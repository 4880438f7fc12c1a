"""The errors the application layer lets through to the window and the CLI, by what they mean.

A refusal (RefusedError: ClosureError, RecordClosedError, OpenedReadOnlyError) will not pass by
sending again; a StorageError may (a locked, read-only or full disk); AlreadyRunningError means
another copy holds the data folder. The window words them; it never needs to know which part
of the core raised them.
"""

from rcrp_desktop.storage.errors import (
    AlreadyRunningError,
    ClosureError,
    OpenedReadOnlyError,
    RecordClosedError,
    RefusedError,
    StorageError,
)

__all__ = [
    "AlreadyRunningError",
    "ClosureError",
    "OpenedReadOnlyError",
    "RecordClosedError",
    "RefusedError",
    "StorageError",
]
