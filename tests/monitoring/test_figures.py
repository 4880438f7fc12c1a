"""Each figure against a hand-counted fixture on SQLite, edge cases included (no calls in the
period, a call at the period's very end, a partner that declined, one never confirmed), with
small counts suppressed as published statistics are; and from records the app made."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rcrp_desktop.calls.monitoring import figures_for
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.monitoring.figures import FIGURES, QUESTION_FIGURES
from rcrp_desktop.domain.monitoring.s136 import handover_minutes
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.figures_run import run_figures
from rcrp_desktop.storage.repository import Store
from tests.monitoring.fixture import EMPTY, END, EXPECTED, FACTS, QUESTIONS, START, on_sqlite


def test_every_figure_is_as_hand_counted() -> None:
    assert on_sqlite(FACTS, QUESTIONS, START, END) == EXPECTED
    assert {f.id for f in (*FIGURES, *QUESTION_FIGURES)} == set(EXPECTED)


def test_a_force_profile_or_a_category_narrows_every_figure() -> None:
    conn = sqlite3.connect(":memory:")
    try:
        wales = {
            r.figure.id: r.rows
            for r in run_figures(conn, FACTS, QUESTIONS, START, END, profile="wales")
        }
        welfare = {
            r.figure.id: r.rows
            for r in run_figures(conn, FACTS, QUESTIONS, START, END, category="welfare")
        }
    finally:
        conn.close()  # fmt: skip
    assert wales["calls_by_category_outcome"] == [("s136", "PARTNER_LEAD_POLICE_STANDBY", 1)]
    assert wales["questions_for_review"] == []  # the fixture's questions are England's
    assert welfare["calls_by_category_outcome"] == [
        ("welfare", "ADVICE_AND_CLOSE", 1),
        ("welfare", "PARTNER_LEAD_NO_POLICE", 1),
        ("welfare", "POLICE_DEPLOY", 2),
    ]
    assert welfare["recontacts_and_upgrades"] == [(4, 1, 0, 0, 1)]


def test_a_phase_narrows_every_figure() -> None:
    facts = [dict(f, phase="s136_handover" if f["category"] == "s136" else "concern_for_welfare")
             for f in FACTS]  # fmt: skip
    conn = sqlite3.connect(":memory:")
    try:
        got = {
            r.figure.id: r.rows
            for r in run_figures(conn, facts, QUESTIONS, START, END, phase="s136_handover")
        }
    finally:
        conn.close()  # fmt: skip
    assert got["calls_by_category_outcome"] == [("s136", "PARTNER_LEAD_POLICE_STANDBY", 3)]
    assert got["s136_handovers"] == [(1, 3)] and got["questions_for_review"] == []
    assert got["s136_handover_times"] == EXPECTED["s136_handover_times"]


def test_a_period_with_no_calls_gives_empty_figures_not_errors() -> None:
    assert (
        on_sqlite(
            FACTS, QUESTIONS, datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC)
        )
        == EMPTY
    )
    assert on_sqlite([], [], START, END) == EMPTY


def test_small_counts_are_suppressed_and_zero_is_not() -> None:
    figures = on_sqlite(FACTS, QUESTIONS, START, END, below=5)
    assert figures["response_by_week"] == [
        ("2026-11-02", "<5", "<5", 0, 0, "<5"), ("2026-11-09", "<5", "<5", "<5", "<5", 6),
    ]  # fmt: skip
    assert figures["recontacts_and_upgrades"] == [(8, "<5", "<5", "<5", "<5")]
    # The times of a group this small are not shown either: they would say of whom.
    assert figures["s136_handover_minutes"] == [
        ("over_hour_done_agreed", "<5", "-", "-"), ("within_hour", "<5", "-", "-"),
    ]  # fmt: skip
    assert figures["partner_acceptance"] == [("Crisis team", "<5", "-", "-")]


def test_each_figure_says_how_it_is_counted() -> None:
    for figure in (*FIGURES, *QUESTION_FIGURES):
        assert len(figure.counted) > 60 and len(figure.columns) >= 2
        assert "json" not in figure.sql.lower()  # explicit columns only: portable


def figures_of_examples(
    data_dir: Path, england: Pack, examples: dict[str, int]
) -> dict[str, list[tuple[object, ...]]]:
    """Each shipped example made a record so many times, then today's figures of them."""
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(data_dir / "records.sqlite3", "live")
    try:
        for name, times in examples.items():
            for _ in range(times):
                recorder = CallRecorder.start(store, england, incident_ref=name, user="PC 1")
                for step in load_script(examples_dir() / f"{name}.json").steps:
                    recorder.answer(step.node, step.answer, step.rationale)
        today = datetime.now(UTC)
        results = figures_for(store, today - timedelta(days=1), today + timedelta(days=1))
    finally:
        store.close()
    return {r.figure.id: r.rows for r in results}


def test_figures_from_records_the_app_made(data_dir: Path, england: Pack) -> None:
    made = {"welfare-crisis-team": 2, "welfare-advice-and-close": 1,
            "welfare-locked-door-entry-to-save-life": 1}  # fmt: skip
    got = figures_of_examples(data_dir, england, made)
    assert got["calls_by_category_outcome"] == [
        ("welfare", "ADVICE_AND_CLOSE", 1),
        ("welfare", "PARTNER_LEAD_NO_POLICE", 2),
        ("welfare", "POLICE_DEPLOY_WITH_PARTNER", 1),
    ]
    # Four calls; the crisis-team call made twice is about the same place and caller.
    assert got["recontacts_and_upgrades"] == [(4, 0, 1, 1, 0)]
    asked = {row[0]: row[1] for row in got["questions_for_review"]}
    assert asked["danger_life"] == 4 and asked["ctx_location"] == 4
    assert {row[0] for row in got["question_dwell"]} <= set(asked)
    [(_week, attended, partner_led, advice, other, calls)] = got["response_by_week"]
    assert (attended, partner_led, advice, other, calls) == (1, 2, 1, 0, 4)


def test_the_s136_handover_times_from_records_the_app_made(data_dir: Path, england: Pack) -> None:
    """Arrived 01:20, handed over 02:45 (85 minutes, agreed); arrived 14:05, handed over 15:25
    (80 minutes, no agreement): both past the hour, by the times as by the answers."""
    made = {"s136-handed-over-after-hour-agreed": 1, "s136-handed-over-after-hour-no-agreement": 1}
    got = figures_of_examples(data_dir, england, made)
    assert dict(got["s136_handover_times"])["61 to 90 min"] == 2
    assert sum(int(count) for _, count in got["s136_handover_times"]) == 2  # type: ignore[call-overload]
    assert got["s136_handover_minutes"] == [
        ("over_hour_done_agreed", 1, 85.0, 85.0),
        ("over_hour_done_no_agreement", 1, 80.0, 80.0),
    ]
    assert got["s136_handovers"] == [(0, 2)]


def test_monitor_from_the_command_line_for_those_who_may_with_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.cli_desk import desk

    as_ = desk(tmp_path / "desk", monkeypatch, {"H200": "handler", "U500": "auditor"})
    for _ in range(6):
        assert as_("H200", "run-script", str(examples_dir() / "welfare-crisis-team.json"),
                   "--save") == 0  # fmt: skip
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    period = ("monitor", "--from", today, "--to", today)
    capsys.readouterr()
    assert as_("H200", *period) != 0
    assert "Not permitted: read the monitoring figures" in capsys.readouterr().err
    out_folder = tmp_path / "figures"
    pdf = tmp_path / "partnership.pdf"
    assert as_("U500", *period, "--csv", str(out_folder), "--report", str(pdf)) == 0
    said = capsys.readouterr().out
    assert pdf.read_bytes().startswith(b"%PDF") and "partnership report:" in said
    assert "Calls by category and outcome" in said and "How it is counted:" in said
    assert "welfare\tPARTNER_LEAD_NO_POLICE\t6" in said  # 6: over the suppression threshold
    assert "Caveats:" in said and "hours" in said
    csv_text = (out_folder / "calls_by_category_outcome.csv").read_text()
    assert csv_text.splitlines() == ["Category,Outcome,Calls", "welfare,PARTNER_LEAD_NO_POLICE,6"]
    assert (out_folder / "disagreement_by_handler.csv").read_text().splitlines()[1].endswith(",6,0")


def test_the_monitoring_config_names_questions_the_packs_ask_and_a_typo_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from rcrp_desktop.cli import main
    from rcrp_desktop.domain.monitoring.config import load_monitoring
    from rcrp_desktop.paths import forms_dir

    config = load_monitoring(forms_dir())
    assert config.recontact_nodes == ("ctx_location", "ctx_callback")
    assert main(["forms", "check"]) == 0
    copy = tmp_path / "forms"
    shutil.copytree(forms_dir(), copy)
    text = (copy / "monitoring" / "config.toml").read_text(encoding="utf-8")
    (copy / "monitoring" / "config.toml").write_text(text.replace('"sg_referral"', '"sg_refferal"'),
                                                     encoding="utf-8")  # fmt: skip
    capsys.readouterr()
    assert main(["forms", "check", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "config.toml: 'sg_refferal' is not a question of any current pack" in out


def test_a_recontact_exactly_24_or_72_hours_after_counts_and_a_minute_more_does_not() -> None:
    from rcrp_desktop.domain.monitoring.recontacts import recontacts
    from rcrp_desktop.domain.review.facts import CallFacts

    def made(uid: str, when: datetime) -> CallFacts:
        fields = {f: "" for f in CallFacts.__dataclass_fields__}
        fields.update(record_id=len(uid), uid=uid, created=when, closed=False,
                      police_attended=False, disagreed=False, urgent=False,
                      rationale_afterwards=False, partner_declined=False,
                      partner_missed_recheck=False, supervisor_decided=False, linked_from=0,
                      reviewed=False, partner_accepted_minutes=None,
                      partner_confirmed_minutes=None, recontact_of=0, recontact_hours=None,
                      answers={"ctx_location": "7 Sample Street"})  # fmt: skip
        return CallFacts(**fields)  # type: ignore[arg-type]

    first = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    calls = [made("a", first), made("bb", first + timedelta(hours=24)),
             made("ccc", first + timedelta(hours=24 + 72)),
             made("dddd", first + timedelta(hours=24 + 72 + 72, minutes=1))]  # fmt: skip
    found = recontacts(calls, ["ctx_location"])
    assert found["bb"].earlier_uid == "a" and found["bb"].within_24h  # exactly 24 h: counted
    assert found["ccc"].earlier_uid == "bb" and not found["ccc"].within_24h  # exactly 72 h
    assert "dddd" not in found  # 72 h and a minute after the last: not a re-contact


@pytest.mark.parametrize(
    ("arrival", "handed_at", "minutes"),
    [
        ("21:40, per the officers", "22:40, the nurse in charge", 60.0),  # exactly the hour
        ("21:40", "22:41", 61.0),
        ("23:30 per the place-of-safety log", "00:20 (after midnight)", 50.0),
        ("0935", "at 10.05", 30.0),
        ("21:40", "not yet", None),
        ("about twenty to ten", "22:40", None),
        ("", "", None),
    ],
)
def test_a_handover_s_minutes_come_from_the_times_written(
    arrival: str, handed_at: str, minutes: float | None
) -> None:
    assert handover_minutes(arrival, handed_at) == minutes


def test_an_answer_figure_shows_each_answer_by_its_label(packs: dict[str, Pack]) -> None:
    from rcrp_desktop.calls.monitoring import monitoring_config
    from rcrp_desktop.domain.monitoring.words import figure_words, shown_row

    words = figure_words(packs.values(), monitoring_config())
    by_id = {figure.id: figure for figure in FIGURES}
    shown = {
        figure_id: [shown_row(by_id[figure_id], row, words)[0] for row in EXPECTED[figure_id]]
        for figure_id in ("safeguarding_referrals", "s136_handover_answers")
    }
    assert shown["safeguarding_referrals"] == [
        "Referral made (agency and reference)",
        "Not needed (record why)",
    ]
    assert shown["s136_handover_answers"][-1] == "Handed over within the hour"
    # A value no pack knows (an older pack's, say) is shown as it is stored.
    figure = by_id["safeguarding_referrals"]
    assert shown_row(figure, ("retired_answer", 1), words) == ("retired_answer", 1)
