"""Signed packs and partner directories (R25): the force signs them (`rcrp-central sign`), a desk
installs them only with a valid force signature (`rcrp-desktop forms install`), refusing an
unsigned, changed or wrongly signed file with one line and changing nothing; the shipped packs
keep working on a PC with no force key; what is installed is offered, checked again each time it
is loaded, and an older version stays so its records replay."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.forms import install
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.central import cli as central_cli
from rcrp_desktop.central.signing import SigningError, sign_file
from rcrp_desktop.cli import accounts as accounts_cli
from rcrp_desktop.cli import main, signing
from rcrp_desktop.export.source import shipped_pack_finder
from rcrp_desktop.paths import forms_dir
from rcrp_desktop.storage import installed_forms
from rcrp_desktop.storage.accounts import TEST, AccountStore
from rcrp_desktop.storage.directory_file import local_path
from rcrp_desktop.storage.pack_catalogue import pack_catalogue, version_key
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.signed_forms import (
    SIGNING_KEY_FILE,
    SignedFileError,
    make_signing_key_pair,
    read_signed,
    sign,
)

FORCE_SECRET = "a force passphrase for the tests"
SECRETS = {"A100": "copper kettle winter", "H200": "lantern meadow seven"}
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)
    monkeypatch.delenv(signing.ACCOUNT_ENV, raising=False)
    monkeypatch.delenv(signing.SIGN_IN_ENV, raising=False)
    monkeypatch.setenv(central_cli.KEY_SECRET_ENV, FORCE_SECRET)


@pytest.fixture
def force_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def data(tmp_path: Path, force_key: Ed25519PrivateKey) -> Path:
    """A desk's data folder that trusts the force's signing key."""
    folder = tmp_path / "data"
    folder.mkdir()
    _trust(folder, force_key)
    return folder


def _trust(folder: Path, key: Ed25519PrivateKey) -> None:
    from cryptography.hazmat.primitives import serialization

    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (folder / SIGNING_KEY_FILE).write_bytes(pem)


def newer_wales(tmp_path: Path, version: str = "2.2.0", title: str = "") -> Path:
    """A forms tree with the Wales variant at `version` (and England, its base)."""
    root = tmp_path / f"forms-{version}{title}"
    shutil.copytree(forms_dir() / "england", root / "england")
    (root / "wales").mkdir()
    text = (forms_dir() / "wales" / "rcrp-wales.toml").read_text(encoding="utf-8")
    shipped = next(line for line in text.splitlines() if line.startswith("version = "))
    text = text.replace(shipped, f'version = "{version}"', 1)
    if title:
        first_title = next(line for line in text.splitlines() if line.startswith("title = "))
        text = text.replace(first_title, f'title = "{title}"', 1)
    (root / "wales" / "rcrp-wales.toml").write_text(text, encoding="utf-8")
    return root / "wales" / "rcrp-wales.toml"


def offered(packs: list, pack_id: str) -> list[str]:
    return [p.version for p in packs if p.id == pack_id and not p.archived]


def test_a_signed_variant_carries_its_base_and_is_offered_in_place_of_the_shipped_version(
    tmp_path: Path, data: Path, force_key: Ed25519PrivateKey
) -> None:
    blob, what = sign_file(newer_wales(tmp_path), force_key, NOW)
    assert "rcrp-wales 2.2.0" in what and "england/rcrp-england.toml" in what
    signed = read_signed(blob, force_key.public_key())
    assert signed.top == "wales/rcrp-wales.toml"
    assert list(signed.contents) == ["wales/rcrp-wales.toml", "england/rcrp-england.toml"]

    done = install(data, blob, forms_dir())
    assert done.line == "pack rcrp-wales 2.2.0 installed: new calls use it"
    packs, problems = pack_catalogue(forms_dir(), data)
    assert problems == []
    assert offered(packs, "rcrp-wales") == ["2.2.0"]
    shipped = [p for p in packs if p.id == "rcrp-wales" and p.version == "2.1.0"]
    assert shipped and shipped[0].archived  # kept: its records replay
    assert install(data, blob, forms_dir()).already


def test_the_shipped_packs_keep_working_without_a_force_key(tmp_path: Path) -> None:
    folder = tmp_path / "no-key"
    folder.mkdir()
    packs, problems = pack_catalogue(forms_dir(), folder)
    assert problems == [] and offered(packs, "rcrp-england") == ["2.1.0"]
    blob, _ = sign_file(newer_wales(tmp_path), Ed25519PrivateKey.generate(), NOW)
    with pytest.raises(SignedFileError, match="no force signing key"):
        install(folder, blob, forms_dir())
    assert not installed_forms.root(folder).exists()


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (lambda b: b[:-200] + bytes([b[-200] ^ 1]) + b[-199:], "changed after the force signed"),
        (lambda b: b[: len(b) // 2], "cut short|does not match"),
        (lambda b: b + b"x", "does not match"),
        (lambda b: b"[pack]\nid = 'x'\n", "not signed by the force"),
        (lambda b: b"", "not signed by the force"),
    ],
)
def test_an_unsigned_or_changed_file_is_refused_and_nothing_changes(
    tmp_path: Path, data: Path, force_key: Ed25519PrivateKey, spoil, said: str
) -> None:
    blob, _ = sign_file(newer_wales(tmp_path), force_key, NOW)
    with pytest.raises(SignedFileError, match=said):
        install(data, spoil(blob), forms_dir())
    assert not installed_forms.root(data).exists() or not any(installed_forms.root(data).iterdir())
    assert offered(pack_catalogue(forms_dir(), data)[0], "rcrp-wales") == ["2.1.0"]


def test_a_file_signed_by_another_key_is_refused(tmp_path: Path, data: Path) -> None:
    blob, _ = sign_file(newer_wales(tmp_path), Ed25519PrivateKey.generate(), NOW)
    with pytest.raises(SignedFileError, match="not by the force key this PC trusts"):
        install(data, blob, forms_dir())


def test_a_signed_pack_must_pass_the_checks_here_too(
    tmp_path: Path, data: Path, force_key: Ed25519PrivateKey
) -> None:
    """A pack signed by hand (not through `rcrp-central sign`, which lints first) that fails
    a check is refused at the desk, named as signed."""
    broken = b'[pack]\nid = "broken"\nversion = "1.0.0"\n'
    blob = sign("pack", "england/broken.toml", {"england/broken.toml": broken}, force_key, NOW)
    with pytest.raises(SignedFileError, match=r"fails its checks: england/broken.toml"):
        install(data, blob, forms_dir())
    assert not any(installed_forms.root(data).iterdir())  # the staging folder went


def test_a_name_that_climbs_out_of_the_forms_folder_is_refused(
    data: Path, force_key: Ed25519PrivateKey
) -> None:
    for name in ("../evil.toml", "/etc/evil.toml", "a/./b.toml", ".hidden/x.toml"):
        with pytest.raises(SignedFileError, match="not a plain relative path"):
            sign("pack", name, {name: b"x"}, force_key, NOW)


def test_an_older_version_or_the_same_version_changed_is_refused(
    tmp_path: Path, data: Path, force_key: Ed25519PrivateKey
) -> None:
    install(data, sign_file(newer_wales(tmp_path, "2.3.0"), force_key, NOW)[0], forms_dir())
    older, _ = sign_file(newer_wales(tmp_path, "2.2.0"), force_key, NOW)
    with pytest.raises(SignedFileError, match=r"older than 2\.3\.0"):
        install(data, older, forms_dir())
    changed, _ = sign_file(newer_wales(tmp_path, "2.3.0", "Changed"), force_key, NOW)
    with pytest.raises(SignedFileError, match="with other content"):
        install(data, changed, forms_dir())
    assert offered(pack_catalogue(forms_dir(), data)[0], "rcrp-wales") == ["2.3.0"]


def test_an_installed_pack_changed_on_disk_is_not_loaded(
    tmp_path: Path, data: Path, force_key: Ed25519PrivateKey
) -> None:
    install(data, sign_file(newer_wales(tmp_path), force_key, NOW)[0], forms_dir())
    base = installed_forms.root(data) / "rcrp-wales@2.2.0" / "england" / "rcrp-england.toml"
    base.write_bytes(base.read_bytes().replace(b"Police", b"Polise", 1))
    packs, problems = pack_catalogue(forms_dir(), data)
    assert offered(packs, "rcrp-wales") == ["2.1.0"]
    assert len(problems) == 1 and "england/rcrp-england.toml was changed" in problems[0]


def test_a_record_made_on_an_installed_pack_replays_from_it(
    tmp_path: Path, data: Path, force_key: Ed25519PrivateKey
) -> None:
    install(data, sign_file(newer_wales(tmp_path), force_key, NOW)[0], forms_dir())
    packs, _ = pack_catalogue(forms_dir(), data)
    pack = next(p for p in packs if p.id == "rcrp-wales" and not p.archived)
    store = Store.open(data / "records.sqlite3", "live")
    try:
        recorder = CallRecorder.start(store, pack, incident_ref="INC-1", user="PC 1")
        recorder.answer(pack.start, "home", "At home.")
        again = CallRecorder.resume(
            store, recorder.record_id, shipped_pack_finder(forms_dir(), data), "PC 1"
        )
        assert again.state.pack.version == "2.2.0"
        assert again.state.pack.content_hash == pack.content_hash
    finally:
        store.close()


def test_a_signed_partner_directory_becomes_the_desks_directory(
    data: Path, force_key: Ed25519PrivateKey
) -> None:
    blob, what = sign_file(forms_dir() / "partners" / "wales.json", force_key, NOW)
    assert what == "partner directory partners/wales.json"
    done = install(data, blob, forms_dir())
    assert done.kind == "directory" and "wales" in done.line
    assert local_path(data, "wales").exists()


def test_a_directory_named_for_another_jurisdiction_is_refused(
    data: Path, force_key: Ed25519PrivateKey
) -> None:
    raw = (forms_dir() / "partners" / "wales.json").read_bytes()
    name = "partners/england.json"
    blob = sign("directory", name, {name: raw}, force_key, NOW)
    with pytest.raises(SignedFileError, match="named wrongly"):
        install(data, blob, forms_dir())
    assert not local_path(data, "england").exists()


def test_version_order_is_by_number() -> None:
    assert version_key("1.10.0") > version_key("1.9.2") > version_key("1.9")


# The command lines, end to end.


def _as(monkeypatch: pytest.MonkeyPatch, data: Path, number: str, *args: str) -> int:
    monkeypatch.setenv(signing.SIGN_IN_ENV, SECRETS[number])
    return main(["--data-dir", str(data), *args, "--as", number])


def _accounts(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["A100"])
    assert main(["--data-dir", str(folder), "accounts", "init", "A100", "--name", "Ada Admin"]) == 0
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["H200"])
    made = ("accounts", "add", "H200", "--name", "Hana", "--role", "handler")
    assert _as(monkeypatch, folder, "A100", *made) == 0


def test_end_to_end_the_force_signs_and_an_administrator_installs_a_handler_may_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    private, public = keys / "signing.pem", keys / "signing-public.pem"
    made = ("signing-key", "--private-out", str(private), "--public-out", str(public))
    assert central_cli.main(list(made)) == 0
    signed = tmp_path / "wales.signed"
    sign_args = ["sign", "--key", str(private), "--out", str(signed)]
    assert central_cli.main([*sign_args, str(newer_wales(tmp_path))]) == 0
    assert "ok: signed pack rcrp-wales 2.2.0" in capsys.readouterr().out

    folder = tmp_path / "data"
    _accounts(monkeypatch, folder)
    assert _as(monkeypatch, folder, "A100", "forms", "install", str(signed)) == 1
    assert "no force signing key" in capsys.readouterr().err
    shutil.copy(public, folder / SIGNING_KEY_FILE)

    capsys.readouterr()
    assert _as(monkeypatch, folder, "H200", "forms", "install", str(signed)) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _as(monkeypatch, folder, "A100", "forms", "install", str(signed)) == 0
    assert "rcrp-wales 2.2.0 installed" in capsys.readouterr().out
    assert main(["--data-dir", str(folder), "forms", "list"]) == 0
    listed = capsys.readouterr().out
    assert "rcrp-wales\t2.2.0\toffered" in listed
    assert "rcrp-wales\t2.1.0\tkept for replay" in listed

    store = AccountStore.open(folder, cost=TEST)
    try:
        log = [(e.account, e.kind, e.detail) for e in store.log_entries()]
    finally:
        store.close()
    assert any(a == "H200" and "refused" in k for a, k, _ in log)
    assert any(a == "A100" and k == "pack installed" and "2.2.0" in d for a, k, d in log)


def test_the_central_side_signs_nothing_that_fails_its_checks(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[pack]\nid = "broken"\n', encoding="utf-8")
    with pytest.raises(SigningError, match="fails its checks"):
        sign_file(broken, Ed25519PrivateKey.generate(), NOW)
    with pytest.raises(SigningError, match="neither a pack"):
        sign_file(tmp_path / "x.txt", Ed25519PrivateKey.generate(), NOW)


def test_a_signing_key_opens_only_with_its_passphrase() -> None:
    from rcrp_desktop.storage.errors import StorageError
    from rcrp_desktop.storage.signed_forms import load_signing_private_key

    pair = make_signing_key_pair(FORCE_SECRET)
    assert load_signing_private_key(pair.private_pem, FORCE_SECRET)
    with pytest.raises(StorageError, match="passphrase"):
        load_signing_private_key(pair.private_pem, "not the passphrase at all")
