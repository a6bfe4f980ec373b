"""Command line entry point: `eqprep` opens the TUI, subcommands work without it."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import pkgutil
import sys
from collections.abc import Callable, Sequence

import eqprep.commands
from eqprep import __version__
from eqprep.commands._args import nonempty_path
from eqprep.render.safe import CleanWriter


def _global_parser(add_help: bool) -> argparse.ArgumentParser:
    """The options shared by the TUI and every subcommand."""
    parser = argparse.ArgumentParser(
        prog="eqprep",
        description="E資格 (JDLA Deep Learning for ENGINEER) 学習ツール。引数なしで TUI を起動します。",
        add_help=add_help,
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=nonempty_path,
        help="学習履歴の保存先 (既定: 環境変数 EQPREP_HOME、なければ OS のユーザーデータ領域)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser; each subcommand module registers its own arguments."""
    parser = _global_parser(add_help=True)
    parser.add_argument("--version", action="version", version=f"eqprep {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(eqprep.commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):  # shared helpers (terminal I/O, argument types), not subcommands
            continue
        module = importlib.import_module(f"eqprep.commands.{info.name}")
        module.register(sub)
    return parser


def _run_tui(args: argparse.Namespace) -> int:
    """Start the Textual app (imported lazily so subcommands never load Textual).

    The learner's data starts loading in a forked child first, so it overlaps with importing Textual.
    """
    from eqprep.tui.session import Config, start_loading

    config = Config(data_dir=args.data_dir)
    preload = start_loading(config)
    from eqprep.tui.app import run_app

    return run_app(config, preload)


def _safe_stdio() -> Callable[[], None]:
    """Make the standard streams unable to crash or hijack the terminal; returns a function undoing it.

    Non-UTF-8 input bytes become U+FFFD (the answer is then reported unreadable, never a traceback), output
    characters the terminal's encoding cannot show become \\uXXXX escapes (with one notice), and every escape
    sequence or control character is removed from what subcommands print.
    """
    with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
        sys.stdin.reconfigure(errors="replace")  # type: ignore[union-attr]
    saved = sys.stdout, sys.stderr
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
            stream.reconfigure(errors="backslashreplace")
        setattr(sys, name, CleanWriter(stream))
    encoding = getattr(saved[0], "encoding", None) or "utf-8"
    try:
        "日本語".encode(encoding)
    except (LookupError, UnicodeEncodeError):
        print(f"eqprep: the output encoding '{encoding}' cannot show Japanese; set PYTHONIOENCODING=utf-8 "
              "(characters it cannot show are printed as \\uXXXX).", file=sys.stderr)

    def restore() -> None:
        with contextlib.suppress(ValueError, OSError):
            sys.stdout.flush()
            sys.stderr.flush()
        sys.stdout, sys.stderr = saved

    return restore


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and dispatch; errors become Japanese messages, never tracebacks."""
    argv = list(sys.argv[1:] if argv is None else argv)
    restore = _safe_stdio()
    try:
        tui_args, rest = _global_parser(add_help=False).parse_known_args(argv)
        if not rest:  # plain `eqprep [--data-dir DIR]`: skip importing every subcommand before the TUI starts
            restore()
            return _run_tui(tui_args)
        args = build_parser().parse_args(argv)
        if args.command is None:
            restore()
            return _run_tui(args)
        return int(args.func(args))
    except KeyboardInterrupt:
        print("\n中断しました。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        restore()
