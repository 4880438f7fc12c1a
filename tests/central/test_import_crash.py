"""The import killed (SIGKILL) at random moments, 50 times: after each, running it again gives
exactly the database a clean import gives (a bundle is imported whole or not at all)."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from rcrp_desktop.central.cli import KEY_SECRET_ENV
from rcrp_desktop.central.cli import main as central
from rcrp_desktop.cli import main as desktop
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage import bundles
from rcrp_desktop.storage.station import public_pem, station_key

SECRET = "force key passphrase for tests"
KILLS = 50
SCRIPTS = sorted(p.name for p in examples_dir().glob("*.json"))[:6]
SEED = os.environ.get("CRASH_SEED") or os.urandom(4).hex()
_TABLES = {
    "records": "uid",
    "events": "record_uid, seq",
    "bundles": "station, sequence",
    "held_bundles": "station, sequence",
    "conflicts": "station, bundle_sequence, record_uid, seq",
}


def snapshot(dsn: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, in a fixed order, without the times an import stamps."""
    with psycopg.connect(dsn) as conn:
        taken = {}
        for table, order in _TABLES.items():
            rows = conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            columns = [c.name for c in conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
            # Not the times an import stamps, nor a serial id a rolled-back insert used up.
            kept = ("created_utc",) if table == "records" else ()
            keep = [
                i
                for i, name in enumerate(columns)
                if name != "id" and (not name.endswith("_utc") or name in kept)
            ]
            taken[table] = [tuple(row[i] for i in keep) for row in rows]
        return taken


def fresh_database(base: str, name: str) -> str:
    with psycopg.connect(f"{base} dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base} dbname={name}"


@pytest.mark.long
def test_an_import_killed_anywhere_finishes_as_a_clean_one(
    tmp_path: Path, postgres: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_SECRET_ENV, SECRET)
    key, public = tmp_path / "force.pem", tmp_path / "force-public.pem"
    assert central(["force-key", "--private-out", str(key), "--public-out", str(public)]) == 0
    made: list[Path] = []
    pems: list[Path] = []
    for name in ("north", "south"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / bundles.FORCE_KEY_FILE).write_bytes(public.read_bytes())
        for round_ in range(3):
            for script in SCRIPTS:
                script_path = str(examples_dir() / script)
                by = ["--save", "--by", f"PC {name}"]
                assert desktop(["--data-dir", str(folder), "run-script", script_path, *by]) == 0
            out = tmp_path / f"{name}-{round_ + 1}.rcrp"
            assert desktop(["--data-dir", str(folder), "bundle", "export", "--out", str(out)]) == 0
            made.append(out)
        pem = tmp_path / f"{name}.pem"
        pem.write_bytes(public_pem(station_key(folder)))
        pems.append(pem)
    order = [made[0], made[3], made[2], made[1], made[4], made[5]]  # a bundle out of turn, too

    def prepared(name: str) -> str:
        dsn = fresh_database(postgres, name)
        assert central(["--dsn", dsn, "init"]) == 0
        for label, pem in zip(("north", "south"), pems, strict=True):
            assert central(["--dsn", dsn, "stations", "add", label, str(pem)]) == 0
        return dsn

    def command(dsn: str) -> list[str]:
        return [sys.executable, "-m", "rcrp_desktop.central.cli", "--dsn", dsn, "import",
                "--key", str(key), *map(str, order)]  # fmt: skip

    def run(dsn: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(command(dsn), capture_output=True, timeout=120, check=False)

    clean = prepared("crash_clean")
    assert run(clean).returncode == 0
    expected = snapshot(clean)
    assert len(expected["bundles"]) == 6 and not expected["held_bundles"]
    started = time.perf_counter()
    assert run(prepared("crash_timing")).returncode == 0
    took = time.perf_counter() - started
    rng = random.Random(SEED)
    partway = 0  # kills that left some bundles in and some not
    for kill in range(KILLS):
        dsn = prepared("crash_killed")  # from nothing each time: the kill lands mid-import
        with subprocess.Popen(
            command(dsn), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ) as child:
            time.sleep(rng.uniform(0, took))
            child.send_signal(signal.SIGKILL)
            child.wait(30)
        partway += 0 < len(snapshot(dsn)["bundles"]) < len(expected["bundles"])
        finished = run(dsn)
        assert finished.returncode == 0, (kill, SEED, finished.stderr)
        assert snapshot(dsn) == expected, f"kill {kill} (CRASH_SEED={SEED})"
    assert partway > 0, f"no kill landed between two bundles (CRASH_SEED={SEED})"
