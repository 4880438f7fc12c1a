"""The monitoring figures on the generated store, in the same run: each figure's query, through
the app's runner, against the same SQL run bare on the same facts table (target 2x); and the
whole monitoring view for every call in the store, from its events (reported against the
issue's one second: the facts are worked out from the events each time, not yet kept).

    .venv/bin/python bench/bench_figures.py                      # 1M events
    .venv/bin/python bench/bench_figures.py --events 200000 --rounds 5
"""

import argparse
import sqlite3
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from rcrp_desktop.calls.monitoring import figures_for, monitoring_config
from rcrp_desktop.calls.review import stored_events
from rcrp_desktop.domain.monitoring.figures import (
    CREATE_FACTS,
    FIGURES,
    INSERT_FACTS,
    QUESTION_FIGURES,
)
from rcrp_desktop.domain.monitoring.questions import CREATE_QUESTIONS, INSERT_QUESTIONS
from rcrp_desktop.domain.monitoring.rows import period_rows
from rcrp_desktop.domain.review.facts import call_facts
from rcrp_desktop.storage.figures_run import run_figures
from rcrp_desktop.storage.records import RECORD_COLUMNS
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.times import parse_utc, utc_text

from bench_storage import CACHE, Row, _alternate, _median, ensure_database, table

QUERY_TARGET = 2.0
VIEW_SECONDS = 1.0  # the issue's: the whole monitoring view for a year's calls


def period_of(store: Store) -> tuple[datetime, datetime]:
    rows = store.record_rows()
    made = [parse_utc(str(dict(zip(RECORD_COLUMNS, r, strict=True))["created_utc"])) for r in rows]
    return min(made), max(made) + timedelta(seconds=1)


def facts_tables(store: Store, start: datetime) -> sqlite3.Connection:
    """Every call's facts, made once, in an in-memory database as the runner makes them."""
    config = monitoring_config()
    calls = []
    for row in store.record_rows():
        header = dict(zip(RECORD_COLUMNS, row, strict=True))
        events = stored_events(store, int(header["id"]))
        calls.append((call_facts(int(header["id"]), header, events, start), events))
    uid_of = {facts.record_id: facts.uid for facts, _ in calls}
    rows, questions = period_rows(calls, start, config, lambda f: uid_of.get(f.linked_from))
    conn = sqlite3.connect(":memory:")
    conn.execute(CREATE_FACTS.replace("TEMPORARY ", ""))
    conn.execute(CREATE_QUESTIONS.replace("TEMPORARY ", ""))
    conn.executemany(INSERT_FACTS, rows)
    conn.executemany(INSERT_QUESTIONS, questions)
    return conn


def measure(db: Path, rounds: int) -> list[Row]:
    store = Store.open(db, "live", create=False, readonly=True)
    try:
        start, end = period_of(store)
        began = time.perf_counter_ns()
        figures_for(store, start, end)
        view_ns = time.perf_counter_ns() - began
        conn = facts_tables(store, start)
    finally:
        store.close()
    period = {"start": utc_text(start), "end": utc_text(end), "profile": "", "category": ""}
    rows = [Row(f"whole view, every call ({view_ns / 1e9:.1f} s)", view_ns, VIEW_SECONDS * 1e9,
                None)]  # fmt: skip
    for figure in (*FIGURES, *QUESTION_FIGURES):

        def ours(figure=figure) -> None:  # type: ignore[no-untyped-def]
            run_one(conn, figure, period)

        def bare(figure=figure) -> None:  # type: ignore[no-untyped-def]
            conn.execute(figure.sql, period).fetchall()

        timed = _alternate(rounds, ours, bare)
        rows.append(Row(f"figure {figure.id}", _median(timed.ours), _median(timed.floor),
                        QUERY_TARGET))  # fmt: skip
    conn.close()
    return rows


def run_one(conn: sqlite3.Connection, figure, period) -> None:  # type: ignore[no-untyped-def]
    """One figure as the runner works it out: its query, then the summing and suppression."""
    from rcrp_desktop.domain.monitoring.figures import summed_times, suppressed

    found = [tuple(r) for r in conn.execute(figure.sql, period).fetchall()]
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
    print(table(rows))
    failed = [row.measure for row in rows if not row.passed]
    if failed:
        print(f"missed target: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["run_figures"]
