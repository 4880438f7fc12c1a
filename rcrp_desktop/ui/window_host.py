"""The main window as the helpers it makes (trainer mode) see it, so they need not import it."""

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow

from rcrp_desktop.ui.call_actions import CallActionsMixin
from rcrp_desktop.ui.holding_actions import HoldingActionsMixin
from rcrp_desktop.ui.oversight_actions import OversightActionsMixin

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QComboBox, QLabel

    from rcrp_desktop.ui.widgets.call_page import CallPage
    from rcrp_desktop.ui.widgets.save_guard import SaveGuard


class WindowHost(CallActionsMixin, HoldingActionsMixin, OversightActionsMixin, QMainWindow):
    """What the window offers its helpers; `MainWindow` is the one window that is made.

    The trainer is made by the window and drives it: typed against this class rather than
    `MainWindow`, it does not import the window back (no import cycle, not even a type-only one).
    """

    if TYPE_CHECKING:  # provided by MainWindow; declared for the type checker only
        not_saved_bar: SaveGuard
        overdue_timer: QTimer
        pack_choice: QComboBox
        training_banner: QLabel

        @property
        def call_page(self) -> CallPage: ...
