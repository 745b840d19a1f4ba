"""Typed settings: camelCase names, a message per unusable value, defaults for the rest."""

from __future__ import annotations

import pytest

from funcls.lsp.settings import Settings, parse_settings


@pytest.mark.parametrize(
    ("raw", "settings", "errors"),
    [
        (None, Settings(), []),
        ({}, Settings(), []),
        ({"funcls": {"select": ["azf2"]}}, Settings(select=("AZF2",)), []),
        ({"ignore": "AZF201"}, Settings(ignore=("AZF201",)), []),
        (
            {"severity": {"AZF300": "Warning", "AZF1": "loud"}},
            Settings(severity={"AZF300": "warning"}),
            ["funcls.severity.AZF1 must be one of error, warning, info, hint, not 'loud'"],
        ),
        (
            {"extraAppRoots": ["../other"], "diagnosticsDelayMs": 0, "invokeTimeoutSeconds": 30},
            Settings(
                extra_app_roots=("../other",), diagnostics_delay_ms=0, invoke_timeout_seconds=30
            ),
            [],
        ),
        (
            {"diagnosticsDelayMs": True},
            Settings(),
            ["funcls.diagnosticsDelayMs must be a whole number from 0 to 10000, not True"],
        ),
        (
            {"select": ["AZF2", "W605"]},
            Settings(select=("AZF2",)),
            [
                "funcls.select: 'W605' is not a rule code or prefix (e.g. AZF201 or AZF2); the other entries apply"
            ],
        ),
        ({"ignore": [1]}, Settings(), ["funcls.ignore must be a list of strings, not [1]"]),
        ({"runResults": "client"}, Settings(run_results="client"), []),
        ({"changesSentAfterIdleMs": 500}, Settings(changes_sent_after_idle_ms=500), []),
        (
            {"changesSentAfterIdleMs": -1},
            Settings(),
            ["funcls.changesSentAfterIdleMs must be a whole number from 0 to 10000, not -1"],
        ),
        (
            {"runResults": "popup"},
            Settings(),
            ["funcls.runResults must be one of document, message, client, not 'popup'"],
        ),
        ("yes", Settings(), ["funcls settings must be an object, not 'yes'; using the defaults"]),
        (
            {"Select": []},
            Settings(),
            [
                "funcls.Select is not a setting (known: select, ignore, severity, extraAppRoots, "
                "diagnosticsDelayMs, invokeTimeoutSeconds, runResults, changesSentAfterIdleMs); it is "
                "ignored"
            ],
        ),
    ],
)
def test_parse(raw: object, settings: Settings, errors: list[str]) -> None:
    assert parse_settings(raw) == (settings, errors)


def test_later_settings_apply_over_earlier_ones() -> None:
    first, _ = parse_settings({"ignore": ["AZF1"], "diagnosticsDelayMs": 10})
    second, errors = parse_settings({"ignore": ["AZF2"]}, first)
    assert second == Settings(ignore=("AZF2",), diagnostics_delay_ms=10) and errors == []
