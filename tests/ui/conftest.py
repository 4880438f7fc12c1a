"""Window fixtures: a store in the test's data folder, the prompts answered, an active window."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui.dialogs import IncidentDialog
from rcrp_desktop.ui.dialogs.forms import FormDialog
from rcrp_desktop.ui.main_window import MainWindow
from tests.ui.records_data import populate


@pytest.fixture(autouse=True)
def incident_reference(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(IncidentDialog, "ask", classmethod(lambda cls, parent: "INC-TEST-1"))
    return "INC-TEST-1"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = Store.open(database_path(data_dir, "live"), "live", busy_timeout_ms=100)
    yield opened
    opened.close()


WindowFactory = Callable[[Store], MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, packs: dict[str, Pack]) -> WindowFactory:
    """Open a main window on a store, shown and active (as after the app starts)."""

    def make(store: Store) -> MainWindow:
        win = MainWindow(list(packs.values()), store, "PC 4821", default_pack="rcrp-england")
        qtbot.add_widget(win)
        with qtbot.wait_active(win):  # shortcuts only reach an active window
            win.show()
            win.activateWindow()
        return win

    return make


@pytest.fixture
def window(make_window: WindowFactory, store: Store) -> MainWindow:
    return make_window(store)


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog nobody answers would hang the run: fail at once instead.

    Tests that expect a dialog patch it themselves, after this fixture has run.
    """

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"unexpected modal dialog: {args[1:3]}")

    for name in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    for name in ("getText", "getMultiLineText", "getItem", "getInt"):
        monkeypatch.setattr(QInputDialog, name, refuse)
    from rcrp_desktop.ui.dialogs.forms import FormDialog
    from rcrp_desktop.ui.shortcuts import ShortcutsDialog

    for dialog in (FormDialog, ShortcutsDialog):  # their exec() would wait for a person
        monkeypatch.setattr(dialog, "exec", lambda self: refuse(self, self.windowTitle()))


@pytest.fixture(autouse=True)
def plain_look_after(qapp: QApplication) -> Iterator[None]:
    """A test that puts on the app's look (`apply_theme`) leaves the next one the plain one."""
    font, sheet, colours = qapp.font(), qapp.styleSheet(), qapp.palette()
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(colours)
    qapp.setFont(font)


@pytest.fixture(autouse=True)
def no_task_left_running(qapp: QApplication) -> Iterator[None]:
    """Every background search finishes inside its own test."""
    yield
    assert QThreadPool.globalInstance().waitForDone(5000)


@pytest.fixture
def records(store: Store, england: Pack) -> list[int]:
    """A few hundred synthetic calls in the test's store."""
    return populate(store, england)


@pytest.fixture
def forms(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Answers for the next form dialogs, in order; every one must be used."""
    queue: list[dict[str, Any]] = []

    def ask(
        cls: type, parent: object, title: str, intro: str, fields: list[Any], check: Any = None
    ) -> Any:
        assert queue, f"unexpected form: {title}"
        given = queue.pop(0)
        values = {f.name: given.get(f.name, as_shown(f)) for f in fields}
        missing = check(dict(values)) if check is not None else []
        assert not missing, f"the form '{title}' would not accept this: {missing}"
        return values

    monkeypatch.setattr(FormDialog, "ask", classmethod(ask))
    yield queue
    assert not queue, "forms left unanswered"


def as_shown(field: Any) -> Any:
    """What the real dialog holds for an untouched field (a choice shows its first entry)."""
    if field.kind == "choice" and not any(v == field.default for v, _ in field.choices):
        return field.choices[0][0]
    return field.default
