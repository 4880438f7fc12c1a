"""A PostgreSQL server of the tests' own (cluster.py), stopped and removed after. In CI (CI is
set) a server that cannot start fails the tests; elsewhere they are skipped, saying why. Each
test gets a database of its own."""

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.central.cluster import UnavailableError, cluster

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (./run tests does)")


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL for the central store's tests: {why}")
    pytest.skip(f"PostgreSQL for the central store's tests: {why}")


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """The server's connection string, without a database name."""
    server = cluster()
    try:
        dsn = server.__enter__()
    except UnavailableError as error:
        _unavailable(str(error))
    try:
        yield dsn
    finally:
        server.__exit__(None, None, None)


@pytest.fixture
def central_dsn(postgres: str) -> Iterator[str]:
    """A new, empty database on the tests' server; dropped after."""
    name = f"central_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres} dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{postgres} dbname={name}"
    finally:
        with psycopg.connect(f"{postgres} dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
