"""Generate a large synthetic content tree (used by the load test and benchmarks/bank_load.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "content"

_TEMPLATES = (
    '''[[question]]
id = "gen-{n}-choice"
topic = "activation"
kind = "choice"
tags = ["3-1-4"]
prompt = "問題 {n}: $\\\\sigma(0)$ の値は?"
choices = ["0", "0.5", "1", "0.25"]
answer = ["0.5"]
explanation = "シグモイドは 0 で 0.5。"
''',
    '''[[question]]
id = "gen-{n}-numeric"
topic = "cnn"
kind = "numeric"
tags = ["3-4-1"]
prompt = "問題 {n}: 出力サイズは?"
answer = 7
formula = "(6 + 2*1 - 2)//1 + 1"
explanation = "代入する。"
''',
)


def generate(root: Path, count: int = 10_000, per_file: int = 100) -> Path:
    """Copy the fixture tree to `root` and add `count` generated questions."""
    shutil.copytree(FIXTURE, root)
    questions = root / "questions"
    for start in range(0, count, per_file):
        body = "\n".join(_TEMPLATES[n % 2].format(n=n) for n in range(start, min(start + per_file, count)))
        (questions / f"gen-{start:05d}.toml").write_text(body, encoding="utf-8")
    return root
