"""The monitoring charts, each defined once with reportlab's own graphics: drawn straight into
the partnership report, and rendered to SVG for the window, so both show the same picture of
the same rows as the table beside them. A chart is drawn where people would rather look than
read: the weekly trend, the spread of s136 handover times, partners' times, referrals."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from rcrp_desktop.export import fonts

BLUE, GREEN, AMBER, GREY = "#1f4e79", "#2e7d32", "#9a6200", "#6d6d6d"
_TIMES = ((2, "Median", BLUE), (3, "90th percentile", AMBER))


def _week(value: object) -> str:
    return str(value)[5:]  # YYYY-MM-DD shown as MM-DD


@dataclass(frozen=True)
class Chart:
    """A figure drawn as bars: which of its columns are bars (column, name, colour), what the
    axis under them says, and how a row's first value is written there."""

    figure: str
    series: tuple[tuple[int, str, str], ...]
    axis: str
    label: Callable[[object], str] = str


CHARTS: tuple[Chart, ...] = (
    Chart(
        "response_by_week",
        (
            (1, "Police attended", BLUE),
            (2, "Partner-led", GREEN),
            (3, "Advice", AMBER),
            (4, "Other", GREY),
        ),
        "Week starting (Monday, UTC)",
        _week,
    ),
    Chart("s136_handover_times", ((1, "Handovers", BLUE),), "Minutes from arrival to handover"),
    Chart("safeguarding_referrals", ((1, "Calls", BLUE),), "Referral decision"),
    Chart("partner_acceptance", _TIMES, "Minutes to the partner accepting, by partner"),
    Chart("partner_arrival", _TIMES, "Minutes from accepting to confirming, by partner"),
)
_BY_FIGURE = {chart.figure: chart for chart in CHARTS}


def chart_of(figure_id: str) -> Chart | None:
    """The chart a figure is drawn as, if it is drawn."""
    return _BY_FIGURE.get(figure_id)


def _number(value: object) -> float:
    """A bar's height: a count or minutes; a suppressed value ("<5", "-") is no bar."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def drawable(chart: Chart, rows: Sequence[tuple[object, ...]]) -> bool:
    """Whether the chart has anything to draw (a suppressed count is never drawn: its bar
    would say what the table hides)."""
    return any(_number(row[column]) > 0 for row in rows for column, _, _ in chart.series)


def drawing(
    chart: Chart, rows: Sequence[tuple[object, ...]], width: float, height: float
) -> Drawing:
    """The figure's rows as grouped bars, a group a row, with a legend where there are two
    series or more."""
    fonts.register()
    picture = Drawing(width, height)
    # A white ground: an SVG is transparent, and the window behind it may be dark.
    ground = Rect(0, 0, width, height)
    ground.fillColor, ground.strokeColor = colors.white, None
    picture.add(ground)
    legend = len(chart.series) > 1
    bars = VerticalBarChart()
    # Room under the bars for their labels, and under those for the axis's title.
    bars.x, bars.y = 28, 34
    bars.width, bars.height = int(width - (140 if legend else 40)), int(height - 48)
    bars.data = [[_number(row[column]) for row in rows] for column, _, _ in chart.series]
    bars.categoryAxis.categoryNames = [chart.label(row[0]) for row in rows]
    for axis in (bars.categoryAxis, bars.valueAxis):
        axis.labels.fontName = fonts.REGULAR
        axis.labels.fontSize = 7
    highest = max((max(series) for series in bars.data if series), default=0.0)
    step = max(1, math.ceil(highest / 5))  # whole numbers, five steps or so
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = max(step * math.ceil(highest / step), 1)  # a tick above the top
    bars.valueAxis.valueStep = step
    for number, (_, _, colour) in enumerate(chart.series):
        bars.bars[number].fillColor = colors.HexColor(colour)
    picture.add(bars)
    if legend:
        for number, (_, name, colour) in enumerate(chart.series):
            picture.add(String(width - 100, height - 20 - number * 12, name,
                               fontName=fonts.REGULAR, fontSize=7,
                               fillColor=colors.HexColor(colour)))  # fmt: skip
    picture.add(String(28, 6, chart.axis, fontName=fonts.REGULAR, fontSize=7))
    return picture


def svg(picture: Drawing) -> bytes:
    """The drawing as SVG, for the window's QSvgWidget."""
    return renderSVG.drawToString(picture).encode("utf-8")
