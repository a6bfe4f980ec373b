"""`eqprep settings [KEY VALUE] [--reset]`: show the learner settings, set one (checked first), or reset them all."""

from __future__ import annotations

import argparse

from eqprep.commands._terminal import fail
from eqprep.paths import data_dir
from eqprep.study.errors import StoreError
from eqprep.study.settings import RULES, SettingError, setting_problem
from eqprep.study.store import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the settings subcommand."""
    parser = subparsers.add_parser("settings", help="設定を表示する / 1 つ設定する (KEY VALUE) / 初期値に戻す (--reset)")
    parser.add_argument("key", nargs="?", metavar="KEY", help=f"設定する項目 ({', '.join(RULES)})")
    parser.add_argument("value", nargs="?", help="設定する値 (不正な値は保存せず、元の値のままにします)")
    parser.add_argument("--reset", action="store_true",
                        help="設定 (目標保持率、1 日の新規問題数、試験日など) をすべて初期値に戻す。学習履歴は消えません")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print, set or reset the settings; works even when the stored values are invalid."""
    if args.key is not None and (args.value is None or args.reset):
        return fail("KEY と VALUE を両方指定してください (--reset とは同時に使えません)。")
    try:
        store = Store.open(data_dir(args.data_dir))
        if args.key is not None:
            store.set_setting(args.key, args.value)
            print(f"{RULES[args.key].label} ({args.key}) を {args.value} にしました。")  # set_setting knew the key
            return 0
        if args.reset:
            count = store.reset_settings()
            print(f"設定を初期値に戻しました ({count} 件を削除。解答・カード・模擬試験の記録はそのままです)。")
            return 0
        settings = store.settings()
    except (StoreError, SettingError) as exc:
        return fail(exc)
    if not settings:
        print("保存されている設定はありません (すべて初期値)。")
    for key, value in sorted(settings.items()):
        problem = setting_problem(key, value)
        print(f"{key} = {value}" + (f"  ← 不正: {problem}" if problem else ""))
    return 0
