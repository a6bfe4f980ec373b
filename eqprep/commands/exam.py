"""`eqprep exam`: a timed mock exam in the plain terminal, no feedback until the end, area report."""

from __future__ import annotations

import argparse
import json
import random
import time

from eqprep.quiz import Item, Verdict
from eqprep.study.console import add_common_arguments, ask, fail, open_study, prepare_item, read_line, say, show_item
from eqprep.study.errors import StoreError
from eqprep.study.exam import FULL_COUNT, assemble_exam, build_report, default_minutes, format_report, unanswered
from eqprep.study.service import Study


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the exam subcommand."""
    parser = subparsers.add_parser("exam", help="模擬試験 (既定 100 問 120 分)",
                                   description="4 分野から試験の比率で出題し、終了後に分野別の成績を表示します。")
    parser.add_argument("--count", type=int, default=FULL_COUNT, help="問題数 (既定 100)")
    parser.add_argument("--minutes", type=float, help="制限時間 (分)。既定は 120 × 問題数 / 100")
    parser.add_argument("--seed", type=int, help="乱数シード (同じシードで同じ問題)")
    parser.add_argument("--json", action="store_true", help="成績を JSON でも出力する")
    add_common_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Ask every question (answers recorded as they come), then score, report and queue mistakes."""
    if args.count < 1 or (args.minutes is not None and args.minutes <= 0):
        return fail("問題数と制限時間は正の数で指定してください。")
    try:
        study = open_study(args)
    except StoreError as exc:
        return fail(exc)
    rng = random.Random(args.seed)
    paper = [
        item
        for question in assemble_exam(study.bank, args.count, args.seed)
        if (item := prepare_item(question, rng.randrange(2**31))) is not None
    ]
    if not paper:
        return fail("模擬試験に出せる問題がありません。", code=1)
    minutes = args.minutes if args.minutes is not None else default_minutes(len(paper))
    say(f"模擬試験: {len(paper)} 問 / {minutes:g} 分。採点と解説は最後に表示します。")
    try:
        exam_id = study.store.start_exam(study.clock(), len(paper), minutes, args.seed)
        verdicts = _sit(study, paper, exam_id, minutes * 60)
        report = build_report(study.bank, [(item.question, v.status) for item, v in zip(paper, verdicts, strict=True)])
        study.store.finish_exam(exam_id, study.clock(), report.to_dict())
    except StoreError as exc:
        return fail(exc)
    titles = {nid: note.title for nid, note in study.bank.notes.items()}
    say("\n" + format_report(report, titles))
    _review_mistakes(paper, verdicts)
    if args.json:
        say(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    return 0


def _review_mistakes(paper: list[Item], verdicts: list[Verdict]) -> None:
    """After the report: the correct answer of every question that did not score."""
    missed = [(n, item, v) for n, (item, v) in enumerate(zip(paper, verdicts, strict=True), 1) if v.status != "correct"]
    if missed:
        say("\n間違えた問題の正解:")
    for number, item, verdict in missed:
        say(f"  問 {number} [{item.question.id}] 正解: {verdict.expected_text}")


def _sit(study: Study, paper: list[Item], exam_id: int, seconds: float) -> list[Verdict]:
    """The answering loop; after the time limit or end of input the rest is recorded as unanswered."""
    start = time.monotonic()
    results: list[Verdict] = []
    closed = False
    for number, item in enumerate(paper, 1):
        if not closed and time.monotonic() - start > seconds:
            say("\n時間切れです。残りは未解答として採点します。")
            closed = True
        answered = None
        if not closed:
            show_item(item, number, len(paper), study.bank)
            answered = ask(item, read_line, allow_skip=True)
        if answered is None:
            closed = True
            verdict, text, ms = unanswered(item), "", 0
        else:
            verdict, text, ms = answered.verdict, answered.text, answered.response_ms
        study.record(item, verdict, text, ms, exam_id=exam_id)
        results.append(verdict)
    return results
