"""One module per ``funcls`` subcommand; each exposes ``register(subparsers)``."""
