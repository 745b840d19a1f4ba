"""NuGet version ranges as host.json extensionBundle.version writes them."""

from __future__ import annotations

import pytest

from funcls.model.parsers.version_range import VersionRangeError, parse_version_range


@pytest.mark.parametrize(
    ("text", "highest"),
    [
        ("[4.*, 5.0.0)", 4),
        ("[3.3.0, 4.0.0)", 3),
        ("[1.*, 2.0.0)", 1),
        ("[4.0.0]", 4),
        ("(, 4.0.0)", 3),
        ("(, 4.0.0]", 4),
        ("[4.*, 6.0.0)", 5),
        ("[3.*, 4.0.1)", 4),
        ("4.0.0", None),  # at least 4.0.0, no upper end
        ("[4.0.0, )", None),
    ],
)
def test_highest_major_admitted(text: str, highest: int | None) -> None:
    assert parse_version_range(text).highest_major() == highest


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("[4.*, 5.0.0", "does not end with"),
        ("4.*, 5.0.0", "must open with"),
        ("[5.0.0, 4.0.0)", "no version fits"),
        ("[4.0.0, 4.0.0)", "no version fits"),
        ("[4.x, 5.0.0)", "'4.x' is not a version"),
        ("[4.0.0, 5.*)", "a '*' may only end the lower bound"),
        ("[]", "hold no version"),
        ("(4.0.0)", "must be written [x.y.z]"),
        ("[1, 2, 3]", "one comma at most"),
        ("(,)", "at least one of its two ends"),
    ],
)
def test_unreadable_ranges_say_why(text: str, why: str) -> None:
    with pytest.raises(VersionRangeError) as error:
        parse_version_range(text)
    assert why in str(error.value)
