"""`eqprep import`: merge a JSON progress backup into this data dir (validated first, one transaction)."""

from __future__ import annotations

import argparse

from eqprep.commands._terminal import fail
from eqprep.paths import data_dir
from eqprep.study.errors import StoreError
from eqprep.study.store import Store
from eqprep.study.transfer import import_json


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the import subcommand."""
    parser = subparsers.add_parser("import", help="JSON の学習履歴を取り込む (既存の履歴とマージ)")
    parser.add_argument("--json", metavar="FILE", required=True, help="eqprep export --json で作ったファイル")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import and report how many rows were new."""
    try:
        added = import_json(Store.open(data_dir(args.data_dir)), args.json)
    except StoreError as exc:
        return fail(exc)
    print(f"取り込みました: 解答 {added['answers']} 件、カード {added['cards']} 枚、模擬試験 {added['exams']} 回"
          " (既にあるものは重複させません)。")
    return 0
