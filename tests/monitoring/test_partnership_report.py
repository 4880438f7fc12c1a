"""The partnership report: OFFICIAL-SENSITIVE on every page, the figures with how each is
counted and the weekly chart, counts only (no figure that names anyone, no incident or person),
small counts suppressed; every page renders."""

import io
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from rcrp_desktop.export.partnership_pdf import render_report
from rcrp_desktop.storage.figures_run import run_figures
from tests.monitoring.fixture import END, FACTS, QUESTIONS, START

MADE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
WORDS = {"danger_life": "Is anyone's life in danger now?", "thr_life": "A real risk to life?"}


def report(below: int) -> tuple[bytes, int]:
    conn = sqlite3.connect(":memory:")
    try:
        results = run_figures(conn, FACTS, QUESTIONS, START, END, suppress_below=below)
    finally:
        conn.close()
    return render_report(
        results, start=START, end_inclusive=END - timedelta(days=1),
        source="Records of one desk's data folder.", suppress_below=below, made=MADE,
        invariant=True, questions=WORDS,
    )  # fmt: skip


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_report_is_marked_counts_only_and_says_how_each_figure_is_counted() -> None:
    pdf, pages = report(below=5)
    pages_text = text_of(pdf)
    assert len(pages_text) == pages >= 1
    assert all(text.count("OFFICIAL-SENSITIVE") == 2 for text in pages_text)
    whole = " ".join(pages_text)
    for title in ("Calls by category and outcome", "Police attended, partner-led and advice",
                  "Partner acceptance time", "How it is counted", "Caveats",
                  "shown as <5", "Partner leads: police not attending"):  # fmt: skip
        assert title in whole, title
    # Counts only: the figure by handler and any handler's or call's id are not in it.
    assert "by handler" not in whole and "H1" not in whole and "a1" not in whole.split()
    assert "No chart: no count in it to draw (none yet, or each one suppressed)." in whole
    assert "Is anyone's life in" in whole and "danger_life" not in whole  # words, never ids
    assert "Week starting" in " ".join(text_of(report(below=0)[0]))  # the chart, by its table


def test_the_same_figures_give_the_same_bytes() -> None:
    assert report(below=5)[0] == report(below=5)[0]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_every_page_of_the_report_renders(tmp_path: Path) -> None:
    pdf, pages = report(below=0)
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(tmp_path / "report.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)  # fmt: skip
    drawn = sorted(tmp_path.glob("page*.png"))
    assert len(drawn) == pages and all(p.stat().st_size > 2000 for p in drawn)
