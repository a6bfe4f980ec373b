"""`eqprep check [PATH]`: validate a content tree, print every problem, exit 0 when clean."""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import asdict
from typing import Any

from eqprep.bank import Bank, Problem, load_bank
from eqprep.bank.counts import content_counts
from eqprep.bank.coverage import MIN_OPTION_QUESTIONS, MIN_QUESTIONS, CoverageRow, coverage
from eqprep.bank.framework import INSTALL_HINT, FrameworkReport, verify_framework_questions
from eqprep.bank.validate import is_bundled, validate


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
    parser.add_argument(
        "--require-torch",
        action="store_true",
        help="PyTorch の問題を 1 問でも検証できなければ (torch がない場合も) 終了コード 1",
    )
    parser.add_argument("--json", action="store_true",
                        help="結果を 1 つの JSON オブジェクトで出力する (件数、大問・組み合わせ・コード大問の数、"
                             "誤りを選ぶ問題の数、正解が最長の選択肢である割合、分野別の数、問題点)")
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


def _print_counts(counts: dict[str, Any]) -> None:
    """The exam-format counts under the coverage table."""
    print(
        f"大問 {counts['sets']} (小問 {counts['set_questions']}、コードの大問 {counts['code_sets']})、"
        f"組み合わせ {counts['combination']} 問、誤りを選ぶ問題 {counts['wrong_statement']} 問 "
        f"(選択問題の {counts['wrong_statement_rate']:.0%})、正解が最長の選択肢: {counts['longest_correct_rate']:.0%}、"
        f"模擬試験に出せる問題 {counts['exam_ready']} 問"
    )


def _framework_lines(report: FrameworkReport) -> list[str]:
    """What was and was not verified with the framework, in Japanese."""
    total = sum(len(ids) for ids in report.questions.values())
    if not total:
        return []
    if report.reason:
        return [f"PyTorch の問題 {total} 問は未検証です: {report.reason}"]
    lines = [f"PyTorch の問題 {len(report.verified)}/{total} 問を torch で実行して検証しました"]
    if report.unverified:
        lines.append(f"未検証: {', '.join(sorted(report.unverified))}")
    return lines


def _print_json(bank: Bank, problems: list[Problem], rows: list[CoverageRow] | None,
                skipped: list[Problem], framework: FrameworkReport, unverified_fails: bool) -> int:
    """One JSON object: the bank's counts, the problems and (with --coverage) the syllabus rows and gaps."""
    gaps = [row for row in rows or [] if not row.ok]
    report = content_counts(bank)
    report["problems"] = [str(p) for p in problems]
    report["skipped"] = [p.qid for p in skipped]
    report["framework"] = framework.summary()
    if rows is not None:
        report["coverage"] = [asdict(row) | {"ok": row.ok} for row in rows]
        report["gaps"] = [row.item_id for row in gaps]
    report["ok"] = not problems and not gaps and not unverified_fails
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0 if report["ok"] else 1


def run(args: argparse.Namespace) -> int:
    """Validate and report; exit status 1 on any problem."""
    start = time.perf_counter()
    bank = load_bank(args.path)
    skipped: list[Problem] = []
    framework = verify_framework_questions(bank, trusted=bool(args.trust) or is_bundled(bank))
    problems = validate(bank, trust=args.trust or None, skipped=skipped) + framework.problems
    unverified_fails = bool(args.require_torch and framework.unverified)
    if getattr(args, "json", False):
        rows = coverage(bank) if args.coverage else None
        return _print_json(bank, problems, rows, skipped, framework, unverified_fails)
    for problem in problems:
        print(problem)
    if skipped:
        ids = ", ".join(p.qid or "?" for p in skipped)
        print(f"省略したチェック: code_choice {len(skipped)} 問の選択肢の実行 ({ids})")
        print("  理由: 信頼していないパックのコードは実行しません。作者を信頼できるなら --trust で実行します (docs/security.md)")
    gaps = _print_coverage(coverage(bank)) if args.coverage else []
    if args.coverage:
        _print_counts(content_counts(bank))
    for gap in gaps:
        print(f"カバー不足: {gap}")
    for line in _framework_lines(framework):
        print(line)
    kinds = Counter(q.kind for q in bank.questions.values())
    summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    elapsed = time.perf_counter() - start
    print(f"ノート {len(bank.notes)} 件、問題 {len(bank.questions)} 問 ({summary})、大問 {len(bank.sets)}、{elapsed:.1f} 秒")
    if unverified_fails:
        print(f"--require-torch: PyTorch の問題 {len(framework.unverified)} 問が未検証です ({INSTALL_HINT})")
    if problems or gaps or unverified_fails:
        print(f"問題点 {len(problems) + len(gaps) + int(unverified_fails)} 件")
        return 1
    print("問題なし")
    return 0
