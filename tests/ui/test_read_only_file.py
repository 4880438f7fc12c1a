"""The window on a record database named by its own file (`--database`: a backup where it lies):
read-only, the file named in its title and bar, TRAINING when its records are; and Export in a
read-only window, made as a copy that says so on every page and records nothing."""

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rcrp_desktop import app, paths
from rcrp_desktop.calls.records import Records, open_file_read_only
from rcrp_desktop.cli import main
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.ui import export_flow
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.window_mode import read_only_line
from tests import other_user
from tests.at_rest import Calls, record_calls, snapshot
from tests.other_user import give
from tests.ui.test_main_window import press
from tests.ui.test_workflow import CTRL

NOTICE = "READ-ONLY COPY made from "


def backed_up(data_dir: Path, pack: Pack, folder: Path, mode: str = "live") -> Calls:
    """Two calls, backed up as a user would to a file of its own in `folder`."""
    calls = record_calls(data_dir, pack, "training" if mode == "training" else "live")
    copy = folder / f"{mode}-backup.sqlite3"
    folder.mkdir(exist_ok=True)
    training = ["--training"] if mode == "training" else []
    assert main(["--data-dir", str(data_dir), *training, "backup", str(copy)]) == 0
    return Calls(copy, calls.finished, calls.begun)


@pytest.mark.parametrize("mode", ["live", "training"])
def test_the_window_opens_a_backup_by_its_name(
    qtbot: QtBot, data_dir: Path, england: Pack, tmp_path: Path, mode: str
) -> None:
    calls = backed_up(data_dir, england, tmp_path / "backups", mode)
    before = snapshot(calls.database.parent)
    nowhere = tmp_path / "no-data-folder"
    opener = app.show_window(
        paths.forms_dir(), "rcrp-england", nowhere, False, database=calls.database
    )
    assert opener is not None
    window = opener.window
    qtbot.add_widget(window)
    try:
        assert window.read_only and window.read_only_banner.isVisibleTo(window)
        assert window.read_only_banner.text() == read_only_line(calls.database)
        with qtbot.wait_signal(opener.opened, timeout=5000):
            pass
        assert opener.store is not None and opener.store.readonly
        assert opener.store.mode == mode  # as its records say: no --training was given
        training = mode == "training"
        prefix = "TRAINING · " if training else ""
        assert window.windowTitle() == f"{prefix}READ-ONLY {calls.database}"
        assert window.training_banner.isVisibleTo(window) is training
        assert hasattr(window.training, "watermark") is training
        assert window.statusBar().currentMessage() == (
            f"Read-only: {calls.database} — nothing can be changed"
        )
        assert window.start_page.calls.count() == 2
        window.resume_call(calls.finished)
        assert window.session is not None and window.session.record_id == calls.finished
    finally:
        if opener.store is not None:
            opener.store.close()
    assert snapshot(calls.database.parent) == before
    assert not nowhere.exists()  # no data folder made, no lock, nothing kept


@pytest.fixture
def copy_window(
    qtbot: QtBot, data_dir: Path, england: Pack, packs: dict[str, Pack], tmp_path: Path
) -> Iterator[tuple[MainWindow, Calls, Records]]:
    calls = backed_up(data_dir, england, tmp_path / "backups")
    records = open_file_read_only(calls.database, training=False)
    window = MainWindow(list(packs.values()), records, "", default_pack="rcrp-england")
    qtbot.add_widget(window)
    with qtbot.wait_active(window):
        window.show()
        window.activateWindow()
    window.resume_call(calls.finished)
    yield window, calls, records
    records.close()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    shown: list[Path] = []
    monkeypatch.setattr(export_flow, "open_document", shown.append)
    return shown


def test_export_in_a_read_only_window_saves_a_copy_and_records_nothing(
    qtbot: QtBot,
    copy_window: tuple[MainWindow, Calls, Records],
    forms: list[dict[str, Any]],
    opened: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, calls, records = copy_window
    before, events = snapshot(calls.database.parent), records.events(calls.finished)
    target = tmp_path / "out" / "copy"
    target.parent.mkdir()
    asked: list[Path] = []
    monkeypatch.setattr(
        export_flow, "ask_pdf_path", lambda parent, suggested: asked.append(suggested) or target
    )
    forms.append({"recipient": "crisis_team", "form": "pdf"})
    press(qtbot, window, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: bool(opened), timeout=20000)
    saved = target.with_suffix(".pdf")
    assert opened == [saved] and asked[0].name.endswith("-copy.pdf")
    pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(saved).pages]
    assert pages and all(f"{NOTICE}{calls.database} on " in page for page in pages)
    assert all("Not a disclosure recorded in the record" in page for page in pages)
    message = window.statusBar().currentMessage()
    assert (
        message.startswith(f"Read-only copy saved: {saved} (") and "nothing was recorded" in message
    )
    assert records.events(calls.finished) == events
    assert snapshot(calls.database.parent) == before


def test_a_text_copy_goes_to_the_clipboard_saying_what_it_is(
    qtbot: QtBot,
    copy_window: tuple[MainWindow, Calls, Records],
    forms: list[dict[str, Any]],
    opened: list[Path],
) -> None:
    window, calls, records = copy_window
    before, events = snapshot(calls.database.parent), records.events(calls.finished)
    forms.append({"recipient": "crisis_team", "form": "text"})
    press(qtbot, window, Qt.Key.Key_E, CTRL)
    lines = QApplication.clipboard().text().splitlines()
    assert lines[1].startswith(f"{NOTICE}{calls.database} on ") and lines[-2] == lines[1]
    assert "nothing was recorded" in window.statusBar().currentMessage()
    assert not opened
    assert records.events(calls.finished) == events
    assert snapshot(calls.database.parent) == before


# Run as the normal user: the app's own start on a file named as `--database` names it; what
# the window showed once the records opened, as JSON on the last line.
NAMED_START = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from rcrp_desktop.app import make_application, show_window
from rcrp_desktop.paths import forms_dir

app = make_application()
opener = show_window(
    forms_dir(), "rcrp-england", Path(sys.argv[2]), False, database=Path(sys.argv[1])
)
opener.opened.connect(lambda: QTimer.singleShot(0, app.quit))
QTimer.singleShot(30_000, app.quit)
app.exec()
window = opener.window
print(json.dumps({
    "opened": opener.store is not None,
    "title": window.windowTitle(),
    "unfinished": window.start_page.calls.count(),
}))
if opener.store is not None:
    opener.store.close()
"""


@pytest.fixture
def place() -> Iterator[Path]:
    """A folder the normal user can reach: under /tmp, 0755 (tmp_path's parents are root's)."""
    with other_user.reachable_folder("rcrp-named-window-") as folder:
        yield folder


def test_a_backup_in_a_folder_the_user_cannot_write_opens_in_the_window(
    place: Path, england: Pack
) -> None:
    backups = place / "backups"
    calls = backed_up(place / "data", england, backups, "training")
    give(backups, "administrator")
    calls.database.chmod(0o644)
    backups.chmod(0o555)
    before = snapshot(backups)
    nowhere = place / "no-data-folder"
    done = other_user.run(
        [sys.executable, "-c", NAMED_START, str(calls.database), str(nowhere)], cwd=place
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "opened": True,
        "title": f"TRAINING · READ-ONLY {calls.database}",
        "unfinished": 2,
    }
    assert snapshot(backups) == before and not nowhere.exists()


def test_a_file_the_window_cannot_read_gets_the_line_list_gives(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replaced after the command line checked it (or started without it): said, and quits."""
    from PySide6.QtWidgets import QMessageBox

    named = tmp_path / "notes.sqlite3"
    named.write_bytes(b"not a database " * 100)
    shown: list[str] = []
    exits: list[int] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    opener = app.show_window(paths.forms_dir(), "rcrp-england", tmp_path, False, database=named)
    assert opener is not None
    qtbot.add_widget(opener.window)
    qtbot.wait_until(lambda: bool(shown), timeout=5000)
    assert shown[0].startswith(f"The record database {named} is damaged (not a SQLite database)")
    assert opener.failed and exits == [1]
    assert named.read_bytes() == b"not a database " * 100
