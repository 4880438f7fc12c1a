"""A data folder's records encrypted from the command line: the force recovery key made, the
plain databases encrypted in place, and from then on nothing of a record readable in any file
the app writes, while every command still works for someone signed in with a key."""

import stat
from pathlib import Path

import pytest

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.cli import accounts as accounts_cli
from rcrp_desktop.cli import keys as keys_cli
from rcrp_desktop.cli import main, signing
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage import cipher, encrypt, keyring_file, keys
from rcrp_desktop.storage.accounts import TEST
from rcrp_desktop.storage.errors import StorageError

SCRIPT = examples_dir() / "welfare-crisis-team.json"
SECRETS = {"A100": "copper kettle winter", "H200": "lantern meadow seven"}
RECOVERY_SECRET = "quartz river lantern ninety"


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)  # never the production cost in tests
    monkeypatch.delenv(signing.ACCOUNT_ENV, raising=False)
    monkeypatch.delenv(signing.SIGN_IN_ENV, raising=False)
    monkeypatch.setenv(keys_cli.RECOVERY_SECRET_ENV, RECOVERY_SECRET)


def as_(monkeypatch: pytest.MonkeyPatch, data: Path, number: str, *args: str) -> int:
    monkeypatch.setenv(signing.SIGN_IN_ENV, SECRETS[number])
    training = ["--training"] if "--training" in args else []
    rest = [a for a in args if a != "--training"]
    return main(["--data-dir", str(data), *training, *rest, "--as", number])


def rationale_texts() -> list[str]:
    return [step.rationale for step in load_script(SCRIPT).steps if len(step.rationale) > 20]


def holding(folder: Path, texts: list[str]) -> list[str]:
    """Every file under `folder` holding any of `texts` (as UTF-8 or UTF-16)."""
    found = set()
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for text in texts:
                if text.encode() in data or text.encode("utf-16-le") in data:
                    found.add(path.name)
    return sorted(found)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with an administrator, a handler and a live and a training record, plain."""
    folder = tmp_path / "data"
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["A100"])
    assert main(["--data-dir", str(folder), "accounts", "init", "A100", "--name", "Ada Admin"]) == 0
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["H200"])
    added = as_(
        monkeypatch, folder, "A100", "accounts", "add", "H200", "--name", "Hal Handler",
        "--role", "handler",
    )  # fmt: skip
    assert added == 0
    assert as_(monkeypatch, folder, "H200", "run-script", str(SCRIPT), "--save") == 0
    assert as_(monkeypatch, folder, "H200", "run-script", str(SCRIPT), "--save", "--training") == 0
    return folder


def encrypted(monkeypatch: pytest.MonkeyPatch, data: Path, tmp_path: Path) -> Path:
    private = tmp_path / "offline" / "recovery.pem"
    assert (
        as_(monkeypatch, data, "A100", "keys", "recovery-init", "--private-out", str(private)) == 0
    )
    assert as_(monkeypatch, data, "A100", "encrypt") == 0
    return private


def test_encrypting_leaves_no_record_text_in_any_file_and_the_records_still_read(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = rationale_texts()
    assert holding(data, texts) == ["records.sqlite3", "training.sqlite3"]  # the search finds
    private = encrypted(monkeypatch, data, tmp_path)
    out = capsys.readouterr().out
    assert "encrypted: " in out and "H200" in out  # the handler has no key yet: said so
    assert holding(data, texts) == []
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in private.read_bytes()
    assert not list(data.glob(".*plain")) and not list(data.glob("*.encrypting"))
    assert as_(monkeypatch, data, "A100", "verify") == 0
    assert "ok:" in capsys.readouterr().out
    backup = tmp_path / "backups" / "records-backup.sqlite3"
    assert as_(monkeypatch, data, "A100", "backup", str(backup)) == 0
    assert holding(backup.parent, texts) == []
    # While a record is open in the app, its write-ahead log holds the answers: encrypted too.
    keyring = keyring_file.load_keyring(data)
    assert keyring is not None
    assert cipher.folder_key(data / "records.sqlite3") is None  # locked again once done


def test_an_account_without_a_key_is_refused_with_what_to_do(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypted(monkeypatch, data, tmp_path)
    capsys.readouterr()
    assert as_(monkeypatch, data, "H200", "list") == 1
    err = capsys.readouterr().err
    assert "no key to this folder's encrypted records" in err and "accounts reset H200" in err
    assert err.count("\n") == 1


def test_without_a_sign_in_an_encrypted_database_is_not_read_or_replaced(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypted(monkeypatch, data, tmp_path)
    before = (data / "records.sqlite3").read_bytes()
    capsys.readouterr()
    assert main(["--database", str(data / "records.sqlite3"), "list"]) == 1
    assert "encrypted" in capsys.readouterr().err
    assert (data / "records.sqlite3").read_bytes() == before


def test_encrypt_needs_a_recovery_key_and_an_administrator(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert as_(monkeypatch, data, "A100", "encrypt") == 1
    assert "keys recovery-init" in capsys.readouterr().err
    assert as_(monkeypatch, data, "H200", "encrypt") == 1
    assert "settings" in capsys.readouterr().err
    assert keyring_file.load_keyring(data) is None
    assert holding(data, rationale_texts()) == ["records.sqlite3", "training.sqlite3"]


def test_the_recovery_key_opens_a_backup_read_only_and_no_other_key_does(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    private = encrypted(monkeypatch, data, tmp_path)
    backup = tmp_path / "evidence" / "records-backup.sqlite3"
    assert as_(monkeypatch, data, "A100", "backup", str(backup)) == 0
    assert sorted(p.name for p in backup.parent.iterdir()) == [
        "records-backup.sqlite3",
        "records-backup.sqlite3.keyring.json",
    ]
    before = backup.read_bytes()
    capsys.readouterr()
    read = ["--database", str(backup), "--recovery-key", str(private)]
    assert main([*read, "list"]) == 0
    assert "H200 Hal" in capsys.readouterr().out
    assert main([*read, "verify"]) == 0
    assert main([*read, "show", "1"]) == 0
    assert rationale_texts()[0] in capsys.readouterr().out
    assert backup.read_bytes() == before
    assert sorted(p.name for p in backup.parent.iterdir())[0] == "records-backup.sqlite3"
    assert len(list(backup.parent.iterdir())) == 2  # nothing written beside it
    assert main(["--database", str(backup), "list"]) == 1
    assert "--recovery-key" in capsys.readouterr().err
    other = tmp_path / "other.pem"
    other.write_bytes(keys.make_recovery_key_pair(RECOVERY_SECRET).private_pem)
    assert main(["--database", str(backup), "--recovery-key", str(other), "list"]) == 1
    assert "is not the one the keyring" in capsys.readouterr().err
    monkeypatch.setenv(keys_cli.RECOVERY_SECRET_ENV, "not the passphrase at all")
    assert main([*read, "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_an_administrator_gives_a_key_by_setting_a_passphrase_and_a_new_account_has_one(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypted(monkeypatch, data, tmp_path)
    SECRETS["H200"] = "new lantern meadow eight"
    try:
        monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["H200"])
        assert as_(monkeypatch, data, "A100", "accounts", "reset", "H200") == 0
        capsys.readouterr()
        assert as_(monkeypatch, data, "H200", "list") == 0
        assert "H200 Hal" in capsys.readouterr().out
        assert as_(monkeypatch, data, "H200", "run-script", str(SCRIPT), "--save") == 0
    finally:
        SECRETS["H200"] = "lantern meadow seven"
    SECRETS["S300"] = "harbour violet eleven"
    try:
        monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["S300"])
        added = as_(
            monkeypatch, data, "A100", "accounts", "add", "S300", "--name", "Sam Supervisor",
            "--role", "supervisor",
        )  # fmt: skip
        assert added == 0
        assert as_(monkeypatch, data, "S300", "verify") == 0
    finally:
        del SECRETS["S300"]
    keyring = keyring_file.load_keyring(data)
    assert keyring is not None and keyring.numbers() == ("A100", "H200", "S300")
    assert holding(data, rationale_texts()) == []
    assert holding(data, [SECRETS["H200"], "new lantern meadow eight"]) == []


def test_only_an_administrator_resets_a_passphrase(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, "a passphrase chosen for them")
    capsys.readouterr()
    assert as_(monkeypatch, data, "H200", "accounts", "reset", "A100") == 1
    assert "accounts" in capsys.readouterr().err
    assert as_(monkeypatch, data, "A100", "accounts", "reset", "Z999") == 1
    assert "no account numbered Z999" in capsys.readouterr().err


def test_a_damaged_encrypted_database_is_restored_from_its_encrypted_backup(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypted(monkeypatch, data, tmp_path)
    backup = tmp_path / "backups" / "records-backup.sqlite3"
    assert as_(monkeypatch, data, "A100", "backup", str(backup)) == 0
    database = data / "records.sqlite3"
    damaged = bytearray(database.read_bytes())
    damaged[4096 + 200] ^= 0xFF  # a page of records: found by verify, not by opening
    database.write_bytes(bytes(damaged))
    capsys.readouterr()
    assert as_(monkeypatch, data, "A100", "verify") == 1
    assert as_(monkeypatch, data, "A100", "restore", str(backup)) == 0
    assert "restored" in capsys.readouterr().out
    assert as_(monkeypatch, data, "A100", "verify") == 0
    assert holding(data, rationale_texts()) == []


def test_the_access_log_moves_under_the_key_and_the_reasons_in_it_with_it(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = "welfare follow-up asked for by Quill Street surgery"
    after = "complaint review for Juniper Row, second look"
    SECRETS["S300"] = "harbour violet eleven"
    try:
        monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["S300"])
        added = as_(
            monkeypatch, data, "A100", "accounts", "add", "S300", "--name", "Sam Supervisor",
            "--role", "supervisor",
        )  # fmt: skip
        assert added == 0
        assert as_(monkeypatch, data, "S300", "show", "1", "--reason", before) == 0
        assert holding(data, [before]) == ["accounts.sqlite3"]  # plain: the search can find it
        encrypted(monkeypatch, data, tmp_path)
        assert holding(data, [before]) == []
        monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["S300"])
        assert as_(monkeypatch, data, "A100", "accounts", "reset", "S300") == 0
        assert as_(monkeypatch, data, "S300", "show", "1", "--reason", after) == 0
        assert holding(data, [before, after]) == []
        capsys.readouterr()
        assert as_(monkeypatch, data, "A100", "access-log") == 0
        out = capsys.readouterr().out
        assert before in out and after in out and "signed in" in out and "access log moved" in out
        assert out.index(before) < out.index("records encrypted") < out.index(after)
        assert as_(monkeypatch, data, "A100", "verify") == 0
    finally:
        del SECRETS["S300"]
    assert sorted(p.name for p in data.iterdir() if p.suffix == ".sqlite3") == [
        "access-log.sqlite3",
        "accounts.sqlite3",
        "records.sqlite3",
        "training.sqlite3",
    ]


def test_a_changed_entry_of_the_encrypted_access_log_fails_verify(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypted(monkeypatch, data, tmp_path)
    keyring = keyring_file.load_keyring(data)
    assert keyring is not None
    key = keys.unlock_with_account(keyring, "A100", SECRETS["A100"])
    conn = cipher.connect(data / "access-log.sqlite3", key, isolation_level=None)
    conn.execute("DROP TRIGGER access_log_kept")  # as someone with the key and a grudge
    conn.execute("UPDATE access_log SET detail = 'nothing to see' WHERE id = 2")
    conn.close()
    capsys.readouterr()
    assert as_(monkeypatch, data, "A100", "verify") == 1
    assert "access log entry 2: changed" in capsys.readouterr().out


def test_a_rekey_shuts_out_the_old_key_and_a_stopped_one_is_finished_by_running_it_again(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    private = encrypted(monkeypatch, data, tmp_path)
    old_ring = keyring_file.load_keyring(data)
    assert old_ring is not None
    old_key = keys.unlock_with_account(old_ring, "A100", SECRETS["A100"])
    backup = tmp_path / "before" / "records.sqlite3"
    assert as_(monkeypatch, data, "A100", "backup", str(backup)) == 0

    def stopped(folder: Path) -> None:
        raise StorageError(f"Cannot put the new keyring in place in {folder}: I/O error")

    with monkeypatch.context() as patched:
        patched.setattr(keyring_file, "promote_next_keyring", stopped)
        assert as_(monkeypatch, data, "A100", "rekey") == 1
    capsys.readouterr()
    assert as_(monkeypatch, data, "A100", "verify") == 1
    assert "rekey that was stopped" in capsys.readouterr().err
    assert as_(monkeypatch, data, "A100", "rekey") == 0
    new_ring = keyring_file.load_keyring(data)
    assert new_ring is not None and new_ring.key_id != old_ring.key_id
    assert not (data / "keyring.next.json").exists()
    for name in ("records.sqlite3", "training.sqlite3", "access-log.sqlite3"):
        assert not encrypt.opens_with(data / name, old_key), name
    assert as_(monkeypatch, data, "A100", "verify") == 0
    assert holding(data, rationale_texts()) == []
    assert not [p.name for p in data.iterdir() if p.name.startswith(".")]
    assert as_(monkeypatch, data, "A100", "access-log") == 0
    assert "records re-keyed" in capsys.readouterr().out
    # The backup from before stays readable with the force recovery key, read-only.
    read = ["--database", str(backup), "--recovery-key", str(private), "verify"]
    assert main(read) == 0


def test_a_new_folder_given_the_recovery_key_is_encrypted_before_its_first_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "new"
    folder.mkdir(mode=0o700)
    (folder / "recovery-public.pem").write_bytes(keys.make_recovery_key_pair(None).public_pem)
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["A100"])
    assert main(["--data-dir", str(folder), "accounts", "init", "A100", "--name", "Ada Admin"]) == 0
    assert "encrypted from the start" in capsys.readouterr().out
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["H200"])
    added = as_(
        monkeypatch, folder, "A100", "accounts", "add", "H200", "--name", "Hal Handler",
        "--role", "handler",
    )  # fmt: skip
    assert added == 0
    assert as_(monkeypatch, folder, "H200", "run-script", str(SCRIPT), "--save") == 0
    assert holding(folder, rationale_texts()) == []
    assert not encrypt.is_plain(folder / "records.sqlite3")
    assert as_(monkeypatch, folder, "A100", "verify") == 0


def test_someone_who_leaves_is_disabled_and_their_key_taken_and_back_only_by_a_reset(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypted(monkeypatch, data, tmp_path)
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["H200"])
    assert as_(monkeypatch, data, "A100", "accounts", "reset", "H200") == 0  # a key, as before
    assert as_(monkeypatch, data, "H200", "list") == 0
    capsys.readouterr()
    assert as_(monkeypatch, data, "A100", "accounts", "disable", "H200") == 0
    assert "key to the encrypted records is taken away" in capsys.readouterr().out
    keyring = keyring_file.load_keyring(data)
    assert keyring is not None and keyring.numbers() == ("A100",)
    assert as_(monkeypatch, data, "H200", "list") == 1
    assert "is disabled" in capsys.readouterr().err
    assert as_(monkeypatch, data, "A100", "accounts", "enable", "H200") == 0
    assert "accounts reset H200" in capsys.readouterr().out
    assert as_(monkeypatch, data, "H200", "list") == 1  # enabled, but no key yet
    assert "no key to this folder's encrypted records" in capsys.readouterr().err
    assert as_(monkeypatch, data, "A100", "accounts", "reset", "H200") == 0
    assert as_(monkeypatch, data, "H200", "list") == 0
    assert as_(monkeypatch, data, "A100", "access-log") == 0
    out = capsys.readouterr().out
    assert "\tdisabled\t" in out and "\tkey taken\t" in out and "\tenabled again\t" in out


def test_roles_change_and_the_last_administrator_is_never_locked_out(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert as_(monkeypatch, data, "H200", "verify") == 1  # a handler does not verify
    roles = ("accounts", "roles", "H200", "--role", "handler", "--role", "supervisor")
    assert as_(monkeypatch, data, "A100", *roles) == 0
    assert "handler, supervisor" in capsys.readouterr().out
    assert as_(monkeypatch, data, "H200", "verify") == 0
    assert as_(monkeypatch, data, "A100", "accounts", "roles", "A100", "--role", "auditor") == 1
    assert "no enabled account able to manage accounts" in capsys.readouterr().err
    assert as_(monkeypatch, data, "A100", "accounts", "disable", "A100") == 1
    assert "no enabled account able to manage accounts" in capsys.readouterr().err
    assert as_(monkeypatch, data, "H200", "accounts", "disable", "A100") == 1  # not theirs to do
    assert "Not permitted" in capsys.readouterr().err


def test_a_device_given_as_the_recovery_key_is_one_line_not_a_hang(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypted(monkeypatch, data, tmp_path)
    backup = tmp_path / "evidence" / "records.sqlite3"
    assert as_(monkeypatch, data, "A100", "backup", str(backup)) == 0
    capsys.readouterr()
    assert main(["--database", str(backup), "--recovery-key", "/dev/zero", "list"]) == 1
    err = capsys.readouterr().err
    assert "not a regular file" in err and err.count("\n") == 1
