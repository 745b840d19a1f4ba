"""Library behaviours the v2 indexer must reproduce, each checked against the real library."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.support.fidelity import differences, funcls_index, library_index


def _app(tmp_path: Path, source: str, files: dict[str, str] | None = None) -> Path:
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(textwrap.dedent(source))
    for name, text in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def _agree(root: Path) -> None:
    diff = differences(funcls_index(str(root)), library_index(str(root)))
    assert not diff, "\n".join(diff)


def test_durable_decorator_through_function_app_drops_bindings_below_it(tmp_path: Path) -> None:
    root = _app(
        tmp_path,
        """
        import azure.functions as func
        app = func.FunctionApp()

        @app.durable_client_input(client_name="client")
        @app.queue_output(arg_name="out", queue_name="q", connection="S")
        @app.route(route="start")
        def start(req, client, out):
            pass
        """,
    )
    app = funcls_index(str(root))
    fn = app.function("start")
    assert fn is not None
    assert [b.type for b in fn.bindings] == ["durableClient"]
    assert fn.trigger is None
    assert [p.kind for p in app.problems] == ["durable-drops-decorators"]


def test_durable_decorator_on_dfapp_keeps_bindings(tmp_path: Path) -> None:
    root = _app(
        tmp_path,
        """
        import azure.functions as func
        import azure.durable_functions as df
        app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)

        @app.durable_client_input(client_name="client")
        @app.route(route="orchestrators/{name}")
        async def start(req, client):
            pass

        @app.orchestration_trigger(context_name="context")
        def hello_orchestrator(context):
            return []

        @app.activity_trigger(input_name="city")
        def say_hello(city: str) -> str:
            return city

        @app.entity_trigger(context_name="context", entity_name="Counter")
        def counter(context):
            pass
        """,
    )
    _agree(root)


def test_blueprints_constants_and_registration_order(tmp_path: Path) -> None:
    root = _app(
        tmp_path,
        """
        import azure.functions as func
        from settings import QUEUE
        from blueprints.orders import bp as orders
        from blueprints import reports

        app = func.FunctionApp(http_auth_level="ANONYMOUS")

        @app.route(route="first")
        def first(req):
            pass

        app.register_functions(orders)

        @app.queue_trigger(arg_name="msg", queue_name=QUEUE, connection="Storage")
        def middle(msg):
            pass

        app.register_blueprint(reports.bp)
        """,
        {
            "settings.py": "QUEUE = 'incoming-' + 'orders'\n",
            "blueprints/__init__.py": "",
            "blueprints/orders.py": """
        import azure.functions as func
        bp = func.Blueprint()

        @bp.function_name("CreateOrder")
        @bp.route(route="orders/{id:int?}", methods=[func.HttpMethod.POST, "put"])
        def create(req):
            pass
        """,
            "blueprints/reports.py": """
        from azure import functions as azf
        bp = azf.Blueprint()

        @bp.timer_trigger(schedule="0 0 6 * * 1-5", arg_name="timer", run_on_startup=False)
        def daily(timer):
            pass
        """,
        },
    )
    _agree(root)
    names = [f.name for f in funcls_index(str(root)).functions]
    assert names == ["first", "CreateOrder", "middle", "daily"]


def test_asgi_app_synthesises_the_catch_all_function(tmp_path: Path) -> None:
    root = _app(
        tmp_path,
        """
        import azure.functions as func

        class Dummy:
            async def __call__(self, scope, receive, send):
                pass

        app = func.AsgiFunctionApp(app=Dummy(), http_auth_level=func.AuthLevel.ANONYMOUS)
        """,
    )
    _agree(root)
    fn = funcls_index(str(root)).function("http_app_func")
    assert fn is not None and fn.synthetic and fn.http_type == "asgi"


def test_app_auth_level_string_must_be_a_member_name(tmp_path: Path) -> None:
    root = _app(
        tmp_path,
        """
        import azure.functions as func
        app = func.FunctionApp(http_auth_level="anonymous")

        @app.route()
        def hello(req):
            pass
        """,
    )
    app = funcls_index(str(root))
    assert [p.kind for p in app.problems] == ["app-auth-level"]


_ORDERS_BLUEPRINT = """
    import azure.functions as func
    bp = func.Blueprint()

    @bp.queue_trigger(arg_name="msg", queue_name="orders", connection="Storage")
    def on_order(msg):
        pass
    """


@pytest.mark.parametrize(
    ("imports", "registered", "package_init"),
    [
        ("from blueprints import orders_bp", "orders_bp", "from .orders import bp as orders_bp"),
        ("import blueprints", "blueprints.orders_bp", "from .orders import bp as orders_bp"),
        ("from blueprints import bp", "bp", "from blueprints.orders import bp"),
    ],
)
def test_blueprint_re_exported_by_a_package_init(
    tmp_path: Path, imports: str, registered: str, package_init: str
) -> None:
    root = _app(
        tmp_path,
        f"""
        import azure.functions as func
        {imports}
        app = func.FunctionApp()
        app.register_functions({registered})
        """,
        {"blueprints/__init__.py": package_init + "\n", "blueprints/orders.py": _ORDERS_BLUEPRINT},
    )
    _agree(root)
    app = funcls_index(str(root))
    assert [f.name for f in app.functions] == ["on_order"]
    assert app.unregistered == []
    assert [r.blueprint_path for r in app.registrations] == [str(root / "blueprints/orders.py")]


@pytest.mark.parametrize(
    "expression",
    [
        'CONTAINER + "/{name}"',
        'f"{CONTAINER}/{{name}}{SUFFIX}"',
        'settings.CONTAINER + "/x/{name}"',
        "LOCAL_PATH",
        "FULL",
        'f"{CONTAINER}-{SIZE}/{{name}}"',
    ],
)
def test_imported_constants_joined_with_literals(tmp_path: Path, expression: str) -> None:
    root = _app(
        tmp_path,
        f"""
        import azure.functions as func
        import settings
        from settings import CONTAINER, FULL, SIZE, SUFFIX
        LOCAL_PATH = CONTAINER + "/local/{{name}}" + SUFFIX
        app = func.FunctionApp()

        @app.blob_trigger(arg_name="b", path={expression}, connection="S")
        def f(b):
            pass
        """,
        {
            "settings.py": "CONTAINER = 'images'\nSUFFIX = '.jpg'\nSIZE = 128\nFULL = CONTAINER + '/{n}'\n"
        },
    )
    _agree(root)
    v = funcls_index(str(root)).functions[0].bindings[0].value("path")
    assert v is not None and v.known


def test_adding_a_non_string_constant_stays_unknown(tmp_path: Path) -> None:
    """``"q-" + SIZE`` raises TypeError at import; funcls must not invent a value for it."""
    root = _app(
        tmp_path,
        """
        import azure.functions as func
        from settings import SIZE
        app = func.FunctionApp()

        @app.queue_trigger(arg_name="m", queue_name="q-" + SIZE, connection="S")
        def f(m):
            pass
        """,
        {"settings.py": "SIZE = 128\n"},
    )
    v = funcls_index(str(root)).functions[0].bindings[0].value("queueName")
    assert v is not None and not v.known and v.text == '"q-" + SIZE'


MCP_TOOL_PROPERTIES = """
    import json
    import azure.functions as func
    app = func.FunctionApp()
    _NAME = "snippetname"

    class ToolProperty:
        \"\"\"One property of an MCP tool.\"\"\"
        def __init__(self, property_name: str, property_type: str, description: str = ""):
            self.propertyName = property_name
            self.propertyType = property_type
            self.description = description

        def to_dict(self):
            return {
                "propertyName": self.propertyName,
                "propertyType": self.propertyType,
                "description": self.description,
            }

    tool_properties = [
        ToolProperty(_NAME, "string", "The name of the snippet."),
        ToolProperty("limit", property_type="number"),
    ]
    {between}
    tool_properties_json = json.dumps([prop.to_dict() for prop in tool_properties])

    @app.generic_trigger(
        arg_name="context",
        type="mcpToolTrigger",
        toolName="get_snippet",
        description="Retrieve a snippet by name.",
        toolProperties=tool_properties_json,
    )
    def get_snippet(context) -> str:
        return "x"
    """


def test_mcp_tool_properties_built_from_a_class_of_the_module(tmp_path: Path) -> None:
    """The older MCP tool sample (Azure-Samples/remote-mcp-functions-python, copied by
    manvkaur/azure-functions-templates-mcp-server) builds ``toolProperties`` with
    ``json.dumps([prop.to_dict() for prop in tool_properties])`` over instances of a record
    class of the module: funcls left it unknown, now it reads the class and the list from their
    syntax and gives the library's exact string."""
    root = _app(tmp_path, MCP_TOOL_PROPERTIES.replace("{between}", ""))
    _agree(root)
    fn = funcls_index(str(root)).function("get_snippet")
    assert fn is not None and fn.trigger is not None
    props = fn.trigger.value("toolProperties")
    assert props is not None and props.known


MCP_TOOL_PROPERTIES_DATACLASS = """
    import json
    from dataclasses import dataclass
    import azure.functions as func
    app = func.FunctionApp()
    _NAME = "snippetname"

    @dataclass
    class ToolProperty:
        {fields}
    {method}

    tool_properties = [
        ToolProperty(_NAME, "string", "The name of the snippet."),
        ToolProperty("limit", "number"),
    ]
    tool_properties_json = json.dumps([{reads} for prop in tool_properties])

    @app.generic_trigger(
        arg_name="context",
        type="mcpToolTrigger",
        toolName="get_snippet",
        description="Retrieve a snippet by name.",
        toolProperties=tool_properties_json,
    )
    def get_snippet(context) -> str:
        return "x"
    """
_FIELDS = 'propertyName: str\n        propertyType: str\n        description: str = ""'
_TO_DICT = (
    "    def to_dict(self) -> dict:\n"
    '            return {"propertyName": self.propertyName, "type": self.propertyType}'
)


@pytest.mark.parametrize(
    ("fields", "method", "reads"),
    [
        (_FIELDS, "", "prop.__dict__"),  # Azure-Samples/remote-mcp-functions-python today
        (_FIELDS, _TO_DICT, "prop.to_dict()"),
    ],
)
def test_mcp_tool_properties_built_from_a_dataclass_of_the_module(
    tmp_path: Path, fields: str, method: str, reads: str
) -> None:
    """Corpus (fifth round): the MCP sample's newer form writes the record as a @dataclass
    and reads ``prop.__dict__`` (GcmSandbox/remote-mcp-apim-functions-python): funcls left
    ``toolProperties`` unknown; it now reads the fields in order, as the generated __init__
    stores them, and gives the library's exact string."""
    source = MCP_TOOL_PROPERTIES_DATACLASS.format(fields=fields, method=method, reads=reads)
    root = _app(tmp_path, source)
    _agree(root)
    fn = funcls_index(str(root)).function("get_snippet")
    assert fn is not None and fn.trigger is not None
    props = fn.trigger.value("toolProperties")
    assert props is not None and props.known


@pytest.mark.parametrize(
    ("fields", "method"),
    [
        (
            'propertyName: str\n        propertyType: str\n        description: str = field(default="")',
            "",
        ),
        (_FIELDS + "\n        kind: ClassVar[str] = 'x'", ""),
        (_FIELDS, "    def describe(self) -> str:\n            return self.description"),
    ],
)
def test_mcp_tool_properties_from_a_dataclass_funcls_cannot_read_stay_unknown(
    tmp_path: Path, fields: str, method: str
) -> None:
    source = MCP_TOOL_PROPERTIES_DATACLASS.format(
        fields=fields, method=method, reads="prop.__dict__"
    )
    source = source.replace(
        "from dataclasses import dataclass",
        "from dataclasses import dataclass, field\n    from typing import ClassVar",
    )
    root = _app(tmp_path, source)
    fn = funcls_index(str(root)).function("get_snippet")
    assert fn is not None and fn.trigger is not None
    props = fn.trigger.value("toolProperties")
    assert props is not None and not props.known


@pytest.mark.parametrize(
    "between",
    [
        "tool_properties.append(ToolProperty('extra', 'string'))",
        "tool_properties[0].description = 'changed'",
        "first = tool_properties\n    first.pop()",
        "for p in tool_properties:\n        p.description = 'changed'",
        "ToolProperty.to_dict = lambda self: {}",
    ],
)
def test_mcp_tool_properties_changed_after_they_are_built_stay_unknown(
    tmp_path: Path, between: str
) -> None:
    root = _app(tmp_path, MCP_TOOL_PROPERTIES.replace("{between}", between))
    fn = funcls_index(str(root)).function("get_snippet")
    assert fn is not None and fn.trigger is not None
    props = fn.trigger.value("toolProperties")
    assert props is not None and not props.known
    assert props.text == "tool_properties_json"
