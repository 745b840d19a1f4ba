"""What the analysis of one module yields: values, decorators, functions, app objects."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import field
from typing import Any, Literal

from funcls.model.fastclass import dataclass
from funcls.model.locations import Position, Range
from funcls.model.shown_as import shown_as
from funcls.model.signature import Annotation, Parameter, Problem, Scope

ValueKind = Literal["const", "list", "dict", "enum", "call", "ref", "concat", "unknown"]
# A "concat" value joins its items once they resolve to constants (names imported from other
# modules are resolved by the v2 indexer): ``const`` is "add" for ``a + b`` (every part must be
# a string) and "format" for an f-string (parts are formatted with str()).


@dataclass(slots=True)
class PyValue:
    """A Python expression, resolved as far as static analysis safely allows."""

    kind: ValueKind
    range: Range
    text: str
    const: Any = None
    items: list[PyValue] = field(default_factory=list)
    entries: dict[str, PyValue] = field(default_factory=dict)
    qualname: str | None = None  # enum member, callee, or imported name
    kwargs: dict[str, PyValue] = field(default_factory=dict)


@dataclass(slots=True)
class Keyword:
    name: str | None  # None for **mapping
    value: PyValue
    name_range: Range


@dataclass(slots=True)
class RawDecorator:
    chain: list[str]  # ["app", "route"] for @app.route(...)
    range: Range
    method_range: Range
    called: bool
    args: list[PyValue] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)
    has_star_args: bool = False


@dataclass(slots=True)
class PyFunction:
    name: str
    name_range: Range
    def_range: Range  # from the first decorator to the end of the body
    is_async: bool
    params: list[Parameter]
    returns: Annotation | None
    decorators: list[RawDecorator]
    scope: Scope
    docstring: str | None = None
    body_line: int = 0
    # The arms of if/else and try/except ImportError it stands in: (line of the statement,
    # arm), outermost first. Two defs in different arms of one statement never both run.
    branch: tuple[tuple[int, int], ...] = ()
    # Read from a signature being typed, closed by the recovery from a syntax error
    # (``recover._signature_repaired``): its parameters so far; the signature rules wait.
    partial_signature: bool = False

    @property
    def def_start(self) -> Position:
        """Where the def starts (its first decorator): what the v2 indexer and its import
        trace ask of every def, without making the whole range (``LazyPyFunction``)."""
        return self.def_range.start


@dataclass(slots=True)
class ImportRecord:
    local: str
    module: str  # dotted module as written (without leading dots)
    name: str | None  # imported attribute, None for `import x`
    level: int  # leading dots
    range: Range
    # Under try/except ImportError (or a broader except) or `if TYPE_CHECKING:`: a missing
    # module does not stop the import of the file.
    guarded: bool = False
    # In the handler of a try that catches ImportError (or more broadly): a fallback that
    # runs only when an import of the try's body failed.
    fallback: bool = False


@dataclass(slots=True)
class AppCreation:
    var: str
    kind: str
    range: Range
    call_range: Range
    top_level: bool
    args: list[PyValue]
    kwargs: dict[str, PyValue]


@dataclass(slots=True)
class RegisterCall:
    app_var: str
    method: str
    range: Range
    arg: PyValue | None
    arg_chain: list[str]
    # ``for bp in blueprints: app.register_functions(bp)`` over a sequence this module does not
    # bind (imported from another module of the app): the loop variable and the name chain of
    # the sequence, for the indexer to read the other module's ``sequences``.
    loop_var: str | None = None
    loop_over: list[str] | None = None


@dataclass(slots=True)
class Assignment:
    """A name bound at a module's top level by a statement other than a def, a class or an
    import: ``name = …``, ``name: T = …``, ``name += …``, a name unpacked from a tuple, a
    ``for`` target, ``with … as name``. Recorded once by the module's analysis, in the order
    of the statements, for the faces that ask what the module binds (AZF111), where a v1
    entry point bound by assignment stands (its Run lens) and which def it wraps (AZF314)."""

    name: str
    name_range: Range  # the name in the statement that binds it
    # ``main = df.Orchestrator.create(orchestrator_function)``: the name passed first to the
    # call the value is (``orchestrator_function``); None for any other value.
    wraps: str | None = None


@dataclass(slots=True)
class ModuleInfo:
    path: str
    problems: list[Problem] = field(default_factory=list)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    import_records: list[ImportRecord] = field(default_factory=list)
    constants: dict[str, PyValue] = field(default_factory=dict)
    constant_lines: dict[str, int] = field(default_factory=dict)
    app_creations: list[AppCreation] = field(default_factory=list)
    functions: list[PyFunction] = field(default_factory=list)
    registrations: list[RegisterCall] = field(default_factory=list)
    classes: dict[str, list[str]] = field(default_factory=dict)  # class -> decorator qualnames
    protocols: set[str] = field(default_factory=set)  # classes deriving from typing.Protocol
    # Folders the module adds to sys.path at its top level (src/ layouts), as absolute paths.
    sys_paths: list[str] = field(default_factory=list)
    # Module-level names bound once, unconditionally, to a literal list or tuple and not used
    # anywhere else in the module (so nothing here changes them), whose elements are all
    # names: each element's name chain (``bp`` -> ["bp"], ``orders.bp`` -> ["orders", "bp"]).
    sequences: dict[str, list[list[str]]] = field(default_factory=dict)
    partial: bool = False  # True when a syntax error hid part of the file
    # Names bound at the top level by assignment (not under ``if __name__ == "__main__":``).
    assignments: list[Assignment] = field(default_factory=list)
    star_import: bool = False  # ``from m import *`` at the top level: any name may be bound

    def assignment(self, name: str, last: bool = False) -> Assignment | None:
        """The first statement at the top level that binds ``name`` by assignment (``last``:
        the last one, whose value holds when the module has run); None when none does."""
        found = None
        for a in self.assignments:
            if a.name == name:
                if not last:
                    return a
                found = a
        return found

    def top_level_names(self) -> set[str] | None:
        """Every name the module binds at its top level when imported (defs, classes,
        imports, assignments; not what ``if __name__ == "__main__":`` binds, nor a function's
        ``global``); None when a star import makes any name possible."""
        if self.star_import:
            return None
        names = {f.name for f in self.functions if f.scope == "module"}
        names.update(self.classes)
        names.update(self.imports)
        names.update(a.name for a in self.assignments)
        return names

    def function(self, name: str) -> PyFunction | None:
        found = None
        for f in self.functions:
            if f.name == name and f.scope == "module":
                found = f  # the last definition wins, as at run time
        return found


# -- ranges made when read (issue 16) ----------------------------------------------------------
# A check reads the range of few of the values and keyword names of the decorators: those of its
# findings. A Range is three tuples built by three calls (about 5,500 instructions); the classes
# below keep the node's four numbers instead and make the Range when it is first read. They are
# ``PyValue`` and ``Keyword`` otherwise: same fields, equal to one of the same fields, same repr.

_PV_RANGE: Any = PyValue.__dict__["range"]
_KW_NAME_RANGE: Any = Keyword.__dict__["name_range"]
_new = tuple.__new__


@shown_as(PyValue)
class LazyPyValue(PyValue):
    """A ``PyValue`` whose ``range`` is made from ``_at`` (line, column, end line, end column,
    all zero-based) when first read."""

    __slots__ = ("_at",)

    def __init__(
        self,
        at: tuple[int, int, int, int],
        kind: ValueKind,
        text: str,
        const: Any,
        qualname: str | None = None,
    ) -> None:
        self.kind = kind
        self.text = text
        self.const = const
        self.items = []
        self.entries = {}
        self.qualname = qualname
        self.kwargs = {}
        self._at: tuple[int, int, int, int] | None = at

    @property
    def range(self) -> Range:
        at = getattr(self, "_at", None)  # unset in a copy made by object.__new__ (shift.py)
        if at is not None:
            self._at = None
            _PV_RANGE.__set__(
                self,
                _new(Range, (_new(Position, (at[0], at[1])), _new(Position, (at[2], at[3])))),
            )
        return _PV_RANGE.__get__(self)  # type: ignore[no-any-return]

    @range.setter
    def range(self, r: Range) -> None:
        self._at = None
        _PV_RANGE.__set__(self, r)


@shown_as(Keyword)
class LazyKeyword(Keyword):
    """A ``Keyword`` whose ``name_range`` (on one line: ``line``, ``column`` and the name's
    length) is made when first read."""

    __slots__ = ("_at",)

    def __init__(self, name: str, value: PyValue, at: tuple[int, int, int]) -> None:
        self.name = name
        self.value = value
        self._at: tuple[int, int, int] | None = at

    @property
    def name_range(self) -> Range:
        at = getattr(self, "_at", None)  # unset in a copy made by object.__new__ (shift.py)
        if at is not None:
            self._at = None
            line = at[0]
            _KW_NAME_RANGE.__set__(
                self, _new(Range, (_new(Position, (line, at[1])), _new(Position, (line, at[2]))))
            )
        return _KW_NAME_RANGE.__get__(self)  # type: ignore[no-any-return]

    @name_range.setter
    def name_range(self, r: Range) -> None:
        self._at = None
        _KW_NAME_RANGE.__set__(self, r)


# -- a def's own ranges made when read (issue 16, eleventh pass) -------------------------------
# A check with no finding reads none of a parameter's or an annotation's ranges, and a def's
# only through its line (``PyFunction.def_start``). These keep the ast's numbers (zero-based
# lines, character columns) and make each Range when it is first read: its slot stays unset
# until then. They are ``PyFunction``, ``Parameter`` and ``Annotation`` otherwise
# (``shown_as``: equal to one of the same fields, same repr). shift.py copies them as their
# model classes, every range read.

_PF_DEF_RANGE: Any = PyFunction.__dict__["def_range"]
_PF_NAME_RANGE: Any = PyFunction.__dict__["name_range"]
_PAR_RANGE: Any = Parameter.__dict__["range"]
_ANN_RANGE: Any = Annotation.__dict__["range"]


@shown_as(PyFunction)
class LazyPyFunction(PyFunction):
    """A ``PyFunction`` whose ``def_range`` (``_at[0:4]``: first line and column, last line
    and end column) and ``name_range`` (``_at[4:7]``: line, first and end column) are made
    when first read."""

    __slots__ = ("_at",)

    def __init__(
        self,
        at: tuple[int, int, int, int, int, int, int],
        name: str,
        is_async: bool,
        params: list[Parameter],
        returns: Annotation | None,
        decorators: list[RawDecorator],
        scope: Scope,
        docstring: str | None,
        body_line: int,
        branch: tuple[tuple[int, int], ...],
        partial_signature: bool,
    ) -> None:
        self._at = at
        self.name = name
        self.is_async = is_async
        self.params = params
        self.returns = returns
        self.decorators = decorators
        self.scope = scope
        self.docstring = docstring
        self.body_line = body_line
        self.branch = branch
        self.partial_signature = partial_signature

    @property
    def def_range(self) -> Range:
        try:
            return _PF_DEF_RANGE.__get__(self)  # type: ignore[no-any-return]
        except AttributeError:
            at = self._at
            r = _new(Range, (_new(Position, (at[0], at[1])), _new(Position, (at[2], at[3]))))
            _PF_DEF_RANGE.__set__(self, r)
            return r

    @def_range.setter
    def def_range(self, r: Range) -> None:
        _PF_DEF_RANGE.__set__(self, r)

    @property
    def name_range(self) -> Range:
        try:
            return _PF_NAME_RANGE.__get__(self)  # type: ignore[no-any-return]
        except AttributeError:
            at = self._at
            line = at[4]
            r = _new(Range, (_new(Position, (line, at[5])), _new(Position, (line, at[6]))))
            _PF_NAME_RANGE.__set__(self, r)
            return r

    @name_range.setter
    def name_range(self, r: Range) -> None:
        _PF_NAME_RANGE.__set__(self, r)

    @property
    def def_start(self) -> Position:
        try:
            return _PF_DEF_RANGE.__get__(self).start  # type: ignore[no-any-return]
        except AttributeError:
            at = self._at
            return _new(Position, (at[0], at[1]))

    def fresh(self, decorators: list[RawDecorator]) -> LazyPyFunction:
        """A copy holding ``decorators`` (``dataclasses.replace`` would read the ranges)."""
        f = LazyPyFunction(
            self._at,
            self.name,
            self.is_async,
            self.params,
            self.returns,
            decorators,
            self.scope,
            self.docstring,
            self.body_line,
            self.branch,
            self.partial_signature,
        )
        for member in (_PF_DEF_RANGE, _PF_NAME_RANGE):  # those already made
            with suppress(AttributeError):
                member.__set__(f, member.__get__(self))
        return f


@shown_as(Parameter)
class LazyParameter(Parameter):
    """A ``Parameter`` whose ``range`` (the name on one line: ``line``, first and end
    column) is made when first read."""

    __slots__ = ("_at",)

    def __init__(
        self,
        at: tuple[int, int, int],
        name: str,
        annotation: Annotation | None,
        has_default: bool,
        kind: Literal["positional", "keyword", "var-positional", "var-keyword"],
    ) -> None:
        self._at = at
        self.name = name
        self.annotation = annotation
        self.has_default = has_default
        self.kind = kind

    @property
    def range(self) -> Range:
        try:
            return _PAR_RANGE.__get__(self)  # type: ignore[no-any-return]
        except AttributeError:
            line, column, end = self._at
            r = _new(Range, (_new(Position, (line, column)), _new(Position, (line, end))))
            _PAR_RANGE.__set__(self, r)
            return r

    @range.setter
    def range(self, r: Range) -> None:
        _PAR_RANGE.__set__(self, r)


@shown_as(Annotation)
class LazyAnnotation(Annotation):
    """An ``Annotation`` whose ``range`` (``_at``: line, column, end line, end column) is made
    when first read."""

    __slots__ = ("_at",)

    def __init__(self, at: tuple[int, int, int, int], text: str, qualname: str | None) -> None:
        self._at = at
        self.text = text
        self.qualname = qualname

    @property
    def range(self) -> Range:
        try:
            return _ANN_RANGE.__get__(self)  # type: ignore[no-any-return]
        except AttributeError:
            at = self._at
            r = _new(Range, (_new(Position, (at[0], at[1])), _new(Position, (at[2], at[3]))))
            _ANN_RANGE.__set__(self, r)
            return r

    @range.setter
    def range(self, r: Range) -> None:
        _ANN_RANGE.__set__(self, r)
