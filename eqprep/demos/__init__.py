"""Headless training demos on the NumPy engine: specs, ``run_demo`` and the data series the CLI and TUI show.

See docs/demos.md. Nothing here prints or imports Textual; ``run_demo`` runs in the caller's thread.
"""

from .model import Claim, DemoError, DemoEvent, DemoResult, DemoSpec, RunResult, Setting, parse_assignments
from .optimizers import surface_grid
from .registry import DEMOS, get_spec, run_demo

__all__ = ["DEMOS", "Claim", "DemoError", "DemoEvent", "DemoResult", "DemoSpec", "RunResult", "Setting",
           "get_spec", "parse_assignments", "run_demo", "surface_grid"]
