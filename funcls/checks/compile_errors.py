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

from dataclasses import dataclass

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


def compile_error(path: str, text: str) -> CompileError | None:
    """The error CPython's compiler reports for ``text`` of module ``path`` (which
    ``ast.parse`` accepted), or None when it compiles. Nothing of ``text`` runs."""
    kept = _cache.get(path)
    if kept is not None and kept[0] == text:
        return kept[1]
    found: CompileError | None = None
    try:
        compile(text, _NAME, "exec", dont_inherit=True)
    except SyntaxError as e:
        # The compiler's offsets count UTF-8 bytes of the line (it has no line text to turn
        # them into characters, as the parser does): counted back in characters here.
        lines = text.split("\n")
        line = min(max((e.lineno or 1) - 1, 0), len(lines) - 1)
        end_line = min(max((e.end_lineno or (line + 1)) - 1, line), len(lines) - 1)
        column = _characters(lines[line], (e.offset or 1) - 1)
        end_column = _characters(lines[end_line], (e.end_offset or 1) - 1)
        if end_line == line:
            end_column = max(end_column, min(column + 1, len(lines[line])))
        found = CompileError(e.msg, line, column, end_line, end_column)
    except (ValueError, RecursionError, MemoryError):
        # Null bytes, or nesting the parser already reports: ast.parse said so (AZF603).
        found = None
    if path not in _cache and len(_cache) >= _KEEP:
        _cache.pop(next(iter(_cache)))
    _cache[path] = (text, found)
    return found


def _characters(line: str, byte_offset: int) -> int:
    """The characters of ``line`` in its first ``byte_offset`` UTF-8 bytes."""
    if byte_offset <= 0:
        return 0
    if line.isascii():
        return min(byte_offset, len(line))
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))
