"""An unmistakable TRAINING mark over the window: a coloured frame and a translucent diagonal."""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

MARK = "TRAINING"
COLOUR = QColor("#c8102e")
FRAME = 6  # pixels
TEXT_ALPHA = 30  # of 255: read through it, never mistake it


class Watermark(QWidget):
    """Painted over `host` and kept on top and at its size; clicks and keys pass through it."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.host = host
        self.setObjectName("trainingWatermark")
        self.setAccessibleName("Training mode: calls go to the training database only")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setGeometry(host.rect())
        host.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host:
            if event.type() == QEvent.Type.Resize:
                self.setGeometry(self.host.rect())
            elif event.type() == QEvent.Type.ChildAdded:
                self.raise_()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(COLOUR, FRAME)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.drawRect(self.rect().adjusted(FRAME // 2, FRAME // 2, -FRAME // 2, -FRAME // 2))
        width, height = self.width(), self.height()
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(max(24, min(width, height) // 4))
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 110)
        painter.setFont(font)
        faint = QColor(COLOUR)
        faint.setAlpha(TEXT_ALPHA)
        painter.setPen(faint)
        painter.translate(width / 2, height / 2)
        painter.rotate(-28)
        box = painter.fontMetrics().boundingRect(MARK)
        painter.drawText(-box.width() // 2, box.height() // 4, MARK)
        painter.end()
