"""`eqprep drill`: due reviews, new questions or a filtered drill in the plain terminal (stdin answers)."""

from __future__ import annotations

import argparse
import random

from eqprep.bank.model import TRACKS
from eqprep.commands._args import finite_float, non_negative_int, positive_int
from eqprep.commands._terminal import (
    Reader,
    add_common_arguments,
    ask_rating,
    fail,
    open_study,
    read_block,
    read_line,
    say,
    show_item,
    warn_skip,
)
from eqprep.quiz import MULTILINE_KINDS, Item
from eqprep.study.errors import StoreError
from eqprep.study.present import describe_due, summary_text
from eqprep.study.review import Answer, ReviewSession
from eqprep.study.selection import Filters
from eqprep.study.service import Outcome, Study


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the drill subcommand."""
    parser = subparsers.add_parser("drill", help="端末で問題を解く (復習・新規・絞り込み)",
                                   description="標準入力から解答を読み、採点して学習履歴に記録します。")
    parser.add_argument("--topic", help="トピック (ノート id) で絞り込む")
    parser.add_argument("--area", help="分野 (応用数学 / 機械学習 / 深層学習 / 開発環境)")
    parser.add_argument("--tag", help="シラバス項目 id (例 3-4-1)")
    parser.add_argument("--kind", help="問題の種類 (choice, numeric, expression, code_choice, self_graded, parametric)")
    parser.add_argument("--source", help="出典の前方一致 (例 確認テスト)")
    parser.add_argument("--count", type=positive_int, default=20, help="出題数 (既定 20)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--due", action="store_const", dest="mode", const="due", help="期限の来た復習だけ")
    mode.add_argument("--new", action="store_const", dest="mode", const="new", help="新規問題だけ")
    mode.add_argument("--weak", action="store_const", dest="mode", const="weak", help="苦手 (lapse が多い・想起率が低い) 順")
    parser.add_argument("--seed", type=non_negative_int, help="乱数シード (同じシードで同じ出題・数値)")
    parser.add_argument("--desired-retention", type=finite_float, metavar="R", help="目標保持率 0.70〜0.97 を設定して保存")
    parser.add_argument("--new-per-day", type=non_negative_int, metavar="N", help="1 日の新規問題数を設定して保存")
    parser.add_argument("--framework", choices=TRACKS,
                        help="フレームワークの問題: pytorch (既定) で出題、none で出さない。設定して保存")
    add_common_arguments(parser)
    parser.set_defaults(func=run, mode=None)


def run(args: argparse.Namespace) -> int:
    """Run one drill session; every graded answer is committed before the next question."""
    try:
        study = open_study(args)
        _save_settings(study, args)
        filters = Filters(args.topic, args.area, args.tag, args.kind, args.source)
        mode = args.mode or ("drill" if filters != Filters() else "review")
        questions = study.select(filters, mode=mode, count=args.count, seed=args.seed)
    except (StoreError, ValueError) as exc:
        return fail(exc)
    if not questions:
        say("条件に合う問題がありません (--topic / --area などの指定を確認してください)。" if mode == "drill"
            else "今は出題する問題がありません (期限の来た復習も、今日の新規枠も残っていません)。")
        return 0
    rng = random.Random(args.seed)
    session = ReviewSession(study, questions, lambda: rng.randrange(2**31), on_skip=warn_skip)
    while (item := session.next_item()) is not None:
        show_item(item, session.number, session.total, study.bank)
        answer = _ask(session, item, read_line)
        rating = _self_rating(answer) if answer is not None and answer.needs_rating else None
        if answer is None or (answer.needs_rating and rating is None):
            break  # end of input
        try:
            outcome = session.record(answer, rating)
        except StoreError as exc:
            return fail(exc)
        _show_outcome(study, item, answer, outcome)
    say("\n" + summary_text(session.summary()) + " 記録しました。")
    return 0


def _save_settings(study: Study, args: argparse.Namespace) -> None:
    """Options that change the learner's saved settings (ValueError for values out of range)."""
    if args.desired_retention is not None:
        study.set_desired_retention(args.desired_retention)
    if args.new_per_day is not None:
        study.set_new_per_day(args.new_per_day)
    if args.framework is not None:
        study.set_framework(args.framework)


def _self_rating(answer: Answer) -> int | None:
    """Show the model answer and read the learner's own rating (None at end of input)."""
    say("模範解答:\n" + answer.verdict.expected_text)
    return ask_rating(read_line)


def _show_outcome(study: Study, item: Item, answer: Answer, outcome: Outcome) -> None:
    """The verdict (unless self-rated), the explanation, when the question comes back, and a leech warning."""
    if not answer.needs_rating:
        say(answer.verdict.message)
        if answer.verdict.status != "correct":
            say(f"正解: {answer.verdict.expected_text}")
    say(item.explanation_text)
    say(describe_due(outcome.due, study.clock()))
    if outcome.leech:
        say("⚠ この問題は何度も忘れています (リーチ)。ノートを読み直しましょう。")


def _ask(session: ReviewSession, item: Item, read: Reader) -> Answer | None:
    """Read lines until one can be graded ('?' = don't know); None at end of input.

    A self-graded description may take several lines, ended by an empty line (or the end of input).
    """
    if item.question.kind in MULTILINE_KINDS:
        say("解答 (複数行可。空行で終わり):")
        text = read_block(read)
        return None if text is None else session.grade(item, text)
    say("解答 (? = わからない):")
    while (line := read()) is not None:
        answer = session.grade(item, line)
        if not answer.retry:
            return answer
        say(answer.verdict.message)
    return None
