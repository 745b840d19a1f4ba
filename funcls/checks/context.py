"""What a checker gets: the app, a way to report, and read-only helpers over the app's text."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from funcls.checks.findings import Finding, Fix, Related, Severity
from funcls.checks.registry import REGISTRY
from funcls.model.appmodel import App, Binding, Function
from funcls.model.locations import LineIndex, Location, Range
from funcls.model.python.binding_lines import TopBindings, top_bindings
from funcls.model.python.module import ModuleInfo

AF = "azure.functions"


class Context:
    """One run of the rules over one app. Checkers only read the app and call :meth:`emit`."""

    def __init__(
        self, app: App, enabled: frozenset[str] | None = None, plan: str | None = None
    ) -> None:
        self.app = app
        self.plan = plan  # the hosting plan named in [tool.funcls], if any
        self.enabled_codes = enabled
        self.findings: list[Finding] = []
        self._lines: dict[str, LineIndex | None] = {}
        self._texts: dict[str, str | None] = {}
        # Answers about the whole app that several checkers ask for, computed once per check
        # by whoever asks first (the app does not change during one check).
        self.memo: dict[str, Any] = {}

    # -- reporting ---------------------------------------------------------------------------
    def enabled(self, code: str) -> bool:
        return self.enabled_codes is None or code in self.enabled_codes

    def emit(
        self,
        code: str,
        message: str,
        path: str,
        range_: Range,
        *,
        related: Iterable[Related] = (),
        fixes: Iterable[Fix] = (),
        function: Function | str | None = None,
        data: dict[str, Any] | None = None,
        severity: Severity | None = None,
        echo: Related | None = None,
    ) -> None:
        """Report a finding; ``severity`` lowers or raises one finding below its rule's default
        (configured overrides still apply on top)."""
        if not self.enabled(code):
            return
        rule = REGISTRY.rules[code]
        name = function.name if isinstance(function, Function) else function
        self.findings.append(
            Finding(
                code=code,
                message=message,
                severity=severity if severity is not None else rule.severity,
                location=Location(path, range_),
                related=list(related),
                fixes=[f for f in fixes if f.edits],
                data=dict(data or {}),
                function=name,
                app_root=self.app.root,
                echo=echo,
            )
        )

    # -- text --------------------------------------------------------------------------------
    def text(self, path: str) -> str | None:
        """The text the app was indexed from (read once per run)."""
        if path in self._texts:
            return self._texts[path]
        source = self.app.source
        text: str | None
        if source is not None:
            text = source.text(path)
        else:
            try:
                with open(path, encoding="utf-8-sig") as f:
                    text = f.read().replace("\r\n", "\n")
            except (OSError, UnicodeDecodeError):
                text = None
        self._texts[path] = text
        return text

    def lines(self, path: str) -> LineIndex | None:
        if path not in self._lines:
            text = self.text(path)
            self._lines[path] = LineIndex(text) if text is not None else None
        return self._lines[path]

    def line_text(self, path: str, line: int) -> str:
        index = self.lines(path)
        return index.line_text(line) if index is not None else ""

    def slice(self, path: str, range_: Range) -> str | None:
        """The text ``range_`` covers in ``path``."""
        text = self.text(path)
        index = self.lines(path)
        if text is None or index is None:
            return None
        return text[index.offset(range_.start) : index.offset(range_.end)]

    def end_of(self, path: str) -> Range:
        """A zero-width range at the end of ``path``'s text."""
        index = self.lines(path)
        text = self.text(path) or ""
        if index is None:
            return Range.point(0, 0)
        pos = index.position(len(text))
        return Range(pos, pos)

    def module(self, path: str) -> ModuleInfo | None:
        source = self.app.source
        return source.module(path) if source is not None else None

    def top_bindings(self, path: str) -> TopBindings | None:
        """``binding_lines.top_bindings`` of the text of ``path``, from the model's own parse
        of it when the command kept it (``Source(keep_trees=True)``): not parsed again."""
        text = self.text(path) or ""
        source = self.app.source
        body = source.module_body(path, text) if source is not None and text else None
        return top_bindings(text, body)

    def alias(self, path: str, module: str = AF) -> str | None:
        """The name ``path`` uses for ``module`` (``func`` for ``import azure.functions as
        func``), or None when the module is not imported as a whole."""
        info = self.module(path)
        if info is None:
            return None
        for local, qual in info.imports.items():
            if qual == module:
                return local
        return None

    def spell_type(self, path: str, qualname: str) -> str | None:
        """How ``path`` would write the type ``qualname`` (``func.HttpRequest``), if it can."""
        if "." not in qualname:
            return qualname  # str, bytes, …
        if qualname.startswith(AF + "."):
            alias = self.alias(path)
            if alias is None:
                info = self.module(path)
                name = qualname[len(AF) + 1 :]
                if info is not None and info.imports.get(name) == qualname:
                    return name
                return None
            return f"{alias}.{qualname[len(AF) + 1 :]}"
        return None

    # -- files of the app --------------------------------------------------------------------
    def rel(self, path: str) -> str:
        try:
            return os.path.relpath(path, self.app.root)
        except ValueError:
            return path

    def script_location(self) -> tuple[str, Range]:
        """Where app-wide findings without a better place go."""
        app = self.app
        for p in (app.script_path, app.host_json_path, app.local_settings_path):
            if p:
                return p, Range.point(0, 0)
        return app.root, Range.point(0, 0)


def binding_range(fn: Function, b: Binding) -> Range:
    """Where findings about binding ``b`` go: its name, else the decorator that made it."""
    if b.name_range is not None:
        return b.name_range
    if b.decorator_index is not None and b.decorator_index < len(fn.decorators):
        return fn.decorators[b.decorator_index].name_range
    return b.type_range or b.range


def quote_inner(range_: Range) -> Range:
    """The inside of a one-line quoted literal: the range without its quotes."""
    if range_.start.line != range_.end.line or range_.end.column - range_.start.column < 2:
        return range_
    return Range.of(
        range_.start.line, range_.start.column + 1, range_.end.line, range_.end.column - 1
    )


def string_literal_inner(ctx: Context, path: str, range_: Range, value: str) -> Range | None:
    """The range of ``value`` inside the plain string literal at ``range_`` (JSON or Python),
    or None when the literal is not a simple one-line quoted string holding exactly ``value``
    (an f-string, a concatenation, escapes…), where replacing text would be unsafe."""
    text = ctx.slice(path, range_)
    if text is None or len(text) < 2 or "\n" in text:
        return None
    if text[0] not in "\"'" or text[-1] != text[0] or text[1:-1] != value:
        return None
    if text.startswith(('"""', "'''")):
        return None
    return quote_inner(range_)


def a(word: str) -> str:
    """``word`` with its indefinite article: 'a queueTrigger', 'an httpTrigger'."""
    return f"{'an' if word[:1].lower() in 'aeiouh' and not word.startswith('us') else 'a'} {word}"
