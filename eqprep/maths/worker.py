"""Child process for symbolic checks: reads JSON requests on stdin, answers on stdout (killed on timeout)."""

from __future__ import annotations

import json
import sys
from typing import Any


def _limit_memory() -> None:
    """Cap the address space on POSIX so a runaway expression fails instead of eating the machine."""
    try:
        import resource
    except ImportError:
        return
    limit = 2 * 1024**3
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        return


def handle(request: dict[str, Any]) -> dict[str, Any]:
    """Decide symbolically whether expected − given is 0 (both re-parsed with the same safe parser)."""
    import sympy

    from eqprep.maths.grammar import parse_expression
    from eqprep.maths.names import Vocabulary
    from eqprep.maths.tosympy import SympyBuilder, is_zero

    variables = frozenset(request["variables"])
    functions = frozenset(request["functions"])
    trusted = Vocabulary(variables, functions, trusted=request.get("expected_trusted", True), infer_variables=True)
    learner = Vocabulary(variables, functions, trusted=bool(request.get("given_trusted")))
    given, _ = parse_expression(request["given"], learner)
    build = SympyBuilder()
    if request.get("form"):
        from eqprep.maths.forms import factored_problem, lowest_terms_problem

        check = factored_problem if request["form"] == "factored" else lowest_terms_problem
        problem = check(sympy, build, given)
        return {"status": "ok"} if problem is None else {"status": "wrong_form", "message": problem}
    expected, _ = parse_expression(request["expected"], trusted)
    verdict = is_zero(sympy, build(expected) - build(given))
    status = {True: "equivalent", False: "not_equivalent", None: "undecided"}[verdict]
    return {"status": status}


def main() -> None:
    """Serve requests line by line until stdin closes."""
    _limit_memory()
    import sympy  # noqa: F401  (warm the import before the first request)

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        try:
            reply = handle(json.loads(line))
        except Exception as error:  # noqa: BLE001 - any failure is "undecided", never a crash of the parent
            reply = {"status": "undecided", "error": type(error).__name__}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
