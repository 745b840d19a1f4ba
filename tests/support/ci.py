"""The project's policy for a test whose real tool is missing: in CI (`CI=true`, also 1/yes)
the test fails with what to install; elsewhere it is skipped with the same message."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def tool_missing(message: str) -> NoReturn:
    """Fail in CI, skip elsewhere, saying what is missing."""
    if in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)
