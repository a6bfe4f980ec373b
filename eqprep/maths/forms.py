"""Form requirements for an answer that is already equivalent, with their usual textbook meanings.

* factored: a product of factors, each irreducible over ℚ with its integer content taken out
  (`2(x-3)·x`, `(x-2)²(3-x)`); an irreducible polynomial such as x²+1 or x²−2 counts as factored.
* expanded: no product of sums and no positive integer power of a sum anywhere.
* single_fraction: one fraction p/q at the top (p and q contain no further division), or no division.
* lowest_terms: a single fraction whose numerator and denominator have no common factor (6/8, 2x/(4y) are not).
* simplified: not much longer than the model answer; in_terms:f: every variable occurs inside f(...).

factored and lowest_terms need polynomial factoring, so they run in the SymPy worker with its hard time limit.
"""

from __future__ import annotations

from typing import Any

from eqprep.maths.display import to_text
from eqprep.maths.tree import Node, children

FORMS = ("factored", "expanded", "simplified", "in_terms", "single_fraction", "lowest_terms")
SYMBOLIC_FORMS = ("factored", "lowest_terms")


def size(node: Node) -> int:
    """Number of nodes in the tree."""
    return 1 + sum(size(child) for child in children(node))


def _is_sum(node: Node) -> bool:
    """Whether a node is a sum or difference (possibly negated)."""
    return node[0] in ("add", "sub") or (node[0] == "neg" and _is_sum(node[1]))


def factors(node: Node) -> list[Node]:
    """The factors of a product, quotient, power or negation (the bases of integer powers), iteratively."""
    out, stack = [], [node]
    while stack:
        item = stack.pop()
        if item[0] in ("mul", "div"):
            stack.extend((item[2], item[1]))
        elif item[0] == "neg" or (item[0] == "pow" and item[2][0] == "num" and item[2][1].isdigit()):
            stack.append(item[1])
        else:
            out.append(item)
    return out


def _has_division(node: Node) -> bool:
    """Whether a tree divides anywhere (a negative power counts)."""
    if node[0] == "div" or (node[0] == "pow" and node[2][0] == "neg"):
        return True
    return any(_has_division(child) for child in children(node))


def fraction_parts(node: Node) -> tuple[Node, Node] | None:
    """(numerator, denominator) of a single fraction, (node, 1) without division, or None otherwise."""
    while node[0] == "neg":
        node = node[1]
    if node[0] == "div" and not _has_division(node[1]) and not _has_division(node[2]):
        return node[1], node[2]
    if not _has_division(node):
        return node, ("num", "1")
    return None


def factored_problem(sp: Any, build: Any, given: Node) -> str | None:
    """Why `given` is not factored over ℚ (Japanese), or None; SymPy `sp` and a tree→SymPy `build` are passed in."""
    for factor in factors(given):
        expr = build(factor)
        if expr.is_number:
            continue
        try:
            coefficient, parts = sp.factor_list(expr)
        except (sp.PolynomialError, NotImplementedError, ValueError):
            continue
        count = sum(multiplicity for part, multiplicity in parts if not part.is_number)
        shown = to_text(factor)
        if count > 1:
            return f"値は正しいですが、{shown} はさらに因数分解できます ({sp.factor(expr)})。"
        if factor[0] in ("add", "sub") and abs(coefficient) != 1:
            return f"値は正しいですが、{shown} から {abs(coefficient)} をくくり出せます。"
    return None


def lowest_terms_problem(sp: Any, build: Any, given: Node) -> str | None:
    """Why `given` is not a fraction in lowest terms (Japanese), or None."""
    parts = fraction_parts(given)
    if parts is None:
        return "値は正しいですが、1 つの分数 (分子/分母) の形で答えてください。"
    numerator, denominator = (build(part) for part in parts)
    common = sp.gcd(numerator, denominator)
    if not (common.is_number and abs(common) == 1):
        return f"値は正しいですが、分子と分母に共通の因数 {common} があります (約分してください)。"
    return None


def is_expanded(node: Node) -> bool:
    """No product of a sum and no positive integer power of a sum anywhere."""
    kind = node[0]
    if kind == "mul" and (_is_sum(node[1]) or _is_sum(node[2])):
        return False
    if kind == "div" and _is_sum(node[1]) and not _is_sum(node[2]):
        return False
    if kind == "pow" and _is_sum(node[1]) and node[2][0] == "num":
        return False
    return all(is_expanded(child) for child in children(node))


def in_terms_of(node: Node, functions: set[str]) -> bool:
    """Every variable occurs inside a call of one of `functions`, and at least one such call is used."""
    used = False

    def walk(item: Node) -> bool:
        """True if every variable below is inside an allowed call."""
        nonlocal used
        if item[0] == "call" and item[1] in functions:
            used = True
            return True
        if item[0] == "var":
            return False
        return all(walk(child) for child in children(item))

    return walk(node) and used


def check_form(form: str, given: Node, expected: Node) -> str | None:
    """None if `given` has the form, else a Japanese explanation."""
    name, _, argument = form.partition(":")
    name = name.strip()
    if name == "single_fraction" and fraction_parts(given) is None:
        return "値は正しいですが、1 つの分数 (分子/分母) の形で答えてください。"
    if name == "expanded" and not is_expanded(given):
        return "値は正しいですが、展開した形 (括弧のない和の形) で答えてください。"
    if name == "simplified" and size(given) > size(expected) * 3 // 2 + 2:
        return "値は正しいですが、もっと簡単な形にできます。"
    if name == "in_terms":
        wanted = {part.strip() for part in argument.split(",") if part.strip()}
        if not in_terms_of(given, wanted):
            return f"値は正しいですが、{', '.join(sorted(wanted))} を使った形で答えてください (変数は関数の中だけに)。"
    return None


def valid_form(form: str) -> bool:
    """Whether a content `form` string is one this module understands."""
    name, _, argument = form.partition(":")
    if name.strip() == "in_terms":
        return bool(argument.strip())
    return name.strip() in FORMS
