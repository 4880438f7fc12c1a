"""Searching the records: by incident, dates, category, outcome and status, newest first.

The category and outcome come from `record_index`, kept in step with the events by a trigger
made from the rules in record_index.py; `verify` checks it against the same rules.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from rcrp_desktop.storage import record_index
from rcrp_desktop.storage.records import RECORD_COLUMNS, Mode
from rcrp_desktop.times import utc_text

STATUSES = ("open", "closed")


class RecordRow(NamedTuple):
    """A record as the searchable list shows it: its header and status (RecordSummary's
    fields, in its order), and from its events the category answered, the outcome (the
    handler's decision, else the final recommendation; '' while there is neither) and the
    time of its latest event."""

    id: int
    uid: str
    incident_ref: str
    created_utc: str
    handler: str
    force_profile: str
    pack_id: str
    pack_version: str
    pack_hash: str
    mode: str
    app_version: str
    status: str
    category: str
    outcome: str
    last_utc: str
    urgent: bool = False  # the latest recommendation is urgent


@dataclass(frozen=True)
class RecordQuery:
    """What to look for; every criterion left empty matches everything.

    Attributes:
        incident_text: part of the incident reference, any case.
        date_from, date_to: the first and last calendar day (local time) the call started on.
        category: the value answered at the pack's category question (e.g. "welfare").
        outcome: an outcome code (e.g. "PARTNER_LEAD_NO_POLICE").
        status: "open", "closed" or "" for both.
    """

    incident_text: str = ""
    date_from: date | None = None
    date_to: date | None = None
    category: str = ""
    outcome: str = ""
    status: str = ""

    def __post_init__(self) -> None:
        if self.status and self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES} or empty, not {self.status!r}")

    def described(self) -> str:
        """The criteria in words, as the access log keeps them; "every record" when none."""
        parts = [
            f"incident containing {self.incident_text!r}" if self.incident_text else "",
            f"from {self.date_from.isoformat()}" if self.date_from else "",
            f"to {self.date_to.isoformat()}" if self.date_to else "",
            f"category {self.category}" if self.category else "",
            f"outcome {self.outcome}" if self.outcome else "",
            f"status {self.status}" if self.status else "",
        ]
        return "; ".join(part for part in parts if part) or "every record"


class RecordSearch:
    """The search half of Store (which supplies `mode` and `_query_all`)."""

    if TYPE_CHECKING:
        mode: Mode

        def _query_all(self, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]: ...
        def _query_one(self, sql: str, args: Sequence[Any]) -> tuple[Any, ...] | None: ...

    def search(
        self,
        criteria: RecordQuery,
        *,
        offset: int = 0,
        limit: int = 200,
        after: tuple[str, int] | None = None,
    ) -> list[RecordRow]:
        """Records of this mode matching `criteria`, newest first, one page at a time.

        `after` (the created_utc and id of the last row already shown) pages by position
        rather than by count, so calls saved or closed meanwhile neither repeat nor skip rows;
        `offset` counts from there.
        """
        where, args = self._search_where(criteria)
        if after is not None:
            where += " AND (r.created_utc, r.id) < (?, ?)"
            args += [after[0], after[1]]
        columns = ", ".join(f"r.{name}" for name in RECORD_COLUMNS)
        rows = self._query_all(
            f"SELECT {columns}, COALESCE(i.category, ''), COALESCE(i.outcome, ''), "
            f"{_LAST_UTC}, COALESCE(i.urgent, '') != '' "
            f"{_SEARCH_FROM} WHERE {where} "
            "ORDER BY r.created_utc DESC, r.id DESC LIMIT ? OFFSET ?",
            [*args, max(limit, 0), max(offset, 0)],
        )
        # SQLite gives 0 or 1 for the urgent mark: made a bool here.
        return [found._replace(urgent=bool(found.urgent)) for found in map(RecordRow._make, rows)]

    def count(self, criteria: RecordQuery) -> int:
        """How many records of this mode match `criteria`."""
        where, args = self._search_where(criteria)
        row = self._query_one(f"SELECT count(*) {_SEARCH_FROM} WHERE {where}", args)
        return int(row[0]) if row else 0

    def _search_where(self, criteria: RecordQuery) -> tuple[str, list[Any]]:
        terms, args = ["r.mode = ?"], [str(self.mode)]
        if text := criteria.incident_text.strip():
            terms.append("r.incident_ref LIKE ? ESCAPE '\\'")
            args.append("%" + _like_escape(text) + "%")
        if criteria.date_from is not None:
            terms.append("r.created_utc >= ?")
            args.append(_local_day_start(criteria.date_from))
        if criteria.date_to is not None:
            terms.append("r.created_utc < ?")
            args.append(_local_day_start(criteria.date_to + timedelta(days=1)))
        # The unary + keeps SQLite from driving the query from the category or outcome index
        # (then sorting every match by date): walking records newest first and looking each
        # one up stops at the page's last row, and costs one pass at worst.
        for column, value in (
            ("+i.category", criteria.category),
            ("+i.outcome", criteria.outcome),
            ("r.status", criteria.status),
        ):
            if value:
                terms.append(f"{column} = ?")
                args.append(value)
        return " AND ".join(terms), args

    def index_rows(self) -> dict[int, tuple[str, ...]]:
        """The search cache, record id to (category, recommended, decided, outcome, urgent)."""
        rows = self._query_all(
            f"SELECT record_id, {', '.join(record_index.COLUMNS)} FROM record_index", []
        )
        return {int(row[0]): tuple(row[1:]) for row in rows}

    def recomputed_index_rows(self) -> dict[int, tuple[str, ...]]:
        """What the search cache should hold, worked out afresh from the events by its rules."""
        rows = self._query_all(record_index.recomputed_sql(), [])
        return {int(row[0]): tuple(row[1:]) for row in rows}

    def index_out_of_step(self, limit: int) -> list[int]:
        """The records (up to `limit`, by id) whose search cache row is missing, extra or
        differs from what their events give. Compared inside SQLite, which answers in one step:
        verify runs this on a thread beside its own Python walk, and a query that handed back
        every row would wait for the interpreter between rows."""
        columns = ", ".join(("record_id", *record_index.COLUMNS))
        stored = f"SELECT {columns} FROM record_index"
        expected = record_index.recomputed_sql()
        # Each EXCEPT in its own subquery: compound operators would otherwise group from the left.
        rows = self._query_all(
            f"""WITH stored({columns}) AS MATERIALIZED ({stored}),
              expected({columns}) AS MATERIALIZED ({expected})
            SELECT record_id FROM (SELECT * FROM stored EXCEPT SELECT * FROM expected)
            UNION SELECT record_id FROM (SELECT * FROM expected EXCEPT SELECT * FROM stored)
            ORDER BY record_id LIMIT ?""",
            [limit],
        )
        return [int(row[0]) for row in rows]


_SEARCH_FROM = "FROM records r LEFT JOIN record_index i ON i.record_id = r.id"
# A row's last activity: its record's last event, found on the (record_id, seq) index.
_LAST_UTC = (
    "COALESCE((SELECT e.utc FROM events e WHERE e.record_id = r.id ORDER BY e.seq DESC LIMIT 1),"
    " r.created_utc)"
)


def _like_escape(text: str) -> str:
    """Text for a LIKE pattern that matches itself only ('%' and '_' taken literally)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _local_day_start(day: date) -> str:
    """Midnight at the start of a local calendar day, as the UTC text records are stamped with."""
    return utc_text(datetime.combine(day, time.min).astimezone())
