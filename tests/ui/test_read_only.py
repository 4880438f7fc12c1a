"""The read-only window (`--read-only`): it says so and which file, its writing controls are off,
the core refuses what is sent all the same, finding and reading work, and not a byte of the
data folder changes, on a folder or media that cannot be written too."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from rcrp_desktop import app, paths
from rcrp_desktop.calls.commands import RecordNote
from rcrp_desktop.calls.records import Records, open_read_only
from rcrp_desktop.cli import main
from rcrp_desktop.domain.call.closure import Deployment
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.ui.action_table import ACTIONS, off_in_read_only, title_in, writing
from rcrp_desktop.ui.dialogs import ChangeReasonDialog
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.widgets.read_only_question import ReadOnlyQuestionView
from rcrp_desktop.ui.window_mode import READ_ONLY_STATUS, read_only_line
from tests import other_user
from tests.at_rest import Calls, record_calls, snapshot
from tests.other_user import give

LOCK = "rcrp-desktop.lock"


@pytest.fixture
def calls(data_dir: Path, england: Pack) -> Calls:
    return record_calls(data_dir, england)


@pytest.fixture
def records(data_dir: Path, calls: Calls) -> Iterator[Records]:
    store = open_read_only(data_dir, training=False)
    yield store
    store.close()


@pytest.fixture
def window(qtbot: QtBot, packs: dict[str, Pack], records: Records) -> MainWindow:
    """A read-only window on the records, shown and active (as after the app starts)."""
    made = MainWindow(list(packs.values()), records, "", default_pack="rcrp-england")
    qtbot.add_widget(made)
    with qtbot.wait_active(made):
        made.show()
        made.activateWindow()
    return made


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the window tells the handler in message boxes (after the no-dialogs guard)."""
    told: list[str] = []
    for name in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, name, lambda parent, title, text, *a: told.append(text))
    return told


def test_the_window_says_it_is_read_only_and_which_file(
    qtbot: QtBot, data_dir: Path, calls: Calls
) -> None:
    """Started as `--read-only` starts it: no handler set up, so a live start would ask (and
    the no-dialogs guard would fail the test); none is asked for, nothing is made."""
    before = snapshot(data_dir)
    opener = app.show_window(paths.forms_dir(), "rcrp-england", data_dir, False, read_only=True)
    assert opener is not None
    window = opener.window
    qtbot.add_widget(window)
    try:
        assert window.windowTitle() == f"READ-ONLY {calls.database}"
        assert window.read_only_banner.isVisibleTo(window)
        assert window.read_only_banner.text() == read_only_line(calls.database)
        assert window.read_only_banner.text().startswith(
            f"READ-ONLY: {calls.database} — nothing can be changed."
        )
        assert window.saved_label.text() == READ_ONLY_STATUS
        with qtbot.wait_signal(opener.opened, timeout=5000):
            pass
        assert opener.store is not None and opener.store.readonly
        assert window.statusBar().currentMessage() == (
            f"Read-only: {calls.database} — nothing can be changed"
        )
        assert window.start_page.calls.count() == 2  # both calls are still open: to read
        assert "Enter to read it" in window.start_page.heading.text()
        assert window.data_dir is None  # nothing kept in the folder: theme, handler, directory
    finally:
        if opener.store is not None:
            opener.store.close()
    assert LOCK not in os.listdir(data_dir)
    assert snapshot(data_dir) == before


def test_every_writing_control_is_off_and_the_rest_on(
    qtbot: QtBot, window: MainWindow, calls: Calls
) -> None:
    by_title = {title_in(act, True): act for act in ACTIONS if act.name}
    acts = [(action, by_title[action.text()]) for action in window.actions()]
    assert {act.name for _, act in acts} >= writing()
    for action, act in acts:
        assert action.isEnabled() is not act.off_when_read_only, act.name
    assert {"new_call", "accept_recommendation", "close_call"} <= off_in_read_only()
    # Export writes (it is recorded), but here it makes a copy recorded nowhere: it stays on.
    assert "export_handover" in writing() - off_in_read_only()
    assert not window.new_call_button.isEnabled() and not window.pack_choice.isEnabled()

    window.resume_call(calls.finished)
    assert window.saved_label.text() == f"Record {calls.finished}: read-only"
    closure = window.call_page.closure
    for name, button in closure.buttons.items():
        assert button.isEnabled() is (name not in off_in_read_only()), name
    assert closure.buttons["copy_summary"].isEnabled()
    assert closure.buttons["export_handover"].text() == "Export a read-only copy… (Ctrl+E)"

    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    view = window.question_view
    assert isinstance(view, ReadOnlyQuestionView) and view.question is not None
    chosen = [b.isChecked() for b in view.buttons]
    assert any(chosen) and not any(b.isEnabled() for b in view.buttons)
    assert view.rationale.isReadOnly() and view.text_input.isReadOnly()
    session = window.session
    assert session is not None
    at = session.view_index
    qtbot.keyClick(view, Qt.Key.Key_1)  # picks nothing
    assert [b.isChecked() for b in view.buttons] == chosen
    qtbot.keyClick(view, Qt.Key.Key_Return)  # on to the next answer given, nothing sent
    assert session.view_index == at + 1


def test_f1_says_which_keys_are_off(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from rcrp_desktop.ui.shortcuts import ShortcutsDialog

    shown: list[ShortcutsDialog] = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    window.show_help()
    text = shown[0].text.toPlainText()
    assert "Start a new call (off: this window is read-only)" in text
    assert "Export a read-only copy of the handover (PDF or plain text)" in text
    finding = [line for line in text.splitlines() if line.startswith("Find calls")]
    assert finding and "(off" not in finding[0]


def test_what_is_sent_all_the_same_is_refused_by_the_core(
    qtbot: QtBot,
    window: MainWindow,
    calls: Calls,
    records: Records,
    said: list[str],
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The slots behind the controls that are off, called directly: the application layer
    refuses each, the window says so, and nothing is kept waiting or written."""
    before = snapshot(data_dir)
    refusal = f"{calls.database} is open read-only: nothing can be added to it or changed."
    window.new_call()
    assert said == [refusal] and window.session is None
    window.resume_call(calls.finished)
    window.accept_recommendation()
    window.close_call()
    assert not window.send(RecordNote(record_id=calls.finished, note=Deployment("Unit 1", "now")))
    assert said[1:4] == [refusal] * 3
    window.retry_saving()  # nothing waits: a refusal is never kept to be tried again
    assert not window.not_saved_bar.isVisible() and not window.not_saved_bar.unsaved

    window.go_back()
    monkeypatch.setattr(ChangeReasonDialog, "ask", classmethod(lambda *a: "a reason"))
    window.on_submitted("something else", "a rationale")
    assert window.question_view.error_label.text() == f"Not saved: {refusal}"
    assert [row.id for row in records.recent(10)] == [calls.begun, calls.finished]
    assert snapshot(data_dir) == before


def test_finding_and_reading_still_work(
    qtbot: QtBot, window: MainWindow, calls: Calls, data_dir: Path
) -> None:
    before = snapshot(data_dir)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.records_panel
    assert panel is not None
    qtbot.wait_until(lambda: panel.model.rowCount() == 2 and not panel.model.loading)
    qtbot.keyClicks(panel.incident, "INC-RO-1")
    qtbot.keyClick(panel.incident, Qt.Key.Key_Return)  # searches at once, then to the table
    qtbot.wait_until(lambda: panel.model.rowCount() == 1 and not panel.model.loading)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.wait_until(lambda: window.session is not None)
    assert window.session is not None and window.session.record_id == calls.finished
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert "INC-RO-1" in QGuiApplication.clipboard().text()
    window.toggle_theme()  # the look changes for this window, and is kept nowhere
    assert "keeps nothing" in window.statusBar().currentMessage()
    assert snapshot(data_dir) == before


def test_a_damaged_database_gets_the_line_the_command_line_gives(
    qtbot: QtBot,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    data_dir.mkdir()
    damaged = database_path(data_dir, "live")
    damaged.write_bytes(b"not a database, and never to be overwritten " * 50)
    before = snapshot(data_dir)
    assert main(["--data-dir", str(data_dir), "list"]) == 1
    line = capfd.readouterr().err
    assert line.startswith("rcrp-desktop: The record database") and line.count("\n") == 1
    shown: list[str] = []
    exits: list[int] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    opener = app.show_window(paths.forms_dir(), "rcrp-england", data_dir, False, read_only=True)
    assert opener is not None
    qtbot.add_widget(opener.window)
    qtbot.wait_until(lambda: bool(shown), timeout=5000)
    assert [f"rcrp-desktop: {shown[0]}\n"] == [line]
    assert capfd.readouterr().err == line  # said on standard error too, as one line
    assert opener.failed and exits == [1]
    assert snapshot(data_dir) == before


# --- Where nothing can be written ---------------------------------------------------------------

# Run as the normal user: the app's own start, read-only, on the folder given; what the window
# showed once the records opened, as JSON on the last line.
READ_ONLY_START = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from rcrp_desktop.app import make_application, show_window
from rcrp_desktop.paths import forms_dir

app = make_application()
opener = show_window(forms_dir(), "rcrp-england", Path(sys.argv[1]), False, read_only=True)
opener.opened.connect(lambda: QTimer.singleShot(0, app.quit))
QTimer.singleShot(30_000, app.quit)
app.exec()
window = opener.window
print(json.dumps({
    "opened": opener.store is not None,
    "title": window.windowTitle(),
    "status": window.statusBar().currentMessage(),
    "unfinished": window.start_page.calls.count(),
}))
if opener.store is not None:
    opener.store.close()
"""


@pytest.fixture
def place() -> Iterator[Path]:
    """A folder the normal user can reach: under /tmp, 0755 (tmp_path's parents are root's)."""
    with other_user.reachable_folder("rcrp-read-only-") as folder:
        yield folder


def test_a_folder_the_user_cannot_write_opens_and_nothing_is_written(
    place: Path, england: Pack
) -> None:
    data = place / "data"
    calls = record_calls(data, england)
    give(data, "administrator")
    calls.database.chmod(0o644)
    data.chmod(0o555)
    before = snapshot(data)
    done = other_user.run([sys.executable, "-c", READ_ONLY_START, str(data)], cwd=place)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "opened": True,
        "title": f"READ-ONLY {calls.database}",
        "status": f"Read-only: {calls.database} — nothing can be changed",
        "unfinished": 2,
    }
    assert snapshot(data) == before


@pytest.fixture
def read_only_media(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs to remount read-only, as a disc of backups (needs root and mount(8))."""
    point = tmp_path / "media"
    point.mkdir()
    if not other_user.as_root() or shutil.which("mount") is None:
        pytest.skip("mounting a read-only filesystem needs root and mount(8)")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(point)]).returncode:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False)


def test_a_backup_on_read_only_media_opens_and_nothing_is_written(
    qtbot: QtBot, read_only_media: Path, england: Pack
) -> None:
    data = read_only_media / "backup"
    calls = record_calls(data, england)
    InstanceLock(data).acquire().release()  # copied with its lock file, as a folder would be
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_media)], check=True)
    before = snapshot(data)
    opener = app.show_window(paths.forms_dir(), "rcrp-england", data, False, read_only=True)
    assert opener is not None
    qtbot.add_widget(opener.window)
    try:
        with qtbot.wait_signal(opener.opened, timeout=5000):
            pass
        opener.window.resume_call(calls.finished)
        assert opener.window.session is not None
    finally:
        if opener.store is not None:
            opener.store.close()
    assert snapshot(data) == before
