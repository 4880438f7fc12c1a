"""The records model: a well-behaved Qt model, lazy by pages, searching off the GUI thread."""

import threading
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from rcrp_desktop.storage.repository import RecordQuery, Store
from rcrp_desktop.ui.models.records_model import (
    CATEGORY,
    COLUMNS,
    OUTCOME,
    STARTED,
    CategoryRole,
    OutcomeRole,
    RecordIdRole,
    RecordRowRole,
    RecordsModel,
    StatusRole,
)
from tests.ui.records_data import incident


@pytest.fixture
def model(store: Store, qtbot: QtBot) -> RecordsModel:
    return RecordsModel(store.path, store.mode, category_labels={"welfare": "Concern for welfare"})


def settle(qtbot: QtBot, model: RecordsModel) -> None:
    """Wait until the model's search has come back."""
    qtbot.wait_until(lambda: not model.loading, timeout=5000)


def search(qtbot: QtBot, model: RecordsModel, query: RecordQuery) -> None:
    with qtbot.wait_signal(model.counted, timeout=5000):
        model.set_query(query)
    settle(qtbot, model)


def ids(model: RecordsModel) -> list[int]:
    return [model.index(row, 0).data(RecordIdRole) for row in range(model.rowCount())]


def test_the_model_passes_the_qt_model_tester_through_every_change(
    qtmodeltester: ModelTester, qtbot: QtBot, model: RecordsModel, records: list[int]
) -> None:
    qtmodeltester.check(model)  # stays attached: every reset and insert below is checked too
    search(qtbot, model, RecordQuery())
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        settle(qtbot, model)
    search(qtbot, model, RecordQuery(category="welfare"))
    search(qtbot, model, RecordQuery(incident_text="no such incident"))
    assert model.rowCount() == 0


def test_pages_of_200_newest_first_fetched_as_the_view_asks(
    qtbot: QtBot, model: RecordsModel, records: list[int]
) -> None:
    assert not model.canFetchMore(QModelIndex())  # no query yet: nothing to fetch
    search(qtbot, model, RecordQuery())
    assert model.total == 300
    assert ids(model) == records[::-1][:200]
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex())  # one page at a time
    settle(qtbot, model)
    assert ids(model) == records[::-1]
    assert not model.canFetchMore(QModelIndex())


def test_cells_and_roles(qtbot: QtBot, model: RecordsModel, records: list[int]) -> None:
    search(qtbot, model, RecordQuery(incident_text=incident(0)))
    assert model.rowCount() == 1
    assert [model.headerData(n, Qt.Orientation.Horizontal) for n in range(6)] == list(COLUMNS)
    cells = [model.index(0, column).data() for column in range(len(COLUMNS))]
    row = model.index(0, 0).data(RecordRowRole)
    started = datetime.fromisoformat(row.created_utc).astimezone().strftime("%Y-%m-%d %H:%M")
    assert cells == [
        str(records[0]),
        "INC-00000",
        started,
        "Concern for welfare",
        "Partner leads: police not attending",
        "Closed",
    ]
    index = model.index(0, OUTCOME)
    assert index.data(RecordIdRole) == records[0]
    assert index.data(CategoryRole) == "welfare"
    assert index.data(OutcomeRole) == "PARTNER_LEAD_NO_POLICE"
    assert index.data(StatusRole) == "closed"
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Partner leads: police not attending"  # words, never the code
    assert model.index(0, STARTED).data(Qt.ItemDataRole.ToolTipRole).endswith("UTC")
    assert b"recordId" in model.roleNames().values()
    search(qtbot, model, RecordQuery(incident_text=incident(4)))  # open, no outcome yet
    assert model.index(0, OUTCOME).data() == "—"
    assert model.index(0, CATEGORY).data() == "s136"  # no label given: the value itself


def test_searches_run_off_the_gui_thread_on_their_own_connection(
    qtbot: QtBot, model: RecordsModel, records: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    connections: list[object] = []
    real_search = Store.search

    def spy(self: Store, *args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread())
        connections.append(self.db.conn)
        return real_search(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "search", spy)
    search(qtbot, model, RecordQuery(status="open"))
    assert model.total == 60
    assert threads and threading.main_thread() not in threads
    assert connections


def test_an_overtaken_search_is_dropped(
    qtbot: QtBot, model: RecordsModel, records: list[int]
) -> None:
    model.set_query(RecordQuery())
    model.set_query(RecordQuery(category="medical"))
    with qtbot.wait_signal(model.counted, timeout=5000) as counted:
        model.set_query(RecordQuery(category="awol"))
    settle(qtbot, model)
    assert counted.args == [60]
    assert {model.index(row, 0).data(CategoryRole) for row in range(model.rowCount())} == {"awol"}
    assert model.rowCount() == 60


def test_a_failed_search_says_why(qtbot: QtBot, data_dir: Path) -> None:
    model = RecordsModel(data_dir / "missing.sqlite3", "live")
    with qtbot.wait_signal(model.failed, timeout=5000) as failed:
        model.set_query(RecordQuery())
    assert "no record database" in failed.args[0]
    assert not model.loading
    assert not model.canFetchMore(QModelIndex())
