"""Thin command modules for ``qasas`` subcommands that are not author tools (play, replay, bench)."""
