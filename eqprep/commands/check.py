"""`eqprep check [PATH]`: validate a content tree, print every problem, exit 0 when clean."""

from __future__ import annotations

import argparse
import time
from collections import Counter

from eqprep.bank import load_bank
from eqprep.bank.coverage import MIN_OPTION_QUESTIONS, MIN_QUESTIONS, CoverageRow, coverage
from eqprep.bank.model import Problem
from eqprep.bank.validate import validate


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `check` subcommand."""
    parser = sub.add_parser("check", help="コンテンツを検証する (答えの再計算、コード選択肢の実行まで)")
    parser.add_argument("path", nargs="?", help="検証するコンテンツのフォルダ (既定: 同梱コンテンツ)")
    parser.add_argument(
        "--coverage",
        action="store_true",
        help=f"シラバス項目ごとのノート数・問題数を表示し、ノートがない/問題が {MIN_QUESTIONS} 問未満 (オプション項目は {MIN_OPTION_QUESTIONS} 問未満) の項目も問題として扱う",
    )
    parser.add_argument(
        "--trust",
        action="store_true",
        help="パックのコード (code_choice の選択肢) をサンドボックスで実行して検証する (同梱コンテンツは常に実行)。"
        "信頼できる作者のパックにだけ使う (docs/security.md)",
    )
    parser.set_defaults(func=run)


def _print_coverage(rows: list[CoverageRow]) -> list[str]:
    """Print the coverage table; return one message per uncovered item."""
    print(f"{'項目':<8} {'分野':<6} {'ノート':>4} {'問題':>4}  名前")
    gaps = []
    for row in rows:
        mark = "  " if row.ok else "✗ "
        option = " (オプション)" if row.option else ""
        print(f"{row.item_id:<8} {row.area:<6} {row.notes:>4} {row.questions:>4}  {mark}{row.name}{option}")
        if not row.ok:
            gaps.append(f"シラバス {row.item_id} ({row.name}): ノート {row.notes} 件、問題 {row.questions} 問")
    return gaps


def run(args: argparse.Namespace) -> int:
    """Validate and report; exit status 1 on any problem."""
    start = time.perf_counter()
    bank = load_bank(args.path)
    skipped: list[Problem] = []
    problems = validate(bank, trust=args.trust or None, skipped=skipped)
    for problem in problems:
        print(problem)
    if skipped:
        ids = ", ".join(p.qid or "?" for p in skipped)
        print(f"省略したチェック: code_choice {len(skipped)} 問の選択肢の実行 ({ids})")
        print("  理由: 信頼していないパックのコードは実行しません。作者を信頼できるなら --trust で実行します (docs/security.md)")
    gaps = _print_coverage(coverage(bank)) if args.coverage else []
    for gap in gaps:
        print(f"カバー不足: {gap}")
    kinds = Counter(q.kind for q in bank.questions.values())
    summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    elapsed = time.perf_counter() - start
    print(f"ノート {len(bank.notes)} 件、問題 {len(bank.questions)} 問 ({summary})、{elapsed:.1f} 秒")
    if problems or gaps:
        print(f"問題点 {len(problems) + len(gaps)} 件")
        return 1
    print("問題なし")
    return 0
