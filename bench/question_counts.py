"""How many questions a handler meets: before the first urgent-capable one, and before a
non-urgent welfare call's recommendation, for every shipped pack (current and archived).

    python bench/question_counts.py [--json]

Counted exactly over every distinct path (rcrp_desktop/domain/pack/call_length.py); the figures are
quoted in forms/README.md ("How long a call is").
"""

import argparse
import json
import sys
from pathlib import Path

from rcrp_desktop import paths
from rcrp_desktop.domain.pack.call_length import count
from rcrp_desktop.domain.pack.loader import check_paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--forms", type=Path, default=paths.forms_dir())
    args = parser.parse_args(argv)
    packs = check_paths([args.forms])[0]
    figures = [count(p) for p in sorted(packs, key=lambda p: (p.id, p.version))]
    if args.json:
        print(json.dumps([f.__dict__ for f in figures], indent=2))
        return 0
    print(f"{'pack':<14} {'version':<8} {'before urgent':>13} {'welfare call':>14} {'paths':>6}")
    for f in figures:
        span = f"{f.welfare_min}-{f.welfare_max}" if f.welfare_min != f.welfare_max else "-"
        span = span if f.welfare_max else "(no RCRP)"
        print(
            f"{f.pack:<14} {f.version:<8} {f.before_urgent_max:>13} {span:>14} {f.welfare_paths:>6}"
        )
    print(
        "before urgent: questions asked before the first that can raise the urgent instruction "
        "(worst path).\nwelfare call: questions a non-urgent concern-for-welfare call answers "
        "before its recommendation (fewest-most, over every calm path)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
