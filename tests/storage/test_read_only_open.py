"""A read-only open writes nothing: a database at rest (a backup, or the app closed) is read
immutable, without the `-wal` and `-shm` a plain read-only connection leaves beside it; one in
use is read through its writer's log, so every commit is seen."""

from pathlib import Path

import pytest

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.cli import main
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.repository import Store
from tests.at_rest import HANDLER, record_calls, snapshot


def test_a_database_at_rest_is_read_without_a_byte_written_beside_it(
    data_dir: Path, england: Pack, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = record_calls(data_dir, england)
    before = snapshot(data_dir)
    assert list(before) == [".", "records.sqlite3"]
    store = Store.open(calls.database, "live", create=False, readonly=True)
    try:
        assert len(store.events(calls.finished)) > 10
        assert [row.id for row in store.recent(5)] == [calls.begun, calls.finished]
    finally:
        store.close()
    assert snapshot(data_dir) == before
    for command in (["verify"], ["list"], ["show", str(calls.finished)]):
        assert main(["--data-dir", str(data_dir), *command]) == 0, capsys.readouterr()
    assert "INC-RO-1" in capsys.readouterr().out
    assert snapshot(data_dir) == before  # no -wal, no -shm, no lock file, the file as it was


def test_a_database_in_use_is_read_through_its_log(data_dir: Path, england: Pack) -> None:
    calls = record_calls(data_dir, england)
    writer = Store.open(calls.database, "live")
    try:
        later = CallRecorder.start(writer, england, incident_ref="INC-LATER", user=HANDLER)
        reader = Store.open(calls.database, "live", create=False, readonly=True)
        try:
            # Committed to the log, not yet into the file: seen all the same.
            assert reader.record(later.record_id).incident_ref == "INC-LATER"
        finally:
            reader.close()
    finally:
        writer.close()


def test_a_reader_opened_at_rest_reads_through_the_log_once_the_file_is_in_use(
    data_dir: Path, england: Pack
) -> None:
    # A read-only window left open on the data folder, then the app started on it: the
    # reader, opened immutable, must not go on reading the file as it lay.
    calls = record_calls(data_dir, england)
    reader = Store.open(calls.database, "live", create=False, readonly=True)
    try:
        assert [row.id for row in reader.recent(5)] == [calls.begun, calls.finished]
        writer = Store.open(calls.database, "live")
        try:
            later = CallRecorder.start(writer, england, incident_ref="INC-LATER", user=HANDLER)
            assert reader.record(later.record_id).incident_ref == "INC-LATER"
            assert reader.recent(5)[0].id == later.record_id
        finally:
            writer.close()  # the app closed again
        assert reader.record(later.record_id).incident_ref == "INC-LATER"  # at rest again
    finally:
        reader.close()


def test_a_reader_of_a_file_that_stays_at_rest_keeps_its_one_connection(
    data_dir: Path, england: Pack
) -> None:
    calls = record_calls(data_dir, england)
    reader = Store.open(calls.database, "live", create=False, readonly=True)
    try:
        first = reader.db
        for _ in range(3):
            reader.recent(5)
        assert reader.db is first
    finally:
        reader.close()
