"""Tokenizer and recursive-descent parser for typed maths: no eval, bounded size, depth and powers."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from eqprep.maths.names import GREEK_BY_LETTER, RESERVED, SLIPS, Vocabulary
from eqprep.maths.numeric import constant_value, has_free
from eqprep.maths.tree import Node, children

MAX_LENGTH = 400
MAX_LENGTH_TRUSTED = 4000
MAX_DEPTH = 40
MAX_NODES = 600
MAX_NODES_TRUSTED = 6000
MAX_EXPONENT = 1000.0
MAX_MAGNITUDE = 1e100
MAX_NUMBER_DIGITS = 20
MAX_DECIMAL_EXPONENT = 100  # 1e-100 .. 1e100 in scientific notation

_CHAR_MAP = {"−": "-", "–": "-", "×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/", "（": "(", "）": ")", "＝": "="}
_TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),=]))")
_BRACKET_HINT = {"[": "(", "]": ")", "{": "(", "}": ")"}


class FormulaError(Exception):
    """Input that cannot be read; `message` is Japanese and names the position (1-based)."""

    def __init__(self, position: int, problem: str) -> None:
        self.position = position
        self.problem = problem
        super().__init__(f"{position + 1}文字目: {problem}")

    @property
    def message(self) -> str:
        """Japanese message for the learner."""
        return str(self)


@dataclass(frozen=True)
class Token:
    """One lexical token with its 0-based start position."""

    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int


def normalise(text: str) -> str:
    """Map Unicode operators and Greek letters to the ASCII spelling (positions stay aligned if 1:1)."""
    return "".join(_CHAR_MAP.get(ch, ch) for ch in text)


def tokenize(text: str) -> list[Token]:
    """Split into tokens; any character outside the language is an error at its position."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch in GREEK_BY_LETTER:
            token, pos = _greek(text, pos)
            tokens.append(token)
            continue
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            if ch.isspace():
                pos += 1
                continue
            raise FormulaError(pos, _bad_char(ch))
        start = match.start(match.lastgroup) if match.lastgroup else pos
        kind = match.lastgroup or "op"
        value = match.group(kind)
        if kind == "op" and value == "**":
            value = "^"
        if kind == "name":
            primes = len(text[match.end():match.end() + 3]) - len(text[match.end():match.end() + 3].lstrip("'"))
            if primes:
                value += "'" * primes  # f'(u), f''(u): the parser decides whether a derivative is allowed here
                tokens.append(Token(kind, value, start))
                pos = match.end() + primes
                continue
        if kind == "num":
            _check_number(value, start)
        tokens.append(Token(kind, value, start))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _greek(text: str, pos: int) -> tuple[Token, int]:
    """A Greek letter with its ASCII digits (σ2 → sigma2) as a name token, and where the next token starts."""
    end = pos + 1
    while end < len(text) and text[end].isdigit() and text[end].isascii():
        end += 1
    return Token("name", GREEK_BY_LETTER[text[pos]] + text[pos + 1:end], pos), end


def _check_number(value: str, start: int) -> None:
    """Refuse numbers with too many digits or a decimal exponent beyond the limit."""
    if len(value) > MAX_NUMBER_DIGITS:
        raise FormulaError(start, f"数が長すぎます ({MAX_NUMBER_DIGITS} 桁まで)。")
    if "e" in value.lower():
        exponent = value.lower().split("e")[1].lstrip("+-")
        if len(exponent) > 3 or int(exponent) > MAX_DECIMAL_EXPONENT:
            raise FormulaError(start, f"指数表記 {value[:12]} の指数が大きすぎます (10^±{MAX_DECIMAL_EXPONENT} まで)。")


def _bad_char(ch: str) -> str:
    """Explain a character the language does not use."""
    if ch in _BRACKET_HINT:
        return f"'{ch}' は使えません。括弧は '{_BRACKET_HINT[ch]}' を使ってください。"
    if ch == ".":
        return "'.' は小数点にだけ使えます (属性アクセスはできません)。"
    if ch in "'\"":
        return "引用符 (文字列) や ' (微分の記号) は使えません。"
    if ch in "⁰¹²³⁴⁵⁶⁷⁸⁹":
        return f"上付き文字 '{ch}' は使えません。累乗は ^ で書きます (例: x^2)。"
    if "\uff01" <= ch <= "\uff5e":
        return f"全角文字 '{ch}' は使えません。半角で入力してください。"
    if ch == "!":
        return "'!' (階乗) は使えません。"
    return f"使えない文字 '{ch}' があります。"


@dataclass
class Parsed:
    """A parsed line: one or more expressions joined by '=' (`continued` if it began with '=')."""

    parts: list[Node]
    continued: bool = False
    variables: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)


class _Parser:
    """Recursive descent over the token list; implicit multiplication binds like '*'."""

    def __init__(self, text: str, vocab: Vocabulary) -> None:
        self.text = text
        self.vocab = vocab
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0
        self.nodes = 0
        self.max_nodes = MAX_NODES_TRUSTED if vocab.trusted else MAX_NODES
        self.variables: set[str] = set()
        self.functions: set[str] = set()

    @property
    def tok(self) -> Token:
        """The current token."""
        return self.tokens[self.index]

    def advance(self) -> Token:
        """Consume and return the current token."""
        token = self.tokens[self.index]
        self.index += 1
        return token

    def node(self, *parts: object) -> Node:
        """Build a tree node, enforcing the node budget."""
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise FormulaError(self.tok.pos, "式が長すぎます。")
        return tuple(parts)

    def enter(self) -> None:
        """Count recursion so deep nesting is an error, not a crash."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(self.tok.pos, f"入れ子が深すぎます ({MAX_DEPTH} 段まで)。")

    def chain(self) -> Parsed:
        """line := ['='] expr ('=' expr)*"""
        continued = False
        if self.tok.text == "=" and self.tok.kind == "op":
            continued = True
            self.advance()
        parts = [self.expr()]
        while self.tok.kind == "op" and self.tok.text == "=":
            self.advance()
            parts.append(self.expr())
        if self.tok.kind != "end":
            raise FormulaError(self.tok.pos, self._unexpected())
        return Parsed(parts, continued, self.variables, self.functions)

    def _unexpected(self) -> str:
        """Message for a token that cannot continue the expression."""
        if self.tok.text == ")":
            return "対応する '(' のない ')' があります。"
        if self.tok.kind == "num":
            return f"数 {self.tok.text} の前に演算子がありません ('*' が必要ですか?)。"
        return f"'{self.tok.text}' はここに置けません。"

    def expr(self) -> Node:
        """expr := term (('+'|'-') term)*"""
        left = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.advance()
            right = self.term(after=op)
            left = self.node("add" if op.text == "+" else "sub", left, right)
        return left

    def term(self, after: Token | None = None) -> Node:
        """term := unary (('*'|'/'|implicit) unary)*"""
        left = self.unary(after)
        while True:
            tok = self.tok
            if tok.kind == "op" and tok.text in "*/":
                self.advance()
                right = self.unary(after=tok)
                left = self.node("mul" if tok.text == "*" else "div", left, right)
            elif tok.kind == "name" or (tok.kind == "op" and tok.text == "("):
                left = self.node("mul", left, self.unary())
            else:
                return left

    def unary(self, after: Token | None = None) -> Node:
        """unary := ('-'|'+') unary | power"""
        self.enter()
        try:
            tok = self.tok
            if tok.kind == "op" and tok.text in "+-":
                self.advance()
                operand = self.unary(after=tok)
                return operand if tok.text == "+" else self.node("neg", operand)
            return self.power(after)
        finally:
            self.depth -= 1

    def power(self, after: Token | None) -> Node:
        """power := primary ('^' unary)?  (right-associative, so 2^3^2 = 2^(3^2))"""
        base = self.primary(after)
        if self.tok.kind == "op" and self.tok.text == "^":
            op = self.advance()
            exponent = self.unary(after=op)
            node = self.node("pow", base, exponent)
            self._check_power(node, op.pos)
            return node
        return base

    def _check_power(self, node: Node, pos: int) -> None:
        """Reject constant exponents or constant results too large to handle safely."""
        exponent = constant_value(node[2])
        if exponent is None and not has_free(node[2]):
            raise FormulaError(pos, "指数の値が大きすぎるか、実数になりません。")
        if exponent is not None and abs(exponent) > MAX_EXPONENT:
            raise FormulaError(pos, f"指数が大きすぎます (絶対値 {MAX_EXPONENT:g} まで)。")
        if _mentions_huge(node[2]):
            raise FormulaError(pos, "指数の中の数が大きすぎます。")
        if constant_value(node[1]) is not None and exponent is not None:
            value = constant_value(node)
            if value is None or abs(value) > MAX_MAGNITUDE:
                raise FormulaError(pos, "数が大きすぎるか、実数になりません。")

    def primary(self, after: Token | None) -> Node:
        """primary := number | name | name '(' args ')' | '(' expr ')'"""
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return self.node("num", tok.text)
        if tok.kind == "name":
            return self.name()
        if tok.kind == "op" and tok.text == "(":
            self.advance()
            if self.tok.text == ")":
                raise FormulaError(self.tok.pos, "空の括弧 '()' があります。")
            inner = self.expr()
            self.expect_close(tok)
            return inner
        if tok.kind == "end":
            where = f"'{after.text}' の後に" if after else ""
            raise FormulaError(tok.pos, f"式が途中で終わっています。{where}数・変数・'(' が必要です。")
        if tok.text == ")":
            raise FormulaError(tok.pos, "')' の前に式が必要です。" if after is None else f"'{after.text}' の後に式が必要です。")
        if after is not None:
            raise FormulaError(tok.pos, f"'{after.text}' の後に式が必要です ('{tok.text}' が続いています)。")
        raise FormulaError(tok.pos, f"'{tok.text}' の前に式が必要です。")

    def expect_close(self, opening: Token) -> None:
        """Consume ')' or explain which '(' is unclosed."""
        if self.tok.kind == "op" and self.tok.text == ")":
            self.advance()
            return
        if self.tok.kind == "end":
            raise FormulaError(opening.pos, "この '(' に対応する ')' がありません。")
        raise FormulaError(self.tok.pos, f"')' か演算子が必要です ('{self.tok.text}' があります)。")

    def name(self) -> Node:
        """A function call, variable, constant, or run-together variables such as `xy`."""
        tok = self.advance()
        name = tok.text
        is_call = self.tok.kind == "op" and self.tok.text == "("
        if name.endswith("'"):
            return self._prime(tok, is_call)
        if name == "d" and self._derivative_ahead():
            return self._d_over_d()
        arity = self.vocab.function_arity(name)
        if arity is not None:
            if not is_call:
                raise FormulaError(tok.pos, f"関数 {name} の後には '(' が必要です (例: {name}(x))。")
            return self.call(tok, arity, self.vocab.canonical(name))
        if name in self.vocab.variables:
            self.variables.add(name)
            return self.node("var", name)
        if name in RESERVED:
            raise FormulaError(tok.pos, RESERVED[name])
        if self.vocab.is_constant(name):
            return self.node("const", name)
        pieces = _split_name(name, self.vocab)
        if pieces and any(piece in self.vocab.variables for piece in pieces):
            return self._product(pieces)
        if self.vocab.infer_variables and not is_call and "__" not in name:
            self.variables.add(name)
            return self.node("var", name)
        raise FormulaError(tok.pos, unknown_name_message(name, self.vocab, is_call))

    def _prime(self, tok: Token, is_call: bool) -> Node:
        """f'(u) / f''(u): the derivative of a one-argument function (workbench only)."""
        base = tok.text.rstrip("'")
        order = len(tok.text) - len(base)
        where = tok.pos + len(base)
        if not self.vocab.derivatives:
            raise FormulaError(where, "引用符 (文字列) や ' (微分の記号) は使えません。")
        arity = self.vocab.function_arity(base)
        if arity is None or not is_call or order > 2:
            raise FormulaError(where, f"' (微分) は関数の後にだけ使えます (例: {base if arity else 'f'}'(u)、2 階まで)。")
        node = self.call(tok, (1, 1), self.vocab.canonical(base))
        return self.node("call", node[1] + "'" * order, node[2])

    def _derivative_ahead(self) -> bool:
        """Whether `d` starts `d/du …` here (workbench, `d` not a variable, `u` a variable)."""
        if not self.vocab.derivatives or "d" in self.vocab.variables:
            return False
        slash, var = self.tokens[self.index], self.tokens[min(self.index + 1, len(self.tokens) - 1)]
        return (slash.kind == "op" and slash.text == "/" and var.kind == "name" and var.text.startswith("d")
                and (var.text[1:] in self.vocab.variables or (self.vocab.infer_variables and len(var.text) > 1)))

    def _d_over_d(self) -> Node:
        """d/du X: the derivative of the next factor X with respect to u."""
        self.advance()
        var = self.advance().text[1:]
        self.variables.add(var)
        operand = self.unary()
        return self.node("call", "diff", (operand, self.node("var", var)))

    def _product(self, pieces: list[str]) -> Node:
        """`xy` read as x·y when every piece is a declared variable or constant; `xy^2` is x·y² as on paper."""
        nodes = []
        for piece in pieces:
            if piece in self.vocab.variables:
                self.variables.add(piece)
                nodes.append(self.node("var", piece))
            else:
                nodes.append(self.node("const", piece))
        if self.tok.kind == "op" and self.tok.text == "^":
            op = self.advance()
            nodes[-1] = self.node("pow", nodes[-1], self.unary(after=op))
            self._check_power(nodes[-1], op.pos)
        result = nodes[0]
        for item in nodes[1:]:
            result = self.node("mul", result, item)
        return result

    def call(self, tok: Token, arity: tuple[int, int], name: str) -> Node:
        """name '(' expr (',' expr)* ')' with the argument count checked; `name` is the canonical function."""
        opening = self.advance()
        if self.tok.text == ")":
            raise FormulaError(self.tok.pos, f"{tok.text}() の括弧の中に引数が必要です。")
        bare = self._bare_function() if name == "diff" else None
        args = [("num", "0") if bare else self.expr()]
        while self.tok.kind == "op" and self.tok.text == ",":
            self.advance()
            args.append(self.expr())
        self.expect_close(opening)
        if bare and len(args) >= 2:
            args[0] = self.node("call", bare, (args[1],))  # diff(f, u) means diff(f(u), u)
        low, high = arity
        if not low <= len(args) <= high:
            count = str(low) if low == high else f"{low}〜{high}"
            raise FormulaError(tok.pos, f"{tok.text} の引数は {count} 個です ({len(args)} 個あります)。")
        if name != "diff":
            self.functions.add(name)
        return self.node("call", name, tuple(args))

    def _bare_function(self) -> str | None:
        """In diff(f, u), a function name given without its argument (consumed; the call is built later)."""
        nxt = self.tokens[min(self.index + 1, len(self.tokens) - 1)]
        if self.tok.kind != "name" or nxt.text != "," or self.vocab.function_arity(self.tok.text) is None:
            return None
        name = self.vocab.canonical(self.advance().text)
        self.functions.add(name)
        return name


def _split_name(name: str, vocab: Vocabulary) -> list[str] | None:
    """Split `xy` / `ux` into declared single names (longest first), or None."""
    if len(name) > 12:
        return None
    known = sorted((v for v in vocab.variables if v.isalpha()), key=len, reverse=True)
    known += [c for c in ("e", "pi") if vocab.is_constant(c)]
    pieces: list[str] = []
    rest = name
    while rest:
        for candidate in known:
            if rest.startswith(candidate):
                pieces.append(candidate)
                rest = rest[len(candidate):]
                break
        else:
            return None
    return pieces if len(pieces) > 1 else None


def unknown_name_message(name: str, vocab: Vocabulary, is_call: bool) -> str:
    """Explain an unknown name and suggest the closest allowed one."""
    shown = name if len(name) <= 30 else name[:30] + "…"
    kind = "関数" if is_call else "名前"
    message = f"{kind} '{shown}' はこの問題では使えません。"
    suggestion = suggest(name, vocab)
    if suggestion:
        message += f" {shown} → {suggestion} ですか?"
    elif vocab.variables:
        message += f" 使える変数: {', '.join(sorted(vocab.variables))}"
    return message


def suggest(name: str, vocab: Vocabulary) -> str | None:
    """Closest allowed name for a typo (case slips, In → ln, sigmod → sigmoid)."""
    if name in SLIPS:
        return SLIPS[name]
    candidates = vocab.all_names()
    lower = {c.lower(): c for c in candidates}
    if name.lower() in lower:
        return lower[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.6)
    return lower[close[0]] if close else None


def _mentions_huge(node: Node) -> bool:
    """Whether an exponent contains a constant power whose value is beyond the cap."""
    if node[0] == "pow":
        value = constant_value(node)
        if constant_value(node[2]) is not None and (value is None or abs(value) > MAX_EXPONENT):
            return constant_value(node[1]) is not None
    return any(_mentions_huge(child) for child in children(node))


def parse_line(text: str, vocab: Vocabulary) -> Parsed:
    """Parse a line (expressions joined by '='); raises FormulaError with a Japanese message."""
    limit = MAX_LENGTH_TRUSTED if vocab.trusted else MAX_LENGTH
    if len(text) > limit:
        raise FormulaError(limit, f"入力が長すぎます ({limit} 文字まで)。")
    text = normalise(text)
    if not text.strip():
        raise FormulaError(0, "式が入力されていません。")
    _check_nesting(text)
    return _Parser(text, vocab).chain()


def parse_expression(text: str, vocab: Vocabulary) -> tuple[Node, Parsed]:
    """Parse a single expression (no '=')."""
    parsed = parse_line(text, vocab)
    if parsed.continued or len(parsed.parts) != 1:
        pos = text.find("=")
        raise FormulaError(max(pos, 0), "'=' は使えません。式だけを入力してください。")
    return parsed.parts[0], parsed


def _check_nesting(text: str) -> None:
    """Cheap pre-scan so that 10,000 '(' fail at once instead of deep in the parser."""
    depth = 0
    for pos, ch in enumerate(text):
        if ch == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError(pos, f"括弧の入れ子が深すぎます ({MAX_DEPTH} 段まで)。")
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise FormulaError(pos, "対応する '(' のない ')' があります。")
