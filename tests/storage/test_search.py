"""Searching the records: each criterion, together, page by page, and the index kept in step."""

import dataclasses
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage import record_index
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.migrations import SCHEMA_VERSION, migrations
from rcrp_desktop.storage.repository import NewEvent, RecordQuery, Store
from rcrp_desktop.storage.verify import verify

USER = "PC 4821 Example"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = Store.open(database_path(data_dir, "live"), "live", busy_timeout_ms=100)
    yield opened
    assert not opened.db.conn.in_transaction
    opened.close()


def record_call(
    store: Store,
    pack: Pack,
    script: str,
    *,
    incident: str = "INC-20260302-0001",
    when: datetime = START,
    stop: int | None = None,
    close: bool = False,
) -> CallRecorder:
    """A call made from an example script, started at `when`."""
    state = engine.start(pack)
    record_id, _ = store.create_record(
        incident_ref=incident,
        handler=USER,
        force_profile=pack.jurisdiction,
        pack_id=pack.id,
        pack_version=pack.version,
        pack_hash=pack.content_hash,
        first_events=[NewEvent("question_shown", {"node": state.current})],
        now=when,
    )
    recorder = CallRecorder(store, record_id, state, USER)
    for step in load_script(examples_dir() / script).steps[:stop]:
        if step.reason:
            recorder.change(step.node, step.answer, step.rationale, step.reason)
        else:
            recorder.answer(step.node, step.answer, step.rationale)
    if close:
        store.append(
            recorder.record_id, [NewEvent("closure", {"note": "closed for the test"})], USER
        )
    return recorder


@pytest.fixture
def calls(store: Store, packs: dict[str, Pack]) -> dict[str, int]:
    """Six calls a day apart, one per script, the last two left open (name -> record id)."""
    made = {}
    scripts = [
        ("welfare-crisis-team.json", "INC-20260302-0001", True),
        ("welfare-advice-and-close.json", "inc-20260303-0002", True),
        ("medical-telecare-fall-ambulance.json", "INC-20260304-0003", True),
        ("awol-restricted-patient.json", "CAD 100%_A", True),
        ("welfare-crime-behind-welfare-check.json", "INC-20260306-0005", False),
        ("not-rcrp-noise-complaint.json", "INC-20260307-0006", False),
    ]
    for day, (script, incident, close) in enumerate(scripts):
        pack = packs[load_script(examples_dir() / script).pack]
        recorder = record_call(
            store, pack, script, incident=incident, when=START + timedelta(days=day), close=close
        )
        made[script.removesuffix(".json")] = recorder.record_id
    return made


def ids(store: Store, **criteria: Any) -> list[int]:
    query = RecordQuery(**criteria)
    found = [row.id for row in store.search(query)]
    assert store.count(query) == len(found)
    return found


def test_everything_newest_first_with_category_and_outcome(
    store: Store, calls: dict[str, int]
) -> None:
    rows = store.search(RecordQuery())
    assert [row.id for row in rows] == sorted(calls.values(), reverse=True)
    by_id = {row.id: row for row in rows}
    crisis = by_id[calls["welfare-crisis-team"]]
    assert (crisis.category, crisis.outcome, crisis.status) == (
        "welfare",
        "PARTNER_LEAD_NO_POLICE",
        "closed",
    )
    assert crisis.incident_ref == "INC-20260302-0001"
    assert crisis.last_utc > crisis.created_utc
    noise = by_id[calls["not-rcrp-noise-complaint"]]
    assert (noise.category, noise.outcome, noise.status) == (
        "not_rcrp",
        "NOT_RCRP_STANDARD",
        "open",
    )
    assert store.count(RecordQuery()) == 6
    assert verify(store) == []


def test_incident_text_is_a_substring_in_any_case(store: Store, calls: dict[str, int]) -> None:
    assert ids(store, incident_text="0303") == [calls["welfare-advice-and-close"]]
    assert ids(store, incident_text="  INC-20260303 ") == [calls["welfare-advice-and-close"]]
    assert len(ids(store, incident_text="inc-")) == 5
    # % and _ are the characters themselves, not wildcards.
    assert ids(store, incident_text="100%_") == [calls["awol-restricted-patient"]]
    assert ids(store, incident_text="%") == [calls["awol-restricted-patient"]]
    assert ids(store, incident_text="_") == [calls["awol-restricted-patient"]]
    assert ids(store, incident_text="no such call") == []


def test_dates_are_whole_local_days_inclusive(store: Store, calls: dict[str, int]) -> None:
    local = [datetime.fromisoformat(r.created_utc).astimezone().date() for r in store.recent()]
    first, last = min(local), max(local)
    assert ids(store, date_from=first, date_to=last) == sorted(calls.values(), reverse=True)
    assert ids(store, date_from=first, date_to=first) == [calls["welfare-crisis-team"]]
    assert ids(store, date_from=last) == [calls["not-rcrp-noise-complaint"]]
    assert len(ids(store, date_to=first + timedelta(days=1))) == 2
    assert ids(store, date_from=last + timedelta(days=1)) == []
    assert ids(store, date_from=last, date_to=first) == []


@pytest.fixture
def london(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("london")
def test_a_summer_call_after_local_midnight_is_on_the_local_day(
    store: Store, england: Pack
) -> None:
    # 00:30 on 1 July in London (BST) is 23:30 on 30 June in UTC.
    recorder = record_call(
        store, england, "welfare-crisis-team.json", when=datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    )
    assert ids(store, date_from=date(2026, 7, 1), date_to=date(2026, 7, 1)) == [recorder.record_id]
    assert ids(store, date_to=date(2026, 6, 30)) == []


def test_category_outcome_and_status(store: Store, calls: dict[str, int]) -> None:
    welfare = [
        calls["welfare-crime-behind-welfare-check"],
        calls["welfare-advice-and-close"],
        calls["welfare-crisis-team"],
    ]
    assert ids(store, category="welfare") == welfare
    assert ids(store, category="medical") == [calls["medical-telecare-fall-ambulance"]]
    assert ids(store, category="s136") == []
    assert ids(store, outcome="PARTNER_LEAD_NO_POLICE") == [
        calls["medical-telecare-fall-ambulance"],
        calls["welfare-crisis-team"],
    ]
    assert ids(store, outcome="POLICE_DEPLOY") == [calls["welfare-crime-behind-welfare-check"]]
    assert ids(store, status="open") == [
        calls["not-rcrp-noise-complaint"],
        calls["welfare-crime-behind-welfare-check"],
    ]
    assert len(ids(store, status="closed")) == 4
    with pytest.raises(ValueError, match="status"):
        RecordQuery(status="finished")


def test_criteria_combine(store: Store, calls: dict[str, int]) -> None:
    assert ids(store, category="welfare", status="closed") == [
        calls["welfare-advice-and-close"],
        calls["welfare-crisis-team"],
    ]
    assert ids(store, category="welfare", outcome="PARTNER_LEAD_NO_POLICE") == [
        calls["welfare-crisis-team"]
    ]
    assert ids(store, category="welfare", incident_text="0303", status="open") == []
    first = datetime.fromisoformat(store.record(calls["welfare-crisis-team"]).created_utc)
    assert ids(
        store, category="welfare", date_from=first.astimezone().date() + timedelta(days=1)
    ) == [calls["welfare-crime-behind-welfare-check"], calls["welfare-advice-and-close"]]


def test_paging_by_offset_and_by_position(
    store: Store, calls: dict[str, int], england: Pack
) -> None:
    everything = [row.id for row in store.search(RecordQuery())]
    query = RecordQuery()
    pages = [[row.id for row in store.search(query, offset=n, limit=2)] for n in (0, 2, 4, 6)]
    assert pages == [everything[0:2], everything[2:4], everything[4:6], []]
    first = store.search(query, limit=4)
    # A call saved meanwhile sits above the page already shown: paging by position is not moved.
    record_call(store, england, "welfare-crisis-team.json", when=START + timedelta(days=30), stop=2)
    rest = store.search(query, limit=4, after=(first[-1].created_utc, first[-1].id))
    assert [row.id for row in rest] == everything[4:]
    assert store.count(query) == 7


def test_training_records_are_not_searched_from_the_live_store(
    data_dir: Path, store: Store, england: Pack
) -> None:
    live = record_call(store, england, "welfare-crisis-team.json")
    training = Store.open(database_path(data_dir, "training"), "training")
    try:
        record_call(training, england, "welfare-crisis-team.json")
        assert [row.mode for row in training.search(RecordQuery())] == ["training"]
    finally:
        training.close()
    assert ids(store) == [live.record_id]


def index_of(store: Store, record_id: int) -> tuple[str, str]:
    row = next(row for row in store.search(RecordQuery()) if row.id == record_id)
    return row.category, row.outcome


def test_the_index_follows_answers_changes_and_decisions(store: Store, england: Pack) -> None:
    recorder = record_call(store, england, "welfare-crisis-team.json", stop=5)
    rid = recorder.record_id
    assert index_of(store, rid) == ("", "")  # not at the category yet
    recorder = record_call(store, england, "welfare-crisis-team.json", incident="INC-2")
    rid = recorder.record_id
    assert index_of(store, rid) == ("welfare", "PARTNER_LEAD_NO_POLICE")
    # The handler's decision wins over the recommendation ...
    recorder.decide("POLICE_DEPLOY_WITH_PARTNER", "Caller now says he has a knife")
    assert index_of(store, rid) == ("welfare", "POLICE_DEPLOY_WITH_PARTNER")
    assert verify(store) == []
    # ... until an answer is changed, which voids it (as in the engine) ...
    recorder.change("ctx_callback", "07700 900999", "", "Caller gave a new number")
    assert recorder.state.decision is None
    assert index_of(store, rid) == ("welfare", "PARTNER_LEAD_NO_POLICE")
    # ... and a change of category takes the call back to its questions: no outcome yet.
    recorder.change("cat", "medical", "", "Caller corrected: a fall at home, not welfare")
    assert index_of(store, rid) == ("medical", "")
    assert store.count(RecordQuery(category="welfare")) == 0
    assert ids(store, category="medical") == [rid]
    assert verify(store) == []


def test_the_recorder_marks_the_category_at_the_packs_own_node(store: Store, england: Pack) -> None:
    recorder = record_call(store, england, "welfare-crisis-team.json")
    marks = {
        e.payload["node"]: e.payload["category"]
        for e in store.events(recorder.record_id)
        if e.kind in ("answer", "change")
    }
    assert marks["cat"] == "welfare"
    assert {node: mark for node, mark in marks.items() if mark is not None} == {"cat": "welfare"}

    # A pack that asks its category elsewhere is indexed by that question, not by an id.
    elsewhere = dataclasses.replace(england, phase_node="ctx_person")
    assert elsewhere.category_node == "ctx_person"
    recorder = record_call(store, elsewhere, "welfare-crisis-team.json", incident="INC-2")
    person = next(
        s.answer
        for s in load_script(examples_dir() / "welfare-crisis-team.json").steps
        if s.node == "ctx_person"
    )
    assert index_of(store, recorder.record_id)[0] == person != "welfare"
    assert verify(store) == []


def test_verify_finds_an_index_out_of_step(store: Store, england: Pack) -> None:
    recorder = record_call(store, england, "welfare-crisis-team.json")
    assert verify(store) == []
    store.db.execute(
        "UPDATE record_index SET outcome = 'POLICE_DEPLOY' WHERE record_id = ?",
        [recorder.record_id],
    )
    store.db.conn.commit()
    faults = verify(store)
    assert [str(fault) for fault in faults] == [
        f"record {recorder.record_id}: search index out of step with events"
    ]
    store.db.execute("DELETE FROM record_index")
    store.db.conn.commit()
    assert [fault.message for fault in verify(store)] == ["search index out of step with events"]


def test_an_older_database_is_indexed_when_migrated(data_dir: Path, packs: dict[str, Pack]) -> None:
    """Records written under schema 2 (no index) are found by category and outcome after."""
    path = database_path(data_dir, "live")
    old = open_schema_2(path)
    made = {}
    for day, script in enumerate(
        [
            "welfare-crisis-team.json",
            "welfare-overdose-disclosed-mid-call.json",
            "medical-telecare-fall-ambulance.json",
            "s136-handover-over-hour-escalate.json",
        ]
    ):
        pack = packs[load_script(examples_dir() / script).pack]
        made[script] = record_call(old, pack, script, when=START + timedelta(days=day))
    made["welfare-crisis-team.json"].decide("ESCALATE_SUPERVISOR", "Supervisor asked for it")
    made["partial"] = record_call(old, packs["rcrp-england"], "welfare-crisis-team.json", stop=12)
    old.close()

    store = Store.open(path, "live")
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert verify(store) == []  # the backfill agrees with verify's own reading of events
        found = {row.id: (row.category, row.outcome) for row in store.search(RecordQuery())}
        assert found == {
            made["welfare-crisis-team.json"].record_id: ("welfare", "ESCALATE_SUPERVISOR"),
            made["welfare-overdose-disclosed-mid-call.json"].record_id: (
                "welfare",
                "POLICE_DEPLOY_WITH_PARTNER",
            ),
            made["medical-telecare-fall-ambulance.json"].record_id: (
                "medical",
                "PARTNER_LEAD_NO_POLICE",
            ),
            made["s136-handover-over-hour-escalate.json"].record_id: (
                "s136",
                "ESCALATE_SUPERVISOR",
            ),
            made["partial"].record_id: ("welfare", ""),
        }
        # And from here on the trigger keeps it in step, from the backfilled values.
        recorder = CallRecorder.resume(
            store,
            made["welfare-crisis-team.json"].record_id,
            lambda *_: packs["rcrp-england"],
            USER,
        )
        recorder.change("ctx_callback", "07700 900998", "", "New number")
        assert index_of(store, recorder.record_id) == ("welfare", "PARTNER_LEAD_NO_POLICE")
        assert verify(store) == []
    finally:
        store.close()


def open_schema_2(path: Path) -> Store:
    """A store on a database made as the previous version made it (no record_index)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(sqlite3.connect(path))
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db, stop_before="create_record_index")
    db.execute("PRAGMA user_version = 2")
    assert not db.table("record_index").exists()
    return Store(db, path, "live")


def test_the_trigger_and_the_rules_agree_on_the_same_events(
    data_dir: Path, store: Store, packs: dict[str, Pack]
) -> None:
    """Every example call, indexed as written (trigger) and again from scratch (the fill)."""
    for script in sorted(p.name for p in examples_dir().glob("*.json")):
        pack = packs[load_script(examples_dir() / script).pack]
        record_call(store, pack, script)
    assert store.index_rows() == store.recomputed_index_rows()
    # Events the engine writes rarely, or only in odd orders, marked and (as before the
    # recorder marked the category) unmarked: each rule has its turn.
    odd = record_call(store, packs["rcrp-england"], "welfare-crisis-team.json")
    for kind, payload, category in [
        ("decide", {"node": "out_x", "value": "ADVICE_AND_CLOSE"}, "welfare"),
        ("rationale", {"node": "thr_life", "value": "no"}, "welfare"),  # keeps the decision
        ("change", {"node": "ctx_callback", "value": "1", "dropped": ["cat", "x"]}, ""),
        ("recommendation", {"code": "POLICE_DEPLOY", "final": False}, ""),
        ("answer", {"node": "cat", "value": "awol"}, "awol"),
        ("answer", {"node": "ctx_person", "value": "x", "category": None}, "awol"),
        ("answer", {"node": "kind_of_call", "value": "s136", "category": "s136"}, "s136"),
        ("change", {"node": "cat", "value": "welfare", "category": None}, "s136"),
        ("change", {"node": "y", "value": "1", "dropped": ["kind_of_call"], "category": ""}, ""),
        ("recommendation", {"code": None, "final": True}, ""),
    ]:
        store.append(odd.record_id, [NewEvent(kind, payload)], USER)
        as_written = store.index_rows()
        assert as_written[odd.record_id][0] == category, (kind, payload)
        assert as_written == store.recomputed_index_rows(), (kind, payload)
        assert verify(store) == [], (kind, as_written[odd.record_id])
    assert as_written[odd.record_id][:4] == ("", "", "", "")

    assert len(as_written) == len(list(examples_dir().glob("*.json"))) + 1
    with store.db.atomic():
        store.db.execute("DELETE FROM record_index")
        store.db.execute(
            f"INSERT INTO record_index (record_id, {', '.join(record_index.COLUMNS)}) "
            + record_index.recomputed_sql()
        )
    assert store.index_rows() == as_written
    assert verify(store) == []


def test_urgent_calls_are_marked_in_the_search(store: Store, england: Pack) -> None:
    calm = record_call(store, england, "welfare-crisis-team.json")
    urgent = record_call(store, england, "welfare-overdose-disclosed-mid-call.json", incident="X")
    marks = {row.id: row.urgent for row in store.search(RecordQuery())}
    assert marks == {calm.record_id: False, urgent.record_id: True}
    assert store.index_rows() == store.recomputed_index_rows()
    assert verify(store) == []
