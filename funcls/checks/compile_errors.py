"""Syntax errors CPython reports only when it compiles a module, not when it parses it.

``ast.parse`` runs the parser alone. The worker imports function_app.py, its blueprint modules
and v1 scripts with ``importlib.import_module`` (azure-functions-python-worker
azure_functions_worker/loader.py, ``index_function_app`` and ``load_function``), and the import
compiles the module to bytecode first: the symbol table pass ('nonlocal declaration not allowed
at module level', "duplicate argument 'a' in function definition", "'yield' outside function")
and the code generator ("'return' outside function", "'break' outside loop", "'await' outside
function", 'multiple starred expressions in assignment') raise a SyntaxError there, and none of
the app's functions load.

``compile(text, name, "exec")`` does that same work and stops at the code object: it returns
without running it, so no statement of the module executes, no import is resolved (an import
statement is only an IMPORT_NAME instruction in the code object) and no name is looked up.
Constant folding evaluates literals only, within CPython's size limits (Python/ast_opt.c
MAX_INT_SIZE, MAX_COLLECTION_SIZE, MAX_STR_SIZE). ``dont_inherit`` keeps funcls' own
``from __future__`` flags out of it, and the file name is not a real file, so that CPython does
not read a line of the saved file for an unsaved text.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from funcls.checks import imported_names
from funcls.checks.compile_screen import cannot_fail
from funcls.model.fastclass import dataclass

# Not a path on disk: CPython would read the error's line from a file so named.
_NAME = "<funcls-compile>"
# The last text of each module and its answer: an edited module is compiled once per new text,
# an unchanged one not again (the language server re-checks unchanged modules often). One text
# per path, so that the versions of a module being typed are not kept.
_KEEP = 4096  # paths


@dataclass(frozen=True)
class CompileError:
    """What CPython says about a module that parses but does not compile (lines and columns
    from 0, columns in characters)."""

    message: str
    line: int
    column: int
    end_line: int
    end_column: int


_cache: dict[str, tuple[str, CompileError | None]] = {}
# The answers for the small texts compiled whole last, by text: the folders of a v1 app made
# from one template (``func new``) hold the same __init__.py, and the answer depends on the
# text alone (the error's place is in the text; the file name is not a real one). On the
# 1,000-function bench, 530 modules are 47 texts (issue 16). Small texts only, so that the
# texts kept stay small beside the paths' own.
_by_text: dict[str, CompileError | None] = {}
_BY_TEXT_KEEP = 256  # texts
_BY_TEXT_CHARS = 16_384


def compile_error(path: str, text: str, body: list[ast.stmt] | None = None) -> CompileError | None:
    """The error CPython's compiler reports for ``text`` of module ``path`` (which
    ``ast.parse`` accepted), or None when it compiles. Nothing of ``text`` runs. ``body``:
    the statements ``ast.parse(text)`` gave, when the caller has them (``funcls check`` keeps
    the model's: ``Source.module_body``); the compiler then starts from them instead of
    parsing the text again."""
    kept = _cache.get(path)
    if kept is not None and kept[0] == text:
        return kept[1]
    # A module compiled before is being edited (the language server): compile only the
    # top-level statements the edit changed. A one-shot command compiles each module whole.
    spliced = _by_statement(path, text) if kept is not None else _WHOLE
    if isinstance(spliced, _Whole):
        _statements.pop(path, None)
        found = _compile_whole(text, body)
    else:
        found = spliced
    if path not in _cache and len(_cache) >= _KEEP:
        _cache.pop(next(iter(_cache)))
    _cache[path] = (text, found)
    return found


def _compile_whole(text: str, body: list[ast.stmt] | None) -> CompileError | None:
    if body is not None and cannot_fail(text, body):
        # Issue 16: a module without any construct the compiler can refuse is not compiled
        # (compile_screen: half the cost of converting the tree back for the compiler).
        return None
    if len(text) > _BY_TEXT_CHARS:
        return _compile(text, text.split("\n"), 0, body)
    if text in _by_text:
        return _by_text[text]
    found = _compile(text, text.split("\n"), 0, body)
    if len(_by_text) >= _BY_TEXT_KEEP:
        _by_text.clear()  # one step, whatever another thread does meanwhile
    _by_text[text] = found
    return found


def _compile(
    source: str, lines: list[str], first: int, body: list[ast.stmt] | None = None
) -> CompileError | None:
    """CPython's compile error for ``source``, lines ``first`` on of the module whose lines
    are ``lines``, placed in the module; ``body``: the statements ``ast.parse(source)`` gives,
    when known."""
    try:
        if body is None:
            compile(source, _NAME, "exec", dont_inherit=True)
        else:
            # Issue 16: the parse is half of a compile, and the model has parsed the text. From
            # the tree, CPython runs the same symbol table and code generator on the same
            # positions (the errors' lines and byte offsets come from the nodes either way):
            # the same answer, checked on every module of the standard library and
            # site-packages, as they are and with compile-time errors put in
            # (tests/checks/test_compile_errors_incremental.py has the random ones).
            try:
                compile(ast.Module(body=body, type_ignores=[]), _NAME, "exec", dont_inherit=True)
            except (ValueError, TypeError, RecursionError, MemoryError):
                # The tree refused (CPython checks a tree it is given; its depth): the text
                # decides, as for the worker's import.
                compile(source, _NAME, "exec", dont_inherit=True)
    except SyntaxError as e:
        # The compiler's offsets count UTF-8 bytes of the line (it has no line text to turn
        # them into characters, as the parser does): counted back in characters here.
        line = min(max((e.lineno or 1) - 1 + first, 0), len(lines) - 1)
        end_line = min(max((e.end_lineno or (e.lineno or 1)) - 1 + first, line), len(lines) - 1)
        column = _characters(lines[line], (e.offset or 1) - 1)
        end_column = _characters(lines[end_line], (e.end_offset or 1) - 1)
        if end_line == line:
            end_column = max(end_column, min(column + 1, len(lines[line])))
        return CompileError(e.msg, line, column, end_line, end_column)
    except (ValueError, RecursionError, MemoryError):
        # Null bytes, or nesting the parser already reports: ast.parse said so (AZF603).
        return None
    return None


class _Whole:
    pass


_WHOLE = _Whole()

# Issue 16: compiling a module of 500 defs (125 KB) costs about 22 ms, paid again on each
# keystroke in it. A top-level statement compiles the same on its own (its scopes are its own),
# except for what reads the module as a whole: ``from __future__`` imports (they must come
# first) and module-level ``global`` (an error when the name was bound above it). For an edited
# module the statements come from AZF606's splice (``imported_names._statement_names``: the
# edited statement parsed on its own, the others kept and moved); each statement's answer is
# kept by ``id`` with the offset it was compiled at. The module's answer is the first
# statement's error; when two statements have errors of different compiler passes, the whole
# compile could name the later one (a symbol-table error beats a code-generation one), and
# both are real.
_statements: dict[str, tuple[list[ast.stmt], dict[int, tuple[int, CompileError | None]]]] = {}


def _by_statement(path: str, text: str) -> CompileError | _Whole | None:
    if "__future__" in text or imported_names._statement_names(path, text) is None:
        return _WHOLE
    with imported_names._STATEMENTS_LOCK:
        read = imported_names._STATEMENTS.get(path)
    if read is None or not (read.text is text or read.text == text):
        return _WHOLE
    body, offsets = read.tree.body, read.tree.offsets
    if any(type(s) is ast.Global for s in body):
        return _WHOLE
    before = _statements.get(path)
    kept = before[1] if before is not None else {}
    each: dict[int, tuple[int, CompileError | None]] = {}
    found: CompileError | None = None
    lines: list[str] | None = None
    for stmt, off in zip(body, offsets, strict=True):
        got = kept.get(id(stmt))
        if got is None:
            lines = lines if lines is not None else text.split("\n")
            start = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
            start += off - 1
            end = (stmt.end_lineno or stmt.lineno) + off
            got = (off, _compile("\n".join(lines[start:end]), lines, start))
        each[id(stmt)] = got
        if found is None and got[1] is not None:
            moved = off - got[0]
            found = got[1]
            if moved:
                found = replace(found, line=found.line + moved, end_line=found.end_line + moved)
    if len(_statements) >= _KEEP and path not in _statements:
        _statements.pop(next(iter(_statements)))
    # The body is kept with the answers so that the ids stay those of live statements.
    _statements[path] = (list(body), each)
    return found


def _characters(line: str, byte_offset: int) -> int:
    """The characters of ``line`` in its first ``byte_offset`` UTF-8 bytes."""
    if byte_offset <= 0:
        return 0
    if line.isascii():
        return min(byte_offset, len(line))
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))
