"""The keystroke count of the standard low-risk welfare call, as a long test: the whole call
by keyboard in the real window ends closed with everything recorded, in fewer key presses
than the 82 it took before the one keyboard grammar (letters start the rationale, short forms)."""

import pytest
from keystrokes import run  # the script's own folder is on sys.path (and pytest's)

from rcrp_desktop.paths import examples_dir

pytestmark = pytest.mark.long

BEFORE = 82  # key presses for this call when typing a rationale first needed Tab


def test_the_welfare_call_takes_fewer_keys_than_before(qapp: object) -> None:
    count = run(examples_dir() / "welfare-crisis-team.json")
    print(f"\n{count.keys} key presses, {count.typed} typed characters")
    assert count.keys < BEFORE
