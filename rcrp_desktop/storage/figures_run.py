"""The monitoring figures run on a DB-API connection: the calls' facts put in a temporary table
of their own, then each figure's SQL, the same on SQLite and on PostgreSQL."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rcrp_desktop.domain.monitoring.figures import (
    CREATE_FACTS,
    FIGURES,
    INSERT_FACTS,
    Figure,
    pyformat,
    summed_times,
    suppressed,
)
from rcrp_desktop.times import utc_text


@dataclass(frozen=True)
class FigureResult:
    """One figure worked out: its rows, small counts suppressed."""

    figure: Figure
    rows: list[tuple[object, ...]]


def run_figures(
    conn: Any,
    facts: Sequence[Mapping[str, object]],
    start: datetime,
    end: datetime,
    *,
    postgres: bool = False,
    suppress_below: int = 0,
) -> list[FigureResult]:
    """Every figure over `facts` (rows of FACT_COLUMNS) for calls made in [start, end)."""
    sql = pyformat if postgres else (lambda text: text)
    period = {"start": utc_text(start), "end": utc_text(end)}
    cursor = conn.cursor()
    try:
        cursor.execute(CREATE_FACTS)
        cursor.executemany(sql(INSERT_FACTS), list(facts))
        results = []
        for figure in FIGURES:
            cursor.execute(sql(figure.sql), period)
            rows = [tuple(row) for row in cursor.fetchall()]
            if figure.times:
                rows = summed_times(rows)
            rows = [tuple(0 if value is None else value for value in row) for row in rows]
            results.append(FigureResult(figure, suppressed(figure, rows, suppress_below)))
        return results
    finally:
        cursor.execute("DROP TABLE call_facts")
        cursor.close()
