"""The window's actions for those who look over the calls rather than take them: the
supervisors' review queue, a handler's own feedback, the monitoring figures, and the bundle of
records for the force's central store."""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.ui.message_box import message_box
from rcrp_desktop.ui.qt_helpers import wait_cursor

if TYPE_CHECKING:
    from rcrp_desktop.calls.gate import Gate
    from rcrp_desktop.calls.records import Records as Store
    from rcrp_desktop.domain.pack.protocol import Pack
    from rcrp_desktop.ui.dialogs.feedback import FeedbackView
    from rcrp_desktop.ui.dialogs.monitoring import MonitoringView
    from rcrp_desktop.ui.dialogs.review_queue import ReviewQueue


class OversightActionsMixin:
    """Slots of the main window beside the call: each asks the application layer whether the
    person signed in may, and says a refusal in one line."""

    if TYPE_CHECKING:  # provided by MainWindow; declared for the type checker only
        user: str
        gate: Gate | None
        data_dir: Path | None
        packs: list[Pack]

        @property
        def store(self) -> Store: ...
        @property
        def records_open(self) -> bool: ...
        @property
        def _widget(self) -> QWidget: ...

    _review_queue: "ReviewQueue | None" = None  # made on first use
    _monitoring: "MonitoringView | None" = None  # made on first use
    _feedback: "FeedbackView | None" = None

    @Slot()
    def review_queue(self) -> None:
        """The supervisors' review queue (record.review: refused, and logged, to others)."""
        if self.data_dir is None or not self.records_open:
            return
        from rcrp_desktop.calls import gate as gates
        from rcrp_desktop.ui.dialogs.review_queue import ReviewQueue

        try:
            gates.require(self.store, "record.review")
        except StorageError as error:
            message_box().warning(self._widget, APP_TITLE, str(error))
            return
        if self._review_queue is None or self._review_queue.store is not self.store:
            self._review_queue = ReviewQueue(
                self._widget, self.store, self.data_dir, lambda: self.user
            )
        if self._review_queue.refresh():
            self._review_queue.show()
            self._review_queue.activateWindow()

    def monitoring_figures(self) -> None:
        """The monitoring figures (figures.read: refused, and logged, to others)."""
        if not self.records_open:
            return
        from rcrp_desktop.calls import gate as gates
        from rcrp_desktop.calls.monitoring import monitoring_config, suppression
        from rcrp_desktop.domain.monitoring.config import category_phases
        from rcrp_desktop.domain.monitoring.words import figure_words
        from rcrp_desktop.ui.dialogs.monitoring import MonitoringView

        try:
            gates.require(self.store, "figures.read")
            below = suppression(self.data_dir or self.store.path.parent)
            words = figure_words(self.packs, monitoring_config())
        except StorageError as error:
            message_box().warning(self._widget, APP_TITLE, str(error))
            return
        if self._monitoring is None or self._monitoring.store is not self.store:
            self._monitoring = MonitoringView(
                self._widget, self.store, below, "Records of this desk's data folder.",
                words, category_phases(self.packs).values(),
            )  # fmt: skip
        if self._monitoring.show_figures():
            self._monitoring.show()
            self._monitoring.activateWindow()

    def own_feedback(self) -> None:
        """The reviews of the calls the person signed in took: theirs, never another's."""
        if not self.records_open:
            return
        if self.gate is None:
            message_box().information(
                self._widget, APP_TITLE,
                "Feedback is read by the handler signed in: this data folder has no accounts.",
            )  # fmt: skip
            return
        from rcrp_desktop.calls.review import own_feedback
        from rcrp_desktop.ui.dialogs.feedback import FeedbackView

        try:
            found = own_feedback(self.store, self.gate.session.account.number)
        except StorageError as error:
            message_box().warning(self._widget, APP_TITLE, str(error))
            return
        self._feedback = FeedbackView(self._widget, found)
        self._feedback.show()
        self._feedback.activateWindow()

    def bundle_for_force(self) -> None:
        """The records not yet sent, written as the next bundle where the person chooses."""
        if self.data_dir is None or not self.records_open:
            return
        from rcrp_desktop.calls import bundles
        from rcrp_desktop.calls import gate as gates

        try:  # refused (and logged) before anything is asked
            gates.require(self.store, "records.bundle")
            waiting = bundles.waiting(self.store, self.data_dir)
            if not waiting.records:
                message_box().information(
                    self._widget, APP_TITLE, "Every event has left in a bundle: nothing to send."
                )
                return
            out = ask_bundle_path(
                self._widget, self.data_dir, bundles.suggested_name(self.data_dir)
            )
            if out is None:
                return
            with wait_cursor():
                made = bundles.export_next(self.store, self.data_dir, out)
        except StorageError as error:
            message_box().warning(self._widget, APP_TITLE, str(error))
            return
        message_box().information(
            self._widget,
            APP_TITLE,
            f"Bundle {made.sequence} written to {made.path}: {made.events} event(s) of "
            f"{made.records} record(s). Carry it to the force's central store.",
        )


def ask_bundle_path(parent: QWidget, data_dir: Path, name: str) -> Path | None:
    """Where to write the bundle (a seam: tests answer it)."""
    from PySide6.QtWidgets import QFileDialog

    from rcrp_desktop.ui.export_flow import default_folder

    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Save the bundle for the force", str(default_folder() / name),
        "Bundles (*.rcrp)",
    )  # fmt: skip
    return Path(chosen) if chosen else None
