"""Errors of the study core, carrying a Japanese message the CLI and TUI can show as is."""

from __future__ import annotations


class StoreError(Exception):
    """The progress database cannot be used safely (corrupt, truncated, newer schema, not ours)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
