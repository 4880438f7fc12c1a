"""The records panel: search by keyboard, Enter opens, and the window keeps going meanwhile."""

import threading
import time
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.repository import RecordQuery, Store
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.models.records_model import CategoryRole, OutcomeRole, RecordIdRole
from rcrp_desktop.ui.widgets.records_panel import OptionalDateEdit, RecordsPanel
from tests.ui.records_data import incident


@pytest.fixture
def panel(qtbot: QtBot, store: Store, packs: dict[str, Pack], records: list[int]) -> RecordsPanel:
    made = RecordsPanel(store, list(packs.values()))
    qtbot.add_widget(made)
    with qtbot.wait_active(made):
        made.show()
        made.activateWindow()
    settle(qtbot, made)
    return made


def settle(qtbot: QtBot, panel: RecordsPanel) -> None:
    """Wait for the controls' search to have run and come back."""
    qtbot.wait_until(
        lambda: panel.model.query == panel.query() and not panel.model.loading, timeout=5000
    )


def shown_ids(panel: RecordsPanel) -> list[int]:
    model = panel.model
    return [model.index(row, 0).data(RecordIdRole) for row in range(model.rowCount())]


def test_it_opens_on_the_newest_calls(panel: RecordsPanel, records: list[int]) -> None:
    assert shown_ids(panel) == records[::-1][:200]
    assert panel.summary.text() == "300 calls, newest first"
    assert not panel.busy.isVisible()
    assert panel.table.currentIndex().row() == 0


def test_typing_an_incident_reference_filters(
    qtbot: QtBot, panel: RecordsPanel, records: list[int]
) -> None:
    panel.incident.setFocus()
    qtbot.keyClicks(panel.incident, "inc-001")  # any case
    settle(qtbot, panel)
    assert panel.model.query == RecordQuery(incident_text="inc-001")
    expected = [records[n] for n in range(100, 200)][::-1]
    assert shown_ids(panel) == expected
    assert panel.summary.text() == "100 calls, newest first"
    qtbot.keyClicks(panel.incident, "42")
    settle(qtbot, panel)
    assert shown_ids(panel) == [records[142]]
    qtbot.keyClicks(panel.incident, "x")
    settle(qtbot, panel)
    assert shown_ids(panel) == []
    assert panel.summary.text() == "No calls match"


def test_category_outcome_status_and_dates_filter(
    qtbot: QtBot, panel: RecordsPanel, records: list[int]
) -> None:
    panel.category.setCurrentIndex(panel.category.findData("welfare"))
    settle(qtbot, panel)
    assert panel.model.total == 120
    welfare = {panel.model.index(r, 0).data(CategoryRole) for r in range(panel.model.rowCount())}
    assert welfare == {"welfare"}
    panel.outcome.setCurrentIndex(panel.outcome.findData("POLICE_DEPLOY"))
    settle(qtbot, panel)
    assert panel.model.total == 60
    assert {panel.model.index(r, 0).data(OutcomeRole) for r in range(panel.model.rowCount())} == {
        "POLICE_DEPLOY"
    }
    panel.category.setCurrentIndex(0)
    panel.outcome.setCurrentIndex(0)
    panel.status.setCurrentIndex(panel.status.findData("open"))
    settle(qtbot, panel)
    assert panel.model.total == 60
    # The first call started at noon UTC on 5 January 2026, the next ones six hours apart.
    panel.status.setCurrentIndex(0)
    panel.date_from.set_value(date(2026, 1, 6))
    panel.date_to.set_value(date(2026, 1, 7))
    settle(qtbot, panel)
    assert panel.model.total in (7, 8, 9)  # two local days of four calls, edges by time zone
    assert set(shown_ids(panel)) <= set(records[:12])


def test_enter_on_a_row_opens_that_record(
    qtbot: QtBot, panel: RecordsPanel, records: list[int]
) -> None:
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    with qtbot.wait_signal(panel.open_requested, timeout=1000) as opened:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert opened.args == [records[-3]]


def test_enter_in_the_search_goes_to_the_results_and_enter_again_opens(
    qtbot: QtBot, panel: RecordsPanel, records: list[int]
) -> None:
    panel.incident.setFocus()
    qtbot.keyClicks(panel.incident, incident(7))
    qtbot.keyClick(panel.incident, Qt.Key.Key_Return)  # searches at once, no pause needed
    assert panel.model.query == RecordQuery(incident_text=incident(7))
    qtbot.wait_until(lambda: panel.table.hasFocus(), timeout=1000)
    settle(qtbot, panel)
    with qtbot.wait_signal(panel.open_requested, timeout=1000) as opened:
        qtbot.keyClick(panel.table, Qt.Key.Key_Enter)
    assert opened.args == [records[7]]


def test_the_window_keeps_going_while_a_search_runs(
    qtbot: QtBot, panel: RecordsPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    searched_on: list[threading.Thread] = []
    release = threading.Event()
    real_search = Store.search

    def slow_search(self: Store, *args: object, **kwargs: object) -> object:
        searched_on.append(threading.current_thread())
        release.wait(5)  # as slow as the test wants
        return real_search(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "search", slow_search)
    ticks: list[float] = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    panel.incident.setFocus()
    qtbot.keyClicks(panel.incident, "INC-0029")
    qtbot.keyClick(panel.incident, Qt.Key.Key_Return)
    qtbot.wait_until(lambda: bool(searched_on), timeout=2000)
    assert panel.busy.isVisible()
    assert panel.summary.text() == "Searching…"
    ticks.clear()
    qtbot.wait(200)  # the event loop runs on while the search is held
    assert len(ticks) >= 5
    assert panel.model.loading
    release.set()
    settle(qtbot, panel)
    timer.stop()
    assert not panel.busy.isVisible()
    assert searched_on and threading.main_thread() not in searched_on
    assert panel.model.total == 10


def test_every_control_is_named_and_tab_goes_through_them_in_order(
    qtbot: QtBot, panel: RecordsPanel
) -> None:
    controls: list[QWidget] = [
        panel.incident,
        panel.date_from,
        panel.date_to,
        panel.category,
        panel.outcome,
        panel.status,
        panel.table,
    ]
    for widget in [*controls, panel.busy, panel.summary]:
        assert widget.accessibleName(), widget.objectName()
    panel.incident.setFocus()
    visited = [QApplication.focusWidget()]
    for _ in controls[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        # A date edit's focus sits on its inner line edit.
        visited.append(focused.parentWidget() if focused not in controls else focused)
    assert visited == controls


def test_a_date_may_be_any_date(qtbot: QtBot) -> None:
    edit = OptionalDateEdit()
    qtbot.add_widget(edit)
    assert edit.value() is None
    assert edit.text() == "Any date"
    qtbot.keyClick(edit, Qt.Key.Key_Up)  # from any date, the arrows start at today
    assert edit.date() == QDate.currentDate()
    assert edit.value() == date.today()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.value() is None
    qtbot.keyClicks(edit, "2026-02-03")  # typing over "Any date", year first as shown
    assert edit.value() == date(2026, 2, 3)
    edit.set_value(None)
    assert edit.text() == "Any date"


def test_find_fits_a_1366_wide_screen(
    qtbot: QtBot, window: MainWindow, store: Store, records: list[int]
) -> None:
    """Nothing on Find asks for more width than a 1366x768 desk has (it once asked 1,761)."""
    window.find_calls()
    panel = window.records_panel
    assert panel is not None
    assert panel.minimumSizeHint().width() <= 1300
    assert window.minimumSizeHint().width() <= 1366
