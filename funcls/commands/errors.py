"""The error every subcommand raises for a mistake in how funcls was called. Its own module,
importing nothing: `funcls run` raises it before it imports the model (issue 16), and the
command line (`funcls.cli`) recognises it from here."""

from __future__ import annotations


class UsageError(Exception):
    """A mistake in how funcls was called: printed as one line, exit code 2."""
