"""Does a drill accept the answer a learner gets by rounding as the prompt says (or to 3 significant figures)?"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal

from eqprep.bank.model import ParametricQuestion, within
from eqprep.bank.params import Instance, format_value

DEFAULT_SIGNIFICANT = 3
_DECIMALS_RE = re.compile(r"小数第\s*(\d)\s*位まで")
_ROUND_AT_RE = re.compile(r"小数第\s*(\d)\s*位を四捨五入")
_SIGNIFICANT_RE = re.compile(r"有効数字\s*(\d)\s*桁")


def instruction(prompt: str) -> tuple[str, int]:
    """('decimals', n) or ('significant', n): how the prompt asks the learner to round."""
    if match := _DECIMALS_RE.search(prompt):
        return "decimals", int(match.group(1))
    if match := _ROUND_AT_RE.search(prompt):
        return "decimals", int(match.group(1)) - 1
    if match := _SIGNIFICANT_RE.search(prompt):
        return "significant", int(match.group(1))
    return "significant", DEFAULT_SIGNIFICANT


def rounded(value: float, how: str, digits: int) -> float:
    """The value rounded half-up (as taught at school, not Python's half-even) to decimals or significant figures."""
    if value == 0 or not math.isfinite(value):
        return value
    places = digits if how == "decimals" else digits - 1 - math.floor(math.log10(abs(value)))
    exact = Decimal(repr(value))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def check_rounding(q: ParametricQuestion, instances: Sequence[Instance]) -> Iterator[str]:
    """Report the first variant whose correctly rounded answer would be graded wrong, with the failure share."""
    how, digits = instruction(q.prompt)
    failures: list[str] = []
    for instance in instances:
        seed = instance.seed
        for index, value in enumerate(instance.answers):
            if float(value).is_integer():
                continue
            given = rounded(value, how, digits)
            if not within(value, given, q.tolerance, q.rel_tolerance):
                if not failures:
                    label = q.labels[index] if index < len(q.labels) else f"{index + 1} 番目"
                    failures.append(f"seed {seed}: {label} の正解 {value:.6g} を"
                                    f"{'小数第 ' + str(digits) + ' 位' if how == 'decimals' else '有効数字 ' + str(digits) + ' 桁'}"
                                    f"に丸めた {format_value(given)} が不正解になります")
                else:
                    failures.append("")
                break
    if failures:
        share = len(failures) / len(instances)
        yield (f"{failures[0]} ({len(instances)} 個のシード中 {share:.0%})。tolerance を丸めの半単位以上にするか、"
               "問題文で丸め方を指定してください")
