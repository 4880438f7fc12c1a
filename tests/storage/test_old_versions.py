"""Records made before the danger-first packs: they replay and export under exactly their pack.

tests/data/records-1.0.0.sqlite3 was written by the app as it stood with the 1.0.0 packs (four
example calls saved with `run-script --save`, then decided, handed over and the caller told):
one England, one Wales, one BTP and one England call with a changed answer. The 1.0.0 packs are
kept in forms/archive/; the records must find them by id, version and content hash.
"""

import shutil
import sqlite3
from pathlib import Path

import pytest

from rcrp_desktop.calls.exports import export_handover, export_handover_text
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.export.handover import HandoverRequest
from rcrp_desktop.export.source import shipped_pack_finder
from rcrp_desktop.paths import forms_dir
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.search import RecordQuery
from rcrp_desktop.storage.verify import verify
from tests.export.records import pages, squash

STORED = Path(__file__).parents[1] / "data" / "records-1.0.0.sqlite3"
PACKS = {1: "rcrp-england", 2: "rcrp-wales", 3: "btp-standard", 4: "rcrp-england"}


@pytest.fixture
def old_store(data_dir: Path) -> Store:
    path = database_path(data_dir, "live")
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STORED, path)
    return Store.open(path, "live")


@pytest.mark.parametrize("record", sorted(PACKS))
def test_an_old_record_replays_exactly_under_its_own_pack(old_store: Store, record: int) -> None:
    assert verify(old_store) == []
    header = old_store.record(record)
    assert (header.pack_id, header.pack_version) == (PACKS[record], "1.0.0")
    recorder = CallRecorder.resume(old_store, record, shipped_pack_finder(forms_dir()), "PC 1")
    pack = recorder.state.pack
    assert pack.archived and pack.content_hash == header.pack_hash
    assert recorder.state.finished
    # The recommendation the old app stored is the one the replay gives now.
    stored = [e.payload for e in old_store.events(record) if e.kind == "recommendation"][-1]
    assert stored["code"] == recorder.advice.code
    assert stored["outcome_node"] == recorder.advice.outcome_node
    decided = [e.payload for e in old_store.events(record) if e.kind == "decide"][-1]
    assert recorder.state.decision is not None
    assert recorder.state.decision.code == decided["value"]
    if record != 3:  # the BTP call: see the test below
        assert recorder.closure_blockers() == []


def test_an_old_record_exports_with_its_own_questions(old_store: Store, tmp_path: Path) -> None:
    result = export_handover(
        old_store, 1, HandoverRequest("crisis_team", prepared_by="PC 1"), tmp_path / "old.pdf"
    )
    text = squash("\n".join(pages(tmp_path / "old.pdf")))
    assert squash("rcrp-england 1.0.0") in text
    # 1.0.0 asked for the caller's details on their own; 2.0.0 has no such question.
    assert squash("Caller's name and relationship to the person") in text
    assert squash("Threat: what threat is there, to whom, and from whom?") in text
    assert result.note.anchor_seq > 0
    plain = export_handover_text(
        old_store, 1, HandoverRequest("crisis_team", prepared_by="PC 1")
    ).text
    assert "rcrp-england 1.0.0" in plain


def test_an_old_not_rcrp_record_now_reads_as_police_owning_the_call(
    old_store: Store, tmp_path: Path
) -> None:
    """The BTP 1.0.0 record ended on the standard response: its code's meaning is fixed, and
    the handover says what it has always meant, never that police will not be coming."""
    recorder = CallRecorder.resume(old_store, 3, shipped_pack_finder(forms_dir()), "PC 1")
    assert recorder.advice.code is OutcomeCode.NOT_RCRP_STANDARD
    # The old app told this caller police would not attend; that was never true of the code,
    # and the still-open record now says so before it can close.
    assert recorder.closure_blockers() == [
        "The caller was told police will not attend, which no longer matches the decision: "
        "tell the caller again and record it."
    ]
    plain = export_handover_text(
        old_store, 3, HandoverRequest("ambulance", prepared_by="PC 1")
    ).text
    assert "Police own this call and respond as usual under THRIVE." in plain
    assert "Police will not attend" not in plain


def test_an_old_database_keeps_its_search_index_under_the_new_rules(data_dir: Path) -> None:
    """Its events carry no category mark: the rules read them as every pack then asked it."""
    with sqlite3.connect(STORED) as old:
        before = {row[0]: row[1:] for row in old.execute("SELECT * FROM record_index")}
        old_trigger = old.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'events_keep_record_index'"
        ).fetchone()[0]
    assert {row[0] for row in before.values()} >= {"welfare"}
    path = database_path(data_dir, "live")
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STORED, path)
    store = Store.open(path, "live")
    try:
        trigger = store.db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'events_keep_record_index'"
        ).fetchone()[0]
        assert trigger != old_trigger  # replaced by the one made from the rules
        now = store.index_rows()
        assert {rid: row[:4] for rid, row in now.items()} == {
            rid: tuple(row[:4]) for rid, row in before.items()
        }
        assert store.recomputed_index_rows() == store.index_rows()
        # The last activity it kept is now read from each record's last event: the same.
        shown = {row.id: row.last_utc for row in store.search(RecordQuery())}
        assert shown == {rid: row[4] for rid, row in before.items()}
    finally:
        store.close()
