"""Command line entry point: `eqprep` opens the TUI, subcommands work without it."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from eqprep import __version__
import eqprep.commands


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
        help="学習履歴の保存先 (既定: 環境変数 EQPREP_HOME、なければ OS のユーザーデータ領域)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser; each subcommand module registers its own arguments."""
    parser = _global_parser(add_help=True)
    parser.add_argument("--version", action="version", version=f"eqprep {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(eqprep.commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):  # shared helpers (terminal I/O), not subcommands
            continue
        module = importlib.import_module(f"eqprep.commands.{info.name}")
        module.register(sub)
    return parser


def _run_tui(args: argparse.Namespace) -> int:
    """Start the Textual app (imported lazily so subcommands never load Textual)."""
    from eqprep.tui.app import run_app

    return run_app(data_dir=args.data_dir)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and dispatch; errors become Japanese messages, never tracebacks."""
    argv = list(sys.argv[1:] if argv is None else argv)
    tui_args, rest = _global_parser(add_help=False).parse_known_args(argv)
    if not rest:  # plain `eqprep [--data-dir DIR]`: skip importing every subcommand before the TUI starts
        tui_args.command = None
        args = tui_args
    else:
        args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            return _run_tui(args)
        return int(args.func(args))
    except KeyboardInterrupt:
        print("\n中断しました。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
