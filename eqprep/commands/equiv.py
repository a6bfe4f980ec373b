"""`eqprep equiv EXPECTED GIVEN`: check two formulas for equivalence (exit 0 equal, 1 not, 2 input error, 3 undecided)."""

from __future__ import annotations

import argparse
import re

_EXIT = {"equivalent": 0, "not_equivalent": 1, "invalid": 2, "undecided": 3}
_LABEL = {"equivalent": "同値", "not_equivalent": "同値ではない", "undecided": "判定できず", "invalid": "入力エラー"}
TIMEOUT = 1.2  # leaves room for interpreter start-up within the 3 s promise


def _names(text: str | None) -> list[str]:
    """Split a comma-separated option value."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `equiv` subcommand."""
    parser = subparsers.add_parser(
        "equiv",
        help="2 つの式が同値か判定する (0: 同値, 1: 同値でない, 2: 入力エラー, 3: 判定できず)",
        description="EXPECTED と GIVEN が同値かを、ランダムな点での数値比較と厳密な確認 (有理数の計算・高精度計算・SymPy) "
                    "で判定します。'-(x+1)' のように '-' で始まる式もそのまま渡せます。",
    )
    # A single-dash argument that is not a known option (`-(x+1)`, `-x-1`) is a formula, not an option.
    parser._negative_number_matcher = re.compile(r"^-(?!-)")
    parser.add_argument("expected", metavar="EXPECTED", help="基準の式 (例: '2*(x+y)')")
    parser.add_argument("given", metavar="GIVEN", help="比べる式 (例: '2x+2y')")
    parser.add_argument("--vars", default="", metavar="u,x", help="変数名 (カンマ区切り。省略時は両方の式から推定)")
    parser.add_argument("--funcs", default="", metavar="f,g", help="追加の関数名 (カンマ区切り)")
    parser.add_argument("--form", default=None, help="形の指定 (factored / expanded / simplified / in_terms:f)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the verdict in Japanese; untrusted EXPECTED is parsed like learner input."""
    from eqprep.maths.check import check_untrusted
    from eqprep.maths.parse import infer_variables, preview

    variables, functions = _names(args.vars), _names(args.funcs)
    notes: list[str] = []
    if not variables:
        variables, notes = infer_variables([args.expected, args.given], functions)
    else:
        first = preview(args.expected, variables, functions)
        if not first.ok:
            print(f"{_LABEL['invalid']}: EXPECTED の {first.message}")
            return 2
    result = check_untrusted(args.expected, args.given, variables, functions, form=args.form, timeout=TIMEOUT)
    print(f"{_LABEL[result.status]}: {result.message}")
    if result.display:
        print(f"入力の解釈: {result.display}")
    for note in notes:
        print(note)
    return _EXIT[result.status]
