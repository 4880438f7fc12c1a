"""Files written whole or not at all: what a killed write left is cleared by a later one."""

import os
import time
from pathlib import Path

from rcrp_desktop.files import STALE_AFTER_S, write_atomically


def test_a_temporary_file_a_killed_write_left_is_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "handover [1].pdf"
    stale = tmp_path / ".handover [1].pdf.k1ll3d.part"
    stale.write_bytes(b"half a handover")
    old = time.time() - STALE_AFTER_S - 60
    os.utime(stale, (old, old))
    recent = tmp_path / ".handover [1].pdf.wr1t1ng.part"  # another write, still under way
    recent.write_bytes(b"being written")
    other = tmp_path / ".other.pdf.k1ll3d.part"  # another file's: not this write's to clear
    other.write_bytes(b"another")
    os.utime(other, (old, old))
    write_atomically(target, b"whole")
    assert target.read_bytes() == b"whole"
    assert not stale.exists()
    assert recent.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, recent.name, other.name]
    )
