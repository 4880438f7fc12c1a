"""A PostgreSQL server of the tests' own: a throwaway cluster in a temporary folder, on a free
port of 127.0.0.1, stopped and removed after. In CI (CI is set) a server that cannot start fails
the tests; elsewhere they are skipped, saying why. Each test gets a database of its own."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (./run tests does)")


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL for the central store's tests: {why}")
    pytest.skip(f"PostgreSQL for the central store's tests: {why}")


def _bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        done = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        folder = Path(done.stdout.strip())
        if (folder / "initdb").exists():
            return folder
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """The server's connection string, without a database name."""
    bindir = _bindir()
    if bindir is None:
        _unavailable("it is not installed (./run tests installs it: apt-get install postgresql)")
    assert bindir is not None
    folder = Path(tempfile.mkdtemp(prefix="rcrp-central-pg-"))  # /tmp: reachable by its user
    runner: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL never runs as root: as its own user, postgres
        shutil.chown(folder, "postgres", "postgres")
        runner = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*runner, *command], capture_output=True, text=True, check=False, timeout=120
        )

    made = run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "rcrp",
               "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"initdb failed: {made.stderr.strip()[-400:]}")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    started = run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip
    if started.returncode != 0:
        log = (
            (folder / "log").read_text(errors="replace")[-400:] if (folder / "log").exists() else ""
        )
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"the server did not start: {started.stderr.strip()[-300:]} {log}")
    try:
        yield f"host=127.0.0.1 port={port} user=rcrp"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


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
