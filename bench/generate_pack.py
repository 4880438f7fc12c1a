"""A valid protocol pack of about N nodes, for timing the pack checks on a pack far larger than
any force writes.

    python bench/generate_pack.py OUT.toml [--nodes 100000]

The danger screen comes first, as every pack must; then blocks of four nodes, one after
another: a choice question, a condition on its answer, a checklist and a free-text question,
so that every kind of node and every check (conditions, checklists, text, safety) has work
to do; the last block ends in a partner's outcome. The text is synthetic.
"""

import argparse
import sys
from pathlib import Path

HEAD = """[pack]
id = "generated-large"
version = "0.1.0"
title = "A generated pack of {nodes} nodes"
jurisdiction = "england"
effective = 2026-01-01
review_by = 2026-07-01
start = "danger_life"
urgent_instruction = "Deploy or escalate now, document afterwards."
danger_screen = ["danger_life"]
urgent_route = "urgent_route"

[partners]
crisis_team = "Test crisis team"

[[sections]]
id = "screen"
title = "Danger screen"

[[sections]]
id = "need"
title = "The need"

[[nodes]]
id = "danger_life"
kind = "question"
section = "screen"
text = "Is there a real and immediate risk to life?"
why = "Danger is asked first on every call."
limb = "life"
rationale_required = true
  [[nodes.answers]]
  value = "yes"
  label = "Yes"
  next = "urgent_route"
  urgent = true
  [[nodes.answers]]
  value = "no"
  label = "No"
  next = "q0"
  [[nodes.answers]]
  value = "unknown"
  label = "Not known"
  next = "urgent_route"
  urgent = true

[[nodes]]
id = "urgent_route"
kind = "condition"
section = "screen"
otherwise = "out_police"

[[nodes]]
id = "out_police"
kind = "outcome"
section = "screen"
code = "POLICE_DEPLOY"
text = "Deploy police now."

[[nodes]]
id = "out_crisis"
kind = "outcome"
section = "need"
code = "PARTNER_LEAD_NO_POLICE"
partner = "crisis_team"
text = "Hand the call to the crisis team; police will not attend."
"""

BLOCK = """
[[nodes]]
id = "q{i}"
kind = "question"
section = "need"
text = "Step {i}: which applies?"
why = "Guidance for step {i}."
  [[nodes.answers]]
  value = "first"
  label = "The first"
  next = "c{i}"
  [[nodes.answers]]
  value = "second"
  label = "The second"
  next = "c{i}"
  [[nodes.answers]]
  value = "neither"
  label = "Neither"
  next = "t{i}"

[[nodes]]
id = "c{i}"
kind = "condition"
section = "need"
otherwise = "t{i}"
  [[nodes.routes]]
  next = "m{i}"
  all = [{{ node = "q{i}", in = ["first"] }}]

[[nodes]]
id = "m{i}"
kind = "question"
section = "need"
input = "multi"
text = "Step {i}: tick what was said."
why = "A checklist for step {i}."
next = "t{i}"
  [[nodes.answers]]
  value = "one"
  label = "One"
  [[nodes.answers]]
  value = "two"
  label = "Two"
  [[nodes.answers]]
  value = "none"
  label = "None of these"
  exclusive = true

[[nodes]]
id = "t{i}"
kind = "question"
section = "need"
input = "text"
optional = true
text = "Step {i}: anything else?"
why = "Free text for step {i}."
next = "{after}"
"""

FIXED_NODES = 4  # danger_life, urgent_route and the two outcomes
BLOCK_NODES = 4


def pack_text(nodes: int) -> str:
    """The pack's TOML: the fixed head and enough blocks for `nodes` nodes in all."""
    blocks = max(1, (nodes - FIXED_NODES) // BLOCK_NODES)
    parts = [HEAD.format(nodes=FIXED_NODES + blocks * BLOCK_NODES)]
    for i in range(blocks):
        after = f"q{i + 1}" if i + 1 < blocks else "out_crisis"
        parts.append(BLOCK.format(i=i, after=after))
    return "".join(parts)


def write_pack(path: Path, nodes: int) -> int:
    """Write the pack to `path`; the number of nodes it has."""
    text = pack_text(nodes)
    path.write_text(text, encoding="utf-8")
    return text.count("[[nodes]]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--nodes", type=int, default=100_000)
    args = parser.parse_args(argv)
    print(f"{write_pack(args.out, args.nodes):,} nodes -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
