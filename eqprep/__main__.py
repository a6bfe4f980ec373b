"""Allow `python -m eqprep`."""

from eqprep.cli import main

raise SystemExit(main())
