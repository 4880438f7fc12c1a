"""The desktop app stays offline: every `rcrp-desktop` command, run as a person would run it on a
data folder with accounts, encrypted records, bundles and installed packs, opens files and no
socket. A command added to the parser without a case here fails the test, so none is missed."""

import argparse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.central.signing import sign_file
from rcrp_desktop.cli import accounts as accounts_cli
from rcrp_desktop.cli import build_parser, main, signing
from rcrp_desktop.cli import keys as keys_cli
from rcrp_desktop.domain.training.scenario_lint import load_scenarios
from rcrp_desktop.paths import examples_dir, forms_dir
from rcrp_desktop.storage.accounts import TEST
from rcrp_desktop.storage.bundles import FORCE_KEY_FILE
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.signed_forms import SIGNING_KEY_FILE
from rcrp_desktop.storage.training_runs import scenario_note
from tests.export.test_hostile_text import audited

SCRIPT = str(examples_dir() / "welfare-crisis-team.json")
SCENARIO = forms_dir() / "scenarios" / "late-overdose-disclosure.toml"
SECRETS = {"A100": "copper kettle winter", "H200": "lantern meadow seven",
           "T400": "orchard velvet thirteen", "S300": "harbour pepper eleven"}  # fmt: skip
NETWORK = ("socket", "urllib", "http", "ftplib", "smtplib", "ssl")


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)
    monkeypatch.delenv(signing.ACCOUNT_ENV, raising=False)
    monkeypatch.delenv(signing.SIGN_IN_ENV, raising=False)
    monkeypatch.setenv(keys_cli.RECOVERY_SECRET_ENV, "quartz river lantern ninety")


def leaf_commands() -> set[str]:
    """Every command the parser takes, as typed ("forms install"), the window's aside."""
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, prefix: tuple[str, ...]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    before = len(found)
                    walk(sub, (*prefix, name))
                    if len(found) == before:
                        found.add(" ".join((*prefix, name)))

    walk(build_parser(), ())
    return found - {"gui"}  # the window: tests/ui, and it shares every path below


def _public_pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_every_command_opens_files_and_no_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    signing_key = Ed25519PrivateKey.generate()
    signed_pack = tmp_path / "wales.signed"
    signed_pack.write_bytes(sign_file(forms_dir() / "wales" / "rcrp-wales.toml",
                                      signing_key, datetime.now(UTC))[0])  # fmt: skip
    answers = examples_dir() / "welfare-overdose-disclosed-mid-call.json"
    ran: set[str] = set()
    codes: dict[str, int] = {}

    def run(who: str | None, *args: str, secret: str = "") -> None:
        words = [a for a in args if not a.startswith("-")]
        command = " ".join(words[:2]) if " ".join(words[:2]) in leaf_commands() else words[0]
        if who:
            monkeypatch.setenv(signing.SIGN_IN_ENV, SECRETS[who])
        if secret:
            monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, secret)
        where = ["--data-dir", str(data)]
        training = ["--training"] if "--training" in args else []
        rest = [a for a in args if a != "--training"]
        code = main([*where, *training, *rest, *(["--as", who] if who else [])])
        ran.add(command)
        codes[f"{command} ({' '.join(args)})"] = code
        err = capsys.readouterr().err
        assert "Traceback" not in err, err

    with audited() as seen:
        run(None, "accounts", "init", "A100", "--name", "Ada Admin", secret=SECRETS["A100"])
        run("A100", "accounts", "add", "H200", "--name", "Hal", "--role", "handler",
            secret=SECRETS["H200"])  # fmt: skip
        run("A100", "accounts", "add", "T400", "--name", "Tia", "--role", "trainer",
            secret=SECRETS["T400"])  # fmt: skip
        run("A100", "accounts", "add", "S300", "--name", "Sam", "--role", "supervisor",
            secret=SECRETS["S300"])  # fmt: skip
        run("A100", "accounts", "list")
        run("A100", "accounts", "roles", "H200", "--role", "handler")
        run("A100", "accounts", "disable", "T400")
        run("A100", "accounts", "enable", "T400")
        run("A100", "accounts", "reset", "T400", secret=SECRETS["T400"])
        run(None, "forms", "check")
        run(None, "forms", "list")
        (data / SIGNING_KEY_FILE).write_bytes(_public_pem(signing_key))
        run("A100", "forms", "install", str(signed_pack))
        run(None, "settings", "show")
        run("A100", "settings", "set", "idle-lock-minutes", "12")
        run("H200", "run-script", SCRIPT, "--save")
        run(None, "run-script", SCRIPT)
        _training_run(data)
        run("H200", "list")
        run("H200", "show", "1")
        run("H200", "export", "1", "--recipient", "ambulance", "--text")
        pdf = str(tmp_path / "handover.pdf")
        run("H200", "export", "1", "--recipient", "place_of_safety", "--out", pdf)
        run(None, "scenario", "check")
        run(None, "scenario", "list")
        run(None, "scenario", "score", str(SCENARIO), "--answers", str(answers))
        run("T400", "scenario", "runs")
        run("T400", "scenario", "debrief", "1", "--out", str(tmp_path / "debrief.pdf"))
        run("S300", "review", "queue")
        run("S300", "review", "record", "1", "--result", "agreed", "--rationale", "Right call.")
        run("H200", "review", "feedback")
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        run("A100", "monitor", "--from", today, "--to", today, "--csv", str(tmp_path / "csv"),
            "--report", str(tmp_path / "partnership.pdf"))  # fmt: skip
        run("A100", "verify")
        run("A100", "backup", str(tmp_path / "backup.sqlite3"))
        run("A100", "restore", str(tmp_path / "backup.sqlite3"))
        run("A100", "access-log")
        run(None, "bundle", "station")
        run("A100", "bundle", "status")
        (data / FORCE_KEY_FILE).write_bytes(_public_pem(X25519PrivateKey.generate()))
        run("A100", "bundle", "export", "--out", str(tmp_path / "bundle-1.rcrp"))
        private = tmp_path / "offline" / "recovery.pem"
        run("A100", "keys", "recovery-init", "--private-out", str(private))
        run("A100", "encrypt")
        run("A100", "accounts", "reset", "H200", secret=SECRETS["H200"])  # a key of its own
        run("H200", "list")
        run("A100", "rekey")
    assert ran == leaf_commands(), f"no case for: {sorted(leaf_commands() - ran)}"
    assert {what: code for what, code in codes.items() if code != 0} == {}
    assert [name for name, _ in seen if name == "open"], "the audit hook saw the files"
    assert not [name for name, _ in seen if name.startswith(NETWORK)]


def _training_run(data: Path) -> None:
    """A trainee's run of a shipped scenario, in the training records (as the window makes)."""
    scenarios, _ = load_scenarios(SCENARIO.parent)
    scenario = next(s for s in scenarios if s.id == SCENARIO.stem)
    store = Store.open(database_path(data, "training"), "training")
    try:
        recorder = CallRecorder.start(
            store, scenario.pack, incident_ref="TRAINING", user="T400 Tia",
            scenario=scenario_note(scenario, "PC 4521 Sam Example"),
        )  # fmt: skip
        for step in scenario.model:
            if step.action == "answer":
                recorder.answer(step.node, step.value, step.rationale)
            elif step.action == "change":
                recorder.change(step.node, step.value, step.rationale, step.reason)
    finally:
        store.close()
