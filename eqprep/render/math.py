"""LaTeX math to readable Unicode for terminals (flatlatex plus the macros ML notes use)."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import flatlatex

_SIMPLE = {
    r"\log": "log ", r"\ln": "ln ", r"\exp": "exp ", r"\max": "max ", r"\min": "min ", r"\arg": "arg ",
    r"\argmax": "argmax ", r"\argmin": "argmin ", r"\tanh": "tanh ", r"\sinh": "sinh ", r"\cosh": "cosh ",
    r"\sin": "sin ", r"\cos": "cos ", r"\det": "det ", r"\lim": "lim ", r"\sup": "sup ", r"\inf": "inf ",
    r"\lfloor": "⌊", r"\rfloor": "⌋", r"\lceil": "⌈", r"\rceil": "⌉", r"\left": "", r"\right": "",
    r"\bigl": "", r"\bigr": "", r"\Bigl": "", r"\Bigr": "", r"\big": "", r"\Big": "", r"\displaystyle": "",
    r"\ldots": "…", r"\dots": "…", r"\cdots": "⋯", r"\vdots": "⋮", r"\to": "→", r"\le": "≤", r"\ge": "≥",
    r"\ne": "≠", r"\lVert": "‖", r"\rVert": "‖", r"\lvert": "|", r"\rvert": "|", r"\mid": " | ",
    r"\top": "ᵀ", r"\prime": "′", r"\colon": ":", r"\land": "∧", r"\lor": "∨", r"\neg": "¬",
    r"\iff": "⇔", r"\implies": "⇒", r"\mapsto": "↦", r"\gets": "←", r"\triangleq": "≜", r"\coloneqq": "≔",
    r"\Pr": "Pr", r"\KL": "KL", r"\var": "Var", r"\cov": "Cov", r"\E": "𝔼",
}
_ONE_ARG = ("mathrm", "text", "textrm", "textbf", "operatorname", "boldsymbol", "bm", "mbox", "textit", "mathit")
_ENV_RE = re.compile(r"\\begin\{([pbvBV]?matrix|cases|array|aligned|align\*?)\}(?:\{[^}]*\})?(.*?)\\end\{\1\}", re.S)
_TOP_RE = re.compile(r"\^\s*(?:\{\\top\}|\\top|\{T\}|T(?![A-Za-z]))")
_PRIME_RE = re.compile(r"(?<!\\)'")
_FUNCS = "log|ln|exp|max|min|argmax|argmin|tanh|sinh|cosh|sin|cos|det|lim|sup|inf"
_FUNC_SPACE_RE = re.compile(rf"\b({_FUNCS}) (?=[(\[⁽₍]|$)")
_FUNC_GROUP_RE = re.compile(rf"\(({_FUNCS}|[∑∏][^()\s]*) ?\)")  # flatlatex wraps `\max_u` as `(max)ᵤ`


@cache
def _converter() -> flatlatex.converter:
    """The flatlatex converter with the extra macros registered (built once, on first use)."""
    import flatlatex

    conv = flatlatex.converter(keep_spaces=True)
    for macro, text in _SIMPLE.items():
        conv.add_newcommand(rf"\newcommand{macro}{{{text}}}")
    for name in _ONE_ARG:
        conv.add_newcommand(rf"\newcommand\{name}[1]{{#1}}")
    conv.add_newcommand(r"\newcommand\dfrac[2]{\frac{#1}{#2}}")
    conv.add_newcommand(r"\newcommand\tfrac[2]{\frac{#1}{#2}}")
    return conv


_LBRACE, _RBRACE = "\ue000", "\ue001"  # literal braces hidden from flatlatex's grouping


def _environment(match: re.Match[str]) -> str:
    """Flatten matrices and cases into one line: rows with ';', cells with ','."""
    kind, body = match.group(1), match.group(2)
    rows = [r.strip() for r in re.split(r"\\\\", body) if r.strip()]
    cells = [", ".join(c.strip() for c in row.split("&")) for row in rows]
    if kind == "cases":
        return f"{_LBRACE} " + "; ".join(cells) + f" {_RBRACE}"
    if kind.startswith("align") or kind == "aligned":
        return ";  ".join(cells)
    return "[" + "; ".join(cells) + "]"


@lru_cache(maxsize=4096)
def render_math(latex: str) -> str:
    """Convert one LaTeX math fragment to Unicode; unknown macros stay visible as `\\name`."""
    text = _ENV_RE.sub(_environment, latex.strip())
    text = _TOP_RE.sub("ᵀ", text)
    text = _PRIME_RE.sub("′", text)
    text = text.replace(r"\{", _LBRACE).replace(r"\}", _RBRACE).replace(r"\%", "%").replace(r"\_", "_")
    try:
        out = _converter().convert(text)
    except Exception:  # flatlatex raises bare exceptions on unbalanced input
        return latex
    out = out.replace(_LBRACE, "{").replace(_RBRACE, "}")
    out = _FUNC_SPACE_RE.sub(r"\1", _FUNC_GROUP_RE.sub(r"\1", out))
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def leftover_macros(latex: str) -> list[str]:
    """Macros that would still show as raw LaTeX after rendering (used by `eqprep check`)."""
    return re.findall(r"\\[A-Za-z]+|\\.", render_math(latex))


_DISPLAY_RE = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_RE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)", re.S)


def math_spans(markdown: str) -> list[str]:
    """Every math fragment of a Markdown text, display first then inline."""
    display = _DISPLAY_RE.findall(markdown)
    rest = _DISPLAY_RE.sub(" ", markdown)
    return display + _INLINE_RE.findall(rest)


def render_markdown(markdown: str) -> str:
    """Replace `$$..$$` with an indented display line and `$..$` with inline Unicode math."""

    def display(match: re.Match[str]) -> str:
        flat = _ENV_RE.sub(_environment, match.group(1))
        lines = [render_math(part) for part in re.split(r"\\\\", flat) if part.strip()]
        return "\n\n" + "\n".join(f"    {line}" for line in lines) + "\n\n"

    text = _DISPLAY_RE.sub(display, markdown)
    text = _INLINE_RE.sub(lambda m: render_math(m.group(1)), text)
    return text.replace(r"\$", "$")
