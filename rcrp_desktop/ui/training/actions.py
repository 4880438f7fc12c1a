"""Trainer mode's shortcuts on the main window; what they drive is loaded when first used.

The actions exist in every mode, so that starting a scenario on live records is refused with a
reason rather than ignored; the watermark and everything else load only in training mode.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence

from rcrp_desktop import APP_TITLE
from rcrp_desktop.ui.action_table import of
from rcrp_desktop.ui.message_box import message_box
from rcrp_desktop.ui.window_mode import window_title

if TYPE_CHECKING:
    from rcrp_desktop.ui.training.controller import Trainer
    from rcrp_desktop.ui.window_host import WindowHost

LIVE_REFUSAL = (
    "Training scenarios run only in the training database, and these are live records.\n\n"
    "Start the app with --training to run a scenario: its calls are kept apart and never "
    "appear among live records."
)


class TrainingActions(QObject):
    """The trainer's actions on one window, and the trainer (made on first use).

    In training mode the trainer is also made just after the window's first paint, so that a
    scenario run resumed from the start page gets its caller panel, and partner ETAs run on
    the scenario clock.
    """

    def __init__(self, window: "WindowHost", training: bool, *, read_only: bool = False) -> None:
        super().__init__(window)
        self.training = training
        self.read_only = read_only
        self._trainer: Trainer | None = None
        self.actions: dict[str, QAction] = {}
        for act in of("training"):  # declared once, with F1's text, in ui/action_table.py
            name = act.name
            action = QAction(act.title, window)
            action.setShortcuts([QKeySequence(k) for k in act.keys])
            # QAction's default context is the whole window (Qt.WindowShortcut).
            action.triggered.connect(self._slot(name))
            action.setEnabled(not (read_only and act.off_when_read_only))  # runs read, not made
            window.addAction(action)
            self.actions[name] = action
        if training:
            self._mark_training()
            window.installEventFilter(self)

    def _mark_training(self) -> None:
        """The watermark over the window, and what the TRAINING banner says to do."""
        from rcrp_desktop.ui.training.watermark import Watermark

        window = self.window
        central = window.centralWidget()
        assert central is not None
        self.watermark = Watermark(central)
        banner = window.training_banner
        if not self.read_only:  # read-only: runs are read, none is started
            banner.setText(f"{banner.text()} Ctrl+Shift+N starts a scenario for a trainee.")

    def show_training(self) -> None:
        """The records opened are training ones, though the window was not started as such (a
        file named by `--database`, whose records say so once read): it says TRAINING as a
        window started with --training does, and the trainer is made. Once they are open."""
        if self.training:
            return
        self.training = True
        window = self.window
        window.setWindowTitle(window_title(True, window.store.path if self.read_only else None))
        window.training_banner.show()
        self._mark_training()
        QTimer.singleShot(0, self, lambda: self.trainer)  # as after a training window's paint

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            # With `self` as the context: cancelled if the window (and this) goes first.
            QTimer.singleShot(0, self, lambda: self.trainer)
        return False

    @property
    def window(self) -> "WindowHost":
        """The window, as this object's Qt parent: no Python reference cycle keeps it alive."""
        return cast("WindowHost", self.parent())

    @property
    def trainer(self) -> "Trainer":
        if self._trainer is None:
            from rcrp_desktop.ui.training.controller import Trainer

            self._trainer = Trainer(self.window)
        return self._trainer

    def _slot(self, name: str) -> Callable[[], None]:
        def run() -> None:
            if not self._training_records():
                return
            getattr(self.trainer, name)()

        return run

    def _training_records(self) -> bool:
        """Whether the open records are the training database; says why not, if not."""
        window = self.window
        if not window.records_open:
            window.statusBar().showMessage("The records are still opening: try again.", 5000)
            return False
        if window.store.mode != "training":
            message_box().warning(window, APP_TITLE, LIVE_REFUSAL)
            return False
        return True
