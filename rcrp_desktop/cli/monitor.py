"""`monitor`: the monitoring figures of this desk's records for a period, each with how it is
counted, small counts suppressed; `--csv FOLDER` writes each figure's table as a CSV file.

    rcrp-desktop monitor --from YYYY-MM-DD --to YYYY-MM-DD [--csv FOLDER] --as AUDITOR
"""

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rcrp_desktop.cli.exits import Exit
from rcrp_desktop.cli.signing import add_who, signed_of

if TYPE_CHECKING:
    from rcrp_desktop.storage.figures_run import FigureResult


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    monitor = commands.add_parser(
        "monitor", help="the monitoring figures for a period (counts only, no one's details)"
    )
    monitor.add_argument("--from", dest="start", type=_day, required=True, metavar="YYYY-MM-DD")
    monitor.add_argument(
        "--to", dest="end", type=_day, required=True, metavar="YYYY-MM-DD", help="included"
    )
    monitor.add_argument(
        "--profile", default="", help="one force profile only (england, wales, btp)"
    )
    monitor.add_argument(
        "--category", default="", help="one category only, as the packs answer it (welfare...)"
    )
    monitor.add_argument(
        "--phase", default="", help="one RCRP phase only, as the packs name it (s136_handover...)"
    )
    monitor.add_argument("--csv", type=Path, metavar="FOLDER", help="each figure as a CSV file")
    monitor.add_argument(
        "--report",
        type=Path,
        metavar="FILE.pdf",
        help="the partnership report (OFFICIAL-SENSITIVE, counts only) as a PDF",
    )
    add_who(monitor)
    monitor.set_defaults(handler=monitor_command)


def monitor_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls import gate
    from rcrp_desktop.calls.monitoring import figures_for
    from rcrp_desktop.cli.records import open_store
    from rcrp_desktop.domain.monitoring.figures import CAVEATS
    from rcrp_desktop.export.errors import ExportError
    from rcrp_desktop.export.figures_csv import write_figures_csv
    from rcrp_desktop.storage.force_settings import load_force_settings

    end = args.end + timedelta(days=1)  # the last day given is included
    if end <= args.start:
        print("rcrp-desktop: --to is before --from: nothing to count.", file=sys.stderr)
        return Exit.USAGE
    below = load_force_settings(data_dir).figures_suppress_below
    store = open_store(data_dir, "live")
    if (signed := signed_of(args)) is not None:
        gate.attach(store, signed)
    try:
        results = figures_for(
            store, args.start, end, suppress_below=below,
            profile=args.profile, category=args.category, phase=args.phase,
        )  # fmt: skip
    finally:
        store.close()
    asked = (("profile", args.profile), ("category", args.category), ("phase", args.phase))
    chosen = "".join(f", {k} {v}" for k, v in asked if v)
    print(f"Figures for calls made from {args.start:%Y-%m-%d} to {args.end:%Y-%m-%d}{chosen}"
          + (f" (counts under {below} shown as <{below})" if below > 1 else ""))  # fmt: skip
    for result in results:
        figure = result.figure
        print(f"\n{figure.title}\n  How it is counted: {figure.counted}")
        print("  " + "\t".join(figure.columns))
        for row in result.rows or [("(no calls)",)]:
            print("  " + "\t".join(str(value) for value in row))
    try:
        if args.csv is not None:
            write_figures_csv(args.csv, results)
        if args.report is not None:
            _report(args, results, end, below, data_dir)
    except ExportError as error:
        print(f"rcrp-desktop: {error}", file=sys.stderr)
        return Exit.PROBLEMS
    print("\nCaveats:")
    for caveat in CAVEATS:
        print(f"  - {caveat}")
    return Exit.OK


def _report(
    args: argparse.Namespace,
    results: "list[FigureResult]",
    end: datetime,
    below: int,
    data_dir: Path,
) -> None:
    from rcrp_desktop import paths
    from rcrp_desktop.calls.monitoring import monitoring_config
    from rcrp_desktop.domain.monitoring.words import figure_words
    from rcrp_desktop.export.partnership_pdf import save_report
    from rcrp_desktop.storage.pack_catalogue import pack_catalogue

    packs, _ = pack_catalogue(paths.forms_dir(), data_dir)
    pages = save_report(
        args.report.expanduser().absolute(),
        results,
        questions=figure_words(packs, monitoring_config()),
        start=args.start,
        end_inclusive=end - timedelta(days=1),
        source="Records of one desk's data folder.",
        suppress_below=below,
    )
    print(f"partnership report: {args.report} ({pages} page(s))")


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date is YYYY-MM-DD, not {text!r}") from None
