"""`sourcecheck feedback ...`: an editor lists, reviews, exports and purges readers' corrections."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import pathlib
import sys
from collections.abc import Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING

from classifiers.labels import LABELS
from server.config import Settings
from server.feedback import ACCEPTED, REJECTED, STATUSES

# SQLAlchemy loads with the command that needs it, so `sourcecheck --help` stays quick.
if TYPE_CHECKING:
    from server.feedback.store import FeedbackStore, Item

DEFAULT_EXPORT = pathlib.Path("samples/sentences/feedback")
TEXT_COLUMN_CHARS = 60  # a row of the table fits a 120-column terminal


def _date(text: str) -> datetime.datetime:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date of the form 2026-12-31: {text!r}") from None
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


@contextlib.contextmanager
def _store() -> Iterator[FeedbackStore]:
    """Open the configured store for one command and close its connections after."""
    from server.feedback.store import FeedbackStore

    store = FeedbackStore.open(Settings.load().feedback_database_url())
    try:
        yield store
    finally:
        store.close_connections()


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(item: Item) -> str:
    labels = f"{item.model_label}→{item.reader_label}"
    if item.corrected_label:
        labels += f" ({item.corrected_label})"
    text = _short(item.text, TEXT_COLUMN_CHARS)
    return f"{item.id:>6}  {item.created_at:%Y-%m-%d}  {item.status:<8}  {labels:<34}  {text}"


def _list(args: argparse.Namespace) -> int:
    with _store() as store:
        items = store.items(status=args.status, label=args.label, since=args.since)
    if args.jsonl:
        for item in items:
            print(json.dumps(asdict(item), default=str, ensure_ascii=False))
        return 0
    print(f"{'id':>6}  {'received':<10}  {'status':<8}  {'model→reader (editor)':<34}  sentence")
    for item in items:
        print(_row(item))
    print(f"\n{len(items)} correction{'s' if len(items) != 1 else ''}")
    return 0


def _review(args: argparse.Namespace, status: str) -> int:
    with _store() as store:
        missing = store.review(args.ids, status, getattr(args, "label", None))
    done = [i for i in args.ids if i not in missing]
    if done:
        print(f"{status}: {', '.join(map(str, done))}")
    if missing:
        sys.stderr.write(f"sourcecheck feedback: no correction with id {', '.join(map(str, missing))}\n")
        return 1
    return 0


def _export(args: argparse.Namespace) -> int:
    from server.feedback.export import ExportRefused, export

    try:
        with _store() as store:
            result = export(store, args.out)
    except ExportRefused as error:
        sys.stderr.write(f"sourcecheck feedback export: {error}\n")
        return 1
    for name, count in result.written.items():
        print(f"{args.out / name}: {count} sample{'s' if count != 1 else ''} added")
    if not result.written:
        print("Nothing new to export.")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from server.feedback.stats import agreement

    with _store() as store:
        items = store.items()
    print(f"{len(items)} corrections; readers agreed with the model when their label was the model's.\n")
    for title, groups in (
        ("model label", agreement(items, lambda item: item.model_label)),
        ("model version", agreement(items, lambda item: item.model_version)),
    ):
        print(f"{title:<16}  {'corrections':>11}  {'agreed':>6}  {'share':>6}")
        for group in groups:
            print(f"{group.group:<16}  {group.corrections:>11}  {group.agreed:>6}  {group.share:>6.0%}")
        print()
    return 0


def _purge(args: argparse.Namespace) -> int:
    with _store() as store:
        removed = store.purge(args.before)
    print(
        f"Deleted {removed} correction{'s' if removed != 1 else ''} received before {args.before:%Y-%m-%d}."
    )
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `feedback` and its subcommands to the `sourcecheck` parser."""
    feedback = commands.add_parser(
        "feedback", help="review readers' corrections (store: SOURCECHECK_FEEDBACK_DB)"
    )
    actions = feedback.add_subparsers(dest="action", required=True)

    listing = actions.add_parser("list", help="a table of corrections, oldest first")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--label", choices=LABELS, help="the reader's label, or the editor's when corrected")
    listing.add_argument("--since", type=_date, metavar="YYYY-MM-DD")
    listing.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    listing.set_defaults(run=_list)

    accept = actions.add_parser("accept", help="accept corrections for export")
    accept.add_argument("ids", type=int, nargs="+", metavar="ID")
    accept.add_argument("--label", choices=LABELS, help="the right label, when the reader's is wrong too")
    accept.set_defaults(run=lambda args: _review(args, ACCEPTED))

    reject = actions.add_parser("reject", help="reject corrections")
    reject.add_argument("ids", type=int, nargs="+", metavar="ID")
    reject.set_defaults(run=lambda args: _review(args, REJECTED))

    export_command = actions.add_parser("export", help="append accepted corrections to monthly sample files")
    export_command.add_argument("--out", type=pathlib.Path, default=DEFAULT_EXPORT)
    export_command.set_defaults(run=_export)

    stats = actions.add_parser("stats", help="agreement with the model per label and model version")
    stats.set_defaults(run=_stats)

    purge = actions.add_parser("purge", help="delete corrections received before a date")
    purge.add_argument("--before", type=_date, required=True, metavar="YYYY-MM-DD")
    purge.set_defaults(run=_purge)
