"""The monitoring charts, each defined once with reportlab's own graphics: drawn straight into
the partnership report, and rendered to SVG for the window, so both show the same picture of
the same rows as the table beside them."""

from collections.abc import Sequence

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from rcrp_desktop.export import fonts

WEEKLY = "response_by_week"  # the figure drawn as a chart as well as its table
SERIES = (("Police attended", "#1f4e79"), ("Partner-led", "#2e7d32"),
          ("Advice", "#9a6200"), ("Other", "#6d6d6d"))  # fmt: skip


def drawable(rows: Sequence[tuple[object, ...]]) -> bool:
    """Whether the weekly chart has anything to draw (a suppressed count is never drawn: its
    bar would say what the table hides)."""
    return any(isinstance(v, int) and v > 0 for row in rows for v in row[1:5])


def weekly_chart(rows: Sequence[tuple[object, ...]], width: float, height: float) -> Drawing:
    """Police attended, partner-led, advice and other calls by week, as grouped bars."""
    fonts.register()
    drawing = Drawing(width, height)
    # A white ground: an SVG is transparent, and the window behind it may be dark.
    ground = Rect(0, 0, width, height)
    ground.fillColor, ground.strokeColor = colors.white, None
    drawing.add(ground)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 26
    chart.width, chart.height = int(width - 140), int(height - 40)
    chart.data = [
        [value if isinstance(value, int) else 0 for value in (row[column] for row in rows)]
        for column in range(1, 5)
    ]
    chart.categoryAxis.categoryNames = [str(row[0])[5:] for row in rows]  # MM-DD
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = fonts.REGULAR
        axis.labels.fontSize = 7
    highest = max(max(series) for series in chart.data)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(highest, 1)
    chart.valueAxis.valueStep = max(1, -(-highest // 5))  # whole calls, five steps or so
    for number, (_, colour) in enumerate(SERIES):
        chart.bars[number].fillColor = colors.HexColor(colour)
    drawing.add(chart)
    for number, (name, colour) in enumerate(SERIES):
        drawing.add(String(width - 100, height - 20 - number * 12, name, fontName=fonts.REGULAR,
                           fontSize=7, fillColor=colors.HexColor(colour)))  # fmt: skip
    drawing.add(String(28, 8, "Week starting (Monday, UTC)", fontName=fonts.REGULAR, fontSize=7))
    return drawing


def svg(drawing: Drawing) -> bytes:
    """The drawing as SVG, for the window's QSvgWidget."""
    return renderSVG.drawToString(drawing).encode("utf-8")
