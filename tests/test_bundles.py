"""Bundles from a station: every event not yet sent, exactly as stored, signed by the station
and sealed to the force; the next one takes up where the last left off; a stopped export makes
the same bundle again; a byte changed, another station's signature or another force's key is
refused when it is opened."""

import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from rcrp_desktop.calls import bundles as use
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage import bundles
from rcrp_desktop.storage.errors import RefusedError, StorageError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.station import STATION_KEY_FILE, station_key

FORCE = X25519PrivateKey.generate()


def a_call(store: Store, pack: Pack, incident: str, steps: int | None = None) -> int:
    recorder = CallRecorder.start(store, pack, incident_ref=incident, user="PC 1 Test")
    for step in load_script(examples_dir() / "welfare-crisis-team.json").steps[:steps]:
        recorder.answer(step.node, step.answer, step.rationale)
    return recorder.record_id


def opened(path: Path, folder: Path) -> bundles.Opened:
    return bundles.open_bundle(path.read_bytes(), station_key(folder).public_key(), FORCE)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    made = Store.open(tmp_path / "data" / "records.sqlite3", "live")
    yield made  # type: ignore[misc]
    made.close()


def test_a_bundle_holds_every_event_as_stored_and_opens_only_as_it_was_made(
    tmp_path: Path, store: Store, england: Pack
) -> None:
    folder = store.path.parent
    first = a_call(store, england, "INC-B1")
    second = a_call(store, england, "INC-B2", steps=5)
    out = tmp_path / "out" / "bundle-1.rcrp"
    made = use.export_bundle(store, folder, out, FORCE.public_key())
    assert (made.sequence, made.records, made.again) == (1, 2, False)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / STATION_KEY_FILE).stat().st_mode) == 0o600
    bundle = opened(out, folder)
    assert bundle.header["station"] == use.this_station(folder).station
    assert bundle.bundle_hash == made.bundle_hash
    content = bundle.content
    stored = {
        (row[1], row[2]): row for row in store.event_rows()
    }  # (record id, seq) -> id, record_id, seq, kind, payload, utc, local, user, prev, hash
    assert len(bundles.events_of(content)) == len(stored) == made.events
    uids = {store.record(first).uid: first, store.record(second).uid: second}
    for event in bundles.events_of(content):
        row = stored[(uids[event["record_uid"]], event["seq"])]
        assert (event["id"], event["kind"], event["payload"], event["hash"]) == (
            row[0], row[3], row[4], row[9],
        )  # fmt: skip
    heads = {uid: entry["head"] for uid, entry in content["manifest"]["records"].items()}
    assert heads == {uid: store.events(rid)[-1].hash for uid, rid in uids.items()}
    assert [r["incident_ref"] for r in bundles.records_of(content)] == ["INC-B1", "INC-B2"]
    assert content["previous"] == bundles.GENESIS


def test_the_next_bundle_takes_up_where_the_last_left_off(
    tmp_path: Path, store: Store, england: Pack
) -> None:
    folder = store.path.parent
    record = a_call(store, england, "INC-C1", steps=4)
    one = use.export_bundle(store, folder, tmp_path / "1.rcrp", FORCE.public_key())
    with pytest.raises(RefusedError, match="Nothing has been recorded since"):
        use.export_bundle(store, folder, tmp_path / "x.rcrp", FORCE.public_key())
    recorder = CallRecorder.resume(store, record, lambda *a: england, "PC 1 Test")
    step = load_script(examples_dir() / "welfare-crisis-team.json").steps[4]
    recorder.answer(step.node, step.answer, step.rationale)
    assert use.waiting(store, folder).records[0][2] > 0
    two = use.export_bundle(store, folder, tmp_path / "2.rcrp", FORCE.public_key())
    content = opened(tmp_path / "2.rcrp", folder).content
    assert (two.sequence, content["previous"]) == (2, one.bundle_hash)
    first_seq = content["manifest"]["records"][store.record(record).uid]["first_seq"]
    earlier = bundles.events_of(opened(tmp_path / "1.rcrp", folder).content)
    assert first_seq > max(e["seq"] for e in earlier)
    assert use.waiting(store, folder).records == ()


def test_an_export_stopped_before_its_file_makes_the_same_bundle_again(
    tmp_path: Path, store: Store, england: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = store.path.parent
    a_call(store, england, "INC-D1", steps=6)

    real = use.files.write_atomically

    def full(path: Path, data: bytes) -> None:
        if path.suffix == ".rcrp":  # the bundle, not the state saved before it
            raise OSError(28, "No space left on device")
        real(path, data)

    with monkeypatch.context() as patched:
        patched.setattr(use.files, "write_atomically", full)
        with pytest.raises(StorageError, match="it makes the same bundle"):
            use.export_bundle(store, folder, tmp_path / "1.rcrp", FORCE.public_key())
    a_call(store, england, "INC-D2", steps=2)  # recorded meanwhile: in the next bundle
    made = use.export_bundle(store, folder, tmp_path / "1.rcrp", FORCE.public_key())
    assert (made.sequence, made.again) == (1, True)
    made_again = opened(tmp_path / "1.rcrp", folder).content
    assert {r["incident_ref"] for r in bundles.records_of(made_again)} == {"INC-D1"}
    later = use.export_bundle(store, folder, tmp_path / "2.rcrp", FORCE.public_key())
    assert later.sequence == 2 and later.records == 1


def test_a_changed_byte_another_station_or_another_force_is_refused(
    tmp_path: Path, store: Store, england: Pack
) -> None:
    folder = store.path.parent
    a_call(store, england, "INC-E1", steps=3)
    out = tmp_path / "1.rcrp"
    use.export_bundle(store, folder, out, FORCE.public_key())
    data = bytearray(out.read_bytes())
    station = station_key(folder).public_key()
    for at in (len(bundles.MAGIC) + 10, len(data) // 2, len(data) - 3):
        changed = bytearray(data)
        changed[at] ^= 0x01
        with pytest.raises(bundles.BundleError):
            bundles.open_bundle(bytes(changed), station, FORCE)
    with pytest.raises(bundles.BundleError, match="signature"):
        bundles.open_bundle(bytes(data), Ed25519PrivateKey.generate().public_key(), FORCE)
    with pytest.raises(bundles.BundleError, match="not sealed to this force key"):
        bundles.open_bundle(bytes(data), station, X25519PrivateKey.generate())
    with pytest.raises(bundles.BundleError):
        bundles.open_bundle(bytes(data[:-10]), station, FORCE)


def test_bundling_changes_no_record_and_refuses_over_a_file(
    tmp_path: Path, store: Store, england: Pack
) -> None:
    folder = store.path.parent
    record = a_call(store, england, "INC-F1", steps=3)
    before = [e.hash for e in store.events(record)]
    taken = tmp_path / "taken.rcrp"
    taken.write_bytes(b"someone's file")
    with pytest.raises(RefusedError, match="already exists"):
        use.export_bundle(store, folder, taken, FORCE.public_key())
    assert taken.read_bytes() == b"someone's file"
    use.export_bundle(store, folder, tmp_path / "ok.rcrp", FORCE.public_key())
    assert [e.hash for e in store.events(record)] == before
    assert not [p for p in os.listdir(folder) if p.endswith(".part")]


def test_a_bundle_of_another_format_or_with_too_large_a_content_is_one_clear_refusal(
    tmp_path: Path, store: Store, england: Pack
) -> None:
    folder = store.path.parent
    a_call(store, england, "INC-F1", steps=3)
    out = tmp_path / "1.rcrp"
    use.export_bundle(store, folder, out, FORCE.public_key())
    data = out.read_bytes()
    older = b"RCRP-BUNDLE/1\n" + data[len(bundles.MAGIC) :]
    with pytest.raises(bundles.BundleError, match="format 1, made by another version"):
        opened_bytes(older, folder)
    content = opened(out, folder).content
    header = bundles.read_header(data)
    key = station_key(folder)
    # Content that says it is larger than any bundle is refused before it is decompressed.
    huge = zstandard_frame(bundles.MAX_CONTENT_BYTES + 1)
    forged = b"".join(bundles.seal_and_sign(huge, header, key, FORCE.public_key()))
    with pytest.raises(bundles.BundleError, match="not a bundle's size"):
        opened_bytes(forged, folder)
    # The same content made again into a file opens to the same hash (canonical, compressed).
    again = bundles.bundle_bytes(content, header, key, FORCE.public_key())
    assert opened_bytes(again, folder).bundle_hash == opened(out, folder).bundle_hash


def opened_bytes(data: bytes, folder: Path) -> bundles.Opened:
    return bundles.open_bundle(data, station_key(folder).public_key(), FORCE)


def zstandard_frame(claimed: int) -> bytes:
    """A Zstandard frame whose header claims `claimed` bytes of content (holding a few)."""
    import zstandard

    real = zstandard.ZstdCompressor(level=1).compress(b"{}")
    assert zstandard.frame_content_size(real) == 2
    # The frame header's content size field, rewritten: an 8-byte size (descriptor 0xE0).
    return b"\x28\xb5\x2f\xfd" + bytes([0xE0]) + claimed.to_bytes(8, "little") + real[6:]
