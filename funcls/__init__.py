"""funcls: language server, checker and local runner for Azure Functions apps in Python."""

__version__ = "0.1.0"
