"""The main window: choose a protocol, step through a call, end on the recommendation."""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.domain.pack.protocol import Pack, exact_pack
from rcrp_desktop.ui import window_mode
from rcrp_desktop.ui.call_banners import CallBannersMixin
from rcrp_desktop.ui.dialogs import IncidentDialog
from rcrp_desktop.ui.message_box import message_box
from rcrp_desktop.ui.qt_helpers import fix_width_for, named
from rcrp_desktop.ui.sending import SendingMixin
from rcrp_desktop.ui.widgets.overdue_bar import OverdueBar
from rcrp_desktop.ui.widgets.save_guard import SaveGuard
from rcrp_desktop.ui.widgets.start_page import StartPage
from rcrp_desktop.ui.window_actions import add_window_actions
from rcrp_desktop.ui.window_host import WindowHost

# The storage layer (and sqlite-utils under it) is imported when the records are opened, just
# after the window's first paint, and the records list when it is first asked for.
if TYPE_CHECKING:
    from rcrp_desktop.calls.commands import StartCall
    from rcrp_desktop.calls.gate import Gate
    from rcrp_desktop.calls.recorder import CallRecorder
    from rcrp_desktop.calls.records import Records as Store
    from rcrp_desktop.domain.partners import Directory
    from rcrp_desktop.ui.session import CallSession
    from rcrp_desktop.ui.widgets.call_page import CallPage
    from rcrp_desktop.ui.widgets.question_view import QuestionView
    from rcrp_desktop.ui.widgets.records_panel import RecordsPanel

OVERDUE_CHECK_MS = 30_000  # how often partner ETAs are checked against the clock
# The longest the "saved" line gets (digits are as wide as each other in the fonts used).
SAVED_LABEL_WIDEST = "Record 0000000: saved 00:00:00 (event 000000)"


class MainWindow(CallBannersMixin, SendingMixin, WindowHost):
    """Hosts one call at a time; renders the CallSession and forwards intents to it."""

    def __init__(
        self,
        packs: list[Pack],
        store: "Store | None",
        user: str,
        default_pack: str = "",
        load_errors: list[str] | None = None,
        data_dir: Path | None = None,
        training: bool = False,
        read_only: Path | None = None,
    ) -> None:
        """`store` None: the window shows at once and `attach_store` opens the records after;
        `read_only`: the records file, when the window is only to read it."""
        super().__init__()
        self.packs = packs
        self._store = store
        self._new_call_waiting = False  # Ctrl+N pressed while the records were still opening
        self.user = user
        self.gate: Gate | None = None  # the person signed in, where the folder has accounts
        self.data_dir = data_dir  # where the handler's details are kept
        self.theme = "light"  # the look (ui/theme.py); the app sets the one kept
        self.directory: Directory | None = None  # the open call's force partner directory
        self.load_errors = load_errors or []
        self.session: CallSession | None = None
        training = store.mode == "training" if store is not None else training
        if store is not None and store.readonly:
            read_only = store.path
        self.read_only = read_only is not None
        self.setWindowTitle(window_mode.window_title(training, read_only))

        self.pack_choice = named(QComboBox(), "packChoice")
        self.pack_choice.setAccessibleName("Force profile and protocol pack")
        self._fill_pack_choice(default_pack)
        choice_label = QLabel("&Force profile:")
        choice_label.setBuddy(self.pack_choice)
        self.new_call_button = named(QPushButton("New call (Ctrl+N)"), "newCallButton")
        self.new_call_button.clicked.connect(self.new_call)
        top = QHBoxLayout()
        top.addWidget(choice_label)
        top.addWidget(self.pack_choice, 1)
        top.addWidget(self.new_call_button)

        self.notice = named(QLabel(wordWrap=True), "noticeBanner")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()
        # A call stays under the profile it was started under; a new choice is for the next.
        self.pack_choice.currentIndexChanged.connect(self._profile_changed)
        self.urgent = named(QLabel(wordWrap=True), "urgentBanner")
        self.urgent.setTextFormat(Qt.TextFormat.PlainText)
        self.urgent.setAccessibleName("Urgent")
        self.urgent.hide()
        self.training_banner, self.read_only_banner = window_mode.mode_banners(training, read_only)
        self.not_saved_bar = SaveGuard(self._begin_call)
        self.not_saved_bar.started.connect(self._call_started)
        self.not_saved_bar.failed.connect(self.on_not_saved)
        self.not_saved_bar.saved.connect(self.on_all_saved)
        self.not_saved_bar.retried.connect(self._after_send)
        self.not_saved = self.not_saved_bar.message
        self.overdue_bar = OverdueBar()
        self.overdue_bar.reassess.clicked.connect(self.reassess_overdue)
        self.overdue_bar.confirmed.clicked.connect(self.confirm_overdue)
        self.overdue_timer = QTimer(self)
        self.overdue_timer.setInterval(OVERDUE_CHECK_MS)
        self.overdue_timer.timeout.connect(self.check_overdue)
        self.overdue_timer.start()

        self.start_page = StartPage()
        self.start_page.resume_requested.connect(self.resume_call)
        self._call_page: CallPage | None = None  # made for the first call (see `call_page`)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.start_page)
        self.pages.currentChanged.connect(self._page_changed)
        self.records_panel: RecordsPanel | None = None  # made on first use: it searches at once

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.training_banner)
        layout.addWidget(self.read_only_banner)
        layout.addWidget(self.notice)
        layout.addWidget(self.urgent)
        layout.addWidget(self.not_saved_bar)
        layout.addWidget(self.overdue_bar)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.saved_label = named(QLabel(), "savedLabel")
        self.saved_label.setAccessibleName("Save status")
        self.statusBar().addPermanentWidget(self.saved_label)
        fix_width_for(self.saved_label, SAVED_LABEL_WIDEST)
        self.call_actions: dict[str, QAction] = {}
        add_window_actions(self, self.call_actions, read_only=self.read_only)
        # Trainer mode (R26): small; the scenarios, caller panel and debrief load on first use.
        from rcrp_desktop.ui.training.actions import TrainingActions

        self.training = TrainingActions(self, training, read_only=self.read_only)
        self.new_call_button.setEnabled(bool(packs) and not self.read_only)
        self.pack_choice.setEnabled(not self.read_only)  # the profile is for the next new call
        if self.read_only:  # said in the status bar's corner for as long as the window is open
            window_mode.say_read_only(self.saved_label)
            self.start_page.opens = "read it"
        self.resize(1280, 760)
        if store is None:
            self.statusBar().showMessage("Opening the records…")
            self.show_start_page()
        else:
            self.attach_store(store)

    @property
    def store(self) -> "Store":
        """The open record database (every path that writes runs only once it is open)."""
        assert self._store is not None, "the records are not open yet"
        return self._store

    @property
    def records_open(self) -> bool:
        return self._store is not None

    def attach_store(self, store: "Store") -> None:
        """The records are open: list unfinished calls, check partner ETAs, run a waiting Ctrl+N."""
        self._store = store
        self.statusBar().showMessage(
            window_mode.records_line(store.path, self.user, self.read_only)
        )
        self.show_start_page()
        QTimer.singleShot(0, self, self.check_overdue)  # once the window is up, not before it
        if self._new_call_waiting:
            self._new_call_waiting = False
            QTimer.singleShot(0, self, self.new_call)

    @property
    def call_page(self) -> "CallPage":
        """The call on screen, made when first needed: the start page paints without it."""
        if self._call_page is None:
            from rcrp_desktop.ui.widgets.call_page import CallPage

            page = self._call_page = CallPage(read_only=self.read_only)
            page.back_requested.connect(self.go_back)
            page.question_view.submitted.connect(self.on_submitted)
            page.question_view.back_requested.connect(self.go_back)
            page.question_view.forward_requested.connect(self.go_forward)
            page.question_view.urgent_selected.connect(self.on_urgent_selected)
            for name, button in page.closure.buttons.items():
                button.clicked.connect(self.call_actions[name].trigger)
            self.pages.addWidget(page)
        return self._call_page

    # Short names for the parts of the call page the window drives.
    @property
    def question_view(self) -> "QuestionView":
        return self.call_page.question_view

    @property
    def call_stack(self) -> QStackedWidget:
        return self.call_page.call_stack

    def _fill_pack_choice(self, selected: str) -> None:
        self.pack_choice.clear()
        # Archived versions stay loaded so their records resume; a new call gets the current one.
        for pack in (p for p in self.packs if not p.archived):
            self.pack_choice.addItem(f"{pack.title}  ({pack.id} {pack.version})", pack.id)
        self.pack_choice.setCurrentIndex(max(self.pack_choice.findData(selected), 0))

    def set_packs(self, packs: list[Pack], load_errors: list[str]) -> None:
        """Every pack, after a start that loaded only the default one before the first paint."""
        selected = self.pack_choice.currentData() or ""
        self.packs, self.load_errors = packs, load_errors
        self._fill_pack_choice(selected)
        self.new_call_button.setEnabled(bool(packs) and not self.read_only)
        self.show_start_page()

    def show_start_page(self) -> None:
        unfinished = []
        try:  # listed only to someone who may open them (their incident references are data)
            if self._store is not None and (self.gate is None or self.gate.may("record.read")):
                from rcrp_desktop.calls.records import RecordQuery

                unfinished = self._store.search(RecordQuery(status="open"), limit=200)
        except StorageError as error:
            self.not_saved_bar.report(error)
        self.start_page.show_records(
            window_mode.start_text(self.read_only, self.load_errors), unfinished
        )
        self.pages.setCurrentWidget(self.start_page)
        # Keyboard first: focus lands where the next key press is useful.
        (self.start_page.calls if unfinished else self.pack_choice).setFocus()

    def selected_pack(self) -> Pack | None:
        pack_id = self.pack_choice.currentData()
        return next((p for p in self.packs if p.id == pack_id and not p.archived), None)

    def find_pack(self, pack_id: str, version: str, digest: str) -> Pack | None:
        """The loaded pack a stored record was made under, exactly (same content hash)."""
        return exact_pack(self.packs, pack_id, version, digest)

    @Slot()
    def new_call(self) -> None:
        if self._store is None:
            self._new_call_waiting = True
            return
        pack = self.selected_pack()
        if pack is None or not self.not_saved_bar.may_leave():
            return
        try:  # refused (and logged) before anything is asked, not after
            from rcrp_desktop.calls import gate as gates

            gates.require(self.store, "call.take")
        except StorageError as error:
            message_box().warning(self, APP_TITLE, str(error))
            return
        incident = IncidentDialog.ask(self)
        if incident is None:
            return
        from rcrp_desktop.calls.commands import StartCall

        self.not_saved_bar.start(StartCall(pack=pack, incident_ref=incident))

    def _begin_call(self, command: "StartCall") -> "CallRecorder":
        """Make a call's record (the NOT SAVED bar runs this, and again on Ctrl+S)."""
        from rcrp_desktop.calls.recorder import CallRecorder

        return CallRecorder.begin(self.store, command, self.user)

    @Slot(object, object)
    def _call_started(self, command: "StartCall", recorder: "CallRecorder") -> None:
        if command.scenario is not None:
            self.training.trainer.run_started(command, recorder)
        else:
            self._open_session(recorder)

    @Slot(int)
    def resume_call(self, record_id: int) -> None:
        if self._store is None or not self.not_saved_bar.may_leave():
            return
        from rcrp_desktop.calls.recorder import CallRecorder

        try:
            recorder = CallRecorder.resume(self.store, record_id, self.find_pack, self.user)
        except StorageError as error:
            message_box().warning(self, APP_TITLE, str(error))
            return
        self._open_session(recorder)

    def _open_session(self, recorder: "CallRecorder") -> None:
        if self.session is not None:
            self.session.deleteLater()
        from rcrp_desktop.ui.session import CallSession

        self.session = CallSession(recorder, self)
        self.session.changed.connect(self.refresh)
        self.session.committed.connect(self.on_committed)
        pack = recorder.state.pack
        self.not_saved_bar.follow(self.session)
        self.directory = self.partner_directory(pack.jurisdiction)
        self.saved_label.setText(window_mode.opened_line(recorder.record_id, self.read_only))
        self.pages.setCurrentWidget(self.call_page)
        self.refresh()
        self.say_who_holds()

    @Slot()
    def find_calls(self) -> None:
        """The searchable list of calls; Enter opens one."""
        if self._store is None:
            return
        from rcrp_desktop.ui.widgets.records_panel import RecordsPanel

        panel = self.records_panel
        if panel is None:
            panel = self.records_panel = RecordsPanel(self.store, self.packs)
            panel.open_requested.connect(self.resume_call)
            panel.leave_requested.connect(self._leave_find)
            self.pages.addWidget(panel)
        else:
            panel.refresh()
        self.pages.setCurrentWidget(panel)
        panel.incident.setFocus()

    @Slot()
    def _leave_find(self) -> None:
        """Escape on Find: back to the call on screen, or to the start page."""
        if self.session is not None:
            self.pages.setCurrentWidget(self.call_page)
            self.refresh()
        else:
            self.show_start_page()

    @Slot()
    def refresh(self) -> None:
        session = self.session
        if session is None:
            return
        advice = session.recommendation()
        self._show_urgent(advice)
        self._show_notice(session)
        self.call_page.show_session(session, advice)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.not_saved_bar.may_leave():
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys that reach the window (focus on no particular control) still drive the call.
        if self.session is not None and self.call_stack.currentIndex() == 0:
            self.question_view.keyPressEvent(event)
        else:
            super().keyPressEvent(event)

    @Slot()
    def show_help(self) -> None:
        from rcrp_desktop.ui.shortcuts import show_shortcuts  # F1 only: not needed to start

        show_shortcuts(self)

    @Slot()
    def go_back(self) -> None:
        if self.session is not None:
            self.session.back()

    @Slot()
    def owed_rationale(self) -> None:
        session = self.session
        if session is None:
            return
        if not session.to_owed_rationale():
            self.statusBar().showMessage("No rationale is owed on this call.", 5000)
            return
        viewed = session.viewed()
        if viewed is not None and viewed.id in session.recommendation().rationale_owed:
            self.question_view.rationale.setFocus()  # where the handler will type

    @Slot()
    def toggle_theme(self) -> None:
        """Ctrl+Shift+V: light or dimmed, kept in the data folder for next time."""
        from rcrp_desktop.ui.theme import toggle

        self.theme = toggle(self.theme, self.data_dir, self.read_only, self.statusBar())

    @Slot()
    def quit(self) -> None:
        """Ctrl+Q: close the window, which asks first if anything is not saved."""
        self.close()

    @Slot()
    def go_forward(self) -> None:
        if self.session is not None:
            self.session.forward()
