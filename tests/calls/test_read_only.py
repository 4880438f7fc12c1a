"""Records opened read-only take no command: the application layer refuses each one, whoever
sends it, before the engine is asked or a file is made, and not a byte in the folder changes."""

from pathlib import Path

import pytest

from rcrp_desktop.calls.commands import (
    AnswerQuestion,
    CallCommand,
    ChangeAnswer,
    Close,
    CompleteRationale,
    Decide,
    LetTimePass,
    Reassess,
    RecordNote,
)
from rcrp_desktop.calls.errors import OpenedReadOnlyError, RefusedError, StorageError
from rcrp_desktop.calls.exports import export_handover, export_handover_text, record_export
from rcrp_desktop.calls.outbox import Outbox
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.calls.records import open_read_only
from rcrp_desktop.cli import main
from rcrp_desktop.domain.call.closure import Deployment, PartnerConfirmed
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export.handover import HandoverRequest, build_handover_text
from rcrp_desktop.export.source import load_source
from rcrp_desktop.storage.data import database_path
from tests.at_rest import HANDLER, SCRIPT, Calls, record_calls, snapshot


@pytest.fixture
def calls(data_dir: Path, england: Pack) -> Calls:
    return record_calls(data_dir, england)


def every_kind_of_command(record_id: int) -> list[CallCommand]:
    """One of each command, valid or not: the refusal comes before the engine would judge."""
    node = SCRIPT.steps[0].node
    return [
        AnswerQuestion(record_id=record_id, node=node, value="anything"),
        ChangeAnswer(record_id=record_id, node=node, value="other", rationale="r", reason="why"),
        CompleteRationale(record_id=record_id, node=node, rationale="afterwards"),
        Decide(record_id=record_id, code="POLICE_DEPLOY"),
        RecordNote(record_id=record_id, note=Deployment("Unit 12", "immediate")),
        RecordNote(record_id=record_id, note=PartnerConfirmed("Crisis team", "attended")),
        Close(record_id=record_id),
        Reassess(record_id=record_id, reason="partner did not confirm"),
        LetTimePass(record_id=record_id, seconds=60),
    ]


def test_every_command_is_refused_and_nothing_is_written(
    data_dir: Path, calls: Calls, england: Pack
) -> None:
    before = snapshot(data_dir)
    store = open_read_only(data_dir, training=False)
    try:
        assert store.readonly
        recorder = CallRecorder.resume(store, calls.finished, lambda *_: england, HANDLER)
        state, advice = recorder.state, recorder.advice
        assert advice.ready  # a decision would be accepted on records open to write
        for command in every_kind_of_command(calls.finished):
            with pytest.raises(OpenedReadOnlyError, match="open read-only"):
                recorder.execute(command)
            outbox = Outbox(recorder)
            with pytest.raises(OpenedReadOnlyError):  # a refusal: said, never kept to retry
                outbox.send(command)
            assert outbox.waiting == []
        assert (recorder.state, recorder.advice) == (state, advice)
        with pytest.raises(OpenedReadOnlyError):
            CallRecorder.start(store, england, incident_ref="INC-NEW", user=HANDLER)
        assert [row.id for row in store.recent(10)] == [calls.begun, calls.finished]
    finally:
        store.close()
    assert snapshot(data_dir) == before


def test_a_refusal_is_not_a_passing_failure() -> None:
    error = OpenedReadOnlyError(Path("/media/backup/records.sqlite3"))
    assert isinstance(error, RefusedError)
    assert str(error) == (
        "/media/backup/records.sqlite3 is open read-only: nothing can be added to it or changed."
    )


def test_an_export_is_refused_before_its_file_is_made(
    data_dir: Path, calls: Calls, england: Pack, tmp_path: Path
) -> None:
    before = snapshot(data_dir)
    store = open_read_only(data_dir, training=False)
    request = HandoverRequest("crisis_team", prepared_by=HANDLER)
    out = tmp_path / "out"
    out.mkdir()
    try:
        with pytest.raises(OpenedReadOnlyError):
            export_handover(
                store, calls.finished, request, out / "h.pdf", find_pack=lambda *_: england
            )
        with pytest.raises(OpenedReadOnlyError):
            export_handover_text(store, calls.finished, request, out / "h.txt")
        # Built by a caller that did not ask first: recording it is refused, and the file goes.
        source = load_source(store, calls.finished, lambda *_: england)
        built = build_handover_text(source, request, out / "built.txt")
        assert built.path is not None and built.path.exists()
        with pytest.raises(OpenedReadOnlyError):
            record_export(store, built, HANDLER)
    finally:
        store.close()
    assert list(out.iterdir()) == []
    assert snapshot(data_dir) == before


def test_nothing_is_created_where_there_are_no_records(tmp_path: Path) -> None:
    folder = tmp_path / "nowhere"
    with pytest.raises(StorageError, match="There is no record database"):
        open_read_only(folder, training=True)
    assert not folder.exists()


def test_a_sqlite_file_that_is_not_ours_gets_the_line_list_gives(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    data_dir.mkdir()
    foreign = database_path(data_dir, "live")
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE cats (name TEXT)")
    conn.close()
    before = snapshot(data_dir)
    with pytest.raises(StorageError) as refused:
        open_read_only(data_dir, training=False)
    assert main(["--data-dir", str(data_dir), "list"]) == 1
    assert capsys.readouterr().err == f"rcrp-desktop: {refused.value}\n"
    assert "no such table: records" in str(refused.value)
    assert snapshot(data_dir) == before
