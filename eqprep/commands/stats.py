"""`eqprep stats`: due counts, retention, streak, mastery by area and topic, history, leeches."""

from __future__ import annotations

import argparse
import json

from eqprep.commands._terminal import add_common_arguments, fail, open_study
from eqprep.study.errors import StoreError
from eqprep.study.stats import compute_stats, format_stats


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the stats subcommand."""
    parser = subparsers.add_parser("stats", help="学習の統計 (復習予定・保持率・連続日数・習熟度)")
    parser.add_argument("--json", action="store_true", help="JSON で出力する")
    add_common_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the statistics as text or JSON."""
    try:
        stats = compute_stats(open_study(args))
    except StoreError as exc:
        return fail(exc)
    print(json.dumps(stats.to_dict(), ensure_ascii=False, indent=1) if args.json else format_stats(stats))
    return 0
