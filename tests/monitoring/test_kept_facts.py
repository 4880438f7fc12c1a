"""The facts the figures read, kept in the record database: the same figures as worked out
from the events themselves; brought up to date by the events added since (a new call, a
changed answer that makes a later call no longer a re-contact); and a store opened only to
read, with its kept facts behind, still gives the right figures."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from rcrp_desktop.calls.monitoring import figures_for, figures_from_events, monitoring_config
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage import figure_facts
from rcrp_desktop.storage.repository import Store

PLACE, CALLBACK = "ctx_location", "ctx_callback"  # the re-contact keys (forms/monitoring)


def call(store: Store, pack: Pack, name: str, place: str) -> CallRecorder:
    """A shipped example call about `place`, with a callback number of its own."""
    own = {PLACE: place, CALLBACK: f"07700 9{len(store.record_rows()):05d}"}
    recorder = CallRecorder.start(store, pack, incident_ref=name, user="PC 1 Example")
    for step in load_script(examples_dir() / f"{name}.json").steps:
        recorder.answer(step.node, own.get(step.node, step.answer), step.rationale)
    return recorder


def both(store: Store) -> tuple[dict[str, list[tuple[object, ...]]], ...]:
    today = datetime.now(UTC)
    start, end = today - timedelta(days=1), today + timedelta(days=1)
    kept = {r.figure.id: r.rows for r in figures_for(store, start, end)}
    fresh = figures_from_events(store, start, end, monitoring_config(), datetime.now(UTC))
    return kept, {r.figure.id: r.rows for r in fresh}


def test_kept_facts_give_the_figures_the_events_give_and_follow_new_events(
    data_dir: Path, england: Pack
) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(data_dir / "records.sqlite3", "live")
    try:
        first = call(store, england, "welfare-crisis-team", "3 Example Mews, Testtown")
        call(store, england, "welfare-locked-door-entry-to-save-life", "9 Sample Row, Testtown")
        call(store, england, "welfare-crisis-team", "3 example mews testtown")  # a re-contact
        kept, fresh = both(store)
        assert kept == fresh
        assert kept["recontacts_and_upgrades"] == [(3, 0, 1, 1, 0)]
        assert figure_facts.up_to_date(store)
        call(store, england, "welfare-advice-and-close", "11 Other Street, Testtown")
        assert not figure_facts.up_to_date(store)
        kept, fresh = both(store)
        assert kept == fresh and kept["recontacts_and_upgrades"][0][0] == 4
        # The first call's place corrected: the third is no longer a re-contact of it.
        first.change(PLACE, "40 Elsewhere Close, Testtown", "Misheard.", "The caller spelt it.")
        kept, fresh = both(store)
        assert kept == fresh
        assert kept["recontacts_and_upgrades"] == [(4, 0, 0, 0, 0)]
    finally:
        store.close()


def test_a_store_opened_only_to_read_with_its_kept_facts_behind_still_counts_right(
    data_dir: Path, england: Pack
) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    writer = Store.open(data_dir / "records.sqlite3", "live")
    try:
        call(writer, england, "welfare-crisis-team", "5 Test Court, Testtown")
        both(writer)  # kept, up to date
        call(writer, england, "welfare-advice-and-close", "6 Test Court, Testtown")
    finally:
        writer.close()
    reader = Store.open(data_dir / "records.sqlite3", "live", create=False, readonly=True)
    try:
        assert not figure_facts.up_to_date(reader)
        kept, fresh = both(reader)  # the reader cannot bring them up to date: from the events
        assert kept == fresh and kept["recontacts_and_upgrades"][0][0] == 2
    finally:
        reader.close()


def test_a_database_made_before_the_facts_were_kept_counts_read_only_and_when_migrated(
    data_dir: Path,
) -> None:
    """A 1.0.0 database: read without migrating, its figures come from its events; opened to
    write, it is migrated and its facts kept, the same figures."""
    import shutil

    old = Path(__file__).parents[1] / "data" / "records-1.0.0.sqlite3"
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "records.sqlite3"
    shutil.copyfile(old, path)
    start, end = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    reader = Store.open(path, "live", create=False, readonly=True)
    try:
        assert not figure_facts.up_to_date(reader)
        read = {r.figure.id: r.rows for r in figures_for(reader, start, end)}
    finally:
        reader.close()
    writer = Store.open(path, "live")
    try:
        kept = {r.figure.id: r.rows for r in figures_for(writer, start, end)}
        assert figure_facts.up_to_date(writer)
    finally:
        writer.close()
    assert kept == read and kept["recontacts_and_upgrades"][0][0] == 4


def test_the_kept_facts_know_each_calls_phase_as_the_packs_map_it(
    data_dir: Path, england: Pack
) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(data_dir / "records.sqlite3", "live")
    try:
        call(store, england, "welfare-crisis-team", "1 Phase Road, Testtown")
        call(store, england, "welfare-advice-and-close", "2 Phase Road, Testtown")
        today = datetime.now(UTC)
        period = (today - timedelta(days=1), today + timedelta(days=1))
        welfare = figures_for(store, *period, phase="concern_for_welfare")
        s136 = figures_for(store, *period, phase="s136_handover")
    finally:
        store.close()
    counts = {r.figure.id: r.rows for r in welfare}["recontacts_and_upgrades"]
    assert counts[0][0] == 2
    assert {r.figure.id: r.rows for r in s136}["recontacts_and_upgrades"] == [(0, 0, 0, 0, 0)]
