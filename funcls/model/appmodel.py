"""The model of an Azure Functions app: App -> Function -> Binding.

Every element keeps the file and range it came from, so diagnostics, hovers and go-to are
lookups. The indexers fill this model without importing or running user code.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal

from funcls.model.bindingview import binding_kind, is_trigger_kind
from funcls.model.catalogue import CATALOGUE, BindingSpec, DecoratorSpec
from funcls.model.config_text import config_text
from funcls.model.fastclass import dataclass
from funcls.model.gitindex import GitTracking
from funcls.model.jsondoc import JsonDocument
from funcls.model.locations import Location, Range
from funcls.model.pyproject import PyProject
from funcls.model.signature import Annotation, Parameter, Problem, Scope

__all__ = ["Annotation", "App", "Binding", "Function", "Parameter", "Problem", "Scope", "Value"]

if TYPE_CHECKING:
    from funcls.model.source import Source

ModelKind = Literal["v1", "v2", "mixed", "none"]
Origin = Literal["explicit", "default"]


@dataclass(slots=True)
class Value:
    """One property value and where it came from.

    ``value`` is in function.json form. When a Python expression cannot be resolved
    statically ``known`` is False, ``value`` is None and ``text`` holds the expression.
    """

    value: Any
    range: Range | None = None  # the value (JSON value or Python expression)
    key_range: Range | None = None  # its key (JSON) or keyword (Python)
    known: bool = True
    text: str | None = None
    origin: Origin = "explicit"
    # os.getenv("NAME", default): the setting that replaces ``value`` (the default) at run time
    env: str | None = None

    def to_json(self) -> Any:
        if not self.known:
            return {"$unknown": self.text or ""}
        return self.value


@dataclass(slots=True)
class Binding:
    type: str
    direction: str
    name: str
    path: str  # function.json (v1) or the Python file with the decorator (v2)
    range: Range  # the binding's JSON object, or the decorator expression
    properties: dict[str, Value] = field(default_factory=dict)
    type_range: Range | None = None
    direction_range: Range | None = None
    name_range: Range | None = None
    decorator: str | None = None  # v2: the decorator method that added it
    decorator_index: int | None = None  # v2: index into Function.decorators

    @property
    def spec(self) -> BindingSpec | None:
        # An exact type first without a call (10,000 asks a check, issue 16): the same answer
        # as CATALOGUE.binding, which then looks the type up ignoring case.
        return CATALOGUE.bindings.get(self.type) or CATALOGUE.binding(self.type)

    @property
    def kind(self) -> str:
        """The type as the host compares it (the runner's binding view says the same)."""
        return binding_kind(self.type)

    @property
    def is_trigger(self) -> bool:
        # One answer with the runner's view (funcls/model/bindingview.py), which the catalogue
        # agrees with for every type it knows (tests/unit/test_binding_view.py): a string
        # type is read here as is_trigger_kind reads it, without its two calls (the rules ask
        # 8,000 times a check, issue 16).
        t = self.type
        if type(t) is str:
            return t.lower().endswith("trigger")
        return is_trigger_kind(t)

    def get(self, key: str) -> Any:
        v = self.properties.get(key)
        if v is None:
            low = key.lower()
            for k, val in self.properties.items():
                if k.lower() == low:
                    v = val
                    break
        return v.value if v is not None and v.known else None

    def value(self, key: str) -> Value | None:
        v = self.properties.get(key)
        if v is None:
            low = key.lower()
            for k, val in self.properties.items():
                if k.lower() == low:
                    return val
        return v

    @property
    def location(self) -> Location:
        return Location(self.path, self.name_range or self.range)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "direction": self.direction, "name": self.name}
        if not self.direction:
            del out["direction"]  # not written in function.json: not invented either
        for k, v in self.properties.items():
            out[k] = v.to_json()
        return out


@dataclass(slots=True)
class DecoratorUse:
    """One ``@app.something(...)`` on a v2 function."""

    method: str  # e.g. queue_trigger
    target: str  # the variable it is called on, e.g. app or bp
    path: str
    range: Range  # the whole decorator expression
    name_range: Range  # the method name
    keywords: dict[str, Value] = field(default_factory=dict)  # by parameter name
    unknown_keywords: list[tuple[str, Range]] = field(default_factory=list)
    extra_positional: list[Range] = field(default_factory=list)
    called: bool = True
    owner_kind: str = ""  # the kind of object it is called on (FunctionApp, Blueprint, DFApp…)

    @property
    def spec(self) -> DecoratorSpec | None:
        """The decorator, if the object it is called on has it (else importing fails)."""
        key = (self.method, self.owner_kind)
        try:
            return _DECORATOR_SPECS[key]  # asked 9,000 times a check (issue 16)
        except KeyError:
            pass
        spec = CATALOGUE.decorator(self.method)
        if spec is not None and self.owner_kind and not spec.available_on(self.owner_kind):
            spec = None
        if len(_DECORATOR_SPECS) >= 4096:  # names typed in an editor: bounded
            _DECORATOR_SPECS.clear()
        _DECORATOR_SPECS[key] = spec
        return spec


# DecoratorUse.spec by (method, owner kind): the catalogue never changes in a process.
_DECORATOR_SPECS: dict[tuple[str, str], DecoratorSpec | None] = {}


@dataclass(slots=True)
class Function:
    name: str
    model: Literal["v1", "v2"]
    bindings: list[Binding] = field(default_factory=list)
    # The Python side
    script_path: str | None = None  # absolute path of the file that holds the def
    script_exists: bool = False
    script_outside: bool = False  # v1: scriptFile leads outside the app, so it is not read
    folder_outside: bool = False  # v1: the folder is a link leading out: function.json not read
    entry_point: str = "main"
    entry_found: bool = False
    def_range: Range | None = None  # the def statement (v2: decorators included)
    def_name_range: Range | None = None
    is_async: bool = False
    parameters: list[Parameter] = field(default_factory=list)
    return_annotation: Annotation | None = None
    scope: Scope = "module"
    # v1: function.json
    config_path: str | None = None
    folder: str | None = None
    script_file: Value | None = None  # scriptFile as written
    default_script: str | None = None  # v1 without scriptFile: the file the host takes
    entry_point_value: Value | None = None  # entryPoint as written
    disabled: Value | None = None
    # v2
    decorators: list[DecoratorUse] = field(default_factory=list)
    function_name: Value | None = None  # from @app.function_name
    registered_on: str | None = None  # app or blueprint variable name
    blueprint_path: str | None = None  # module that defines the blueprint, if any
    http_type: str = "function"
    retry: dict[str, Value] | None = None
    synthetic: bool = False  # ASGI/WSGI catch-all and other functions the library adds
    signature_rewritten: bool = False  # mcp_tool replaces the signature the worker sees
    # A decorator funcls does not know between the binding decorators and the def (request
    # validation, dependency injection…): the worker sees the signature it publishes, which
    # funcls cannot see, so parameter <-> binding rules stay silent. Its text, as written.
    foreign_decorator: str | None = None
    # v2: the if/else or try/except ImportError arms the def stands in (see PyFunction.branch).
    branch: tuple[tuple[int, int], ...] = ()

    def exclusive_with(self, other: Function) -> bool:
        """True when the two defs sit in different arms of one if/else or try/except ImportError
        of the same file, so at most one of them exists when the worker imports it."""
        if self.script_path != other.script_path or not self.branch or not other.branch:
            return False
        mine = dict(self.branch)
        return any(line in mine and mine[line] != arm for line, arm in other.branch)

    @property
    def triggers(self) -> list[Binding]:
        return [b for b in self.bindings if b.is_trigger]

    @property
    def trigger(self) -> Binding | None:
        # The first of ``triggers``, without building the list (rules ask for it often), a
        # string type read as Binding.is_trigger reads it.
        for b in self.bindings:
            t = b.type
            if t.lower().endswith("trigger") if type(t) is str else is_trigger_kind(t):
                return b
        return None

    def binding(self, name: str) -> Binding | None:
        for b in self.bindings:
            if b.name == name:
                return b
        return None

    def parameter(self, name: str) -> Parameter | None:
        for p in self.parameters:
            if p.name == name:
                return p
        return None

    @property
    def location(self) -> Location:
        if self.model == "v1" and self.config_path:
            return Location(self.config_path, Range.point(0, 0))
        return Location(self.script_path or "", self.def_name_range or Range.point(0, 0))

    @property
    def script_file_name(self) -> str:
        if self.script_file is not None and isinstance(self.script_file.value, str):
            return self.script_file.value
        if self.default_script is not None:
            return self.default_script
        return "__init__.py" if self.model == "v1" else "function_app.py"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scriptFile": self.script_file_name,
            "entryPoint": self.entry_point,
            "bindings": [b.to_json() for b in self.bindings],
        }


@dataclass(slots=True)
class AppObject:
    """A FunctionApp-like or Blueprint-like object created in a module."""

    var: str
    kind: str  # FunctionApp, AsgiFunctionApp, WsgiFunctionApp, DFApp, Blueprint, DFBlueprint
    path: str
    range: Range  # the assignment
    call_range: Range
    top_level: bool = True
    auth_level: Value | None = None  # http_auth_level
    function_name: Value | None = None  # Asgi/Wsgi synthetic function name

    @property
    def is_blueprint(self) -> bool:
        return self.kind in ("Blueprint", "DFBlueprint")

    @property
    def is_durable(self) -> bool:
        return self.kind in ("DFApp", "DFBlueprint")


@dataclass(slots=True)
class Registration:
    """``app.register_functions(bp)`` / ``register_blueprint`` in a module."""

    app_var: str
    path: str
    range: Range
    arg_text: str
    blueprint_path: str | None  # the module the blueprint comes from, if resolved
    blueprint_var: str | None


@dataclass(slots=True)
class Requirement:
    name: str  # normalised (lower case, '-' for '_')
    text: str  # the line as written
    range: Range


@dataclass(slots=True)
class App:
    root: str
    model: ModelKind = "none"
    functions: list[Function] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    host_json_path: str | None = None
    host_json: JsonDocument | None = None
    local_settings_path: str | None = None
    local_settings: JsonDocument | None = None
    # Whether git's index lists local.settings.json, read from the index file (no program run).
    local_settings_git: GitTracking | None = None
    settings: dict[str, Value] = field(default_factory=dict)  # local.settings.json Values
    connection_strings: dict[str, Value] = field(default_factory=dict)
    requirements_path: str | None = None
    requirements_unreadable: str | None = None  # why requirements.txt was not read (a FIFO…)
    requirements: list[Requirement] = field(default_factory=list)
    pyproject: PyProject | None = None  # pyproject.toml at the app root, if any
    funcignore_path: str | None = None
    funcignore: list[str] = field(default_factory=list)
    script_path: str | None = None  # v2: function_app.py or PYTHON_SCRIPT_FILE_NAME
    script_outside: bool = False  # the v2 script named leads outside the app: not read
    app_objects: list[AppObject] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    unregistered: list[Function] = field(
        default_factory=list
    )  # blueprint functions never registered
    misplaced: list[Function] = field(default_factory=list)  # decorated methods / nested defs
    v1_folders: list[str] = field(default_factory=list)
    files: set[str] = field(default_factory=set)  # every file that fed this index
    # v2: what importing a module runs of the app (itself first, then the app's modules it
    # imports, transitively), for the script (what the worker loads) and for each module of a
    # blueprint never registered (what registering it would load too); model/v2/indexer.py.
    loaded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Where the files were read from (open editor buffers included), so that rules and quick
    # fixes can look at the exact text the index was built from.
    source: Source | None = field(default=None, repr=False, compare=False)

    @property
    def route_prefix(self) -> str:
        """host.json extensions.http.routePrefix (default ``api``; may be empty), its keys
        matched ignoring case as the host does: it reads host.json into its configuration,
        whose keys ignore case (azure-functions-host HostJsonFileConfigurationProvider puts
        each value under its path in a Microsoft.Extensions.Configuration provider), so
        ``"Extensions": {"Http": {"RoutePrefix": "shop"}}`` serves /shop/… in Azure. A number
        or a boolean is the text the host's configuration gives it (``5`` serves /5/…)."""
        node = self.host_json.root if self.host_json else None
        for key in ("extensions", "http", "routePrefix"):
            member = node.get_ci(key) if node is not None and node.kind == "object" else None
            node = member.value if member is not None else None
        text = config_text(node.value) if node is not None and node.kind != "null" else None
        return text.strip("/") if text is not None else "api"

    def host_allow_list(self) -> frozenset[str] | None:
        """host.json's ``functions``: when it lists names, the host loads only the functions
        so named, ignoring case (azure-functions-host FunctionMetadataManager.cs,
        ApplyAllowList); the lower-cased names, or None when every function loads (no list,
        or an empty one, which configuration binding leaves unset)."""
        names = self.host_functions_list()
        return frozenset(n.lower() for n in names) if names is not None else None

    def host_functions_list(self) -> list[str] | None:
        """host.json's ``functions`` as written (see host_allow_list), or None."""
        doc = self.host_json.to_python() if self.host_json else None
        names = None
        if isinstance(doc, dict):  # the host reads its configuration ignoring case
            names = next((v for k, v in doc.items() if k.lower() == "functions"), None)
        if not isinstance(names, list) or not names:
            return None
        if not all(isinstance(n, str) for n in names):
            return None
        return names

    def function(self, name: str) -> Function | None:
        low = name.lower()
        for f in self.functions:
            if f.name.lower() == low:
                return f
        return None

    def setting(self, name: str) -> Value | None:
        """A local.settings.json ``Values`` entry (names compare ignoring case, as on Azure)."""
        v = self.settings.get(name)
        if v is not None:
            return v
        low = name.lower()
        for k, val in self.settings.items():
            if k.lower() == low:
                return val
        return None

    @property
    def blueprints(self) -> list[AppObject]:
        return [o for o in self.app_objects if o.is_blueprint]

    @property
    def function_apps(self) -> list[AppObject]:
        return [o for o in self.app_objects if not o.is_blueprint]

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "model": self.model,
            "functions": [f.to_json() for f in self.functions],
        }
