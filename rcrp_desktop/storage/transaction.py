"""One write transaction on a connection: the one way the stores write."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from rcrp_desktop.storage.cipher import DB_ERRORS
from rcrp_desktop.storage.errors import classify


@contextmanager
def writing(conn: sqlite3.Connection, path: object) -> Iterator[None]:
    """One transaction; any SQLite failure becomes a StorageError; never left open.

    BEGIN IMMEDIATE rather than sqlite-utils' atomic() (a plain BEGIN): the write lock is
    taken at the start, so another writer makes this wait out the busy timeout instead of
    failing halfway when a read would have to become a write.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        conn.execute("COMMIT")
    except DB_ERRORS as error:
        if conn.in_transaction:
            conn.rollback()
        raise classify(error, path) from error
    finally:
        assert not conn.in_transaction, "a unit of work left a transaction open"
