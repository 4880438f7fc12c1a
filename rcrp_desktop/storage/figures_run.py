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
    QUESTION_FIGURES,
    Figure,
    pyformat,
    summed_times,
    suppressed,
)
from rcrp_desktop.domain.monitoring.questions import CREATE_QUESTIONS, INSERT_QUESTIONS
from rcrp_desktop.times import utc_text


@dataclass(frozen=True)
class FigureResult:
    """One figure worked out: its rows, small counts suppressed."""

    figure: Figure
    rows: list[tuple[object, ...]]


def run_figures(
    conn: Any,
    facts: Sequence[Mapping[str, object]],
    questions: Sequence[Mapping[str, object]],
    start: datetime,
    end: datetime,
    **narrowed: Any,
) -> list[FigureResult]:
    """Every figure over `facts` (rows of FACT_COLUMNS) and `questions` (rows of
    QUESTION_COLUMNS) put in temporary tables of their own; `narrowed` as `run_queries` takes
    it (postgres, suppress_below, profile, category, phase)."""
    sql = pyformat if narrowed.get("postgres") else (lambda text: text)
    cursor = conn.cursor()
    try:
        cursor.execute(CREATE_FACTS)
        cursor.execute(CREATE_QUESTIONS)
        if facts:
            cursor.executemany(sql(INSERT_FACTS), list(facts))
        if questions:
            cursor.executemany(sql(INSERT_QUESTIONS), list(questions))
        return run_queries(conn, start, end, **narrowed)
    finally:
        cursor.execute("DROP TABLE IF EXISTS call_facts")
        cursor.execute("DROP TABLE IF EXISTS question_facts")
        cursor.close()


def run_queries(
    conn: Any,
    start: datetime,
    end: datetime,
    *,
    postgres: bool = False,
    suppress_below: int = 0,
    profile: str = "",
    category: str = "",
    phase: str = "",
) -> list[FigureResult]:
    """Every figure's SQL on the tables call_facts and question_facts as `conn` sees them
    (temporary ones, or those a record database keeps)."""
    sql = pyformat if postgres else (lambda text: text)
    period = {"start": utc_text(start), "end": utc_text(end), "profile": profile,
              "category": category, "phase": phase}  # fmt: skip
    cursor = conn.cursor()
    try:
        results = []
        for figure in (*FIGURES, *QUESTION_FIGURES):
            cursor.execute(sql(figure.sql), period)
            rows = [tuple(row) for row in cursor.fetchall()]
            if figure.times:
                rows = summed_times(rows)
            rows = [tuple(0 if value is None else value for value in row) for row in rows]
            results.append(FigureResult(figure, suppressed(figure, rows, suppress_below)))
        return results
    finally:
        cursor.close()
