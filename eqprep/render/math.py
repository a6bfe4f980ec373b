"""LaTeX math to readable Unicode for terminals (flatlatex plus the macros ML notes use)."""

from __future__ import annotations

import re
import string
import unicodedata
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
# The body may not contain another \begin, so each match attempt stops at the next one (linear time);
# nested environments are flattened inside-out by applying it again (_flatten_environments).
_ENV_RE = re.compile(
    r"\\begin\{([pbvBV]?matrix|cases|array|aligned|align\*?)\}(?:\{[^}]*\})?((?:(?!\\begin\{).)*?)\\end\{\1\}", re.S
)
_ENV_PASSES = 4
MAX_RENDER_CHARS = 200_000  # longer text is cut before rendering (content files are capped at 4 MB)
MAX_MATH_CHARS = 2_000  # longer fragments are shown as written (the longest in the content is ~220)
_TOP_RE = re.compile(r"\^\s*(?:\{\\top\}|\\top|\{T\}|T(?![A-Za-z]))")
_PRIME_RE = re.compile(r"(?<!\\)'|\^\s*\{\\prime\}|\^\s*\\prime")
_FUNCS = "log|ln|exp|max|min|argmax|argmin|tanh|sinh|cosh|sin|cos|det|lim|sup|inf"
_FUNC_SPACE_RE = re.compile(rf"\b({_FUNCS}) (?=[(\[⁽₍′]|$)")
_GLUED_FUNC_RE = re.compile(rf"(?<=[A-Za-z0-9}}])\\({_FUNCS})(?![A-Za-z])")  # `t\log σ` must not read `tlog σ`
# Binary operators and relations: written with a space on both sides when the source had one on either side.
_BINARY = "×⊙⊗⊕≈=≠≤≥<>→←⇒⇔∈∉⊂⊆∝≡≃∼±∓·⋅÷+"
_HALF_SPACED_RE = re.compile(
    rf"(?<=[^\s{_BINARY}(,]) ([{_BINARY}])(?=[^\s{_BINARY}])|(?<=[^\s{_BINARY}(,])([{_BINARY}]) (?=\S)"
)
SUBSCRIPTS = dict(zip("0123456789+-−=()aehijklmnoprstuvxβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True))
_FUNC_GROUP_RE = re.compile(rf"\(({_FUNCS}|[∑∏][^()\s]*) ?\)")  # flatlatex wraps `\max_u` as `(max)ᵤ`


@cache
def _converter() -> flatlatex.converter:
    """The flatlatex converter with the extra macros registered (built once, on first use)."""
    import flatlatex

    conv = flatlatex.converter(keep_spaces=True)
    conv._converter__indexed = _indexed  # flatlatex's own writes `λ[n]` for any letter outside its small table
    for macro, text in _SIMPLE.items():
        conv.add_newcommand(rf"\newcommand{macro}{{{text}}}")
    for name in _ONE_ARG:
        conv.add_newcommand(rf"\newcommand\{name}[1]{{#1}}")
    conv.add_newcommand(r"\newcommand\dfrac[2]{\frac{#1}{#2}}")
    conv.add_newcommand(r"\newcommand\tfrac[2]{\frac{#1}{#2}}")
    return conv


def subscript(text: str) -> str | None:
    """Unicode subscript of `text` when every character has one (`t-1` → `ₜ₋₁`), else None."""
    if not text or any(ch not in SUBSCRIPTS for ch in text):
        return None
    return "".join(SUBSCRIPTS[ch] for ch in text)


def _indexed(base: str, index: str) -> str:
    """`x_{…}`: Unicode subscripts where they exist, else a readable `D_KL` / `a_(t+k)` (never `λ[n]`)."""
    if sum(1 for ch in base if not unicodedata.combining(ch)) > 1:
        base = f"({base})"
    small = subscript(index)
    if small is not None:
        return base + small
    return f"{base}_{index}" if index.isalnum() else f"{base}_({index})"


def space_operators(text: str) -> str:
    """`m ×n` → `m × n`: an operator spaced on one side gets the space on the other side too."""
    return _HALF_SPACED_RE.sub(lambda m: f" {m.group(1)} " if m.group(1) else f" {m.group(2)} ", text)


NBSP = "\u00a0"  # inside inline maths, so a formula is never split across lines
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


def _flatten_environments(text: str) -> str:
    """Replace matrix/cases/align environments, innermost first, in a few linear passes."""
    for _ in range(_ENV_PASSES):
        if "\\begin{" not in text:
            break
        text, count = _ENV_RE.subn(_environment, text)
        if not count:
            break
    return text


@lru_cache(maxsize=4096)
def render_math(latex: str) -> str:
    """Convert one LaTeX math fragment to Unicode; unknown macros stay visible as `\\name`."""
    if len(latex) > MAX_MATH_CHARS:  # flatlatex is superlinear; `check` reports the unrendered macros
        return latex
    text = _flatten_environments(latex.strip())
    text = _TOP_RE.sub("ᵀ", text)
    text = _PRIME_RE.sub("′", text)
    text = _GLUED_FUNC_RE.sub(r" \\\1", text)
    text = text.replace(r"\{", _LBRACE).replace(r"\}", _RBRACE).replace(r"\%", "%").replace(r"\_", "_")
    try:
        out = _converter().convert(text)
    except Exception:  # flatlatex raises bare exceptions on unbalanced input
        return latex
    out = out.replace(_LBRACE, "{").replace(_RBRACE, "}")
    out = _FUNC_SPACE_RE.sub(r"\1", _FUNC_GROUP_RE.sub(r"\1", out))
    return space_operators(re.sub(r"[ \t]{2,}", " ", out).strip())


def leftover_macros(latex: str) -> list[str]:
    """Macros that would still show as raw LaTeX after rendering (used by `eqprep check`)."""
    return re.findall(r"\\[A-Za-z]+|\\.", render_math(latex))


# The Markdown math delimiters, for every place that reads content math (renderer, search text, Anki export):
# `$$...$$` display math and `$...$` inline math; an escaped `\$` is a dollar sign, not a delimiter.
DISPLAY_RE = re.compile(r"\$\$(.+?)\$\$", re.S)
_JOIN_RE = re.compile(r"(?<=[\u3001\u3002\u3040-\u30ff\u4e00-\u9fff）」])\n"
                      r"(?=[\u3040-\u30ff\u4e00-\u9fff「（]|(?:\[|\*\*)[\u3040-\u30ff\u4e00-\u9fff「])")
INLINE_RE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)", re.S)


def math_spans(markdown: str) -> list[str]:
    """Every math fragment of a Markdown text, display first then inline."""
    display = DISPLAY_RE.findall(markdown)
    rest = DISPLAY_RE.sub(" ", markdown)
    return display + INLINE_RE.findall(rest)


_CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uff00-\uffef"
# Bold with a space between it and Japanese text on either side (`**誤っているもの** を選べ`): writers add the space
# because Markdown ignores `**` between punctuation and a letter, but on screen it reads as a stray gap.
_SPACED_BOLD_RE = re.compile(rf"(?P<pre>(?<=[{_CJK}]) )?\*\*(?P<inner>[^*\s](?:[^*\n]*?[^*\s])?)\*\*(?P<post> (?=[{_CJK}]))?")


_SPACED_LINK_RE = re.compile(rf"(?P<pre>(?<=[{_CJK}]) )?\[(?P<label>[^\]\n]+)\]\((?P<target>[^)\s]+)\)(?P<post> (?=[{_CJK}]))?")


def _punctuation(char: str) -> bool:
    """Markdown's punctuation (ASCII punctuation or a Unicode P* character), which decides where `**` counts."""
    return char in string.punctuation or unicodedata.category(char).startswith("P")


def tighten_japanese(text: str, always: bool = False) -> str:
    """Drop the space between Japanese bold text or a link with a Japanese label and the Japanese around it, where
    the bold still parses without it (`always`: also next to 「」 and the like, for text whose markup is removed
    anyway). The space between Latin and Japanese (`**ReLU** と`) is kept, as the content writes it everywhere."""
    japanese = re.compile(f"[{_CJK}]")

    def joins(char: str) -> bool:
        return bool(japanese.match(char)) and (always or not _punctuation(char))

    def tighten(match: re.Match[str]) -> str:
        inner, before, after = match.group("inner"), "", ""
        if not always:  # `**「A」**` needs its spaces to parse; `「**A**」` looks the same and does not
            while len(inner) > 1 and japanese.match(inner[0]) and _punctuation(inner[0]):
                before, inner = before + inner[0], inner[1:]
            while len(inner) > 1 and japanese.match(inner[-1]) and _punctuation(inner[-1]):
                after, inner = inner[-1] + after, inner[:-1]
        pre = "" if joins((before or inner)[0]) or before else (match.group("pre") or "")
        post = "" if joins((after or inner)[-1]) or after else (match.group("post") or "")
        return f"{pre}{before}**{inner}**{after}{post}"

    def tighten_link(match: re.Match[str]) -> str:
        label = match.group("label")
        pre = "" if japanese.match(label[0]) else (match.group("pre") or "")
        post = "" if japanese.match(label[-1]) else (match.group("post") or "")
        return f"{pre}[{label}]({match.group('target')}){post}"

    return _SPACED_LINK_RE.sub(tighten_link, _SPACED_BOLD_RE.sub(tighten, text))


def render_markdown(markdown: str) -> str:
    """Replace `$$..$$` with an indented display line and `$..$` with inline Unicode math (no-break spaces, input capped)."""
    if len(markdown) > MAX_RENDER_CHARS:
        markdown = markdown[:MAX_RENDER_CHARS] + " …(長すぎるため省略)"

    def display(match: re.Match[str]) -> str:
        flat = _flatten_environments(match.group(1))
        lines = [render_math(part) for part in re.split(r"\\\\", flat) if part.strip()]
        return "\n\n" + "\n".join(f"    {line}" for line in lines) + "\n\n"

    text = tighten_japanese(_JOIN_RE.sub("", markdown))  # a line break inside Japanese prose is not a space
    text = DISPLAY_RE.sub(display, text)
    text = INLINE_RE.sub(lambda m: render_math(m.group(1)).replace(" ", NBSP), text)
    return text.replace(r"\$", "$")
