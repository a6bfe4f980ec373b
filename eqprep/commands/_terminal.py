"""Plain-terminal input and output (stdin/stdout, scriptable) shared by the CLI subcommands; no study policy here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from eqprep.bank import Bank
from eqprep.bank.model import Question
from eqprep.quiz import Item
from eqprep.render.math import render_markdown
from eqprep.study import service
from eqprep.study.present import skip_text
from eqprep.study.scheduling import RATING_NAMES
from eqprep.study.service import Study

Reader = Callable[[], str | None]


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """--content: use another content tree (your own questions, tests)."""
    parser.add_argument("--content", metavar="DIR", help="問題集のフォルダ (既定: 同梱コンテンツ)")


def open_study(args: argparse.Namespace) -> Study:
    """Load the bank and open the learner's store from parsed CLI arguments (bad stored settings: a warning each)."""
    study = service.open_study(args.content, args.data_dir)
    for problem in study.setting_problems:
        print(f"注意: {problem}", file=sys.stderr)
    return study


def fail(error: object, code: int = 2) -> int:
    """Print a Japanese error line on stderr and return the exit code, so no command shows a traceback."""
    print(f"エラー: {error}", file=sys.stderr)
    return code


def warn_skip(question: Question, error: str) -> None:
    """Tell the learner (on stderr) that a question cannot be asked."""
    print(skip_text(question.id, error), file=sys.stderr, flush=True)


def read_line() -> str | None:
    """One line from stdin without its newline; None at end of input."""
    line = sys.stdin.readline()
    return None if line == "" else line.rstrip("\r\n")


def read_block(read: Reader) -> str | None:
    """Several lines, ended by an empty line or end of input; None if input ended before any line."""
    lines: list[str] = []
    while (line := read()) is not None and line.strip():
        lines.append(line)
    if line is None and not lines:
        return None
    return "\n".join(lines)


def say(text: str = "") -> None:
    """Print and flush at once so piped sessions see output in order."""
    print(text, flush=True)


def show_item(item: Item, number: int, total: int, bank: Bank, material: bool = True) -> None:
    """Print the 大問's passage and code (unless `material` is False), the prompt (math as Unicode), the options."""
    question = item.question
    source = f" [{question.source}]" if question.source else ""
    say(f"\n── 問 {number}/{total}  {bank.area_of(question)} / {question.topic}{source}")
    if question.group and material:
        say(f"【大問】{question.group.title}" if question.group.title else "【大問】")
        if item.passage:
            say(render_markdown(item.passage))
        if item.code:
            say(item.code)
    say(item.prompt_text)
    if item.code and not question.group:
        say(item.code)
    for index, choice in enumerate(item.choices):
        say(f"  {index + 1}. {render_markdown(choice)}")


def ask_rating(read: Reader) -> int | None:
    """Ask Again/Hard/Good/Easy as 1-4 until valid; None at end of input."""
    say("自己評価: " + "  ".join(f"{k}={v}" for k, v in RATING_NAMES.items()))
    while True:
        line = read()
        if line is None:
            return None
        if line.strip() in ("1", "2", "3", "4"):
            return int(line.strip())
        say("1〜4 の数字で評価してください。")
