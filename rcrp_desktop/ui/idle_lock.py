"""The idle lock: after the force's minutes with no key pressed and no mouse moved, a warning
for the last 30 seconds, then every window's content hidden (lock_cover.py) until the person
signed in types their passphrase again, or the next person signs in and takes the desk."""

import logging
import math
from datetime import UTC, datetime
from time import monotonic
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QKeyEvent, QMouseEvent, QTabletEvent, QTouchEvent, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QLabel,
    QMainWindow,
    QStatusBar,
    QWidget,
)

from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.ui.lock_cover import Cover
from rcrp_desktop.ui.qt_helpers import named
from rcrp_desktop.ui.widgets.lock_page import LockPage

if TYPE_CHECKING:
    from rcrp_desktop.calls.gate import Gate


class Desk(Protocol):
    """The window a lock guards, as the lock sees it: a QMainWindow with the person signed in
    (the main window is one; naming it here rather than importing it keeps the lock out of an
    import cycle with the window's actions)."""

    gate: "Gate | None"

    def switch_to(self, signed: "Gate") -> None: ...

    def centralWidget(self) -> QWidget | None: ...

    def statusBar(self) -> QStatusBar: ...

    def isVisible(self) -> bool: ...


MINUTE_MS = 60_000
WARNING_MS = 30_000
# Someone at the desk: a key, a click, the mouse moved, a wheel, a touch or a pen. Not the
# pointer entering a widget: Qt sends that too when a widget appears under a mouse nobody moved.
_INPUT = (QKeyEvent, QMouseEvent, QWheelEvent, QTouchEvent, QTabletEvent)
_T = QEvent.Type
# While locked, keys go to the lock pages only: no window's shortcut acts behind them.
_KEYS = frozenset({_T.KeyPress, _T.KeyRelease, _T.ShortcutOverride, _T.Shortcut})
_PASSING = (Qt.WindowType.Popup, Qt.WindowType.ToolTip)  # they close as they always do

logger = logging.getLogger(__name__)


class IdleLock(QObject):
    """Watches every event of the app for a person's input (the filter does no more than note
    the time: it runs on every event), warns, locks, and unlocks."""

    def __init__(self, window: Desk, timeout_ms: int, warning_ms: int = WARNING_MS):
        super().__init__(cast(QMainWindow, window))
        self.window = window
        self.timeout_ms = timeout_ms
        self.warning_ms = min(warning_ms, timeout_ms)
        self.cover: Cover | None = None  # while locked: what was taken out, to put back
        self._last_cover: Cover | None = None  # its pages outlive the key that unlocked them
        self._last = monotonic()
        self._warned = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self.warning = named(QLabel(), "idleWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setAccessibleName("Idle lock")
        self.warning.hide()
        central = window.centralWidget()
        layout = central.layout() if central is not None else None
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(0, self.warning)  # at the top, where it is seen first
        else:
            window.statusBar().insertPermanentWidget(0, self.warning)
        _application().installEventFilter(self)
        self._arm(self.timeout_ms - self.warning_ms)

    @classmethod
    def for_minutes(cls, window: Desk, minutes: int) -> "IdleLock":
        """The lock after the force's minutes (force-settings.toml), warned 30 s before."""
        return cls(window, minutes * MINUTE_MS, WARNING_MS)

    @property
    def locked(self) -> bool:
        return self.cover is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.cover is not None:
            return self._while_locked(watched, event)
        if isinstance(event, _INPUT):
            self._last = monotonic()
            if self._warned:
                self._cancel_warning()
        return False

    def stop(self) -> None:
        """No more watching (the window has closed)."""
        _application().removeEventFilter(self)
        self._timer.stop()

    def lock(self, by_key: bool = False) -> None:
        """Take every window's content out, and ask for a passphrase."""
        gate = self.window.gate
        if self.cover is not None or gate is None:
            return
        self._timer.stop()
        self._warned = False
        self.warning.hide()
        idle = _length(self.timeout_ms)
        why = "Locked from the keyboard." if by_key else f"Nobody used this desk for {idle}."

        def page() -> LockPage:
            made = LockPage(self._attempt, gate.stamp, gate.session.account.number, why)
            made.opened.connect(self.unlock)
            return made

        cover = Cover(cast(QMainWindow, self.window), page)
        cover.hide_all()
        self.cover, self._last_cover = cover, None
        self._focus_page()
        _log(gate, "locked", "by key" if by_key else f"idle for {idle}")

    @Slot()
    def unlock(self) -> None:
        """Every window as it was; the clock starts again."""
        cover = self.cover
        if cover is None:
            return
        self.cover, self._last_cover = None, cover
        cover.restore()
        self._last = monotonic()
        self._arm(self.timeout_ms - self.warning_ms)

    def _attempt(self, number: str, secret: str) -> str | None:
        """The person signed in, again; or another person, who takes the desk as at a shift
        change (`switch_to`). None once signed in, else what to say on the page."""
        from rcrp_desktop.calls import gate as gates

        current = self.window.gate
        assert current is not None
        database = current.session.database
        try:
            if number == current.session.account.number:
                current.access.sign_in(number, secret, database, now=datetime.now(UTC))
                _log(current, "unlocked", "")
                return None
            signed = gates.sign_in(current.access, number, secret, database)
            self.window.switch_to(signed)
        except StorageError as error:  # refused (logged, with the back-off), or not written
            return str(error)
        _log(signed, "unlocked", f"the desk taken over from {current.stamp}")
        return None

    def _while_locked(self, watched: QObject, event: QEvent) -> bool:
        """Keys only for the lock pages; no window closes; a window shown is hidden too."""
        cover = self.cover
        assert cover is not None
        kind = event.type()
        if kind in _KEYS:
            # A key reaches the window system's window first, then the focused widget: refused
            # at a widget outside the pages, and at a shortcut's action.
            if isinstance(watched, QWidget):
                return not cover.holds(watched)
            return kind == _T.Shortcut
        if isinstance(watched, QWidget) and watched.isWindow():
            if kind == _T.Close and watched.windowType() not in _PASSING:
                event.ignore()  # unlock first: a dialog closed now would lose what it holds
                return True
            if kind == _T.Show:
                QTimer.singleShot(0, self, self._cover_new)
        return False

    @Slot()
    def _cover_new(self) -> None:
        if self.cover is not None:
            self.cover.hide_new()
            self._focus_page()

    def _focus_page(self) -> None:
        assert self.cover is not None
        page = self.cover.page_in_front()
        for each in self.cover.pages:
            each.set_in_front(each is page)
        page.window().activateWindow()
        page.setFocus()

    def _arm(self, ms: float) -> None:
        self._timer.start(max(0, math.ceil(ms)))

    @Slot()
    def _check(self) -> None:
        if self.cover is not None:
            return
        if not self.window.isVisible():
            self.stop()  # the window has closed: nothing left to lock
            return
        left = self.timeout_ms - (monotonic() - self._last) * 1000
        if left <= 0:
            self.lock()
            return
        if left > self.warning_ms:  # someone was at the desk since: wait again
            self._arm(left - self.warning_ms)
            return
        seconds = math.ceil(left / 1000)
        self.warning.setText(
            f"Nobody has used this desk for a while: it locks in {seconds} s. Press a key or "
            "move the mouse to stay signed in."
        )
        if not self._warned:
            self._warned = True
            self.warning.show()
            # Said aloud as it appears (as the urgent banner is), not only if someone tabs to it.
            from PySide6.QtGui import QAccessible, QAccessibleEvent

            QAccessible.updateAccessibility(QAccessibleEvent(self.warning, QAccessible.Event.Alert))
        self._arm(left - (seconds - 1) * 1000)  # when the count next goes down

    def _cancel_warning(self) -> None:
        self._warned = False
        self.warning.hide()
        self._arm(self.timeout_ms - self.warning_ms)


def _application() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


def _log(gate: "Gate", kind: str, detail: str) -> None:
    """Into the access log; a log that cannot be written does not stop the lock."""
    try:
        gate.log(kind, detail)
    except StorageError as error:
        logger.warning("access log: %s %s: %s", kind, detail, error)


def _length(ms: int) -> str:
    if ms % MINUTE_MS == 0:
        minutes = ms // MINUTE_MS
        return f"{minutes} minute" + ("s" if minutes != 1 else "")
    return f"{ms / 1000:g} seconds"
