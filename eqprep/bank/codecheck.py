"""Run a code_choice option against its check (authored content only, never learner text)."""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """Whether the filled-in program passed its check, and why not."""

    passed: bool
    error: str = ""


def fill_blank(template: str, option: str) -> str:
    """Put the option where `{blank}` is, indenting extra lines like the blank's line."""
    match = re.search(r"^([ \t]*).*\{blank\}", template, re.M)
    indent = match.group(1) if match else ""
    body = option.replace("\n", "\n" + indent)
    return template.replace("{blank}", body)


def run_option(setup: str, template: str, option: str, check: str) -> Outcome:
    """Execute setup + filled template + check with NumPy as `np`; any exception means failure."""
    import numpy as np

    program = "\n".join((setup, fill_blank(template, option), check))
    namespace: dict[str, object] = {"np": np, "__name__": "eqprep_code_check"}
    try:
        code = compile(program, "<code_choice>", "exec")
        with contextlib.redirect_stdout(io.StringIO()), np.errstate(all="ignore"):
            exec(code, namespace)  # noqa: S102 - trusted, authored content
    except AssertionError as exc:
        return Outcome(False, f"assert が成り立ちません {exc}".strip())
    except Exception as exc:  # any error in an option means it does not pass
        return Outcome(False, f"{type(exc).__name__}: {exc}")
    return Outcome(True)
