"""``dataclass`` with its generated methods compiled ahead of time (issue 16).

On Python 3.10-3.12 the standard ``dataclasses.dataclass`` writes each method it adds
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, a frozen class's ``__setattr__`` and
``__delattr__``) as source text and compiles it with ``exec``, one call a method: about 400
calls and 0.03 s of CPU for the 86 classes `funcls check` imports, a tenth of its run.

This module's ``dataclass`` is the standard one, unchanged, except that while it processes a
class the ``exec`` it calls first looks the text up in the table of the class's module: one
small module per module of funcls that declares dataclasses, under
``funcls/model/_fastclass/`` (``model__appmodel.py`` for ``funcls.model.appmodel``), holding
every such text that module produces, verbatim, each followed by an entry of its table.
Python compiles each table module once into its ``.pyc`` like any other; a text found there
gives the very function ``exec`` would have defined (same code, same globals, same name), a
text not found (a class changed since the table was written, another Python version) is
compiled with ``exec`` as before. So a stale table costs time, never behaviour.

A process imports only the tables of the modules whose classes it builds, and only from
bytecode (issue 16). Where ``.pyc`` files cannot be written (``PYTHONDONTWRITEBYTECODE=1``)
and none is there, a table's text would be compiled at every start: one table of every
class cost `funcls run` 0.08-0.1 s of compiling before its first answer, and even the tables
of the classes it builds cost more to compile (0.03-0.04 s) than the ``exec`` of their texts
one by one (0.02-0.03 s). So then the texts are compiled one by one, as dataclasses does.

Each table also holds a recipe per class (``RECIPES``: the kind of each annotation, the
options, every field's flags and the indices of its texts in ``FUNCTIONS``): with it the class
is built by ``funcls/model/fastrecipe.py`` without dataclasses' analysis and text writing, and
the standard way whenever the recipe does not fit the class as declared (see there).

Refresh the tables after changing a dataclass of the model, the checks, the commands or the
runner (whose `config` and `prestart` keep the standard decorator: `funcls run` imports them
before it starts its app processes, and nothing of the model then)::

    python -m funcls.model.fastclass --write

``tests/unit/test_fastclass.py`` fails while it is stale and names that command.
"""

from __future__ import annotations

import builtins
import dataclasses
import importlib
import importlib.util
import os
import sys
import threading
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from funcls.model import fastrecipe

if TYPE_CHECKING:
    from dataclasses import dataclass as dataclass
else:

    def dataclass(cls: Any = None, /, **options: Any) -> Any:
        """``dataclasses.dataclass(cls, **options)``, reading compiled methods from the
        table (see the module's docstring)."""

        def wrap(c: type) -> type:
            return _processed(c, options)

        return wrap if cls is None else wrap(cls)


TABLE_PACKAGE = "funcls.model._fastclass"
# Packages whose dataclasses the tables cover (the commands and the app process); the generator
# imports every module under them.
PACKAGES = ("funcls.model", "funcls.checks", "funcls.commands", "funcls.runner")

_tables: dict[str, Any] = {}  # the table module of the classes' module, or None
# The module of the class this thread is processing (None: a dataclass not made here).
_processing = threading.local()
# Every (module, text) dataclasses asked for in this process, and the texts compiled with
# exec because no table had them or no table was read (--write and --check read these).
seen: list[tuple[str, str]] = []
misses: list[str] = []
# Read the tables even from their text (--check: whether they are stale).
read_text = False
# Build classes from their recipes (tests/unit/test_fastclass.py compares with False).
use_recipes = True
# --write: the classes built the standard way, with their options and the texts compiled
# for them in order; recipes are not used meanwhile.
record = False
built: list[tuple[str, type, dict[str, Any], list[str]]] = []
# Classes built from their recipe, and classes that could have been but were built the
# standard way (no table read, no recipe, or a stale one; --check reports these).
replayed: list[str] = []
unreplayed: list[str] = []


def table_module(module: str) -> str:
    """The name of the table module of ``module``'s classes."""
    return f"{TABLE_PACKAGE}.{module.removeprefix('funcls.').replace('.', '__')}"


def _table_of(module: str) -> Any:
    """The table module of ``module``'s classes, None when there is none to read."""
    if module in _tables:
        return _tables[module]
    table = None
    try:
        name = table_module(module)
        if _compiled(name):
            table = importlib.import_module(name)
    except ImportError:
        pass
    _tables[module] = table
    return table


def _table(module: str) -> dict[str, Callable[..., Any]]:
    table: dict[str, Callable[..., Any]] = getattr(_table_of(module), "TABLE", {})
    return table


def _compiled(name: str) -> bool:
    """Whether importing the table module ``name`` reads its bytecode rather than compiling
    its text: always when bytecode may be written (compiled once, then read from its
    ``.pyc``), else when a fresh ``.pyc`` is there (an installed wheel's). Compiling a
    table's text costs more than the ``exec`` of the few texts a process needs of it
    (0.03-0.04 s against 0.02-0.03 s for `funcls run`'s classes), so without bytecode the
    texts are compiled one by one, as dataclasses does."""
    if read_text or not sys.dont_write_bytecode:
        return True
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.cached or not spec.origin:
        return False
    try:
        with open(spec.cached, "rb") as f:
            header = f.read(16)
        stat = os.stat(spec.origin)
    except OSError:
        return False
    if header[:4] != importlib.util.MAGIC_NUMBER or len(header) < 16:
        return False
    if int.from_bytes(header[4:8], "little") & 1:  # hash-based: checked or trusted as is
        return True
    mtime = int.from_bytes(header[8:12], "little")
    size = int.from_bytes(header[12:16], "little")
    return mtime == int(stat.st_mtime) & 0xFFFFFFFF and size == stat.st_size & 0xFFFFFFFF


def _exec(source: Any, globals_: Any = None, namespace: Any = None, /) -> None:
    """``exec`` as ``dataclasses`` calls it, ``exec(text, globals, ns)``: the table's
    function for a known text, bound to the same globals, else ``exec`` itself."""
    if globals_ is None:  # exec's own default: the globals of its caller, dataclasses
        globals_ = vars(dataclasses)
    module: str | None = getattr(_processing, "module", None)
    if module is None:  # another thread's standard dataclass meanwhile
        _plain_exec(source, globals_, namespace)
        return
    made = None
    if isinstance(source, str):
        seen.append((module, source))
        texts = getattr(_processing, "texts", None)
        if texts is not None:
            texts.append(source)
        made = _table(module).get(source)
    if made is None or not isinstance(namespace, dict):
        misses.append(source)
        _plain_exec(source, globals_, namespace)
        return
    code = made.__code__
    namespace[code.co_name] = types.FunctionType(code, globals_, code.co_name)


def _plain_exec(source: Any, globals_: Any, namespace: Any) -> None:
    """``exec`` as dataclasses' own call runs it: a text compiled here would inherit this
    module's ``from __future__ import annotations`` and give the methods' signatures the
    names of dataclasses' locals (``'_type_value'``) instead of the types."""
    if isinstance(source, str):
        source = compile(source, "<string>", "exec", dont_inherit=True)
    builtins.exec(source, globals_, namespace)


def _processed(cls: type, options: dict[str, Any]) -> Any:
    # dataclasses finds `exec` among its module's globals before the builtins: shadow it
    # there while this class is processed. Another thread's dataclass meanwhile gets the
    # same functions either way. The class's module names the table to read (per thread).
    namespace = vars(dataclasses)
    had = "exec" in namespace
    before = namespace.get("exec")
    outer = getattr(_processing, "module", None)
    _processing.module = cls.__module__
    namespace["exec"] = _exec
    doc = None
    if not cls.__dict__.get("__doc__"):
        # No docstring: dataclasses would write one from inspect.signature(cls) now (2 ms of
        # `funcls check`'s start for 49 classes, issue 16); the same text is made when read.
        doc = _Doc()
        cls.__doc__ = doc  # type: ignore[assignment]
    outer_texts = getattr(_processing, "texts", None)
    _processing.texts = [] if record else None
    try:
        if use_recipes and not record:
            made = _replayed(cls, options)
            if made is not None:
                return made
        result: Any = dataclasses.dataclass(cls, **options)
        if record:
            built.append((cls.__module__, result, options, _processing.texts))
        return result
    finally:
        if doc is not None:
            doc.pending = False
        _processing.texts = outer_texts
        _processing.module = outer
        if had:
            namespace["exec"] = before
        else:
            del namespace["exec"]


def _replayed(cls: type, options: dict[str, Any]) -> type | None:
    """``cls`` built from its recipe in its module's table (funcls/model/fastrecipe.py), or
    None: no table read, no recipe for it, or one that does not fit it now."""
    annotations = fastrecipe.own_annotations(cls)
    if not all(isinstance(a, str) for a in annotations.values()):
        return None  # no recipe is written for such a class
    table = _table_of(cls.__module__)
    recipes = getattr(table, "RECIPES", None)
    made = None
    if recipes is not None and fastrecipe.dataclasses_key() == table.KEY:
        recipe = recipes.get(cls.__qualname__)
        if recipe is not None:
            made = fastrecipe.replay(cls, options, recipe, table.FUNCTIONS)
    (replayed if made is not None else unreplayed).append(f"{cls.__module__}.{cls.__qualname__}")
    return made


class _Doc:
    """The ``__doc__`` of a dataclass without a docstring, as ``dataclasses`` writes it (the
    class's name and the signature of its ``__init__``, ``-> None`` left out), made the first
    time it is read. A class's ``__doc__`` that has ``__get__`` is called with the class
    (``type_get_doc`` in CPython's typeobject.c), an instance's finds it in its class. While
    the class is processed it reads as a placeholder, so that dataclasses leaves it."""

    __slots__ = ("pending", "text")

    def __init__(self) -> None:
        self.pending = True
        self.text: str | None = None

    def __get__(self, obj: object, owner: type | None = None) -> str:
        if self.pending:
            return "(being made)"
        if self.text is None:
            cls = owner if owner is not None else type(obj)
            # Imported here: `funcls check` imports dataclasses without inspect (funcls/cli.py,
            # _dataclasses_without_inspect) and reads no class's __doc__.
            import inspect

            try:
                signature = str(inspect.signature(cls)).replace(" -> None", "")
            except (TypeError, ValueError):  # as dataclasses: some signatures cannot be had
                signature = ""
            self.text = cls.__name__ + signature
        return self.text


def _table_source(module: str, texts: list[str], classes: list[tuple[type, Any, list[str]]]) -> str:
    """The table module of ``module``'s ``texts``: each text as it is (it defines
    ``__create_fn__``, the function dataclasses calls to get a method), then its entry; then
    the recipe of each of ``classes`` (class, options, its texts in order) that can have one
    (funcls/model/fastrecipe.py)."""
    out = [
        "# Generated by `python -m funcls.model.fastclass --write`: do not edit.",
        f"# The method texts Python's dataclasses compile for the classes of {module},",
        "# compiled once here, and the classes' recipes (issue 16); see",
        "# funcls/model/fastclass.py and funcls/model/fastrecipe.py.",
        "# fmt: off",
        "# ruff: noqa",
        "# mypy: ignore-errors",
        "TABLE = {}",
        "FUNCTIONS = []",
    ]
    ordered = sorted(set(texts))
    for text in ordered:
        out.append(text)
        out.append(f"TABLE[{text!r}] = __create_fn__")
        out.append("FUNCTIONS.append(__create_fn__)")
    index = {text: i for i, text in enumerate(ordered)}
    out.append(f"KEY = {fastrecipe.dataclasses_key()}")
    out.append("RECIPES = {")
    for cls, options, made in classes:
        annotations = fastrecipe.own_annotations(cls)
        if all(isinstance(a, str) for a in annotations.values()):
            recipe = fastrecipe.recipe(cls, options, [index[t] for t in made])
            out.append(f"    {cls.__qualname__!r}: {recipe!r},")
    out.append("}")
    return "\n".join(out) + "\n"


def _import_all() -> None:
    import importlib
    import pkgutil

    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, name + "."):
            if not info.name.startswith(TABLE_PACKAGE) and not info.name.endswith(".__main__"):
                importlib.import_module(info.name)


def main(argv: list[str] | None = None) -> int:
    """``--write``: import every module of PACKAGES and write the texts their classes
    compiled; ``--check``: exit 1 when one was missing from the table."""

    # `python -m` runs this file as __main__, a second copy: the classes use the real one.
    from funcls.model import fastclass

    args = sys.argv[1:] if argv is None else argv
    if args not in (["--write"], ["--check"]):
        print("usage: python -m funcls.model.fastclass --write | --check", file=sys.stderr)
        return 2
    fastclass.read_text = True
    fastclass.record = args == ["--write"]
    _import_all()
    if args == ["--check"]:
        for text in fastclass.misses:
            print(text.splitlines()[1].strip(), file=sys.stderr)
        for name in fastclass.unreplayed:
            print(f"{name}: no recipe, or a stale one", file=sys.stderr)
        return 1 if fastclass.misses or fastclass.unreplayed else 0
    folder = os.path.join(os.path.dirname(__file__), "_fastclass")
    os.makedirs(folder, exist_ok=True)
    by_module: dict[str, list[str]] = {}
    for module, text in fastclass.seen:
        by_module.setdefault(module, []).append(text)
    classes: dict[str, list[tuple[type, Any, list[str]]]] = {}
    for module, cls, options, made in fastclass.built:
        classes.setdefault(module, []).append((cls, options, made))
    files = {
        table_module(module).rpartition(".")[2] + ".py": _table_source(
            module, texts, classes.get(module, [])
        )
        for module, texts in by_module.items()
    }
    files["__init__.py"] = (
        '"""The tables of funcls.model.fastclass, one module per module of funcls that '
        'declares\ndataclasses. Generated by `python -m funcls.model.fastclass --write`."""\n'
    )
    for name in os.listdir(folder):
        if name.endswith(".py") and name not in files:  # a module without classes now
            os.remove(os.path.join(folder, name))
    for name, text in files.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    texts = sum(len(set(t)) for t in by_module.values())
    print(f"wrote {texts} method texts of {len(by_module)} modules to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
