"""`eqprep suspended [--restore ID... | --restore-all]`: list suspended and buried questions, bring them back."""

from __future__ import annotations

import argparse

from eqprep.commands._terminal import add_common_arguments, fail, open_study, say
from eqprep.study.errors import StoreError
from eqprep.study.present import set_aside_line


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the suspended subcommand."""
    parser = subparsers.add_parser("suspended", help="保留・明日に回した問題の一覧と復帰 (--restore ID)",
                                   description="保留 (s) と明日に回した (b) 問題を問題文つきで一覧し、指定した問題を復習に戻します。")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--restore", nargs="+", metavar="ID", help="この問題を復習に戻す (複数可)")
    group.add_argument("--restore-all", action="store_true", help="一覧の問題をすべて復習に戻す")
    add_common_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List, or restore the given questions (or all of them)."""
    try:
        study = open_study(args)
        listed = study.set_aside()
        if args.restore or args.restore_all:
            ids = args.restore or [entry.question_id for entry in listed]
            unknown = [question_id for question_id in ids if not study.restore(question_id)]
            done = [question_id for question_id in ids if question_id not in unknown]
            if done:
                say(f"復習に戻しました ({len(done)} 問): {', '.join(done)}")
            if unknown:
                return fail(f"保留中でも明日に回してもいない問題です: {', '.join(unknown)}", code=1)
            return 0
    except StoreError as exc:
        return fail(exc)
    if not listed:
        say("保留中の問題も、明日に回した問題もありません。")
        return 0
    say(f"保留・明日に回した問題 ({len(listed)} 問)。`eqprep suspended --restore ID` で復習に戻せます。")
    for entry in listed:
        say(set_aside_line(study, entry))
    return 0
