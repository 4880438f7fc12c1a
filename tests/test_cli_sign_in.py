"""Once a data folder has accounts, every command on its records signs its user in, and each
role is refused (one line, logged) what it may not do; the records are stamped with the
account, and consultations are logged with their reasons."""

from pathlib import Path

import pytest

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.cli import accounts as accounts_cli
from rcrp_desktop.cli import main, signing
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.accounts import TEST

SCRIPT = str(examples_dir() / "welfare-crisis-team.json")
SECRETS = {
    "A100": "copper kettle winter",
    "H200": "lantern meadow seven",
    "S300": "harbour violet eleven",
    "T400": "orchard pebble ninety",
    "U500": "granite sparrow forty",
}
ROLES = {"H200": "handler", "S300": "supervisor", "T400": "trainer", "U500": "auditor"}


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)  # never the production cost in tests
    monkeypatch.delenv(signing.ACCOUNT_ENV, raising=False)
    monkeypatch.delenv(signing.SIGN_IN_ENV, raising=False)


def as_(
    monkeypatch: pytest.MonkeyPatch, data: Path, number: str | None, *args: str, secret: str = ""
) -> int:
    """Run one command as `number` (its own passphrase unless `secret` is given)."""
    monkeypatch.setenv(signing.SIGN_IN_ENV, secret or SECRETS.get(number or "", "-"))
    who = ["--as", number] if number else []
    training = ["--training"] if "--training" in args else []  # an option before the command
    return main(["--data-dir", str(data), *training, *(a for a in args if a != "--training"), *who])


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with an administrator, one account per other role, and a live record
    and a training record taken by the handler."""
    folder = tmp_path / "data"
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["A100"])
    assert main(["--data-dir", str(folder), "accounts", "init", "A100", "--name", "Ada Admin"]) == 0
    for number, role in ROLES.items():
        monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS[number])
        code = as_(
            monkeypatch,
            folder,
            "A100",
            "accounts",
            "add",
            number,
            "--name",
            f"{role.title()} Example",
            "--role",
            role,
        )
        assert code == 0
    assert as_(monkeypatch, folder, "H200", "run-script", SCRIPT, "--save") == 0
    assert as_(monkeypatch, folder, "H200", "run-script", SCRIPT, "--save", "--training") == 0
    return folder


def log(monkeypatch: pytest.MonkeyPatch, data: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert as_(monkeypatch, data, "A100", "access-log") == 0
    return capsys.readouterr().out


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_a_command_on_records_needs_someone_signed_in(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert as_(monkeypatch, data, None, "list") != 0
    assert "say who you are with --as NUMBER" in one_line(capsys)
    assert as_(monkeypatch, data, "H200", "list", secret="not the passphrase") != 0
    assert "do not match an account" in one_line(capsys)
    monkeypatch.setenv(signing.ACCOUNT_ENV, "H200")  # scripted use: the account from the env
    monkeypatch.setenv(signing.SIGN_IN_ENV, SECRETS["H200"])
    assert main(["--data-dir", str(data), "list"]) == 0
    assert "H200 Handler E" in capsys.readouterr().out  # the list cuts names to 14


def test_the_record_is_stamped_with_the_account_never_a_name_typed(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert as_(monkeypatch, data, "H200", "show", "1") == 0
    assert "by H200 Handler Example" in capsys.readouterr().out
    code = as_(monkeypatch, data, "H200", "run-script", SCRIPT, "--save", "--by", "PC 1 Other")
    assert code != 0
    assert "stamped with your account: leave out --by" in one_line(capsys)


@pytest.mark.parametrize(
    ("number", "command", "refused_action"),
    [
        ("H200", ("verify",), "store.verify"),
        ("H200", ("backup", "copy.sqlite3"), "store.backup"),
        ("H200", ("access-log",), "access_log.read"),
        ("U500", ("export", "1", "--recipient", "crisis_team", "--text"), "record.export"),
        ("A100", ("list",), "record.read"),
        ("A100", ("show", "1", "--reason", "audit"), "record.read"),
        ("S300", ("restore", "copy.sqlite3"), "store.restore"),
        ("H200", ("scenario", "runs"), "training.scenarios"),
    ],
)
def test_each_role_is_refused_what_it_lacks_in_one_line_and_the_refusal_is_logged(
    data: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    number: str,
    command: tuple[str, ...],
    refused_action: str,
) -> None:
    capsys.readouterr()
    monkeypatch.chdir(data.parent)
    assert as_(monkeypatch, data, number, *command) != 0
    assert "Not permitted" in one_line(capsys)
    assert not (data.parent / "copy.sqlite3").exists()  # nothing was done
    assert f"\t{number}\t{number}\trefused\t-\t{refused_action}" in log(monkeypatch, data, capsys)


def test_a_trainer_never_signs_in_to_the_live_records(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert as_(monkeypatch, data, "T400", "list") != 0
    assert "has no role in the live records" in one_line(capsys)
    assert as_(monkeypatch, data, "T400", "list", "--training") == 0
    assert "H200 Handler E" in capsys.readouterr().out  # the list cuts names to 14
    assert as_(monkeypatch, data, "T400", "scenario", "runs") == 0


def test_reading_someone_elses_record_needs_a_reason_and_is_logged_with_it(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert as_(monkeypatch, data, "S300", "show", "1") != 0
    assert "say why you are opening it" in one_line(capsys)
    assert as_(monkeypatch, data, "S300", "show", "1", "--reason", "dip sample review") == 0
    assert "Record 1" in capsys.readouterr().out
    assert as_(monkeypatch, data, "H200", "show", "1") == 0  # one's own: no reason asked
    assert as_(monkeypatch, data, "U500", "verify") == 0
    assert as_(monkeypatch, data, "H200", "list") == 0
    entries = log(monkeypatch, data, capsys)
    assert "\tS300\tS300\trecord consulted\t1\tdip sample review" in entries
    assert "\tH200\tH200\trecord consulted\t1\town record" in entries
    assert "\tU500\tU500\tstore verified\t-\t" in entries
    assert "\tH200\tH200\trecords listed\t-\t1 most recent (limit 50)" in entries


def test_an_export_is_logged_as_a_disclosure_with_its_recipient_and_basis(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = data.parent / "handover.txt"
    code = as_(
        monkeypatch,
        data,
        "H200",
        "export",
        "1",
        "--recipient",
        "crisis_team",
        "--text",
        "--out",
        str(out),
    )
    assert code == 0 and out.exists()
    entries = log(monkeypatch, data, capsys)
    assert "\tH200\tH200\trecord disclosed\t1\tto crisis_team; lawful basis:" in entries


def test_a_folder_without_accounts_works_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    code = main(["--data-dir", str(data), "run-script", SCRIPT, "--save", "--by", "PC 9 Solo"])
    assert code == 0
    assert main(["--data-dir", str(data), "list"]) == 0
    assert "PC 9 Solo" in capsys.readouterr().out
    assert not (data / "accounts.sqlite3").exists()  # reading made no accounts file


def test_a_read_only_copy_is_asked_of_the_role_and_logged_though_the_record_is_not_touched(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = data.parent / "copy.txt"
    copy = ("export", "1", "--read-only", "--recipient", "crisis_team", "--text", "--out")
    capsys.readouterr()
    assert as_(monkeypatch, data, "U500", *copy, str(out)) == 1  # an auditor reads, never copies
    assert "Not permitted" in one_line(capsys)
    assert not out.exists()
    assert as_(monkeypatch, data, "H200", *copy, str(out)) == 0
    assert out.exists()
    entries = log(monkeypatch, data, capsys)
    assert "\tH200\tH200\tread-only copy made\t1\tfor " in entries
    assert "\tU500\tU500\trefused\t-\trecord.export" in entries
