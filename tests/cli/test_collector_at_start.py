"""A command line (``main()`` with no argv) imports its command's modules with the cyclic
collector off (issue 16: its passes over the objects being created cost the start), then turns
it back on unless the command is one-shot, and on when parsing the command line fails."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Sequence

import pytest

from funcls import cli


@pytest.fixture
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def _record(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    seen: list[bool] = []
    original = cli.build_parser

    def build_parser(argv: Sequence[str] | None = None) -> object:
        seen.append(gc.isenabled())
        return original(argv)

    monkeypatch.setattr(cli, "build_parser", build_parser)
    return seen


def test_off_while_importing_then_on_for_a_command_that_is_not_one_shot(
    monkeypatch: pytest.MonkeyPatch, collector_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = _record(monkeypatch)
    monkeypatch.setattr(sys, "argv", ["funcls"])  # no command: help, exit code 2
    assert cli.main() == 2
    assert seen == [False]
    assert gc.isenabled()


def test_on_again_when_the_command_line_is_wrong(
    monkeypatch: pytest.MonkeyPatch, collector_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = _record(monkeypatch)
    monkeypatch.setattr(sys, "argv", ["funcls", "check", "--no-such-option"])
    with pytest.raises(SystemExit):
        cli.main()
    assert seen == [False]
    assert gc.isenabled()


def test_a_caller_passing_argv_keeps_its_collector(
    monkeypatch: pytest.MonkeyPatch, collector_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = _record(monkeypatch)
    assert cli.main([]) == 2
    assert seen == [True]
    assert gc.isenabled()
