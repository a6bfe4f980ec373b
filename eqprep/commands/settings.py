"""`eqprep settings [--reset]`: show the stored learner settings, or reset them to the defaults."""

from __future__ import annotations

import argparse

from eqprep.commands._terminal import fail
from eqprep.paths import data_dir
from eqprep.study.errors import StoreError
from eqprep.study.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the settings subcommand."""
    parser = subparsers.add_parser("settings", help="保存されている設定を表示する / 初期値に戻す (--reset)")
    parser.add_argument("--reset", action="store_true",
                        help="設定 (目標保持率、1 日の新規問題数、試験日など) をすべて初期値に戻す。学習履歴は消えません")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print or reset the settings; works even when the stored values are invalid."""
    try:
        store = Store.open(data_dir(args.data_dir))
        if args.reset:
            count = store.reset_settings()
            print(f"設定を初期値に戻しました ({count} 件を削除。解答・カード・模擬試験の記録はそのままです)。")
            return 0
        settings = store.settings()
    except StoreError as exc:
        return fail(exc)
    if not settings:
        print("保存されている設定はありません (すべて初期値)。")
    for key, value in sorted(settings.items()):
        print(f"{key} = {value}")
    return 0
