"""Checking a pack far larger than any force writes: a generated 100,000-node pack (danger screen
first, then blocks of a choice, a condition, a checklist and a free-text question), no problem
found, within 5x the floor measured in the same run: parsing the same file's TOML alone (the
checks are linear in the pack, so the ratio holds at any size). The seconds are printed beside
the 10 s the project aims for. Best of two runs each (the machines are shared, FLOOR.md)."""

import time
from pathlib import Path

import pytest
import rtoml
from generate_pack import write_pack

from rcrp_desktop.domain.pack.loader import check_paths

pytestmark = pytest.mark.long

NODES = 100_000
TARGET_RATIO = 5.0  # 2.7x here after the changes bench/README.md lists; 4.0-5.15x in CI before
AIM_S = 10.0
RUNS = 2


def _seconds(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def test_a_100000_node_pack_is_checked_within_5x_parsing_it(tmp_path: Path) -> None:
    path = tmp_path / "generated-large.toml"
    assert write_pack(path, NODES) == NODES
    text = path.read_text(encoding="utf-8")
    checked: list[float] = []
    parsed: list[float] = []
    for _ in range(RUNS):
        parsed.append(_seconds(lambda: rtoml.loads(text)))
        started = time.perf_counter()
        packs, problems = check_paths([path])
        checked.append(time.perf_counter() - started)
        assert problems == [], problems[:5]
        assert len(packs) == 1
        assert len(packs[0].nodes) == NODES
        del packs
    best, floor = min(checked), min(parsed)
    print(
        f"\npack check, {NODES:,} nodes: {best:.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in checked)}); floor, TOML parse alone: "
        f"{floor:.2f} s; ratio {best / floor:.2f}x (target <= {TARGET_RATIO:g}x; aim < {AIM_S:g} s)"
    )
    assert best / floor <= TARGET_RATIO, (
        f"{best:.2f} s to check {NODES:,} nodes, {best / floor:.2f}x the parse alone "
        f"(target {TARGET_RATIO:g}x)"
    )
