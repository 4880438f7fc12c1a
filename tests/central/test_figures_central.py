"""The same figure definitions on the force's PostgreSQL: the hand-counted fixture gives the
same figures as on SQLite, and the figures of records merged from a station's bundle are those
the station's own desk gives."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from rcrp_desktop.calls.monitoring import figures_for
from rcrp_desktop.central.figures import central_figures
from rcrp_desktop.central.imports import import_bundle
from rcrp_desktop.domain.monitoring.config import load_monitoring
from rcrp_desktop.paths import forms_dir
from rcrp_desktop.storage.figures_run import run_figures
from rcrp_desktop.storage.repository import Store
from tests.central.test_import import export, force, register, station
from tests.monitoring.fixture import EMPTY, END, EXPECTED, FACTS, QUESTIONS, START


def test_the_hand_counted_fixture_gives_the_same_figures_on_postgresql(central_dsn: str) -> None:
    with psycopg.connect(central_dsn, autocommit=True) as conn:
        with conn.transaction():
            got = {
                r.figure.id: r.rows
                for r in run_figures(conn, FACTS, QUESTIONS, START, END, postgres=True)
            }
        assert got == EXPECTED
        with conn.transaction():
            none = run_figures(conn, [], [], START, END, postgres=True)
        assert {r.figure.id: r.rows for r in none} == EMPTY


def test_merged_records_give_the_figures_their_desk_gives(
    tmp_path: Path,
    central_dsn: str,
    force: tuple[Path, X25519PrivateKey],
) -> None:
    from rcrp_desktop.central.cli import main as central

    key, force_private = force
    assert central(["--dsn", central_dsn, "init"]) == 0
    folder = station(tmp_path, "north", key)
    register(central_dsn, folder, "north", tmp_path)
    bundle = export(folder, tmp_path / "north-1.rcrp")
    with psycopg.connect(central_dsn, autocommit=True) as conn:
        import_bundle(conn, bundle.read_bytes(), force_private, datetime.now(UTC))
        today = datetime.now(UTC)
        start, end = today - timedelta(days=1), today + timedelta(days=1)
        config = load_monitoring(forms_dir())
        merged = {r.figure.id: r.rows for r in central_figures(conn, start, end, config)}
    store = Store.open(folder / "records.sqlite3", "live", create=False, readonly=True)
    try:
        desk = {r.figure.id: r.rows for r in figures_for(store, start, end)}
    finally:
        store.close()
    assert merged == desk
    assert sum(row[2] for row in desk["calls_by_category_outcome"]) == 2


__all__ = ["force"]  # the force's key fixture, shared with the import tests
