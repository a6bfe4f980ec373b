"""Verify framework (PyTorch) code questions by running every option in the sandbox with torch preloaded."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, field

from eqprep.bank.codecheck import option_messages, option_program
from eqprep.bank.model import Bank, CodeChoiceQuestion, Problem, Question
from eqprep.bank.sandbox import Limits, Result, Sandbox

INSTALL_HINT = 'pip install -e ".[torch]"'
TORCH_MODULES = {"np": "numpy", "torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional"}
# torch jobs build real models (the course's AlexNet has 61M parameters), so they get more than NumPy jobs
TORCH_LIMITS = Limits(cpu_seconds=60.0, wall_seconds=180.0, memory_bytes=4 * 1024**3, start_seconds=300.0)
# preloaded once per server: the torch APIs the questions use, and the libraries torch imports lazily (torch.optim
# pulls in SymPy), so a job never pays for (or is refused) those imports
TORCH_PRELUDE = """
import sympy, torch._dynamo, torch.optim, torch.utils.data, torch.nn.utils.prune, torch.ao.quantization
torch.set_num_threads(1)
np.seterr(all='ignore')
"""
# process-wide torch settings an option could change (e.g. `torch.set_grad_enabled(False)`): a change sends the rest
# of its batch to a fresh fork
TORCH_STATE = (
    "(torch.is_grad_enabled(), torch.is_inference_mode_enabled(), torch.get_default_dtype(), torch.get_num_threads(),"
    " torch.are_deterministic_algorithms_enabled(), torch.is_anomaly_enabled(), np.geterr())"
)
TORCH_BATCH = 16  # options per forked child (a fork of a process with torch loaded costs tens of ms)
_LAZY_IMPORTS = ("sympy", "mpmath")
_SEEDED = "torch.manual_seed(0)\nnp.random.seed(0)\n"  # every option sees the same random numbers


@dataclass(frozen=True)
class Job:
    """One option of one question: the program is setup + filled template + check."""

    setup: str
    template: str
    option: str
    check: str

    def program(self) -> str:
        """The whole program as the sandbox runs it (seeded first)."""
        return _SEEDED + option_program(self.setup, self.template, self.option, self.check)


@dataclass
class FrameworkReport:
    """What `check` did with the framework questions: verified ids, unverified ids, problems found."""

    questions: dict[str, list[str]] = field(default_factory=dict)  # framework -> question ids
    verified: set[str] = field(default_factory=set)
    unverified: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""

    def summary(self) -> dict[str, int]:
        """The `framework` object of `check --json`: questions per framework and how many were not verified."""
        counts = {name: len(ids) for name, ids in sorted(self.questions.items())}
        return {**counts, "unverified": len(self.unverified)}


def torch_available() -> bool:
    """True when PyTorch can be imported (looked up without importing it into this process)."""
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):  # a broken or blocked install counts as absent
        return False


def framework_questions(bank: Bank) -> list[Question]:
    """Questions that belong to a framework track, in id order."""
    return sorted((q for q in bank.questions.values() if q.framework), key=lambda q: q.id)


def run_jobs(jobs: Sequence[Job], workers: int = 2) -> list[Result]:
    """Run each job in the sandbox with torch preloaded (batches of limited, isolated jobs per fork; never here)."""
    if not jobs:
        return []
    with Sandbox(TORCH_MODULES, TORCH_LIMITS, workers=workers, allow_imports=_LAZY_IMPORTS, prelude=TORCH_PRELUDE,
                 state=TORCH_STATE) as box:
        futures = box.map([(job.program(), "<framework_code_choice>") for job in jobs], batch=TORCH_BATCH)
        return [f.result() for f in futures]


def verify_framework_questions(bank: Bank, trusted: bool = True, available: bool | None = None) -> FrameworkReport:
    """Run every option of every framework code question: exactly the correct one must pass its check."""
    report = FrameworkReport()
    questions = framework_questions(bank)
    for q in questions:
        report.questions.setdefault(q.framework or "", []).append(q.id)
    if available is None:
        available = torch_available()
    report.unverified = {q.id for q in questions}
    if not questions:
        return report
    if not trusted:
        report.reason = "信頼していないパックのコードは実行しません (--trust で実行)"
        return report
    if not available:
        report.reason = f"torch がインストールされていません ({INSTALL_HINT} で入ります)"
        return report
    code = [q for q in questions if isinstance(q, CodeChoiceQuestion) and q.answer in q.choices]
    jobs = [Job(q.setup, q.template, option, q.check) for q in code for option in q.choices]
    results = iter(run_jobs(jobs))
    for q in code:
        messages = [m for option in q.choices for m in option_messages(q.answer, option, next(results), "torch で ")]
        report.problems += [Problem(q.path, q.line, m, q.id) for m in messages]
        if not messages:
            report.verified.add(q.id)
    report.unverified -= report.verified
    return report
