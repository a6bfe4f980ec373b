"""`eqprep export`: progress backup as JSON, or the question bank as an Anki deck."""

from __future__ import annotations

import argparse
import sys

from eqprep.commands._terminal import add_common_arguments, fail, open_study
from eqprep.study.errors import StoreError
from eqprep.study.transfer import export_json


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the export subcommand."""
    parser = subparsers.add_parser("export", help="学習履歴を JSON に / 問題集を Anki (.apkg) に書き出す")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--json", metavar="FILE", help="学習履歴のバックアップ (eqprep import で戻せる)")
    target.add_argument("--anki", metavar="FILE.apkg", help="問題集を Anki のデッキとして書き出す")
    add_common_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the requested file and say what went into it."""
    try:
        study = open_study(args)
        if args.anki:
            from eqprep.study.anki import export_anki

            count, skipped = export_anki(study.bank, args.anki)
            print(f"{count} 問を Anki デッキ {args.anki} に書き出しました。")
            if skipped:
                print(f"警告: 生成できない問題 {len(skipped)} 問を除きました: {', '.join(skipped)}", file=sys.stderr)
            return 0
        counts = export_json(study.store, args.json)
    except StoreError as exc:
        return fail(exc)
    print(f"解答 {counts['answers']} 件、カード {counts['cards']} 枚、模擬試験 {counts['exams']} 回を {args.json} に書き出しました。")
    return 0
