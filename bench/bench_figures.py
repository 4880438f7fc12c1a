"""The monitoring figures on the generated store, in the same run: the whole monitoring view for
every call in the store once its facts are kept (target: the issue's one second; the first view,
which keeps them, reported), and each figure's query through the app's runner against the same
SQL run bare on the same kept tables (target 2x).

    .venv/bin/python bench/bench_figures.py                      # 1M events
    .venv/bin/python bench/bench_figures.py --events 200000 --rounds 5
"""

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate

from rcrp_desktop.calls.monitoring import figures_for
from rcrp_desktop.domain.monitoring.figures import FIGURES, QUESTION_FIGURES, Figure
from rcrp_desktop.storage.records import RECORD_COLUMNS
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.times import parse_utc, utc_text

from bench_storage import CACHE, Row, _alternate, _median, ensure_database, reported

QUERY_TARGET = 2.0
VIEW_SECONDS = 1.0  # the issue's: the whole monitoring view for a year's calls


def period_of(store: Store) -> tuple[datetime, datetime]:
    rows = store.record_rows()
    made = [parse_utc(str(dict(zip(RECORD_COLUMNS, r, strict=True))["created_utc"])) for r in rows]
    return min(made), max(made) + timedelta(seconds=1)


def measure(db: Path, rounds: int) -> list[Row]:
    """On a copy of `db` (the kept facts are written into it): the first view, which keeps
    every call's facts; the view again, the facts kept; each figure's query against the same
    SQL run bare on the same tables."""
    with tempfile.TemporaryDirectory(dir=db.parent, prefix="figures-") as scratch:
        copy = Path(scratch) / "records.sqlite3"
        shutil.copyfile(db, copy)
        store = Store.open(copy, "live", create=False)
        try:
            start, end = period_of(store)
            first_ns = _timed(lambda: figures_for(store, start, end))
            view_ns = min(_timed(lambda: figures_for(store, start, end)) for _ in range(3))
            period = {"start": utc_text(start), "end": utc_text(end), "profile": "",
                      "category": "", "phase": ""}  # fmt: skip
            rows = [
                Row(f"first view: every call's facts kept ({first_ns / 1e9:.1f} s)", first_ns,
                    VIEW_SECONDS * 1e9, None),
                Row("whole view, the facts kept", view_ns, VIEW_SECONDS * 1e9, 1.0),
            ]  # fmt: skip
            drawn_ns = _drawn(store)
            rows.append(Row("the window's view drawn, the facts kept", drawn_ns,
                            VIEW_SECONDS * 1e9, 1.0))  # fmt: skip
            conn = store.db.conn
            for figure in (*FIGURES, *QUESTION_FIGURES):

                def ours(figure: Figure = figure) -> None:
                    run_one(conn, figure, period)

                def bare(figure: Figure = figure) -> None:
                    conn.execute(figure.sql, period).fetchall()

                timed = _alternate(rounds, ours, bare)
                rows.append(Row(f"figure {figure.id}", _median(timed.ours),
                                _median(timed.floor), QUERY_TARGET))  # fmt: skip
        finally:
            store.close()
    return rows


def _drawn(store: Store) -> int:
    """The window's monitoring view for every call drawn (offscreen): the figures, their tables
    and the chart; the fastest of three, as a supervisor opening it again would see."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from rcrp_desktop.ui.dialogs.monitoring import MonitoringView

    app = QApplication.instance() or QApplication([])
    start, end = period_of(store)
    view = MonitoringView(None, store, 5, "bench")  # type: ignore[arg-type]
    view.start.setDate(QDate(start.year, start.month, start.day))
    view.end.setDate(QDate(end.year, end.month, end.day))
    best = []
    for _ in range(3):
        began = time.perf_counter_ns()
        view.show_figures()
        app.processEvents()
        best.append(time.perf_counter_ns() - began)
    view.deleteLater()
    return min(best)


def _timed(work: Callable[[], object]) -> int:
    began = time.perf_counter_ns()
    work()
    return time.perf_counter_ns() - began


def run_one(conn: sqlite3.Connection, figure: Figure, period: dict[str, str]) -> None:
    """One figure as the runner works it out: its query, then the summing and suppression."""
    from rcrp_desktop.domain.monitoring.figures import summed_times, suppressed

    found: list[tuple[object, ...]] = [tuple(r) for r in conn.execute(figure.sql, period)]
    if figure.times:
        found = summed_times(found)
    suppressed(figure, [tuple(0 if v is None else v for v in r) for r in found], 5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a generated database (made if missing)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events to generate")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of each query")
    args = parser.parse_args(argv)
    db = ensure_database(args.db or CACHE / f"events-{args.events}.sqlite3", args.events)
    rows = measure(db, args.rounds)
    return reported(rows)


if __name__ == "__main__":
    sys.exit(main())
