"""The Azurite launcher's policy for a missing binary: fail in CI, skip elsewhere."""

from __future__ import annotations

import pytest

from tests.support.azurite import AzuriteNotFound, require_azurite, start_azurite

MISSING = "/nonexistent/bin/azurite"


def test_missing_binary_is_named() -> None:
    with pytest.raises(AzuriteNotFound, match="npm install"):
        start_azurite(binary=MISSING)


def test_missing_azurite_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true and Azurite is required"):
        require_azurite(binary=MISSING)


def test_missing_azurite_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="azurite not found"):
        require_azurite(binary=MISSING)


@pytest.mark.azurite
def test_started_azurite_stops_by_pid() -> None:
    instance = require_azurite()
    assert instance.alive()
    instance.stop()
    assert not instance.alive()
    assert not instance.workdir.exists()
