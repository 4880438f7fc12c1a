"""Start-up: the window paints first, the records open just after, and nothing is lost meanwhile."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from rcrp_desktop import app, paths
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.identity import Handler, save_handler
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui.main_window import MainWindow

HANDLER = Handler("PC4821", "Alex Example", "call handler")


@pytest.fixture
def saved_handler(data_dir: Path) -> Handler:
    save_handler(data_dir, HANDLER)
    return HANDLER


def test_the_window_shows_first_then_opens_the_records_and_offers_unfinished_calls(
    qtbot: QtBot, data_dir: Path, england: Pack, saved_handler: Handler
) -> None:
    store = Store.open(database_path(data_dir, "live"), "live")
    unfinished = CallRecorder.start(store, england, incident_ref="INC-7", user="PC 1")
    store.close()
    opener = None
    lock = InstanceLock(data_dir).acquire()
    try:
        opener = app.show_window(paths.forms_dir(), "rcrp-england", data_dir, training=False)
        assert opener is not None
        window = opener.window
        qtbot.add_widget(window)
        assert not window.records_open  # shown before the database is touched
        assert window.pack_choice.count() == 1  # the default pack; the rest load after it
        assert window.pack_choice.currentData() == "rcrp-england"
        assert "Opening the records" in window.statusBar().currentMessage()
        with qtbot.waitSignal(opener.opened, timeout=5000):
            pass
        assert window.records_open
        shown = [window.pack_choice.itemData(i) for i in range(window.pack_choice.count())]
        assert sorted(shown) == ["btp-standard", "rcrp-england", "rcrp-wales"]
        assert window.pack_choice.currentData() == "rcrp-england"  # still the one chosen
        assert window.start_page.calls.count() == 1
        assert f"Record {unfinished.record_id}" in window.start_page.calls.item(0).text()
        assert "Records:" in window.statusBar().currentMessage()
    finally:
        if opener is not None and opener.store is not None:
            opener.store.close()
        lock.release()


def test_ctrl_n_pressed_before_the_records_open_starts_the_call_once_they_are(
    qtbot: QtBot, packs: dict[str, Pack], store: Store
) -> None:
    window = MainWindow(list(packs.values()), None, "PC 4821", default_pack="rcrp-england")
    qtbot.add_widget(window)
    with qtbot.wait_active(window):
        window.show()
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.session is None  # nowhere to save it yet: it waits, it is not dropped
    window.attach_store(store)
    qtbot.waitUntil(lambda: window.session is not None, timeout=5000)
    assert window.session is not None
    assert window.question_view.question is not None
    assert store.record(window.session.record_id).incident_ref == "INC-TEST-1"


def test_records_that_cannot_be_opened_are_explained_and_the_app_stops_untouched(
    qtbot: QtBot, data_dir: Path, saved_handler: Handler, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = database_path(data_dir, "live")
    damaged.write_bytes(b"this is not a database, and must not be overwritten " * 40)
    before = damaged.read_bytes()
    said: list[str] = []
    exits: list[int] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    lock = InstanceLock(data_dir).acquire()
    try:
        opener = app.show_window(paths.forms_dir(), "rcrp-england", data_dir, training=False)
        assert opener is not None
        qtbot.add_widget(opener.window)
        qtbot.waitUntil(lambda: bool(said), timeout=5000)
    finally:
        lock.release()
    assert opener.failed and opener.store is None
    assert exits == [1]
    assert "not a database" in said[0] or "damaged" in said[0]
    assert not opener.window.records_open
    assert damaged.read_bytes() == before


# The child runs the app's own start-up path and reports, at the first paint, which heavy
# modules had been imported by then.
FIRST_PAINT_PROBE = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from rcrp_desktop.app import make_application, show_window
from rcrp_desktop.paths import forms_dir

app = make_application()
opener = show_window(forms_dir(), "rcrp-england", Path(sys.argv[1]), training=False)
seen = {}

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not seen:
            seen.update({name: name in sys.modules for name in sys.argv[2:]})
        return False

probe = Probe()
opener.window.installEventFilter(probe)
opener.opened.connect(lambda: QTimer.singleShot(0, app.quit))
app.exec()
seen["opened"] = opener.store is not None
if opener.store is not None:
    opener.store.close()
print(json.dumps(seen))
"""


def test_the_first_paint_comes_before_the_database_layer_and_the_dialogs_are_loaded(
    data_dir: Path, saved_handler: Handler
) -> None:
    """What keeps start-up within its benchmark: these load after the window is up."""
    heavy = [
        "sqlite_utils",
        "rcrp_desktop.storage.repository",
        "rcrp_desktop.ui.dialogs.forms",
        "rcrp_desktop.ui.dialogs.partners",
        "rcrp_desktop.ui.widgets.call_page",
        "rcrp_desktop.ui.widgets.records_panel",
        "rcrp_desktop.ui.export_flow",
        "reportlab",
    ]
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_PROBE, str(data_dir), *heavy],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen.pop("opened") is True
    assert seen == dict.fromkeys(heavy, False)


def test_a_default_pack_shown_before_its_checks_is_never_used_for_a_call_if_it_fails_them(
    qtbot: QtBot, data_dir: Path, tmp_path: Path, saved_handler: Handler
) -> None:
    """Before the first paint the default pack is only read; it is checked with the others
    before the records open. One that reads but fails a safety rule is then withdrawn."""
    forms = tmp_path / "forms"
    shutil.copytree(paths.forms_dir(), forms)
    england = forms / "england" / "rcrp-england.toml"
    text = england.read_text(encoding="utf-8")
    england.write_text(
        text.replace('urgent_route = "urgent_route"', 'urgent_route = "cat"', 1), encoding="utf-8"
    )
    lock = InstanceLock(data_dir).acquire()
    opener = None
    try:
        opener = app.show_window(forms, "rcrp-england", data_dir, training=False)
        assert opener is not None
        window = opener.window
        qtbot.add_widget(window)
        assert window.pack_choice.currentData() == "rcrp-england"  # read, shown, not checked
        with qtbot.waitSignal(opener.opened, timeout=5000):
            pass
        offered = [window.pack_choice.itemData(i) for i in range(window.pack_choice.count())]
        assert "rcrp-england" not in offered
        assert any("rcrp-england.toml" in line for line in window.load_errors)
        assert window.selected_pack() is None or window.selected_pack().id != "rcrp-england"
    finally:
        if opener is not None and opener.store is not None:
            opener.store.close()
        lock.release()
