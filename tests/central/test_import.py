"""Bundles from three stations merged into the central store on a real PostgreSQL server: each
imported whole, the same one twice a no-op, one out of turn held until the one before it
comes; a changed byte, an unregistered station, a bundle replayed under another station's
name, a broken chain each refused with nothing stored; an event contradicting what is stored
kept beside it, never over it."""

import copy
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from rcrp_desktop.central.cli import KEY_SECRET_ENV
from rcrp_desktop.central.cli import main as central
from rcrp_desktop.cli import main as desktop
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage import bundles
from rcrp_desktop.storage.keys import load_recovery_private_key
from rcrp_desktop.storage.station import station_key

SECRET = "force key passphrase for tests"
SCRIPTS = ("welfare-crisis-team.json", "medical-telecare-fall-ambulance.json")


@pytest.fixture
def force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, X25519PrivateKey]:
    monkeypatch.setenv(KEY_SECRET_ENV, SECRET)
    private, public = tmp_path / "force.pem", tmp_path / "force-public.pem"
    assert central(["force-key", "--private-out", str(private), "--public-out", str(public)]) == 0
    return private, load_recovery_private_key(private.read_bytes(), SECRET)


def station(tmp_path: Path, name: str, force_key: Path) -> Path:
    """A station's data folder with calls saved, registered centrally."""
    folder = tmp_path / name
    for script in SCRIPTS:
        saved = desktop(["--data-dir", str(folder), "run-script", str(examples_dir() / script),
                         "--save", "--by", f"PC {name}"])  # fmt: skip
        assert saved == 0
    (folder / bundles.FORCE_KEY_FILE).write_bytes(
        force_key.with_name("force-public.pem").read_bytes()
    )
    return folder


def export(folder: Path, out: Path) -> Path:
    assert desktop(["--data-dir", str(folder), "bundle", "export", "--out", str(out)]) == 0
    return out


def register(central_dsn: str, folder: Path, name: str, tmp_path: Path) -> None:
    from rcrp_desktop.storage.station import public_pem

    pem = tmp_path / f"{name}-station.pem"
    pem.write_bytes(public_pem(station_key(folder)))
    assert central(["--dsn", central_dsn, "stations", "add", name, str(pem)]) == 0


def imported(central_dsn: str, key: Path, *paths: Path) -> int:
    return central(["--dsn", central_dsn, "import", "--key", str(key), *map(str, paths)])


def counts(central_dsn: str) -> tuple[int, int, int, int]:
    with psycopg.connect(central_dsn) as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in ("records", "events", "bundles", "conflicts")
        )


def test_three_stations_merge_and_every_bad_bundle_is_refused_or_held(
    tmp_path: Path,
    central_dsn: str,
    force: tuple[Path, X25519PrivateKey],
    capsys: pytest.CaptureFixture[str],
) -> None:
    key, force_private = force
    assert central(["--dsn", central_dsn, "init"]) == 0
    folders = [station(tmp_path, name, key) for name in ("north", "south", "east")]
    for folder, name in zip(folders, ("north", "south", "east"), strict=True):
        register(central_dsn, folder, name, tmp_path)
    firsts = [export(folder, tmp_path / f"{folder.name}-1.rcrp") for folder in folders[:2]]
    capsys.readouterr()
    assert imported(central_dsn, key, *firsts) == 0
    assert capsys.readouterr().out.count(": imported: bundle 1 of station") == 2
    records, events, made, conflicts = counts(central_dsn)
    assert (records, made, conflicts) == (4, 2, 0) and events > 40
    # The same bundle twice: nothing changes.
    assert imported(central_dsn, key, firsts[0]) == 0
    assert "already imported" in capsys.readouterr().out
    assert counts(central_dsn) == (records, events, made, conflicts)
    # East's bundle 2 before its bundle 1: held, then let in by it.
    east = folders[2]
    one = export(east, tmp_path / "east-1.rcrp")
    desktop(["--data-dir", str(east), "run-script", str(examples_dir() / SCRIPTS[0]),
             "--save", "--by", "PC east"])  # fmt: skip
    two = export(east, tmp_path / "east-2.rcrp")
    assert imported(central_dsn, key, two) == 0
    assert "held: bundle 2 of station" in capsys.readouterr().out
    assert counts(central_dsn)[2] == 2
    assert imported(central_dsn, key, one) == 0
    said = capsys.readouterr().out
    assert "imported: bundle 1" in said and "imported: bundle 2" in said
    before = counts(central_dsn)
    assert before[0] == 7
    # A byte changed, an unregistered station, a replay under another name: refused, whole.
    changed = bytearray(one.read_bytes())
    changed[len(changed) // 2] ^= 0x01
    (bad := tmp_path / "changed.rcrp").write_bytes(bytes(changed))
    stranger = station(tmp_path, "stranger", key)
    unregistered = export(stranger, tmp_path / "stranger-1.rcrp")
    north = folders[0]
    content = bundles.open_bundle(
        firsts[1].read_bytes(), station_key(folders[1]).public_key(), force_private
    ).content  # south's bundle 1, sent again as north's bundle 2
    replay = copy.deepcopy(content)
    north_id = bundles.read_header(firsts[0].read_bytes())["station"]
    header = {"format": bundles.FORMAT, "version": bundles.VERSION, "station": north_id}
    header["sequence"] = 2
    (replayed := tmp_path / "replayed.rcrp").write_bytes(
        bundles.bundle_bytes(replay, header, station_key(north), force_private.public_key())
    )
    for path, why in ((bad, "signature"), (unregistered, "not registered"),
                      (replayed, "replayed")):  # fmt: skip
        assert imported(central_dsn, key, path) == 1
        assert why in capsys.readouterr().err
    assert counts(central_dsn) == before
    # North's next bundle contradicting an event already stored: kept beside, not over it.
    desktop(["--data-dir", str(north), "run-script", str(examples_dir() / SCRIPTS[1]),
             "--save", "--by", "PC north"])  # fmt: skip
    nxt = export(north, tmp_path / "north-2.rcrp")
    opened = bundles.open_bundle(nxt.read_bytes(), station_key(north).public_key(), force_private)
    first_north = bundles.open_bundle(
        firsts[0].read_bytes(), station_key(north).public_key(), force_private
    ).content
    forged = bundles.events_of(first_north)[-1]  # its place is taken centrally
    forged["payload"] = forged["payload"].replace("}", ', "forged": true}', 1)
    from rcrp_desktop.storage.chain import typed_event_hash

    forged["hash"] = typed_event_hash(
        forged["id"], forged["record_id"], forged["seq"], forged["kind"], forged["payload"],
        forged["utc"], forged["local"], forged["user"], forged["prev_hash"],
    )  # fmt: skip
    contradicting = bundles.with_events(
        opened.content, [forged, *bundles.events_of(opened.content)]
    )
    its_header = next(
        row for row in first_north["records"]["rows"] if row[0] == forged["record_id"]
    )  # the forged event's record, named in this bundle too
    contradicting["records"] = {
        "columns": opened.content["records"]["columns"],
        "rows": [its_header, *opened.content["records"]["rows"]],
    }
    header = bundles.read_header(nxt.read_bytes())
    nxt.write_bytes(
        bundles.bundle_bytes(contradicting, header, station_key(north), force_private.public_key())
    )
    assert imported(central_dsn, key, nxt) == 0
    assert "1 conflict(s) kept" in capsys.readouterr().out
    with psycopg.connect(central_dsn) as conn:
        stored = conn.execute(
            "SELECT payload FROM events WHERE record_uid = %s AND seq = %s",
            [forged["record_uid"], forged["seq"]],
        ).fetchone()
    assert stored is not None and '"forged"' not in stored[0]
    assert counts(central_dsn)[3] == 1
    assert central(["--dsn", central_dsn, "verify"]) == 0
    assert "ok: every record's chain" in capsys.readouterr().out
    assert central(["--dsn", central_dsn, "status"]) == 0
    status = capsys.readouterr().out
    assert "north\tbundles 1-2 (2)" in status and "1 conflict(s)" in status
    with psycopg.connect(central_dsn, autocommit=True) as conn:  # an insider edits an event
        conn.execute("UPDATE events SET payload = payload || ' ' WHERE seq = 3")
    assert central(["--dsn", central_dsn, "verify"]) == 1
    assert "changed after it was written" in capsys.readouterr().out


def test_an_event_without_its_records_header_or_with_a_changed_hash_rejects_the_bundle(
    tmp_path: Path,
    central_dsn: str,
    force: tuple[Path, X25519PrivateKey],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Signed by the station but not whole: nothing of it is stored, in one line each."""
    key, force_private = force
    assert central(["--dsn", central_dsn, "init"]) == 0
    folder = station(tmp_path, "west", key)
    register(central_dsn, folder, "west", tmp_path)
    made = export(folder, tmp_path / "west-1.rcrp")
    data = made.read_bytes()
    content = bundles.open_bundle(data, station_key(folder).public_key(), force_private).content
    header = bundles.read_header(data)
    headless = {
        **content,
        "records": {**content["records"], "rows": content["records"]["rows"][1:]},
    }
    events = bundles.events_of(content)
    events[3] = {**events[3], "payload": events[3]["payload"] + " "}
    rehashed = bundles.with_events(content, events)
    for changed, said in (
        (headless, "whose header it does not hold"),
        (rehashed, "its hash does not match"),
    ):
        path = tmp_path / "changed.rcrp"
        path.write_bytes(
            bundles.bundle_bytes(changed, header, station_key(folder), force_private.public_key())
        )
        capsys.readouterr()
        assert imported(central_dsn, key, path) == 1
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1, err
        assert counts(central_dsn) == (0, 0, 0, 0)
    assert imported(central_dsn, key, made) == 0  # the bundle as made still goes in
