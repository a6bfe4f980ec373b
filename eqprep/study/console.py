"""Plain-terminal asking (stdin/stdout, scriptable) shared by `eqprep drill` and `eqprep exam`."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from eqprep.bank import Bank
from eqprep.bank.model import Question
from eqprep.quiz import Item, Verdict, grade, make_item
from eqprep.quiz.grade import expected_text
from eqprep.render.math import render_markdown
from eqprep.study import service
from eqprep.study.exam import unanswered
from eqprep.study.scheduling import RATING_NAMES
from eqprep.study.service import Study

LETTERS = "abcdefghij"
DONT_KNOW = "?"

Reader = Callable[[], str | None]


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """--content: use another content tree (your own questions, tests)."""
    parser.add_argument("--content", metavar="DIR", help="問題集のフォルダ (既定: 同梱コンテンツ)")


def open_study(args: argparse.Namespace) -> Study:
    """Load the bank and open the learner's store from parsed CLI arguments."""
    return service.open_study(args.content, args.data_dir)


def fail(error: object, code: int = 2) -> int:
    """Print a Japanese error line on stderr and return the exit code, so no command shows a traceback."""
    print(f"エラー: {error}", file=sys.stderr)
    return code


def prepare_item(question: Question, seed: int) -> Item | None:
    """make_item, or None with a Japanese warning when the content cannot produce this question."""
    try:
        return make_item(question, seed=seed)
    except ValueError as exc:
        print(f"警告: 問題 {question.id} を出題できないのでスキップします ({exc})。", file=sys.stderr, flush=True)
        return None


def read_line() -> str | None:
    """One line from stdin without its newline; None at end of input."""
    line = sys.stdin.readline()
    return None if line == "" else line.rstrip("\r\n")


def say(text: str = "") -> None:
    """Print and flush at once so piped sessions see output in order."""
    print(text, flush=True)


def show_item(item: Item, number: int, total: int, bank: Bank) -> None:
    """Print the prompt (math as Unicode), any code template and the lettered options."""
    question = item.question
    source = f" [{question.source}]" if question.source else ""
    say(f"\n── 問 {number}/{total}  {bank.area_of(question)} / {question.topic}{source}")
    say(item.prompt_text)
    if item.code:
        say(item.code)
    for index, choice in enumerate(item.choices):
        say(f"  {LETTERS[index]}. {render_markdown(choice)}")


@dataclass(frozen=True)
class Answered:
    """A gradable answer: the text typed, its verdict, the time taken, the self-rating if any."""

    text: str
    verdict: Verdict
    response_ms: int
    self_rating: int | None = None


def _ask_rating(read: Reader) -> int | None:
    """Ask Again/Hard/Good/Easy as 1-4 until valid; None at end of input."""
    say("自己評価: " + "  ".join(f"{k}={v}" for k, v in RATING_NAMES.items()))
    while True:
        line = read()
        if line is None:
            return None
        if line.strip() in ("1", "2", "3", "4"):
            return int(line.strip())
        say("1〜4 の数字で評価してください。")


def ask(item: Item, read: Reader, allow_skip: bool = False) -> Answered | None:
    """Read lines until one can be graded ('?' = don't know, blank = skip when allowed); None at EOF."""
    say("解答 (? = わからない)" + (" / 空行 = 飛ばす" if allow_skip else "") + ":")
    start = time.monotonic()
    while True:
        line = read()
        if line is None:
            return None
        if allow_skip and not line.strip():
            verdict = unanswered(item)
        elif line.strip() == DONT_KNOW:
            verdict = Verdict("wrong", "わからない: 解説で確認しましょう。", expected_text(item))
        else:
            verdict = grade(item, line)
        if verdict.status != "invalid":
            break
        say(verdict.message)
    elapsed = int((time.monotonic() - start) * 1000)
    if verdict.status != "self":
        return Answered(line, verdict, elapsed)
    say("模範解答:\n" + verdict.expected_text)
    rating = _ask_rating(read)
    return None if rating is None else Answered(line, verdict, elapsed, rating)


def describe_due(due: datetime | None, now: datetime) -> str:
    """'次回: 10 分後' style text for the next review."""
    if due is None:
        return "スケジュールは変更しません (判定できませんでした)。"
    wait = due - now
    if wait < timedelta(hours=1):
        return f"次回: {max(int(wait.total_seconds() // 60), 1)} 分後"
    if wait < timedelta(days=1):
        return f"次回: {int(wait.total_seconds() // 3600)} 時間後"
    return f"次回: {wait.days} 日後 ({due.astimezone().date().isoformat()})"
