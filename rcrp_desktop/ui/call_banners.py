"""The banners over a call: the force profile's notice, and the urgent bar with its life
cycle (an alarm, calm once police are deployed, gone once decided or closed)."""

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QStackedWidget

from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.ui.banners import notice_text, urgent_banner

if TYPE_CHECKING:
    from rcrp_desktop.domain.call.engine import Recommendation
    from rcrp_desktop.domain.partners import Directory
    from rcrp_desktop.ui.session import CallSession
    from rcrp_desktop.ui.widgets.call_page import CallPage


class CallBannersMixin:
    """The main window's banners half; the window calls these as the call changes."""

    if TYPE_CHECKING:  # provided by MainWindow; declared for the type checker only
        session: CallSession | None
        notice: QLabel
        urgent: QLabel
        pages: QStackedWidget
        _call_page: CallPage | None
        directory: Directory | None

        def selected_pack(self) -> Pack | None: ...

    @Slot(int)
    def _profile_changed(self, _index: int) -> None:
        if self.session is not None:
            self._show_notice(self.session)

    def _show_notice(self, session: "CallSession") -> None:
        """The force profile's notice, whether this call's RCRP phase is live here, and which
        profile the call is under when another is chosen for the next one."""
        text = notice_text(
            session.pack, session.state.answers, self.directory, chosen=self.selected_pack()
        )
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _show_urgent(self, advice: "Recommendation", preview: bool = False) -> None:
        """The urgent banner, on the call page only: an alarm from the saved answers (or the
        answer selected), calm once police are deployed, gone once decided or closed."""
        session = self.session
        if session is None or self.pages.currentWidget() is not self._call_page:
            self.urgent.hide()
            return
        recorder = session.recorder
        state, text = urgent_banner(
            session.pack,
            advice,
            recorder.notes,
            decided=session.state.decision is not None,
            closed=recorder.closed,
            preview=preview,
        )
        changed = self.urgent.property("state") != state
        if changed or self.urgent.text() != text:  # every answer refreshes: most change nothing
            self.urgent.setText(text)
            self.urgent.setAccessibleDescription(text)
        if changed:
            self.urgent.setProperty("state", state)
            self.urgent.style().polish(self.urgent)
        self.urgent.setVisible(bool(state))
        if changed and state:
            # Said aloud when it appears or changes, not only when someone tabs to it.
            # Imported here: QAccessible's types cost every start 5 ms before the first paint.
            from PySide6.QtGui import QAccessible, QAccessibleEvent

            QAccessible.updateAccessibility(QAccessibleEvent(self.urgent, QAccessible.Event.Alert))

    @Slot(int)
    def _page_changed(self, _index: int) -> None:
        if self.session is not None:
            self._show_urgent(self.session.recommendation())
        else:
            self.urgent.hide()

    @Slot(bool)
    def on_urgent_selected(self, urgent: bool) -> None:
        if self.session is not None:
            self._show_urgent(self.session.recommendation(), preview=urgent)
