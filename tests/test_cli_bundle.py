"""`bundle` from the command line: the station's key to register, what has not left, and the
next bundle, by a supervisor or administrator only, written whole and logged."""

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.cli import accounts as accounts_cli
from rcrp_desktop.cli import main, signing
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage import bundles
from rcrp_desktop.storage.accounts import TEST
from rcrp_desktop.storage.station import station_key

SCRIPT = str(examples_dir() / "welfare-crisis-team.json")
SECRETS = {
    "A100": "copper kettle winter",
    "H200": "lantern meadow seven",
    "S300": "harbour violet eleven",
}
FORCE = X25519PrivateKey.generate()


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)
    monkeypatch.delenv(signing.ACCOUNT_ENV, raising=False)


def as_(monkeypatch: pytest.MonkeyPatch, data: Path, number: str, *args: str) -> int:
    monkeypatch.setenv(signing.SIGN_IN_ENV, SECRETS[number])
    return main(["--data-dir", str(data), *args, "--as", number])


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "station"
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["A100"])
    assert main(["--data-dir", str(folder), "accounts", "init", "A100", "--name", "Ada Admin"]) == 0
    for number, role in (("H200", "handler"), ("S300", "supervisor")):
        monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS[number])
        assert as_(monkeypatch, folder, "A100", "accounts", "add", number, "--name",
                   f"{role.title()} Example", "--role", role) == 0  # fmt: skip
    assert as_(monkeypatch, folder, "H200", "run-script", SCRIPT, "--save") == 0
    public = FORCE.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (folder / bundles.FORCE_KEY_FILE).write_bytes(public)
    return folder


def test_a_supervisor_sends_what_has_not_left_and_the_status_says_so(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--data-dir", str(data), "bundle", "station"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("station ") and "BEGIN PUBLIC KEY" in said
    assert as_(monkeypatch, data, "S300", "bundle", "status") == 0
    assert "event(s) not yet bundled" in capsys.readouterr().out
    out = tmp_path / "carried" / "bundle-1.rcrp"
    assert as_(monkeypatch, data, "S300", "bundle", "export", "--out", str(out)) == 0
    assert "ok: bundle 1 written" in capsys.readouterr().out
    opened = bundles.open_bundle(out.read_bytes(), station_key(data).public_key(), FORCE)
    assert bundles.records_of(opened.content)[0]["incident_ref"] == "welfare-crisis-team"
    assert as_(monkeypatch, data, "S300", "bundle", "status") == 0
    assert "every event has left in a bundle" in capsys.readouterr().out
    assert as_(monkeypatch, data, "A100", "access-log") == 0
    assert "\tS300\tS300\tbundle exported\t-\tbundle 1 to " in capsys.readouterr().out


def test_a_handler_does_not_bundle_and_nothing_is_sealed_without_the_force_key(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bundle.rcrp"
    capsys.readouterr()
    assert as_(monkeypatch, data, "H200", "bundle", "export", "--out", str(out)) == 1
    assert "Not permitted" in capsys.readouterr().err
    (data / bundles.FORCE_KEY_FILE).unlink()
    assert as_(monkeypatch, data, "S300", "bundle", "export", "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert "no force key" in err and err.count("\n") == 1
    assert not out.exists()


def test_making_a_bundle_opens_no_socket(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records leave as files: the desktop side never opens a connection to anything."""
    from tests.export.test_hostile_text import audited

    with audited() as seen:
        for command in (("bundle", "status"), ("bundle", "export", "--out", str(tmp_path / "b"))):
            assert as_(monkeypatch, data, "S300", *command) == 0
        assert main(["--data-dir", str(data), "bundle", "station"]) == 0
    assert [name for name, _ in seen if name == "open"], "the audit hook saw the files"
    assert not [name for name, _ in seen if name.startswith(("socket", "urllib", "http"))]


def test_a_device_given_as_the_force_key_is_one_line_not_a_hang(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    out = tmp_path / "b.rcrp"
    assert (
        as_(monkeypatch, data, "S300", "bundle", "export", "--out", str(out), "--to", "/dev/zero")
        == 1
    )
    err = capsys.readouterr().err
    assert "not a regular file" in err and err.count("\n") == 1
    assert not out.exists()
