"""The order in which Python runs the app's own modules when the worker imports the script.

The worker imports the script by its module name (azure_functions_worker/loader.py,
``index_function_app``: ``importlib.import_module(module_name)``), so the script is in
``sys.modules`` from its first line. Each top-level import of a module of the app that is not
imported yet runs that module to its end there and then; a module already started (even one
half run, as the script is while its own imports run) is not run again, and ``from m import
name`` of a half-run module finds only the names bound above the line it is running.

Decorators run when their ``def`` statement does, so a module that takes the app object or a
blueprint back (``from function_app import app``, ``from agents.agents import bp``) adds its
functions to that object at the moment it runs. ``register_functions`` copies what a blueprint
holds when it is called (azure/functions/decorators/function_app.py, ``register_functions``:
``self._function_builders.extend(...)``). This module gives every such moment a number (a tick)
from the syntax trees only: nothing of the app is run.
"""

from __future__ import annotations

from dataclasses import field

from funcls.model.fastclass import dataclass
from funcls.model.python.binding_lines import maybe_bound_before, top_bindings
from funcls.model.python.module import ImportRecord, ModuleInfo
from funcls.model.source import Source
from funcls.model.v2.values import ModuleResolver

_MAX_MODULES = 2000  # the same bound as the checks' walk over the app's modules


@dataclass(frozen=True)
class CircularFailure:
    """``from target import name`` in ``importer`` while ``target`` is half run (running its
    import on ``target_line``) and has not bound ``name``: Python raises ImportError."""

    importer: str
    record: ImportRecord
    target: str
    target_line: int  # 0-based, the statement ``target`` is running
    # (module path, 0-based line of the statement it is running), the script first, the
    # importer last.
    stack: tuple[tuple[str, int], ...]


@dataclass
class ImportTrace:
    """Ticks of the statements that matter, in the order Python runs them."""

    # (module path, line) of a top-level def or a registration -> its tick.
    ticks: dict[tuple[str, int], int] = field(default_factory=dict)
    # A module -> the line of the script whose statement was running when it first ran.
    script_line: dict[str, int] = field(default_factory=dict)
    # Modules in the order they start running (the script first).
    order: list[str] = field(default_factory=list)
    # (module path, local name) of a `from m import name` that fails: ``m`` is half run and
    # has not bound ``name`` yet (a circular import), so the module stops there.
    unbound: set[tuple[str, str]] = field(default_factory=set)
    failures: list[CircularFailure] = field(default_factory=list)


def _bound_above(module: ModuleInfo, name: str, line: int) -> bool:
    """Whether ``module`` has bound ``name`` at its top level above ``line``: created there
    (an app object or blueprint) or imported there."""
    if any(
        c.var == name and c.top_level and c.range.start.line < line for c in module.app_creations
    ):
        return True
    return any(r.local == name and r.range.start.line < line for r in module.import_records)


class _Frame:
    def __init__(self, module: ModuleInfo, items: list[tuple[int, int, object]]) -> None:
        self.module = module
        self.items = items
        self.index = 0
        self.line = -1  # the line of the statement running now


def _items(module: ModuleInfo, ticks: bool = True) -> list[tuple[int, int, object]]:
    """The module's imports, top-level defs and registrations by line (a module other than the
    script may register a blueprint on the app it imports back); the imports only without
    ``ticks``."""
    items: list[tuple[int, int, object]] = []
    for rec in module.import_records:
        items.append((rec.range.start.line, 0, rec))
    if not ticks:
        # Defs and registrations only take a tick: they never change which module runs
        # when, nor the line a half-run module is at when another imports it.
        items.sort(key=lambda item: item[0])
        return items
    for pyf in module.functions:
        if pyf.scope == "module" and pyf.decorators:
            line = pyf.def_start.line  # not the whole range (issue 16)
            items.append((line, 1, ("def", line)))
    for reg in module.registrations:
        items.append((reg.range.start.line, 2, ("reg", reg.range.start.line)))
    items.sort(key=lambda item: (item[0], item[1]))
    return items


class _Tracer:
    def __init__(
        self, script: ModuleInfo, resolver: ModuleResolver, source: Source, ticks: bool = True
    ) -> None:
        self.script = script
        self.ticks = ticks
        self.resolver = resolver
        self.source = source
        self.trace = ImportTrace()
        self.started: set[str] = set()
        self.running: dict[str, _Frame] = {}  # the modules half run now, by path
        self.tick = 0

    def _targets(self, rec: ImportRecord, from_path: str) -> list[str]:
        """The app files ``rec`` runs, outermost package first."""
        lead = "." * rec.level
        parts = [p for p in rec.module.split(".") if p]
        names: list[str] = []
        if rec.level:
            names.append(lead + ".".join(parts))
        else:
            names.extend(".".join(parts[: i + 1]) for i in range(len(parts)))
        if rec.name is not None:
            # `from pkg import sub` runs pkg/sub.py when sub is a module of pkg.
            names.append(lead + ".".join([*parts, rec.name]))
        out: list[str] = []
        for name in names:
            path = (
                self.resolver.module_path(name, from_path) if name.strip(".") or rec.level else None
            )
            if path is not None and path not in out:
                out.append(path)
        return out

    def _bound_above(self, half: _Frame, rec: ImportRecord, frame: _Frame) -> bool:
        """Whether the half-run module may have ``rec.name`` when ``rec`` runs: bound above
        the line it is running (any binding form; anything funcls cannot read counts as
        bound), or a submodule of that name that the import runs instead."""
        name = rec.name or ""
        if _bound_above(half.module, name, half.line):
            return True
        text = self.source.text(half.module.path)
        if text is None or maybe_bound_before(top_bindings(text), name, half.line + 1):
            return True
        lead = "." * rec.level
        sub = f"{lead}{rec.module}.{name}" if rec.module else f"{lead}{name}"
        return self.resolver.module_path(sub, frame.module.path) is not None

    def _step(self, rec: ImportRecord, frame: _Frame, stack: list[_Frame]) -> bool:
        """Run the first target of ``rec`` not started yet (True), or note what a half-run
        target lacks (False when every target has started)."""
        trace = self.trace
        for path in self._targets(rec, frame.module.path):
            if path in self.started:
                half = self.running.get(path)
                if half is not None and rec.name is not None and path != frame.module.path:
                    lead = "." * rec.level
                    named = self.resolver.module_path(lead + rec.module, frame.module.path)
                    if path == named and not self._bound_above(half, rec, frame):
                        trace.unbound.add((frame.module.path, rec.local))
                        trace.failures.append(
                            CircularFailure(
                                frame.module.path,
                                rec,
                                path,
                                half.line,
                                tuple((f.module.path, f.line) for f in stack),
                            )
                        )
                        if not rec.guarded:
                            # ImportError: the module stops here, its defs below never run.
                            frame.index = len(frame.items)
                            return False
                continue
            if len(self.started) >= _MAX_MODULES:
                return False
            self.started.add(path)
            module = self.source.module(path)
            if module is None:
                continue
            trace.order.append(path)
            trace.script_line[path] = stack[0].line
            stack.append(_Frame(module, _items(module, self.ticks)))
            self.running[path] = stack[-1]
            return True
        return False

    def run(self) -> ImportTrace:
        trace = self.trace
        self.started.add(self.script.path)
        trace.order.append(self.script.path)
        stack = [_Frame(self.script, _items(self.script, self.ticks))]
        self.running[self.script.path] = stack[0]
        while stack:
            frame = stack[-1]
            if frame.index >= len(frame.items):
                del self.running[stack.pop().module.path]
                continue
            line, _kind, item = frame.items[frame.index]
            frame.index += 1
            frame.line = line
            if isinstance(item, tuple):
                self.tick += 1
                trace.ticks[(frame.module.path, line)] = self.tick
                continue
            rec = item
            assert isinstance(rec, ImportRecord)
            started = self._step(rec, frame, stack)
            if started:
                frame.index -= 1  # back to this import for its targets after the one started
        return trace


def trace_imports(
    script: ModuleInfo, resolver: ModuleResolver, source: Source, ticks: bool = True
) -> ImportTrace:
    """The trace from ``script``. ``ticks=False``: the order, the script's lines and the
    circular imports that fail, without a tick for each def and registration (AZF608 reads
    no tick; on one app of 5,000 functions the defs were most of its trace on every
    keystroke, issue 16)."""
    return _Tracer(script, resolver, source, ticks).run()
