"""On a fixed virtual screen of a 1366x768 desk and of a 1920x1080 one, every page and dialog
of the app is within the screen and no shown control is cut off (screen_walk.py, run in a
process of its own: the screen is the offscreen platform's, set when Qt starts)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

WALK = Path(__file__).with_name("screen_walk.py")


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def test_every_page_and_dialog_is_within_the_screen(tmp_path: Path, size: tuple[int, int]) -> None:
    screen = {"name": "desk", "x": 0, "y": 0, "width": size[0], "height": size[1]}
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"windowFrameMargins": False, "screens": [screen]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, str(WALK), str(tmp_path / "data")],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=Path(__file__).parents[2],
    )
    report = [line for line in done.stdout.splitlines() if "propagateSizeHints" not in line]
    assert done.returncode == 0, "\n".join(report) + done.stderr[-3000:]
    checked = int(report[-1].split()[1])
    assert checked >= 60, report  # the walk reached every page and dialog it names
