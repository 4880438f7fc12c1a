"""The call on screen: section progress, the question or the recommendation, and guidance."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop.domain.call.engine import Recommendation
from rcrp_desktop.ui.session import CallSession
from rcrp_desktop.ui.widgets.closure_panel import ClosurePanel
from rcrp_desktop.ui.widgets.guidance_panel import GuidancePanel
from rcrp_desktop.ui.widgets.progress_panel import ProgressPanel
from rcrp_desktop.ui.widgets.question_view import QuestionView
from rcrp_desktop.ui.widgets.read_only_question import ReadOnlyQuestionView
from rcrp_desktop.ui.widgets.result_view import ResultView

QUESTION, RESULT = 0, 1


class CallPage(QSplitter):
    """Renders a CallSession; the question view's own signals carry the handler's intents.

    Signals:
        back_requested(): the handler asked to go back from the recommendation.
    """

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, read_only: bool = False) -> None:
        """`read_only`: answers are shown as given and cannot be changed; the buttons that
        record something are off."""
        super().__init__(parent)
        self.progress = ProgressPanel()
        self.question_view = ReadOnlyQuestionView() if read_only else QuestionView()
        self.guidance = GuidancePanel()
        self.result_view = ResultView()
        self.closure = ClosurePanel(read_only=read_only)
        result_back = self.result_back = QPushButton("◀ Back to the questions (Alt+Left)")
        result_back.clicked.connect(lambda: self.back_requested.emit())
        result_page = QWidget()
        result_layout = QVBoxLayout(result_page)
        result_layout.addWidget(self.result_view, 1)
        result_layout.addWidget(self.closure)
        result_layout.addWidget(result_back, 0, Qt.AlignmentFlag.AlignLeft)
        # On a 768-high screen the recommendation, its explanation and the closing list do
        # not all fit: the page scrolls rather than cutting any of them off.
        result_scroll = QScrollArea()
        result_scroll.setObjectName("resultScroll")
        result_scroll.setWidgetResizable(True)
        result_scroll.setFrameShape(QFrame.Shape.NoFrame)
        result_scroll.setWidget(result_page)
        # The question scrolls too: a long one (six answers, two lines each) under the training
        # and notice banners needs more than a 768-high desk has, and must not push the window
        # past the screen. The scroll area also keeps a question's change of height from
        # laying out the whole window again.
        question_scroll = self.question_scroll = QScrollArea()
        question_scroll.setObjectName("questionScroll")
        question_scroll.setWidgetResizable(True)
        question_scroll.setFrameShape(QFrame.Shape.NoFrame)
        question_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        question_scroll.setWidget(self.question_view)
        question_scroll.setMinimumWidth(self.question_view.minimumWidth())
        self.call_stack = QStackedWidget()
        self.call_stack.addWidget(question_scroll)
        self.call_stack.addWidget(result_scroll)
        self.addWidget(self.progress)
        self.addWidget(self.call_stack)
        self.addWidget(self.guidance)
        self.setSizes([240, 620, 400])
        for index, stretch in enumerate((0, 1, 0)):  # spare width goes to the question
            self.setStretchFactor(index, stretch)

    def show_session(self, session: CallSession, advice: Recommendation) -> None:
        """The question being viewed, or the recommendation once the call has reached it."""
        pack = session.pack
        question = session.viewed()
        visited = [pack.node(n).section for n in session.state.path]
        if question is None:
            self.progress.show_progress(pack, visited, None)
            owed = [pack.question(n).text for n in advice.questions_owed]
            self.result_view.show_recommendation(advice, pack, owed)
            self.result_back.setText(
                "▶ Answer the questions still owed (Alt+Left)"
                if owed
                else "◀ Back to the questions (Alt+Left)"
            )
            self.closure.show_call(session.recorder)
            self.call_stack.setCurrentIndex(RESULT)
            self.guidance.hide()  # the result uses the whole width
            return
        self.guidance.show()
        sections = [s.id for s in pack.sections]
        number = sections.index(question.section) + 1 if question.section in sections else 0
        title = f"Section {number} of {len(sections)}: {pack.section_title(question.section)}"
        self.progress.show_progress(pack, visited, question.section)
        self.question_view.show_question(
            question,
            title,
            session.state.answers.get(question.id),
            can_go_back=session.view_index > 0,
        )
        self.question_scroll.verticalScrollBar().setValue(0)  # each question from its text
        self.guidance.show_question(question)
        self.call_stack.setCurrentIndex(QUESTION)
