"""`eqprep demo NAME [--seed S] [--steps N] [--json] [--set key=value ...]`: run a training demo headless."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:      # the demos (NumPy, engine) are imported only when the command runs
    from eqprep.demos import DemoResult


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `demo` subcommand."""
    parser = sub.add_parser("demo", help="学習デモを TUI なしで実行して結果の表を表示する")
    parser.add_argument("name", nargs="?", help="デモ名 (--list で一覧)")
    parser.add_argument("--list", action="store_true", help="デモと設定の一覧を表示する")
    parser.add_argument("--seed", type=int, default=0, help="乱数シード (既定 0)")
    parser.add_argument("--steps", type=int, default=None, help="学習 run 1 本あたりのステップ数")
    parser.add_argument("--json", action="store_true", help="結果を JSON で出力する")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                        help="設定を変える (複数可)")
    parser.set_defaults(func=run)


def _print_list() -> None:
    """Every demo with its settings and defaults."""
    from eqprep.demos import DEMOS

    for spec in DEMOS.values():
        print(f"{spec.name}: {spec.title}\n    {spec.summary}")
        for s in spec.settings:
            choices = f" [{' / '.join(s.choices)}]" if s.choices else ""
            default = ",".join(map(str, s.default)) if s.kind in ("sizes", "names", "numbers") else s.default
            print(f"    --set {s.name}=...  {s.label}{choices} (既定 {default})")


def _fmt(value: float | None) -> str:
    """A table cell: 4 significant figures, or '-' when missing."""
    return "-" if value is None or math.isnan(value) else f"{value:.4g}"


def _print_result(result: DemoResult) -> None:
    """Japanese table of every run's final figures, then the findings and the takeaway."""
    from eqprep.demos import DEMOS

    spec = DEMOS[result.name]
    print(f"{spec.title}  (seed {result.seed}, {result.steps} ステップ/run)")
    print("設定: " + ", ".join(f"{k}={v}" for k, v in result.settings.items()))
    print(f"{'run':<28} {'グループ':<10} {'状態':<13} {'損失':>8} {'訓練精度':>8} {'テスト精度':>8}")
    for run in result.runs.values():
        loss = run.final.get("loss", run.final.get("f", run.final.get("std_last")))
        print(f"{run.label:<28} {run.group:<10} {run.status:<13} {_fmt(loss):>8} "
              f"{_fmt(run.final.get('train_acc')):>8} {_fmt(run.final.get('test_acc')):>8}")
    if result.cancelled:
        print("中断しました (途中までの結果です)。")
    if result.diverged:
        print("発散した run: " + ", ".join(result.diverged))
    for line in result.findings:
        print(f"・{line}")
    if result.claims:
        print("\nまとめの主張と実測: " + "  ".join(f"{'✓' if c.holds else '✗'} {c.key}" for c in result.claims))
    print(f"\nまとめ: {result.takeaway}")
    print(f"関連ノート: {spec.note_id} / 関連問題: {', '.join(spec.question_ids)}")


def run(args: argparse.Namespace) -> int:
    """Run the demo and print it; bad names or settings give a Japanese message and exit code 2."""
    from eqprep.demos import DemoError, parse_assignments, run_demo

    if args.list:
        _print_list()
        return 0
    if not args.name:
        print("デモ名を指定してください (一覧: eqprep demo --list)", file=sys.stderr)
        return 2
    try:
        result = run_demo(args.name, parse_assignments(args.settings), seed=args.seed, steps=args.steps)
    except DemoError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _print_result(result)
    return 0
