"""The ``funcls`` command: the language server (``--stdio`` / ``--tcp``) and subcommands."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Any

from funcls import __version__

# Subcommand modules, each with register(subparsers); add yours here.
COMMANDS = (
    "funcls.commands.index",
    "funcls.commands.run",
    "funcls.commands.invoke",
    "funcls.commands.check",
    "funcls.commands.new",
)


def _wanted(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The subcommand modules ``argv`` needs: only the named command's, none for the language
    server, all of them for help and mistakes. Each module imports what its command uses
    (the model, the rules, the runner), so building the parser for every command cost
    `funcls --stdio` and `funcls index` the imports of the others (issue 16)."""
    args = list(sys.argv[1:] if argv is None else argv)
    names = {name.rsplit(".", 1)[1]: name for name in COMMANDS}
    first = None
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a in ("--host", "--port", "--log-file"):
            skip = True  # the option's value follows
        elif not a.startswith("-"):
            first = a
            break
    if first in names:
        return (names[first],)
    server = any(a in ("--stdio", "--tcp", "--ws") for a in args)
    if first is None and server and not any(a in ("-h", "--help") for a in args):
        return ()
    return COMMANDS


# The one-shot analyses, whose process never needs inspect (see _dataclasses_without_inspect).
_ANALYSES = frozenset({"funcls.commands.check", "funcls.commands.index"})


def _dataclasses_without_inspect() -> None:
    """Import ``dataclasses`` with ``inspect`` deferred until an attribute of it is read.

    On 3.10-3.12 ``dataclasses`` imports ``inspect`` (with ``dis``, ``opcode``, ``tokenize``,
    ``token`` and ``linecache``) for one use: the ``__doc__`` it writes from
    ``inspect.signature`` for a class without a docstring, which funcls.model.fastclass makes
    only when read. Nothing else `funcls check` or `funcls index` imports uses inspect, and
    its import was 14.7 M instructions of `funcls check`'s 1,726 M on the 1,000-function
    bench (issue 16). ``importlib.util.LazyLoader`` cannot defer it: the ``import inspect``
    statement itself reads the module's ``__spec__`` (``import_ensure_initialized`` in
    CPython's Python/import.c), which loads a lazy module at once. So while dataclasses is
    imported, ``sys.modules`` holds a placeholder module for inspect, taken out right after:
    a later ``import inspect`` anywhere loads the real module, and dataclasses' own first
    use of its ``inspect`` loads it and puts it in the placeholder's place."""
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    placeholder = _DeferredInspect("inspect")
    sys.modules["inspect"] = placeholder
    try:
        import dataclasses  # noqa: F401
    finally:
        if sys.modules.get("inspect") is placeholder:
            del sys.modules["inspect"]


class _DeferredInspect(types.ModuleType):
    """dataclasses' ``inspect`` until it reads an attribute of it: then the real module,
    imported and put in dataclasses' globals in the placeholder's place."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get("inspect") is self:  # read while dataclasses was being imported
            del sys.modules["inspect"]
        real = importlib.import_module("inspect")
        holder = sys.modules.get("dataclasses")
        if holder is not None and vars(holder).get("inspect") is self:
            holder.inspect = real  # type: ignore[attr-defined]
        return getattr(real, name)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose check of each new argument's metavar (``add_argument`` formats
    it once) uses a formatter of a set width: the default one asks the terminal's width, and
    importing shutil for that (with zlib, bz2 and lzma) was about 7 M instructions of every
    `funcls check` start (issue 16), for a check that never reads the width. Help, usage and
    errors are formatted as before, at the terminal's width."""

    _checking = False

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        self._checking = True
        try:
            return super().add_argument(*args, **kwargs)
        finally:
            self._checking = False

    def _get_formatter(self) -> argparse.HelpFormatter:
        if self._checking:
            make: Any = self.formatter_class  # HelpFormatter: takes a width
            formatter: argparse.HelpFormatter = make(prog=self.prog, width=80)
            return formatter
        return super()._get_formatter()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="funcls",
        description="Language server, checker and local runner for Azure Functions Python apps.",
    )
    parser.add_argument("--version", action="version", version=f"funcls {__version__}")
    server = parser.add_argument_group("language server")
    mode = server.add_mutually_exclusive_group()
    mode.add_argument("--stdio", action="store_true", help="serve LSP on stdin/stdout")
    mode.add_argument("--tcp", action="store_true", help="serve LSP on a TCP port")
    mode.add_argument("--ws", action="store_true", help="serve LSP on a WebSocket port")
    server.add_argument("--host", default="127.0.0.1", help="address for --tcp / --ws")
    server.add_argument("--port", type=int, default=2087, help="port for --tcp / --ws")
    server.add_argument("--log-file", default=None, help="write the server's log here")
    # prog: what argparse would format from the usage of a parser without positionals (the
    # subcommands' "funcls check ..."), without a formatter asking the terminal's width.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog=parser.prog)
    for name in _wanted(argv) if argv is not None else COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    collecting = gc.isenabled()
    # The analysis parses and compiles the app's files (never runs them): CPython's
    # SyntaxWarnings about their text ('"is" with a literal' from the compiler, on 3.12 an
    # invalid escape sequence from the parser) would be printed on funcls' stderr as if funcls
    # had a problem, under a pseudo-file name. The app process that runs the code
    # (funcls.runner.worker) does not come through here and keeps Python's defaults.
    # (3.10-3.11 give the escape one as a DeprecationWarning, shown under -W default.)
    warnings.filterwarnings("ignore", category=SyntaxWarning)
    warnings.filterwarnings(
        "ignore", "invalid (octal )?escape sequence", category=DeprecationWarning
    )
    if argv is None:
        # Off while the command's modules are imported too: its 30-odd passes over the
        # objects they create were 5 ms of `funcls check`'s start (issue 16). Back on below
        # unless the command is one-shot.
        gc.disable()
    wanted = _wanted(argv)
    if wanted and _ANALYSES.issuperset(wanted):
        _dataclasses_without_inspect()
    try:
        parser = build_parser(sys.argv[1:] if argv is None else argv)
        args = parser.parse_args(argv)
    except BaseException:  # --help, a usage error: as before, with the collector on
        if collecting:
            gc.enable()
        raise
    one_shot = argv is None and getattr(args, "exit_at_once", False)
    if one_shot:
        # A one-shot command builds one model and drops it at exit: the cyclic collector's
        # passes over that growing heap were a quarter of indexing 1,000 functions, and the
        # cycles it would free are a few thousand objects (issue 16: 39 MB peak with it off,
        # 38 MB with it on).
        gc.disable()
    elif collecting:
        gc.enable()
    code = _dispatch(parser, args)
    if one_shot:
        _exit_at_once(code)
    return code


def _exit_at_once(code: int) -> None:
    """End a one-shot command's process without freeing its objects one by one: after
    `funcls check` or `funcls index` over 1,000 functions, the interpreter's teardown took
    0.1-0.2 s, a third of the run (issue 16). mypy ends the same way, for the same reason
    (``hard_exit`` in mypy/util.py). Only for a real command line (``argv`` None): callers of
    ``main([...])`` in a process of their own get their return value."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # a closed or broken stream: the usual exit reports it as before
    os._exit(code)


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.ws:  # funcls/lsp/websocket.py: answers bad frames as stdio and TCP do
            return int(importlib.import_module("funcls.lsp.websocket").serve_args(args))
        if args.stdio or args.tcp:
            serve = importlib.import_module("funcls.lsp.cli").serve
            return int(serve(args))
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help(sys.stderr)
            return 2
        return int(handler(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:
        # Whoever raised a UsageError imported its module; the language server never does.
        errors = sys.modules.get("funcls.commands.errors")
        if errors is not None and isinstance(e, errors.UsageError):
            print(f"funcls: error: {e}", file=sys.stderr)
            return 2
        # A bug in funcls, not the user's mistake: exit 2, never 1 ("errors found"), so CI
        # does not read a crash as findings (issue 17). traceback (with linecache, tokenize and
        # textwrap) is imported only then (issue 16).
        import traceback

        traceback.print_exc()
        print("funcls: internal error (the traceback above); please report it", file=sys.stderr)
        return 2
