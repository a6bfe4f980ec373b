"""`eqprep search TEXT [--json] [--content PATH]`: find notes and questions by Japanese or English terms."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from eqprep.bank import load_bank
from eqprep.bank.search import search
from eqprep.commands._args import positive_int


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `search` subcommand."""
    parser = sub.add_parser("search", help="ノートと問題を検索する (日本語・英語、空白区切りで AND)")
    parser.add_argument("text", nargs="+", help="検索語")
    parser.add_argument("--json", action="store_true", help="結果を JSON で出力する")
    parser.add_argument("--limit", type=positive_int, default=30, help="最大件数 (既定 30)")
    parser.add_argument("--content", metavar="PATH", help="検索するコンテンツのフォルダ (既定: 同梱コンテンツ)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print hits; exit 1 when nothing matched (handy in scripts)."""
    hits = search(load_bank(args.content), " ".join(args.text), limit=args.limit)
    if args.json:
        print(json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=2))
    else:
        for hit in hits:
            label = "ノート" if hit.kind == "note" else "問題"
            print(f"[{label}] {hit.id}  {hit.title}\n    {hit.snippet}")
        if not hits:
            print("見つかりませんでした。")
    return 0 if hits else 1
