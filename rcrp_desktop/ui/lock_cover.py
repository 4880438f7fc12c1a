"""What the idle lock takes out of every window of the app, and puts back: the content itself,
not a cover laid over it that a screen reader would still read, kept whole so that nothing
typed is lost.

The main window's content is taken out and a lock page is its content instead. A window that
is not modal is hidden. A modal dialog cannot be: hiding it ends its `exec()`, and whatever it
held would be lost with it; its layout (and every widget in it) is moved onto a widget that is
never shown, and a lock page is put in the dialog, which stays the one window taking keys.
"""

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QToolTip, QVBoxLayout, QWidget

from rcrp_desktop import APP_TITLE
from rcrp_desktop.ui.widgets.lock_page import LockPage

SIZE_MAX = 16_777_215  # QWIDGETSIZE_MAX: a dialog made of a fixed size may grow to its page
_DIRECT = Qt.FindChildOption.FindDirectChildrenOnly


class Cover:
    """Every window of the app with its content out of it, until `restore`."""

    def __init__(self, main: QMainWindow, make_page: Callable[[], LockPage]) -> None:
        self.main = main
        self._make_page = make_page
        self.pages: list[LockPage] = []
        self._done: list[QWidget] = []  # the windows dealt with, so none twice
        self._undo: list[Callable[[], None]] = []
        self._focus = QApplication.focusWidget()

    def hide_all(self) -> None:
        """The main window first, then every other window the app has open."""
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()  # a combo's list, a menu: closed, as a click elsewhere would
        QToolTip.hideText()
        self._take_main()
        self.hide_new()

    def hide_new(self) -> None:
        """Any window shown since (a message, a debrief) is dealt with as the others were."""
        for window in QApplication.topLevelWidgets():
            if not window.isVisible() or any(window is done for done in self._done):
                continue
            if window.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
                window.close()
                continue
            self._done.append(window)
            if window.isModal():  # shown by exec(), or modal all the same
                self._lock_in_place(window)
            else:
                window.hide()
                self._undo.append(_shown_again(window))

    def page_in_front(self) -> LockPage:
        """The page that takes keys: the top modal dialog's, else the main window's."""
        modal = QApplication.activeModalWidget()
        for page in reversed(self.pages):
            if modal is not None and modal.isAncestorOf(page):
                return page
        return self.pages[0]

    def holds(self, widget: QWidget) -> bool:
        """Whether `widget` is one of the lock pages or inside one."""
        return any(page is widget or page.isAncestorOf(widget) for page in self.pages)

    def restore(self) -> None:
        """Every window as it was, with what it held, and the focus back where it was."""
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()
        focus = self._focus
        if focus is not None:  # once a dialog's widgets are shown again (Qt shows them later)
            QTimer.singleShot(0, lambda: _valid(focus) and focus.setFocus())

    def _take_main(self) -> None:
        main, page = self.main, self._page()
        self._done.append(main)
        content = main.takeCentralWidget()  # out of the window, and so out of its tree
        assert content is not None
        others = _visible_children(main)  # the status bar, a training scenario's panel
        for other in others:
            other.hide()
        main.setCentralWidget(page)
        page.show()  # now, not on the next turn of the event loop as Qt would

        def undo() -> None:
            main.takeCentralWidget()  # the page: kept in `pages` until the cover goes
            main.setCentralWidget(content)
            content.show()
            for other in others:
                if _valid(other):
                    other.show()

        self._undo.append(undo)

    def _lock_in_place(self, dialog: QWidget) -> None:
        page = self._page()
        title, name = dialog.windowTitle(), dialog.accessibleName()
        low, high, geometry = dialog.minimumSize(), dialog.maximumSize(), dialog.geometry()
        layout = dialog.layout()
        shelf = QWidget()  # never shown: holds the dialog's widgets, whole, while locked
        if layout is not None:
            shelf.setLayout(layout)  # its widgets move with it, and are moved back
        others = _visible_children(dialog)  # any widget the layout did not hold
        for other in others:
            other.hide()
        cover = QVBoxLayout(dialog)
        cover.addWidget(page)
        page.show()
        # The page's size, not the dialog's: a message box is made of a fixed size, and its
        # layout no longer sets the dialog's least size once one has been set by hand.
        width = max(geometry.width(), cover.totalMinimumSize().width())
        height = cover.totalHeightForWidth(width)
        dialog.setMaximumSize(SIZE_MAX, SIZE_MAX)
        dialog.setMinimumSize(width, max(height, cover.totalMinimumSize().height()))
        dialog.resize(dialog.minimumSize())
        dialog.setWindowTitle(f"Locked - {APP_TITLE}")
        dialog.setAccessibleName("")

        def undo() -> None:
            if not _valid(dialog):
                return
            page.setParent(None)
            shiboken6.delete(cover)  # the dialog takes its own layout back
            if layout is not None:
                dialog.setLayout(layout)
            for other in others:
                if _valid(other):
                    other.show()
            dialog.setMinimumSize(low)
            dialog.setMaximumSize(high)
            dialog.setGeometry(geometry)
            dialog.setWindowTitle(title)
            dialog.setAccessibleName(name)
            shelf.deleteLater()

        self._undo.append(undo)

    def _page(self) -> LockPage:
        page = self._make_page()
        self.pages.append(page)
        return page


def _shown_again(window: QWidget) -> Callable[[], None]:
    def undo() -> None:
        if _valid(window):
            window.show()

    return undo


def _visible_children(widget: QWidget) -> list[QWidget]:
    return [
        child
        for child in widget.findChildren(QWidget, options=_DIRECT)
        if child.isVisible() and not child.isWindow()
    ]


def _valid(widget: QWidget) -> bool:
    return shiboken6.isValid(widget)
