"""Make the QApplication, load the protocol packs and open the main window."""

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from rcrp_desktop import APP_NAME, APP_TITLE, ORG_DOMAIN, ORG_NAME, __version__, paths
from rcrp_desktop.domain.loader import check_paths
from rcrp_desktop.domain.protocol import Pack
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.identity import Handler, load_handler, save_handler
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.repository import Mode, Store
from rcrp_desktop.ui.form_dialog import ask_handler
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.qt_check import references_lost

logger = logging.getLogger(__name__)


def load_packs(forms_root: Path) -> tuple[list[Pack], list[str]]:
    """Every shipped pack that loads, and one line per problem in those that do not."""
    packs, problems = check_paths([forms_root])
    return packs, [str(problem) for problem in problems]


def stylesheet() -> str:
    folder = paths.resources_dir() / "stylesheets"
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.qss")))


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORG_NAME)
    app.setOrganizationDomain(ORG_DOMAIN)
    app.setStyleSheet(stylesheet())
    return app


def _show_unexpected(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """Last resort: log the traceback, show the handler a plain message, keep running."""
    logger.error("unexpected error\n%s", "".join(traceback.format_exception(kind, error, tb)))
    QMessageBox.critical(
        None,
        APP_TITLE,
        "Something went wrong inside the app "
        f"({kind.__name__}: {error}).\nWhat you have entered is still on "
        "screen. Tell your supervisor; details are in the log.",
    )


def open_records(data_dir: Path, training: bool) -> tuple[InstanceLock, Store]:
    """Own the data folder (one copy of the app per folder) and open its record database."""
    lock = InstanceLock(data_dir).acquire()
    mode: Mode = "training" if training else "live"
    try:
        return lock, Store.open(database_path(data_dir, mode), mode)
    except StorageError:
        lock.release()
        raise


def _handler(data_dir: Path) -> Handler | None:
    """The saved handler, or asked for on first start (and saved for next time)."""
    try:
        handler = load_handler(data_dir)
    except StorageError as error:
        logger.warning("%s", error)
        handler = None
    if handler is None:
        handler = ask_handler(None, None)
        if handler is not None:
            save_handler(data_dir, handler)
    return handler


def run(forms_root: Path, pack: str, data_dir: Path, *, training: bool = False) -> int:
    app = make_application()
    sys.excepthook = _show_unexpected
    broken = references_lost()
    if broken:
        QMessageBox.critical(None, APP_TITLE, f"Cannot start: {broken}")
        return 1
    try:
        lock, store = open_records(data_dir, training)
    except StorageError as error:
        QMessageBox.critical(None, APP_TITLE, str(error))
        return 1
    try:
        packs, errors = load_packs(forms_root)
        logger.debug("data folder %s; %d packs loaded", data_dir, len(packs))
        handler = _handler(data_dir)
        if handler is None:
            QMessageBox.critical(
                None,
                APP_TITLE,
                "Calls can only be taken once the handler's "
                "collar number and name are set: start the app again.",
            )
            return 1
        window = MainWindow(
            packs, store, handler.stamp(), default_pack=pack, load_errors=errors, data_dir=data_dir
        )
        window.show()
        return app.exec()
    finally:
        store.close()
        lock.release()
