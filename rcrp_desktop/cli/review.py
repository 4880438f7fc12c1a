"""`review queue` and `review record`: the supervisors' review of calls from the command line.

rcrp-desktop review queue [--since YYYY-MM-DD] [--json] --as SUPERVISOR
rcrp-desktop review record ID --result agreed|learning_point|referred_on --rationale TEXT
                           --as SUPERVISOR
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from rcrp_desktop.cli.exits import Exit, record_id
from rcrp_desktop.cli.signing import add_who, signed_of
from rcrp_desktop.domain.review.facts import RESULTS, outcome_title


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    review = commands.add_parser(
        "review", help="the supervisors' review queue, and a review of one call"
    )
    actions = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    queue = actions.add_parser(
        "queue", help="the calls awaiting review, oldest first, each with why it is there"
    )
    queue.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="calls made since (default: 31 days)"
    )
    queue.add_argument("--json", action="store_true")
    add_who(queue)
    queue.set_defaults(handler=queue_command)
    feedback = actions.add_parser(
        "feedback", help="the reviews of the calls you took (a handler sees only their own)"
    )
    add_who(feedback)
    feedback.set_defaults(handler=feedback_command)
    record = actions.add_parser(
        "record", help="record a review of one call, into the record's own chain"
    )
    record.add_argument("record", type=record_id)
    record.add_argument("--result", required=True, choices=tuple(RESULTS))
    record.add_argument("--rationale", required=True, help="why, in words")
    record.add_argument("--by", metavar="WHO", help="who reviewed (a folder with no accounts)")
    add_who(record)
    record.set_defaults(handler=record_command)


def queue_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.review import review_queue
    from rcrp_desktop.cli.records import open_store

    store = open_store(data_dir, "live")
    _attach(args, store)
    try:
        items = review_queue(store, data_dir, since=args.since)
    finally:
        store.close()
    if args.json:
        print(json.dumps([
            {"record": i.facts.record_id, "incident": i.facts.incident_ref,
             "created_utc": i.facts.created.isoformat(), "outcome": i.facts.outcome,
             "handler": i.facts.handler, "rules": list(i.rules), "reasons": list(i.reasons)}
            for i in items
        ], indent=2))  # fmt: skip
        return Exit.OK
    if not items:
        print("No call is waiting for review.")
    for item in items:
        facts = item.facts
        when = facts.created.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{facts.record_id}\t{when}\t{facts.incident_ref}\t{outcome_title(facts.outcome)}\t"
              f"{facts.handler}\t{'; '.join(item.reasons)}")  # fmt: skip
    return Exit.OK


def feedback_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.review import own_feedback
    from rcrp_desktop.cli.records import open_store

    signed = signed_of(args)
    if signed is None:
        print("rcrp-desktop: feedback is read by the handler signed in: this data folder has "
              "no accounts yet.", file=sys.stderr)  # fmt: skip
        return Exit.USAGE
    store = open_store(data_dir, "live")
    _attach(args, store)
    try:
        found = own_feedback(store, signed.session.account.number)
    finally:
        store.close()
    if not found:
        print("No call of yours has been reviewed yet.")
    for item in found:
        print(f"{item.record_id}\t{item.incident_ref}\t{RESULTS.get(item.result, item.result)}\t"
              f"{item.by}\t{item.rationale}")  # fmt: skip
    return Exit.OK


def record_command(args: argparse.Namespace, data_dir: Path) -> int:
    from rcrp_desktop.calls.review import record_review
    from rcrp_desktop.storage.data import database_path
    from rcrp_desktop.storage.lock import InstanceLock
    from rcrp_desktop.storage.repository import Store

    signed = signed_of(args)
    who = signed.stamp if signed is not None else (args.by or "").strip()
    if not who:
        print("rcrp-desktop: say who reviewed the call: --by WHO. Nothing was recorded.",
              file=sys.stderr)  # fmt: skip
        return Exit.USAGE
    with InstanceLock(data_dir):  # the one writer of the folder's records, as the window is
        store = Store.open(database_path(data_dir, "live"), "live", create=False)
        _attach(args, store)
        try:
            done = record_review(store, data_dir, args.record, args.result, args.rationale, who)
        finally:
            store.close()
    print(f"ok: record {done.record_id} reviewed ({RESULTS[done.result]}), event {done.seq}")
    return Exit.OK


def _attach(args: argparse.Namespace, store: object) -> None:
    from rcrp_desktop.calls import gate

    if (signed := signed_of(args)) is not None:
        gate.attach(store, signed)  # type: ignore[arg-type]


def _day(text: str) -> datetime:
    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise argparse.ArgumentTypeError(f"a date is YYYY-MM-DD, not {text!r}") from None
    return day.astimezone(UTC)
