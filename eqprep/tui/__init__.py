"""The Textual TUI: home, notes, quiz and review, derivation workbench, mock exam, statistics, demos."""
