"""Each chart is defined once, over its figure's own columns: drawn from the hand-counted
figures the same for the window (SVG) and the report, and never drawn from a suppressed count."""

from rcrp_desktop.domain.monitoring.figures import FIGURES
from rcrp_desktop.export.charts import CHARTS, chart_of, drawable, drawing, svg
from tests.monitoring.fixture import END, FACTS, QUESTIONS, START, on_sqlite


def figures(below: int = 0) -> dict[str, list[tuple[object, ...]]]:
    return on_sqlite(FACTS, QUESTIONS, START, END, below)


def test_every_chart_draws_columns_of_its_own_figure() -> None:
    by_id = {figure.id: figure for figure in FIGURES}
    for chart in CHARTS:
        figure = by_id[chart.figure]
        assert all(0 < column < len(figure.columns) for column, _, _ in chart.series)
        assert chart_of(figure.id) is chart
    assert chart_of("disagreement_by_handler") is None  # names people: a table only


def test_each_chart_is_drawn_from_the_figure_s_rows_with_its_labels() -> None:
    got = figures()
    for chart in CHARTS:
        rows = got[chart.figure]
        assert drawable(chart, rows), chart.figure
        picture = svg(drawing(chart, rows, 720, 220)).decode("utf-8")
        assert chart.axis in picture
        for row in rows:
            assert chart.label(row[0]) in picture
    weekly = svg(drawing(chart_of("response_by_week"), got["response_by_week"], 720, 220))  # type: ignore[arg-type]
    assert b"Partner-led" in weekly and b"11-09" in weekly


def test_a_suppressed_count_is_never_a_bar() -> None:
    hidden = figures(below=5)
    for figure_id in ("s136_handover_times", "safeguarding_referrals", "partner_acceptance"):
        chart = chart_of(figure_id)
        assert chart is not None and not drawable(chart, hidden[figure_id]), figure_id
