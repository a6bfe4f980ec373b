"""Form requirements for an answer that is already equivalent ("factored", "expanded", "in_terms:f", ...)."""

from __future__ import annotations

from eqprep.maths.tree import Node, children

FORMS = ("factored", "expanded", "simplified", "in_terms")


def size(node: Node) -> int:
    """Number of nodes in the tree."""
    return 1 + sum(size(child) for child in children(node))


def _is_sum(node: Node) -> bool:
    """Whether a node is a sum or difference (possibly negated)."""
    return node[0] in ("add", "sub") or (node[0] == "neg" and _is_sum(node[1]))


def is_factored(node: Node) -> bool:
    """A product/power/single factor at the top (a leading minus is allowed), not a sum."""
    while node[0] == "neg":
        node = node[1]
    return node[0] not in ("add", "sub")


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
    if name == "factored" and not is_factored(given):
        return "値は正しいですが、因数分解した形 (積の形) で答えてください。"
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
