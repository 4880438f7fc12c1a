"""The central store on a real PostgreSQL server: its schema made through migrations (run
again, nothing changes; a newer one is refused), and stations registered by the public key a
desktop prints, refused when it is not one, registered twice, or revoked."""

from pathlib import Path

import psycopg
import pytest

from rcrp_desktop.central import schema
from rcrp_desktop.central.cli import main
from rcrp_desktop.cli import main as desktop


def central(dsn: str, *args: str) -> int:
    return main(["--dsn", dsn, *args])


def test_init_makes_the_schema_once_and_a_newer_one_is_left_alone(
    central_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert central(central_dsn, "init") == 0
    assert central(central_dsn, "init") == 0  # again: nothing to do
    assert capsys.readouterr().out.count("ok: central schema") == 2
    with psycopg.connect(central_dsn, autocommit=True) as conn:
        assert schema.version(conn) == len(schema.MIGRATIONS)
        conn.execute("UPDATE schema_version SET version = 99")
    assert central(central_dsn, "init") == 1
    assert "schema 99" in capsys.readouterr().err


def test_a_database_made_at_schema_2_is_brought_up_with_its_conflicts_kept(
    central_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Migration 3 turns a conflict's JSONB versions into JSON text (standard tools copy it),
    keeping what was there."""
    with (
        psycopg.connect(central_dsn, autocommit=True) as conn,
        conn.transaction(),
        conn.cursor() as cursor,
    ):
        cursor.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        cursor.execute("INSERT INTO schema_version VALUES (2)")
        cursor.execute(schema.MIGRATIONS[0])
        cursor.execute(schema.MIGRATIONS[1])
        cursor.execute(
            "INSERT INTO conflicts (station, bundle_sequence, record_uid, seq, stored, "
            "offered, found_utc) VALUES ('s', 1, 'u', 3, '{\"kind\": \"answer\"}', "
            "'{}', now())"
        )
    assert central(central_dsn, "init") == 0
    assert "(was 2)" in capsys.readouterr().out
    with psycopg.connect(central_dsn) as conn:
        types = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'conflicts' AND column_name IN ('stored', 'offered')"
        ).fetchall()
        kept = conn.execute("SELECT stored FROM conflicts").fetchone()
    assert sorted(types) == [("offered", "text"), ("stored", "text")]
    assert kept is not None and '"kind": "answer"' in kept[0]


def test_a_station_registered_by_the_key_its_desktop_prints(
    central_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert central(central_dsn, "stations", "list") == 1  # not set up yet: said so
    assert "rcrp-central init" in capsys.readouterr().err
    assert central(central_dsn, "init") == 0
    capsys.readouterr()
    assert desktop(["--data-dir", str(tmp_path / "desk"), "bundle", "station"]) == 0
    printed = capsys.readouterr().out
    ident = printed.splitlines()[0].removeprefix("station ")
    pem = tmp_path / "station.pem"
    pem.write_text(printed)  # as printed, its id line and all
    assert central(central_dsn, "stations", "add", "Smalltown station", str(pem)) == 0
    assert f"station {ident} (Smalltown station) registered" in capsys.readouterr().out
    assert central(central_dsn, "stations", "add", "Again", str(pem)) == 1
    assert "registered already" in capsys.readouterr().err
    not_a_key = tmp_path / "not.pem"
    not_a_key.write_text("hello")
    assert central(central_dsn, "stations", "add", "Nothing", str(not_a_key)) == 1
    assert "not a public key" in capsys.readouterr().err
    assert central(central_dsn, "stations", "revoke", ident) == 0
    assert central(central_dsn, "stations", "list") == 0
    assert (
        capsys.readouterr().out.splitlines()[-1].startswith(f"{ident}\tSmalltown station\trevoked")
    )
    assert central(central_dsn, "stations", "revoke", ident) == 1


def test_a_database_that_cannot_be_reached_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert central("host=127.0.0.1 port=1 user=nobody dbname=none connect_timeout=2", "init") == 1
    err = capsys.readouterr().err
    assert err.startswith("rcrp-central: the central database:") and err.count("\n") == 1


def test_a_device_given_as_a_key_or_a_bundle_is_one_line_not_a_hang(
    central_dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rcrp_desktop.central.cli import KEY_SECRET_ENV

    assert central(central_dsn, "init") == 0
    capsys.readouterr()
    assert central(central_dsn, "stations", "add", "Nowhere", "/dev/zero") == 1
    assert "not a regular file" in capsys.readouterr().err
    monkeypatch.setenv(KEY_SECRET_ENV, "x" * 20)
    assert central(central_dsn, "import", "--key", "/dev/zero", "/dev/zero") == 1
    err = capsys.readouterr().err
    assert "not a regular file" in err and err.count("\n") == 1
