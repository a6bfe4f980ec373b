"""CLI subcommands: every module here has `register(subparsers)` and a `run(args) -> int` it sets as `func`."""
