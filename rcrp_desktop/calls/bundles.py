"""Records leaving the PC as bundles for the force's central store: what has not left yet, and
the next bundle, signed by this station and sealed to the force."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from rcrp_desktop import files
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.storage import bundles
from rcrp_desktop.storage.bundle_source import bundle_content, last_event_id, unbundled
from rcrp_desktop.storage.errors import RefusedError, StorageError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.station import public_pem, station_id, station_key
from rcrp_desktop.times import utc_text


@dataclass(frozen=True)
class Station:
    """This PC as the central side registers it."""

    station: str
    public_pem: bytes


@dataclass(frozen=True)
class Waiting:
    """What has not left the PC yet."""

    station: str
    last_sequence: int
    records: tuple[tuple[str, str, int], ...]  # uid, incident reference, events not yet sent


@dataclass(frozen=True)
class BundleMade:
    path: Path
    sequence: int
    records: int
    events: int
    bundle_hash: str
    again: bool  # the bundle a stopped export had begun, made again the same


def this_station(data_dir: Path) -> Station:
    key = station_key(data_dir)
    return Station(station_id(key.public_key()), public_pem(key))


def waiting(store: Store, data_dir: Path) -> Waiting:
    """The records with events not yet in a bundle (this station's key made if need be)."""
    gates.require(store, "records.bundle")
    station = this_station(data_dir).station
    state = bundles.load_state(data_dir, station)
    return Waiting(station, state.sequence, tuple(unbundled(store, state.last_event_id)))


def export_bundle(
    store: Store, data_dir: Path, out: Path, force: X25519PublicKey, now: datetime | None = None
) -> BundleMade:
    """Every event not yet bundled, written to `out` (whole, owner-only) as the next bundle.

    The state is saved as "begun" before the file is written and as done after: stopped in
    between, the next export makes the same bundle again (same sequence, same events, same
    content hash), never a second bundle with that sequence and other content. The caller
    holds the data folder's lock.
    """
    gates.require(store, "records.bundle")
    key = station_key(data_dir)
    state = bundles.load_state(data_dir, station_id(key.public_key()))
    again = state.pending is not None
    if state.pending is None:
        through = last_event_id(store)
        if through <= state.last_event_id:
            raise RefusedError(
                "Nothing has been recorded since the last bundle: no bundle was made."
            )
        state = state.begun(through, utc_text(now or datetime.now(UTC)))
        bundles.save_state(data_dir, state)
    content = bundle_content(store, state)
    digest = content.bundle_hash
    assert state.pending is not None
    sequence = int(state.pending["sequence"])
    header = {
        "format": bundles.FORMAT,
        "version": bundles.VERSION,
        "station": state.station,
        "sequence": sequence,
    }
    try:
        if out.exists() or out.is_symlink():
            raise FileExistsError(out)
        out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_atomically(out, bundles.seal_and_sign(content.compressed, header, key, force))
    except FileExistsError:
        raise RefusedError(f"{out} already exists: choose a new file name.") from None
    except OSError as error:
        raise StorageError(
            f"The bundle could not be written to {out}: {error.strerror or error}. Run the "
            "export again: it makes the same bundle."
        ) from error
    bundles.save_state(data_dir, state.done(digest))
    gates.log(
        store,
        "bundle exported",
        f"bundle {sequence} to {out}: {content.events} event(s) of {content.records} "
        f"record(s); sha256 {digest}",
    )
    return BundleMade(out, sequence, content.records, content.events, digest, again)


def export_next(store: Store, data_dir: Path, out: Path) -> BundleMade:
    """The next bundle, sealed to the force's key the force's install put in the data folder
    (the window's action; the command line may name another key)."""
    gates.require(store, "records.bundle")
    force = bundles.load_force_key(data_dir / bundles.FORCE_KEY_FILE)
    return export_bundle(store, data_dir, out, force)


def suggested_name(data_dir: Path) -> str:
    """A file name for the next bundle: the station and the bundle's number."""
    station = this_station(data_dir).station
    state = bundles.load_state(data_dir, station)
    return f"bundle-{station}-{state.sequence + 1}.rcrp"
