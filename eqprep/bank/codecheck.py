"""Build the program for a code_choice option and judge the sandbox's Result (the code never runs here)."""

from __future__ import annotations

import re

from eqprep.bank.sandbox import Limits, Result

CODE_LIMITS = Limits(cpu_seconds=2.0, wall_seconds=15.0, memory_bytes=1024 * 1024 * 1024)
# numpy.random and numpy.ma load lazily; imported once per server so that no forked job pays for them again
PRELUDE = "import numpy.random, numpy.ma\nnp.seterr(all='ignore')"
STATE = "(np.geterr(), np.get_printoptions())"  # settings an option could change for the next one in its batch
BATCH = 16  # options run one after another in one forked child (each still isolated, see bank/sandbox_child.py)


def fill_blank(template: str, option: str) -> str:
    """Put the option where `{blank}` is, indenting extra lines like the blank's line."""
    match = re.search(r"^([ \t]*).*\{blank\}", template, re.M)
    indent = match.group(1) if match else ""
    body = option.replace("\n", "\n" + indent)
    return template.replace("{blank}", body)


def option_program(setup: str, template: str, option: str, check: str) -> str:
    """setup + the filled-in template + check, run with NumPy as `np`."""
    return "\n".join((setup, fill_blank(template, option), check))


def failure(result: Result) -> str:
    """Why an option did not pass, in one Japanese line ("" when it passed)."""
    if result.ok:
        return ""
    if result.status == "error" and result.error_type == "AssertionError":
        return f"assert が成り立ちません {result.message}".strip()
    if result.status == "error":
        return f"{result.error_type}: {result.message}"
    if result.status == "denied":
        return f"サンドボックスで禁止された操作をしました ({result.message})"
    return result.message


def option_messages(answer: str, option: str, result: Result, runner: str = "") -> list[str]:
    """What is wrong with one option's run (`runner` e.g. "torch で "): the key must pass its check, every other
    option must fail it without doing what the sandbox denies."""
    if option == answer:
        return [] if result.ok else [f"正解の選択肢が {runner}check を通りません: {failure(result)}"]
    messages = []
    if result.ok:
        messages.append(f"誤答の選択肢 '{option}' も {runner}check を通ってしまいます (check を強くしてください)")
    if result.status == "denied":
        messages.append(f"誤答の選択肢 '{option}' がサンドボックスで禁止された操作をしました ({result.message})")
    return messages
