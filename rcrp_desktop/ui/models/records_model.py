"""The searchable list of calls: a table model over `Store.search`, a page at a time, off-thread."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from rcrp_desktop.calls.records import Mode, RecordQuery, RecordRow
from rcrp_desktop.calls.records import Records as Store
from rcrp_desktop.domain.outcomes import MEANINGS, OutcomeCode
from rcrp_desktop.times import local_minute
from rcrp_desktop.ui.tasks import run_task

PAGE_SIZE = 200
COLUMNS = ("Record", "Incident", "Started (local time)", "Category", "Outcome", "Status")
RECORD, INCIDENT, STARTED, CATEGORY, OUTCOME, STATUS = range(len(COLUMNS))

_USER = int(Qt.ItemDataRole.UserRole)
RecordIdRole = _USER + 1  # int: the record's id
IncidentRole = _USER + 2  # str: the incident reference as typed
StartedUtcRole = _USER + 3  # str: when the call started, ISO 8601 UTC
CategoryRole = _USER + 4  # str: the category's value (e.g. "welfare"), "" before it is answered
OutcomeRole = _USER + 5  # str: the outcome code, "" while there is none
StatusRole = _USER + 6  # str: "open" or "closed"
RecordRowRole = _USER + 7  # RecordRow: the whole row

ROLE_NAMES = {
    RecordIdRole: b"recordId",
    IncidentRole: b"incident",
    StartedUtcRole: b"startedUtc",
    CategoryRole: b"category",
    OutcomeRole: b"outcome",
    StatusRole: b"status",
    RecordRowRole: b"recordRow",
}
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Page:
    """What one background search brings back: rows, and the total when it was counted."""

    rows: list[RecordRow]
    total: int | None


def load_page(
    path: Path,
    mode: Mode,
    query: RecordQuery,
    after: tuple[str, int] | None,
    limit: int,
    count: bool,
) -> Page:
    """Runs in a pool thread, on its own read-only connection (never the GUI thread's)."""
    store = Store.open(path, mode, create=False, readonly=True)
    try:
        rows = store.search(query, limit=limit, after=after)
        return Page(rows, store.count(query) if count else None)
    finally:
        store.close()


class RecordsModel(QAbstractTableModel):
    """Records matching a query, newest first, loaded in pages as the view scrolls.

    Adapts `Store.search`; every search runs in the thread pool on its own read-only
    connection, so the GUI thread never waits on the database. A new query resets the model;
    results of a search that has been overtaken are dropped.

    Attributes:
        path, mode: the record database searched, and its mode (live or training).
        query: the query the rows match (None until the first `set_query`).
        total: how many records match, once counted (None before).
        loading: a search is running.

    Signals:
        loading_changed(bool): a search started (True) or finished (False).
        counted(int): the number of matching records is known.
        failed(str): a search failed; the message says why.
    """

    loading_changed = Signal(bool)
    counted = Signal(int)
    failed = Signal(str)

    def __init__(
        self,
        path: Path,
        mode: Mode,
        *,
        category_labels: Mapping[str, str] | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.mode: Mode = mode
        self.query: RecordQuery | None = None
        self.total: int | None = None
        self.loading = False
        self._labels = dict(category_labels or {})
        self._page_size = page_size
        self._rows: list[RecordRow] = []
        self._exhausted = True  # nothing to fetch until there is a query
        self._generation = 0  # bumped by each new query: older results are stale

    # -- Searching ------------------------------------------------------------------------

    def set_query(self, query: RecordQuery) -> None:
        """Show the records matching `query`: the model empties now and fills as pages come."""
        self._generation += 1
        self.beginResetModel()
        self.query = query
        self.total = None
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        self._fetch(count=True)

    def refresh(self) -> None:
        """Search again with the same query (after a call was saved, say)."""
        if self.query is not None:
            self.set_query(self.query)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 (Qt default)
        return not parent.isValid() and not self._exhausted and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 (Qt default)
        if self.canFetchMore(parent):
            self._fetch(count=False)

    def _fetch(self, *, count: bool) -> None:
        assert self.query is not None
        last = self._rows[-1] if self._rows else None
        after = (last.created_utc, last.id) if last else None
        job = partial(load_page, self.path, self.mode, self.query, after, self._page_size, count)
        generation = self._generation
        self._set_loading(True)
        run_task(
            job,
            partial(self._on_page, generation),
            partial(self._on_failed, generation),
            context=self,
        )

    def _on_page(self, generation: int, page: Page) -> None:
        if generation != self._generation:
            return  # overtaken by a newer query, which is still loading
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self._exhausted = len(page.rows) < self._page_size
        self._set_loading(False)
        if page.total is not None:
            self.total = page.total
            self.counted.emit(page.total)

    def _on_failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        self._exhausted = True  # no retry loop from the view; a new search starts afresh
        self._set_loading(False)
        self.failed.emit(str(error) or type(error).__name__)

    def _set_loading(self, loading: bool) -> None:
        if loading != self.loading:
            self.loading = loading
            self.loading_changed.emit(loading)

    # -- Row access -----------------------------------------------------------------------

    def row_at(self, row: int) -> RecordRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({role: QByteArray(name) for role, name in ROLE_NAMES.items()})
        return names

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.row_at(index.row())
        if record is None or not 0 <= index.column() < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == RECORD:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self._custom(record, role)

    def _display(self, record: RecordRow, column: int) -> str:
        if column == RECORD:
            return str(record.id)
        if column == INCIDENT:
            return record.incident_ref or "(none given)"
        if column == STARTED:
            return local_minute(record.created_utc)
        if column == CATEGORY:
            return self._labels.get(record.category, record.category) or "—"
        if column == OUTCOME:
            return outcome_title(record.outcome) or "—"
        # Urgent is said in words, not by colour alone.
        return record.status.capitalize() + (" · URGENT" if record.urgent else "")

    def _tooltip(self, record: RecordRow, column: int) -> str | None:
        if column in (CATEGORY, OUTCOME):
            return self._display(record, column)
        if column == STARTED:
            return f"{record.created_utc.replace('T', ' ')[:19]} UTC"
        return None

    @staticmethod
    def _custom(record: RecordRow, role: int) -> Any:
        if role <= _USER:  # the view asks for fonts, colours, icons ... for every cell
            return None
        return {
            RecordIdRole: record.id,
            IncidentRole: record.incident_ref,
            StartedUtcRole: record.created_utc,
            CategoryRole: record.category,
            OutcomeRole: record.outcome,
            StatusRole: record.status,
            RecordRowRole: record,
        }.get(role)


def outcome_title(code: str) -> str:
    """The plain-English title of an outcome code ('' for none; unknown codes as they are)."""
    if not code:
        return ""
    try:
        return MEANINGS[OutcomeCode(code)].title
    except ValueError:
        return code
