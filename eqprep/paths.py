"""Where bundled content and the learner's progress live."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def content_root() -> Path:
    """Bundled content: `eqprep/_content` in a wheel, top-level `content/` in a checkout."""
    installed = _PACKAGE / "_content"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "content"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Progress directory: --data-dir, then $EQPREP_HOME, then the platform's user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("EQPREP_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("eqprep", appauthor=False))
