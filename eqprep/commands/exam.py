"""`eqprep exam`: a timed mock exam in the plain terminal, no feedback until the end, area report."""

from __future__ import annotations

import argparse
import json
import random

from eqprep.bank import load_bank
from eqprep.bank.model import TRACKS
from eqprep.commands._args import non_negative_int, positive_float, positive_int
from eqprep.commands._terminal import add_common_arguments, fail, open_study, read_line, say, show_item, warn_skip
from eqprep.quiz import Item
from eqprep.render.text import duration_text
from eqprep.study.errors import StoreError
from eqprep.study.exam import FULL_COUNT, paper_entry
from eqprep.study.exam_session import ExamSession, paper_items
from eqprep.study.present import answer_review_lines, exam_report_text


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the exam subcommand."""
    parser = subparsers.add_parser("exam", help="模擬試験 (既定 100 問 120 分)",
                                   description="4 分野から試験の比率で出題し、終了後に分野別の成績を表示します。")
    parser.add_argument("--count", type=positive_int, default=FULL_COUNT, help="問題数 (既定 100)")
    parser.add_argument("--minutes", type=positive_float, help="制限時間 (分)。既定は 120 × 問題数 / 100")
    parser.add_argument("--seed", type=non_negative_int, help="乱数シード (同じシードで同じ問題)")
    parser.add_argument("--json", action="store_true", help="成績を JSON でも出力する (--paper では問題用紙を JSON で)")
    parser.add_argument("--paper", action="store_true",
                        help="解答せずに、出題する問題用紙 (id、大問、分野、問題文、選択肢。正解なし) を表示する")
    parser.add_argument("--framework", choices=TRACKS,
                        help="フレームワークの問題: pytorch (既定) で約 1 割を出題、none で出さない。設定して保存")
    add_common_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Ask every question (answers recorded as they come), then score, report and queue mistakes."""
    if args.count < 1 or (args.minutes is not None and args.minutes <= 0):
        return fail("問題数と制限時間は正の数で指定してください。")
    if args.paper:
        return _print_paper(args)
    try:
        study = open_study(args)
        if args.framework is not None:
            study.set_framework(args.framework)
    except StoreError as exc:
        return fail(exc)
    rng = random.Random(args.seed)
    exam = ExamSession.create(study, args.count, args.seed, lambda: rng.randrange(2**31), args.minutes,
                              on_skip=warn_skip)
    if not exam.items:
        return fail("模擬試験に出せる問題がありません。", code=1)
    say(f"模擬試験: {len(exam.items)} 問 / {duration_text(exam.minutes * 60)}。採点と解説は最後に表示します。")
    try:
        exam.begin()
        _sit(exam)
        result = exam.finish()
    except StoreError as exc:
        return fail(exc)
    titles = {nid: note.title for nid, note in study.bank.notes.items()}
    say("\n" + exam_report_text(result.report, titles))
    missed = answer_review_lines(result.items, result.verdicts, missed_only=True)
    if missed:
        say("\n間違えた問題の正解:\n" + "\n".join(missed))
    if args.json:
        say(json.dumps(result.report.to_dict(), ensure_ascii=False, indent=1))
    return 0


def _print_paper(args: argparse.Namespace) -> int:
    """The paper this seed would set, without answers and without recording anything: JSON list or plain text."""
    bank = load_bank(args.content)
    rng = random.Random(args.seed)
    items = paper_items(bank, args.count, args.seed, lambda: rng.randrange(2**31), on_skip=warn_skip)
    if not items:
        return fail("模擬試験に出せる問題がありません。", code=1)
    if args.json:
        say(json.dumps([paper_entry(item, bank) for item in items], ensure_ascii=False, indent=1))
        return 0
    for index, item in enumerate(items):
        show_item(item, index + 1, len(items), bank, material=_starts_set(items, index))
    return 0


def _starts_set(items: list[Item], index: int) -> bool:
    """Show a 大問's passage and code only at its first 小問 on the paper."""
    group = items[index].question.group
    return group is not None and (index == 0 or items[index - 1].question.group is not group)


def _sit(exam: ExamSession) -> None:
    """The answering loop (unreadable input is asked again); stops at the time limit or the end of input."""
    for index, item in enumerate(exam.items):
        if exam.time_up():
            say("\n時間切れです。残りは未解答として採点します。")
            return
        show_item(item, index + 1, len(exam.items), exam.study.bank, material=_starts_set(exam.items, index))
        say("解答 (? = わからない) / 空行 = 飛ばす:")
        exam.visit(index)
        while (line := read_line()) is not None:
            verdict = exam.answer(index, line)
            if verdict.status != "invalid":
                break
            say(verdict.message)
        if line is None:
            return
        exam.record(index)
