"""A throwaway PostgreSQL server: a cluster in a temporary folder, on a free port of 127.0.0.1,
stopped and removed after. For the central store's tests and its benchmark."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class UnavailableError(Exception):
    """The server cannot be had here; the message says why."""


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


@contextmanager
def cluster(*settings: str) -> Iterator[str]:
    """The server's connection string, without a database name; `settings` are `-c` options
    for the server (name=value)."""
    bindir = _bindir()
    if bindir is None:
        raise UnavailableError(
            "it is not installed (./run tests installs it: apt-get install postgresql)"
        )
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
        raise UnavailableError(f"initdb failed: {made.stderr.strip()[-400:]}")
    options = " ".join(
        [f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", *(f"-c {s}" for s in settings)]
    )
    started = run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip
    if started.returncode != 0:
        log = (
            (folder / "log").read_text(errors="replace")[-400:] if (folder / "log").exists() else ""
        )
        shutil.rmtree(folder, ignore_errors=True)
        raise UnavailableError(f"the server did not start: {started.stderr.strip()[-300:]} {log}")
    try:
        yield f"host=127.0.0.1 port={port} user=rcrp"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)
