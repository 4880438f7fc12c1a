"""Make the QApplication, load the protocol packs and open the main window."""

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from rcrp_desktop import APP_NAME, APP_TITLE, ORG_DOMAIN, ORG_NAME, __version__
from rcrp_desktop.domain.pack.loader import check_paths, pack_files
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.data import ACCOUNTS_FILE, database_path
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.identity import FILE_NAME as HANDLER_FILE
from rcrp_desktop.storage.identity import Handler, load_handler, save_handler
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.storage.settings import load_theme
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.message_box import message_box
from rcrp_desktop.ui.qt_check import references_lost
from rcrp_desktop.ui.theme import apply_theme, show_within_screen

if TYPE_CHECKING:
    from rcrp_desktop.calls.gate import Gate
    from rcrp_desktop.storage.records import Mode
    from rcrp_desktop.storage.repository import Store

logger = logging.getLogger(__name__)


def load_packs(
    forms_root: Path, data_dir: Path | None = None, *, checked: bool = True
) -> tuple[list[Pack], list[str]]:
    """Every pack that loads (shipped; and those the force signed and this desk installed, in
    `data_dir`), and one line per problem in those that do not.

    `checked=False` only for the pack on screen before the first paint: every pack is loaded
    again, checked, before the records open (and so before a call can start)."""
    if not checked:
        packs, problems = check_paths([forms_root], checked=False)
        return packs, [str(problem) for problem in problems]
    from rcrp_desktop.calls.forms import pack_catalogue

    return pack_catalogue(forms_root, data_dir)


def default_pack_file(forms_root: Path, pack: str) -> Path | None:
    """The file of the pack the window starts with, where it is named after the pack's id (as
    every shipped pack is); None if there is not exactly one."""
    found = [path for path in pack_files([forms_root], archived=False) if path.stem == pack]
    return found[0] if len(found) == 1 else None


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORG_NAME)
    app.setOrganizationDomain(ORG_DOMAIN)
    apply_theme()
    return app


def _show_unexpected(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """Last resort: log the traceback, show the handler a plain message, keep running."""
    logger.error("unexpected error\n%s", "".join(traceback.format_exception(kind, error, tb)))
    message_box().critical(
        None,
        APP_TITLE,
        "Something went wrong inside the app "
        f"({kind.__name__}: {error}).\nWhat you have entered is still on "
        "screen. Tell your supervisor; details are in the log.",
    )


def open_store(data_dir: Path, training: bool) -> "Store":
    """Open the data folder's record database (live or training)."""
    # Imported here: sqlite-utils costs as much to import as Qt, and the window is shown first.
    from rcrp_desktop.calls.records import open_store as open_it

    return open_it(data_dir, training)


def open_read_only(data_dir: Path, training: bool) -> "Store":
    """Open the record database only to read it: no lock, nothing created or written."""
    from rcrp_desktop.calls.records import open_read_only as open_it

    return open_it(data_dir, training)


def open_file_read_only(path: Path, training: bool) -> "Store":
    """Open a record database named by its own file (`--database`) only to read it; its mode
    is its records' own."""
    from rcrp_desktop.calls.records import open_file_read_only as open_it

    return open_it(path, training)


def open_records(data_dir: Path, training: bool) -> tuple[InstanceLock, "Store"]:
    """Own the data folder (one copy of the app per folder) and open its record database."""
    from rcrp_desktop.calls.records import open_records as open_them

    return open_them(data_dir, training)


class OpenAfterFirstPaint(QObject):
    """Opens the records once the window has painted, and hands them to it.

    Signals:
        opened(): the window has its records and can take a call.

    The window is on screen and taking keys at once; the database opens on the next turn of the
    event loop, so a key pressed meanwhile waits in the queue and is handled with the records
    open. If they cannot be opened, the handler is told why (the line the command line gives,
    on standard error too) and the app quits.
    """

    opened = Signal()

    def __init__(
        self,
        window: MainWindow,
        data_dir: Path,
        training: bool,
        forms_root: Path | None = None,
        *,
        read_only: bool = False,
        database: Path | None = None,
        gate: "Gate | None" = None,
    ) -> None:
        """`forms_root`: the window has only the default pack; load every pack first.
        `read_only`: open the records only to read them; `database`: this file, read-only,
        rather than the data folder's. `gate`: the person signed in, whose every action on
        the records the application layer checks and logs."""
        super().__init__(window)
        self.window = window
        self.data_dir = data_dir
        self.training = training
        self.read_only = read_only or database is not None
        self.database = database
        self.forms_root = forms_root
        self.gate = gate
        window.gate = gate
        self.store: Store | None = None
        self.failed = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self.open)
        return False

    def open(self) -> None:
        if self.forms_root is not None:
            self.window.set_packs(*load_packs(self.forms_root, self.data_dir))
        try:
            if self.database is not None:
                self.store = open_file_read_only(self.database, self.training)
            else:
                opening = open_read_only if self.read_only else open_store
                self.store = opening(self.data_dir, self.training)
        except StorageError as error:
            self.failed = True
            sys.stderr.write(f"{APP_NAME}: {error}\n")  # as `list` says it, for a terminal
            message_box().critical(self.window, APP_TITLE, str(error))
            QApplication.exit(1)
            return
        if self.gate is not None:
            from rcrp_desktop.calls import gate as gates

            gates.attach(self.store, self.gate)
        self.window.attach_store(self.store)
        if self.store.mode == "training" and not self.training:
            # A file named by --database says it holds training records only once it is read.
            self.window.training.show_training()
        self.opened.emit()


def _handler(data_dir: Path, read_only: bool = False) -> Handler | None:
    """The saved handler, or asked for on first start (and saved for next time). A read-only
    window records nothing, so nobody is asked for, and nothing is saved."""
    try:
        handler = load_handler(data_dir)
    except StorageError as error:
        logger.warning("%s", error)
        handler = None
    if handler is None and not read_only:
        from rcrp_desktop.ui.dialogs.forms import ask_handler  # first start only

        handler = ask_handler(None, None)
        if handler is not None:
            save_handler(data_dir, handler)
    return handler


def _signed_in(
    data_dir: Path, training: bool, read_only: bool = False
) -> "Gate | Literal[False] | None":
    """The person at the desk, signed in, where the data folder has accounts; None where it
    has none yet (the saved handler, as before); False if nobody signed in. An administrator
    of a folder whose first start stopped before its first handler is asked for one (not in a
    read-only window), and that handler is signed in."""
    # Imported here: the accounts store is SQLite (sqlite-utils), only for a folder with one.
    from rcrp_desktop.calls import gate as gates
    from rcrp_desktop.calls.access import SignInError

    access = gates.accounts_of(data_dir)
    if access is None:
        return None
    from rcrp_desktop.ui.dialogs.sign_in import SignInDialog

    mode: Mode = "training" if training else "live"
    signed: list[Gate] = []

    def attempt(number: str, secret: str) -> str | None:
        try:
            signed.append(gates.sign_in(access, number, secret, mode))
        except SignInError as error:
            return str(error)
        return None

    intro = f"Sign in to the {mode} records. Everything you record is stamped with your account."
    if SignInDialog.ask(None, intro, attempt) and signed:
        from rcrp_desktop.calls.first_start import handler_due

        if not read_only and handler_due(signed[0]):  # a first start left before its handler
            from rcrp_desktop.ui.dialogs.first_start import ask_first_handler

            return ask_first_handler(signed[0])
        return signed[0]
    access.store.close()
    message_box().critical(None, APP_TITLE, "Nobody signed in: the records stay closed.")
    return False


def _fresh(data_dir: Path) -> bool:
    """A data folder never used: no records, live or training, and no saved handler. Only such
    a folder starts with accounts; one in use goes on as it did, with its saved handler and
    nobody signed in, until an administrator makes accounts (`rcrp-desktop accounts init`)."""
    used = [database_path(data_dir, "live"), database_path(data_dir, "training")]
    return not any(path.exists() for path in [*used, data_dir / HANDLER_FILE])


def _first_start(data_dir: Path, training: bool) -> "Gate | Literal[False]":
    """A fresh data folder's first administrator and first handler, the handler signed in;
    False if no administrator was made (the records stay closed)."""
    from rcrp_desktop.calls.first_start import open_accounts
    from rcrp_desktop.ui.dialogs.first_start import make_first_accounts

    try:
        access = open_accounts(data_dir)
    except StorageError as error:
        message_box().critical(None, APP_TITLE, str(error))
        return False
    signed = make_first_accounts(access, "training" if training else "live")
    if signed is not None:
        return signed
    access.store.close()
    message_box().critical(
        None,
        APP_TITLE,
        "No administrator was made: the records stay closed. Start the app again to make one.",
    )
    return False


def show_window(
    forms_root: Path,
    pack: str,
    data_dir: Path,
    training: bool,
    read_only: bool = False,
    database: Path | None = None,
) -> OpenAfterFirstPaint | None:
    """Load the packs, know the handler, show the main window; the records open after it paints.

    Where the data folder has accounts, someone signs in first; a fresh folder (no records, no
    saved handler) starts by making its first administrator and first handler, who is signed
    in; a folder in use without accounts is stamped with its saved handler, as it was.
    None if nobody signed in or was made, or the handler would not give their details (the
    app cannot take calls without them). `read_only`: the window only reads the records: it
    is not given the data folder, so it keeps nothing there (handler, theme, partner
    directory), and asks for no handler.
    `database`: the file to read (`--database`), read-only, instead of the data folder's.
    """
    read_only = read_only or database is not None
    # The default pack alone before the first paint, read but not yet checked (the others
    # extend it or stand beside it); every pack is loaded, and checked, just after the paint,
    # before the records open: no call can start on a pack that has not passed every check.
    first = default_pack_file(forms_root, pack)
    packs, errors = load_packs(first, checked=False) if first else load_packs(forms_root, data_dir)
    logger.debug("data folder %s; %d packs loaded", data_dir, len(packs))
    signed: Gate | Literal[False] | None = None
    if database is None and (data_dir / ACCOUNTS_FILE).exists():
        signed = _signed_in(data_dir, training, read_only)  # None: the file has no account
    if signed is None and not read_only and _fresh(data_dir):
        signed = _first_start(data_dir, training)
    if signed is False:
        return None
    handler = None if signed else _handler(data_dir, read_only)
    if not signed and handler is None and not read_only:
        message_box().critical(
            None,
            APP_TITLE,
            "Calls can only be taken once the handler's "
            "collar number and name are set: start the app again.",
        )
        return None
    theme = load_theme(data_dir)
    if theme != "light":  # make_application set the light look already: parse it once only
        apply_theme(theme)
    records_file = database or database_path(data_dir, "training" if training else "live")
    window = MainWindow(
        packs,
        None,
        signed.stamp if signed else handler.stamp() if handler is not None else "",
        default_pack=pack,
        load_errors=errors,
        data_dir=None if read_only else data_dir,
        training=training,
        read_only=records_file if read_only else None,
    )
    window.theme = theme
    opener = OpenAfterFirstPaint(
        window,
        data_dir,
        training,
        forms_root if first else None,
        read_only=read_only,
        database=database,
        gate=signed or None,
    )
    if signed:  # an empty desk does not leave the records open (force-settings.toml)
        from rcrp_desktop.ui.idle_lock import IdleLock

        minutes = signed.access.settings.idle_lock_minutes  # read with the accounts
        window.idle_lock = IdleLock.for_minutes(window, minutes)
    show_within_screen(window)
    return opener


def _sign_out(window: MainWindow) -> None:
    """The person at the desk when the app closes: signed out in the log, accounts closed."""
    from rcrp_desktop.calls import gate as gates

    if window.gate is not None:
        try:
            gates.sign_out(window.gate)
        except StorageError as error:
            logger.warning("signing out: %s", error)
        window.gate.close()


def run(
    forms_root: Path,
    pack: str,
    data_dir: Path,
    *,
    training: bool = False,
    read_only: bool = False,
    database: Path | None = None,
) -> int:
    """The app, to its exit code. Read-only, the data folder is not taken (no lock file: a
    copy of the app writing there is not kept out) and nothing in it is created or written.
    `database`: one record database file, named by its own name, only read (no lock)."""
    read_only = read_only or database is not None
    app = make_application()
    sys.excepthook = _show_unexpected
    broken = references_lost()
    if broken:
        message_box().critical(None, APP_TITLE, f"Cannot start: {broken}")
        return 1
    try:
        lock = None if read_only else InstanceLock(data_dir).acquire()
    except StorageError as error:
        message_box().critical(None, APP_TITLE, str(error))
        return 1
    opener: OpenAfterFirstPaint | None = None
    try:
        opener = show_window(forms_root, pack, data_dir, training, read_only, database)
        if opener is None:
            return 1
        if lock is not None and lock.notice:  # the folder was made private: said once open
            window, notice = opener.window, lock.notice
            opener.opened.connect(lambda: window.statusBar().showMessage(notice, 30_000))
        code = app.exec()
        return 1 if opener.failed else code
    except StorageError as error:  # accounts or force settings that cannot be used
        sys.stderr.write(f"{APP_NAME}: {error}\n")
        message_box().critical(None, APP_TITLE, str(error))
        return 1
    finally:
        if opener is not None and opener.gate is not None:
            _sign_out(opener.window)
        if opener is not None and opener.store is not None:
            opener.store.close()
        if lock is not None:
            lock.release()
