"""The pack linter: every deliberately broken pack is caught, valid packs load, the CLI is clean.

Each file in tests/data/forms/broken/ is a copy of valid/minimal.toml with one fault (and
multi_fault.toml with several). Its first lines say what the linter must report:

    # expect: <node id, or - for a fault outside any node> | <substring of the message>
"""

import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from rcrp_desktop import paths
from rcrp_desktop.domain.pack.loader import build, check_paths, load_pack, pack_files
from rcrp_desktop.domain.pack.merge import MAX_PACK_BYTES
from rcrp_desktop.domain.pack.protocol import Question
from rcrp_desktop.domain.pack.schema import Reader
from rcrp_desktop.domain.problems import Problem, printable

FORMS = Path(__file__).parent.parent / "data" / "forms"
VALID = FORMS / "valid"
BROKEN = FORMS / "broken"
MINIMAL = VALID / "minimal.toml"
VARIANT = VALID / "variant.toml"
BROKEN_FILES = sorted(BROKEN.glob("*.toml"))
MULTI_FAULT = BROKEN / "multi_fault.toml"
EXPECT_PREFIX = "# expect:"
CLI_TIMEOUT = 60


@dataclass(frozen=True)
class Expected:
    """One `# expect:` line: the node the problem is filed under and part of its message."""

    node: str  # "" for a fault outside any node
    message: str

    def matches(self, problem: Problem) -> bool:
        # As the linter shows it: a node id holding a new line is written with its escape.
        return printable(problem.node) == self.node and self.message in problem.message


def read_expectations(path: Path) -> list[Expected]:
    """The `# expect:` lines at the top of a broken pack."""
    expected: list[Expected] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith(EXPECT_PREFIX):
            continue
        node, sep, message = line.removeprefix(EXPECT_PREFIX).partition(" | ")
        assert sep, f"{path.name}: malformed expect line {line!r}"
        node = node.strip()
        expected.append(Expected("" if node == "-" else node, message.strip()))
    return expected


def shown(path: Path) -> str:
    """How the linter names a file in its messages: relative to the working folder."""
    return os.path.relpath(path)


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rcrp_desktop", "forms", "check", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


def assert_clean_failure(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    assert "internal error" not in output, output


def test_there_are_enough_broken_packs() -> None:
    assert len(BROKEN_FILES) >= 60
    assert MULTI_FAULT in BROKEN_FILES


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.stem)
def test_broken_pack_is_reported(path: Path) -> None:
    expected = read_expectations(path)
    assert expected, f"{path.name} has no '{EXPECT_PREFIX}' lines"

    packs, problems = check_paths([path])

    assert packs == [], f"{path.name} loaded although it is broken"
    pack, _ = build(path)
    assert pack is None
    listing = "\n".join(map(str, problems))
    for want in expected:
        found = [problem for problem in problems if want.matches(problem)]
        assert found, f"{path.name}: no problem matches {want}; got:\n{listing}"
        for problem in found:
            assert str(problem).startswith(shown(path) + ": "), str(problem)


@pytest.mark.parametrize("name", ["label_zero_width_space", "start_missing_node"])
def test_one_fault_is_one_problem_not_a_cascade(name: str) -> None:
    """A faulty answer does not strand the node it leads to; a start that does not exist does
    not make every node unreachable."""
    _, problems = check_paths([BROKEN / f"{name}.toml"])

    assert len(problems) == 1, "\n".join(map(str, problems))


def test_multi_fault_pack_reports_every_problem_in_one_run() -> None:
    expected = read_expectations(MULTI_FAULT)
    assert len(expected) >= 4
    assert len({want.node for want in expected}) >= 4, "faults should sit in different nodes"

    _, problems = check_paths([MULTI_FAULT])

    missing = [want for want in expected if not any(want.matches(p) for p in problems)]
    assert missing == [], "\n".join(map(str, problems))
    assert all(problem.file == shown(MULTI_FAULT) for problem in problems)


def test_valid_packs_load_without_problems() -> None:
    packs, problems = check_paths([VALID])

    assert problems == []
    assert sorted(pack.id for pack in packs) == ["test-minimal", "test-variant"]


def test_minimal_pack_has_the_shapes_the_broken_packs_rely_on() -> None:
    pack = load_pack(MINIMAL)

    assert pack.start == "ctx_caller"
    assert len(pack.nodes) == 11
    assert [section.id for section in pack.sections] == ["context", "assessment"]
    limb = pack.question("thr_life")
    assert limb.limb is not None
    assert {a.value for a in limb.answers if a.urgent} == {"yes", "unknown"}
    checklist = pack.question("rf_checklist")
    assert [a.value for a in checklist.answers if a.exclusive] == ["none"]
    assert pack.content_hash


def test_variant_resolves_over_its_base() -> None:
    base = load_pack(MINIMAL)
    variant = load_pack(VARIANT)
    raw = tomllib.loads(VARIANT.read_text(encoding="utf-8"))
    replaced_text = next(n["text"] for n in raw["nodes"] if n["id"] == "ctx_notes")

    notes = variant.node("ctx_notes")
    assert isinstance(notes, Question)
    assert notes.text == replaced_text != base.question("ctx_notes").text
    assert notes.next == "ctx_language"
    assert "ctx_language" in variant.nodes
    assert "ctx_language" not in base.nodes
    assert set(base.nodes) <= set(variant.nodes)  # every base node still reachable
    assert variant.node("thr_life") == base.node("thr_life")
    assert variant.id == "test-variant"
    assert variant.jurisdiction == "wales"
    assert variant.start == base.start  # [pack] keys not given are inherited
    assert variant.partner_name("crisis_team") == "Test crisis team (variant)"
    assert variant.partner_name("ambulance") == base.partner_name("ambulance")
    assert variant.content_hash != base.content_hash


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.stem)
def test_cli_fails_cleanly_on_broken_pack(path: Path) -> None:
    result = run_cli(path)

    assert_clean_failure(result)
    assert path.name in result.stdout


@pytest.mark.parametrize("path", [MINIMAL, VARIANT, VALID], ids=["minimal", "variant", "folder"])
def test_cli_passes_valid_packs(path: Path) -> None:
    result = run_cli(path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_cli_passes_the_shipped_forms() -> None:
    result = run_cli(paths.forms_dir())

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok  ")


def test_file_that_is_not_utf8_is_a_clean_problem(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'\xff\xfe[pack]\nid = "caf\xe9"\n')

    packs, problems = check_paths([path])

    assert packs == []
    assert any(p.node == "" and "not UTF-8" in p.message for p in problems), problems
    assert all(str(p).startswith(shown(path) + ": ") for p in problems)
    assert_clean_failure(run_cli(path))


def test_missing_path_is_a_clean_problem(tmp_path: Path) -> None:
    path = tmp_path / "no-such-pack.toml"

    packs, problems = check_paths([path])

    assert packs == []
    assert any(p.node == "" and p.message == "file not found" for p in problems), problems
    assert all(str(p).startswith(shown(path) + ": ") for p in problems)
    assert_clean_failure(run_cli(path))


@pytest.mark.parametrize(
    "content", [b"\xff\xfe", b"[pack\n", None], ids=["not-utf8", "toml-syntax", "missing"]
)
def test_unreadable_file_is_one_problem(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "pack.toml"
    if content is not None:
        path.write_bytes(content)

    _, problems = check_paths([path])

    assert len(problems) == 1, "\n".join(map(str, problems))


def test_a_pack_read_unchecked_is_the_same_pack_and_only_the_check_refuses_a_bad_route(
    tmp_path: Path,
) -> None:
    """Read without the whole-graph rules (for the pack shown before the first paint), a
    good pack is exactly the pack the full check gives; one that breaks a safety rule still
    reads, and only the full check refuses it."""
    for path in pack_files([paths.forms_dir()], archived=False):
        assert build(path, checked=False) == build(path)
    england = tmp_path / "rcrp-england.toml"
    text = (paths.forms_dir() / "england" / "rcrp-england.toml").read_text(encoding="utf-8")
    england.write_text(text.replace('urgent_route = "urgent_route"', 'urgent_route = "cat"', 1))
    unchecked, none = build(england, checked=False)
    assert unchecked is not None and none == []
    checked, problems = build(england)
    assert checked is None and any("urgent" in problem.message for problem in problems)


def test_a_fifo_given_as_a_pack_is_refused_at_once_not_read_for_ever(tmp_path: Path) -> None:
    fifo = tmp_path / "pack.toml"
    os.mkfifo(fifo)
    result = run_cli(fifo)  # would hang reading, before the fix
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not a regular file" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["ctx_caller\n", "ctx caller", "Ctx", "ctx_caller\x00"])
def test_an_id_matches_its_pattern_whole(value: str) -> None:
    reader = Reader("pack.toml")
    reader.check_id(value, "node", "id")
    assert reader.problems, f"{value!r} was accepted as an id"


def test_a_pack_too_large_to_be_one_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:
        handle.truncate(MAX_PACK_BYTES + 1)  # sparse: no disk used
    packs, problems = check_paths([big])
    assert packs == [] and "too large" in problems[0].message
