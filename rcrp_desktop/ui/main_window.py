"""The main window: choose a protocol, step through a call, end on the recommendation."""

from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop import APP_TITLE
from rcrp_desktop.domain.engine import Recommendation
from rcrp_desktop.domain.errors import AnswerError
from rcrp_desktop.domain.protocol import Pack
from rcrp_desktop.ui.dialogs import ChangeReasonDialog
from rcrp_desktop.ui.qt_helpers import named
from rcrp_desktop.ui.session import CallSession
from rcrp_desktop.ui.widgets.guidance_panel import GuidancePanel
from rcrp_desktop.ui.widgets.progress_panel import ProgressPanel
from rcrp_desktop.ui.widgets.question_view import QuestionView
from rcrp_desktop.ui.widgets.result_view import ResultView

SHORTCUTS = [
    ("Ctrl+N", "Start a new call"),
    ("1 to 9", "Pick an answer (on a checklist: tick or untick)"),
    ("Alt+1 to Alt+9", "Pick an answer even while typing a rationale"),
    ("Enter", "Save this answer and move on"),
    ("Shift+Enter", "New line in the rationale"),
    ("Alt+Left / Alt+B", "Back to the previous question (to review or change it)"),
    ("Alt+Right", "Forward again without changing anything"),
    ("Tab / Shift+Tab", "Move between answers, rationale and buttons"),
    ("F1", "This list"),
]


class MainWindow(QMainWindow):
    """Hosts one call at a time; renders the CallSession and forwards intents to it."""

    def __init__(
        self, packs: list[Pack], default_pack: str = "", load_errors: list[str] | None = None
    ) -> None:
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.packs = packs
        self.session: CallSession | None = None

        self.pack_choice = named(QComboBox(), "packChoice")
        self.pack_choice.setAccessibleName("Force profile and protocol pack")
        for pack in packs:
            self.pack_choice.addItem(f"{pack.title}  ({pack.id} {pack.version})", pack.id)
        index = self.pack_choice.findData(default_pack)
        self.pack_choice.setCurrentIndex(max(index, 0))
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
        self.urgent = named(QLabel(wordWrap=True), "urgentBanner")
        self.urgent.setTextFormat(Qt.TextFormat.PlainText)
        self.urgent.setAccessibleName("Urgent")
        self.urgent.hide()

        self.start_page = named(QLabel(wordWrap=True), "startPage")
        self.start_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.start_page.setText(self._start_text(load_errors or []))
        self.progress = ProgressPanel()
        self.question_view = QuestionView()
        self.question_view.submitted.connect(self.on_submitted)
        self.question_view.back_requested.connect(self.go_back)
        self.question_view.urgent_selected.connect(self.on_urgent_selected)
        self.guidance = GuidancePanel()
        self.result_view = ResultView()
        result_back = QPushButton("◀ Back to the questions (Alt+Left)")
        result_back.clicked.connect(self.go_back)
        result_page = QWidget()
        result_layout = QVBoxLayout(result_page)
        result_layout.addWidget(self.result_view, 1)
        result_layout.addWidget(result_back, 0, Qt.AlignmentFlag.AlignLeft)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.progress)
        self.call_stack = QStackedWidget()
        self.call_stack.addWidget(self.question_view)
        self.call_stack.addWidget(result_page)
        self.splitter.addWidget(self.call_stack)
        self.splitter.addWidget(self.guidance)
        self.splitter.setSizes([240, 620, 400])
        for index, stretch in enumerate((0, 1, 0)):  # spare width goes to the question
            self.splitter.setStretchFactor(index, stretch)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self.splitter)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.urgent)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage(
            "This build does not store records: nothing typed here is saved once the window closes."
        )
        self._add_actions()
        self.new_call_button.setEnabled(bool(packs))
        self.resize(1280, 760)

    def _add_actions(self) -> None:
        def action(text: str, keys: list[QKeySequence], slot: Callable[[], None]) -> QAction:
            act = QAction(text, self)
            act.setShortcuts(keys)
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.new_call_action = action(
            "New call", [QKeySequence(QKeySequence.StandardKey.New)], self.new_call
        )
        # Explicit shortcuts rather than button mnemonics: some platform themes disable those.
        self.back_action = action(
            "Back", [QKeySequence("Alt+Left"), QKeySequence("Alt+B")], self.go_back
        )
        self.forward_action = action("Forward", [QKeySequence("Alt+Right")], self.go_forward)
        self.help_action = action("Keyboard shortcuts", [QKeySequence("F1")], self.show_shortcuts)

    @staticmethod
    def _start_text(errors: list[str]) -> str:
        text = (
            "Choose the force profile, then press Ctrl+N to start a call.\n\n"
            "You will be asked one question at a time. Number keys pick an answer, "
            "Enter moves on. F1 lists every shortcut."
        )
        if errors:
            text += "\n\nSome protocol packs could not be loaded:\n" + "\n".join(errors)
        return text

    def selected_pack(self) -> Pack | None:
        pack_id = self.pack_choice.currentData()
        return next((p for p in self.packs if p.id == pack_id), None)

    @Slot()
    def new_call(self) -> None:
        pack = self.selected_pack()
        if pack is None:
            return
        if self.session is not None:
            self.session.deleteLater()
        self.session = CallSession(pack, self)
        self.session.changed.connect(self.refresh)
        self.notice.setText(pack.notice)
        self.notice.setVisible(bool(pack.notice) or not pack.rcrp_adopted)
        self.pages.setCurrentWidget(self.splitter)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        session = self.session
        if session is None:
            return
        pack = session.pack
        advice = session.recommendation()
        self._show_urgent(advice)
        question = session.viewed()
        visited = [pack.node(n).section for n in session.state.path]
        if question is None:
            self.progress.show_progress(pack, visited, None)
            self.guidance.show_question(None)
            self.result_view.show_recommendation(advice)
            self.call_stack.setCurrentIndex(1)
            self.guidance.hide()  # the result uses the whole width
            return
        self.guidance.show()
        titles = [s.id for s in pack.sections]
        number = titles.index(question.section) + 1 if question.section in titles else 0
        section = f"Section {number} of {len(titles)}: {pack.section_title(question.section)}"
        self.progress.show_progress(pack, visited, question.section)
        self.question_view.show_question(
            question,
            section,
            session.state.answers.get(question.id),
            can_go_back=session.view_index > 0,
        )
        self.guidance.show_question(question)
        self.call_stack.setCurrentIndex(0)

    def _show_urgent(self, advice: Recommendation, preview: bool = False) -> None:
        """The urgent banner: from saved answers, or previewed from the answer selected."""
        pack = self.session.pack if self.session else None
        if pack is None:
            return
        if advice.urgent:
            facts = "; ".join(
                f"{r.question} → {r.answer}" for r in advice.reasons if r.role == "urgent"
            )
            text = f"⚠ {pack.urgent_instruction}  Because: {facts}"
            if advice.rationale_owed:
                text += f"  (rationale still to write: {len(advice.rationale_owed)})"
        else:
            text = (
                f"⚠ {pack.urgent_instruction}  The answer selected puts risk in play: "
                "press Enter to record it; the rationale can follow."
            )
        self.urgent.setText(text)
        self.urgent.setVisible(advice.urgent or preview)

    @Slot(bool)
    def on_urgent_selected(self, urgent: bool) -> None:
        if self.session is not None:
            self._show_urgent(self.session.recommendation(), preview=urgent)

    @Slot(object, str)
    def on_submitted(self, value: object, rationale: str) -> None:
        session = self.session
        question = session.viewed() if session else None
        if session is None or question is None:
            return
        reason = ""
        if session.is_change(value, rationale):
            reason = ChangeReasonDialog.ask(self, question.text) or ""
            if not reason:
                self.question_view.show_error(
                    "Not changed: a reason is needed to change an earlier answer."
                )
                return
        try:
            session.submit(value, rationale, reason)
        except AnswerError as error:
            self.question_view.show_error(_plain(str(error)))
            if "rationale" in str(error):
                self.question_view.rationale.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys that reach the window (focus on no particular control) still drive the call.
        if self.session is not None and self.call_stack.currentIndex() == 0:
            self.question_view.keyPressEvent(event)
        else:
            super().keyPressEvent(event)

    @Slot()
    def go_back(self) -> None:
        if self.session is not None:
            self.session.back()

    @Slot()
    def go_forward(self) -> None:
        if self.session is not None:
            self.session.forward()

    @Slot()
    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{keys}</b></td><td>{what}</td></tr>" for keys, what in SHORTCUTS
        )
        QMessageBox.information(self, "Keyboard shortcuts", f"<table>{rows}</table>")


def _plain(message: str) -> str:
    """An engine message for the handler: node ids are for the record, not the screen."""
    return message[0].upper() + message[1:] if message else message
