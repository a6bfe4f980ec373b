"""Readable Unicode rendering of formula trees, showing how the input was read (e.g. `2·(x + y)`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from eqprep.maths.names import GREEK
from eqprep.maths.tree import Node
from eqprep.render.math import subscript

_SUPERSCRIPT = str.maketrans(
    "0123456789-+()abcdefghijklmnoprstuvwxyz",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
)
_SUPERSCRIPTABLE = set("0123456789-abcdefghijklmnoprstuvwxyz")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_NAME_PARTS = re.compile(r"^([A-Za-z]+?)_?(\d*)$")
_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
# Textbook layout of calls by name; `{0}`, `{1}`, ... are the rendered arguments.
_CALL_LAYOUT = {
    "sum": "Σ_{{{1}={2}}}^{{{3}}} ({0})",
    "limit": "lim_{{{1}→{2}}} ({0})",
    "mean": "E[{0}]",
    "var": "Var[{0}]",
    "abs": "|{0}|",
}


def pretty_name(name: str) -> str:
    """`beta1` → `β₁`, `x2` → `x₂`, `pi` → `π`."""
    match = _NAME_PARTS.match(name)
    if not match:
        return name
    stem, digits = match.groups()
    return GREEK.get(stem, stem) + digits.translate(_SUBSCRIPT)


def point_text(point: Mapping[str, float]) -> str:
    """A point as `x = 0.78, y = 1.55` for messages (empty for no variables)."""
    return ", ".join(f"{pretty_name(name)} = {value:.6g}" for name, value in point.items())


def _prec(node: Node) -> int:
    """Binding strength of a node (5 = atom or call; 5.1·10⁻² binds like a product)."""
    if node[0] == "num" and "e" in node[1].lower():
        return 2
    return _PREC.get(node[0], 5)


def _number(text: str) -> str:
    """A literal; scientific notation is shown as 5.1·10⁻² (1e-12 → 10⁻¹²) so it cannot be misread as e."""
    if "e" not in text.lower():
        return text
    mantissa, exponent = text.lower().split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
    return power if mantissa in ("1", "1.", "1.0") else f"{mantissa}·{power}"


def to_text(node: Node) -> str:
    """Render a tree; parentheses only where precedence needs them."""
    kind = node[0]
    if kind == "num":
        return _number(node[1])
    if kind in ("var", "const"):
        return pretty_name(node[1])
    if kind == "neg":
        inner = node[1]
        return "−" + _wrap(inner, _prec(inner) <= 2 and inner[0] != "mul" or inner[0] == "neg")
    if kind == "call":
        return _call(node)
    a, b = node[1], node[2]
    if kind == "add":
        return f"{to_text(a)} + {_wrap(b, b[0] == 'neg')}"
    if kind == "sub":
        return f"{to_text(a)} − {_wrap(b, _prec(b) <= 1 or b[0] == 'neg')}"
    if kind == "mul":
        return f"{_wrap(a, _prec(a) < 2 or a[0] == 'div')}·{_wrap(b, _prec(b) <= 1 or b[0] == 'neg')}"
    if kind == "div":
        return f"{_wrap(a, _prec(a) < 2)}/{_wrap(b, _prec(b) <= 3)}"
    if kind == "pow":
        return _wrap(a, _prec(a) <= 4) + _exponent(b)
    raise ValueError(f"unknown node {kind}")


def _wrap(node: Node, needed: bool) -> str:
    """Render, in parentheses when `needed`."""
    text = to_text(node)
    return f"({text})" if needed else text


def _exponent(node: Node) -> str:
    """Superscript for short exponents (x², e⁻ᵘ), otherwise ^(…)."""
    text = to_text(node)
    plain = text.replace("−", "-")
    if len(plain) <= 4 and set(plain) <= _SUPERSCRIPTABLE and node[0] in ("num", "var", "neg") and "." not in plain:
        return plain.translate(_SUPERSCRIPT)
    if _prec(node) == 5 and node[0] != "call":
        return "^" + text
    return f"^({text})"


def _call(node: Node) -> str:
    """Function calls, with the trusted operations written the way a textbook would."""
    name, args = node[1], node[2]
    shown = [to_text(arg) for arg in args]
    if name == "diff":
        order = "" if len(args) == 2 else shown[2].translate(_SUPERSCRIPT)
        return f"d{order}/d{shown[1]}{order} [{shown[0]}]"
    if name == "subs":
        pairs = ",".join(f"{a}={b}" for a, b in zip(shown[1::2], shown[2::2]))
        small = subscript(pairs.replace(" ", ""))
        return f"[{shown[0]}]{small}" if small else f"[{shown[0]}] ({pairs.replace(',', ', ')} のとき)"
    if name in _CALL_LAYOUT:
        return _CALL_LAYOUT[name].format(*shown)
    return f"{pretty_name(name) if len(name) <= 2 else name}({', '.join(shown)})"
