"""The generators behind ``funcls new``: every template the catalogue lists makes a function that
checks clean (v2 and v1), and inserting into an existing module keeps the user's text."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from funcls.checks import CheckConfig, check_app
from funcls.commands.new import write_changes
from funcls.model.catalogue import CATALOGUE
from funcls.model.catalogue.templates import TEMPLATES, find_template, resolve
from funcls.model.loader import load_app
from funcls.model.scaffold.app import settings_inserts
from funcls.model.scaffold.functions import ScaffoldError, plan_function, template_list
from funcls.model.scaffold.module import apply_inserts, plan_module_insert
from funcls.model.scaffold.plan import plan_new_app, plan_new_function
from funcls.model.source import Source

IDS = [t.id for t in TEMPLATES]


def _findings(root: Path) -> list[tuple[str, str]]:
    app = load_app(str(root), Source())
    return [(f.code, f.message) for f in check_app(app, CheckConfig(), raise_errors=True)]


def _new_app(root: Path, v1: bool = False) -> Path:
    write_changes(plan_new_app(str(root), Source(), v1=v1))
    return root


@pytest.mark.parametrize("template", TEMPLATES, ids=IDS)
def test_template_matches_the_catalogue(template: object) -> None:
    assert template in TEMPLATES
    t = TEMPLATES[IDS.index(template.id)]  # type: ignore[attr-defined]
    decorator, binding, settings = resolve(t, CATALOGUE.decorators, CATALOGUE.bindings)
    assert binding.trigger and t.binding_type in decorator.bindings
    assert t.annotation in binding.input_types
    # Every required parameter of the decorator is one the template fills in.
    required = {p.name for p in decorator.required_params} - {"arg_name"}
    assert required <= {s.name for s in settings}
    assert all(s.description for s in settings)


def test_template_list_names_every_template_with_its_settings() -> None:
    listed = template_list("orders")
    assert [t["trigger"] for t in listed] == [*IDS, "durable-orchestration", "durable-entity"]
    queue = listed[IDS.index("queue")]
    assert queue == {
        "trigger": "queue",
        "title": "Queue storage trigger",
        "settings": [
            {
                "name": "queue_name",
                "description": "The queue to watch.",
                "default": "orders-items",
                "required": True,
            },
            {
                "name": "connection",
                "description": queue["settings"][1]["description"],
                "default": "AzureWebJobsStorage",
                "required": True,
            },
        ],
        "v1": True,
    }
    assert template_list()[IDS.index("queue")]["settings"][0]["default"] == "<name>-items"
    # The durable starters are blueprint modules: v2 apps only, which an editor's picker
    # says before the name is asked (QA: a v1 app was refused with 'leave out --v1').
    assert [t["v1"] for t in listed[-2:]] == [False, False]


@pytest.mark.parametrize("trigger", IDS)
def test_v2_function_checks_clean(tmp_path: Path, trigger: str) -> None:
    root = _new_app(tmp_path / "app")
    name = "new_" + trigger.replace("-", "_")
    changes = plan_new_function(str(root), Source(), trigger, name)
    write_changes(changes)
    assert _findings(root) == []
    app = load_app(str(root), Source())
    fn = app.function(name)
    assert fn is not None and fn.model == "v2"
    trigger_binding = fn.trigger
    assert trigger_binding is not None
    assert trigger_binding.type == find_template(trigger).binding_type  # type: ignore[union-attr]
    # The editor is sent to the def line.
    text = (root / "function_app.py").read_text().split("\n")
    assert text[changes.show_line].startswith(f"def {name}(")


@pytest.mark.parametrize("trigger", IDS)
def test_v1_function_checks_clean(tmp_path: Path, trigger: str) -> None:
    root = _new_app(tmp_path / "app", v1=True)
    name = "new_" + trigger.replace("-", "_")
    write_changes(plan_new_function(str(root), Source(), trigger, name, v1=True))
    assert _findings(root) == []
    fn = load_app(str(root), Source()).function(name)
    assert fn is not None and fn.model == "v1"
    assert fn.script_path == str(root / name / "__init__.py")


def test_all_templates_in_one_app_check_clean(tmp_path: Path) -> None:
    root = _new_app(tmp_path / "app")
    for trigger in IDS:
        write_changes(
            plan_new_function(str(root), Source(), trigger, "f_" + trigger.replace("-", "_"))
        )
    assert _findings(root) == []
    settings = json.loads((root / "local.settings.json").read_text())["Values"]
    assert set(settings) == {
        "FUNCTIONS_WORKER_RUNTIME",
        "AzureWebJobsStorage",
        "EventHubConnection",
        "ServiceBusConnection",
        "CosmosDBConnection",
    }


def test_settings_are_rendered_by_kind(tmp_path: Path) -> None:
    plan = plan_function(
        "http", "orders", {"route": "orders/{id:int}", "methods": "get", "authLevel": "anonymous"}
    )
    module = "import azure.functions as func\napp = func.FunctionApp()\n"
    out = apply_inserts(module, plan_module_insert(module, "m.py", plan).inserts)
    assert (
        "@app.route(\n"
        '    route="orders/{id:int}",\n'
        '    methods=["GET"],\n'
        "    auth_level=func.AuthLevel.ANONYMOUS,\n"
        ")\n"
        "def orders(req: func.HttpRequest) -> func.HttpResponse:\n"
    ) in out
    cosmos = plan_function("cosmosdb", "docs", {"create_lease_container_if_not_exists": "false"})
    assert cosmos.values["create_lease_container_if_not_exists"] == "false"


@pytest.mark.parametrize(
    ("trigger", "name", "settings", "message"),
    [
        ("smtp", "f", {}, "no template for trigger 'smtp'; use one of http, timer"),
        ("http", "2fast", {}, "'2fast' cannot be a function name"),
        ("http", "class", {}, "'class' cannot be a function name"),
        ("timer", "t", {"cron": "x"}, "timer_trigger has no setting 'cron'"),
        ("timer", "t", {"schedule": " "}, "setting 'schedule' of the timer template needs a value"),
        (
            "http",
            "h",
            {"auth_level": "secret"},
            "'secret' is not one of function, anonymous, admin",
        ),
        ("http", "h", {"methods": "GET,FETCH"}, "'FETCH' is not one of"),
        ("cosmosdb", "c", {"create_lease_container_if_not_exists": "yes"}, "is true or false"),
        ("queue", "q", {"arg_name": "m"}, "'arg_name' is the parameter name"),
    ],
)
def test_bad_requests_are_refused_with_the_fix(
    trigger: str, name: str, settings: dict[str, str], message: str
) -> None:
    with pytest.raises(ScaffoldError) as e:
        plan_function(trigger, name, settings)
    assert message in str(e.value)


USER_MODULE = (
    '"""My app."""\n'
    "from __future__ import annotations\n"
    "\n"
    "import os\n"
    "import azure.functions as azf\n"
    "\n"
    "app = azf.FunctionApp(http_auth_level=azf.AuthLevel.ANONYMOUS)\n"
    "\n"
    "\n"
    '@app.route(route="ping")\n'
    "def ping(req: azf.HttpRequest) -> azf.HttpResponse:\n"
    "    return azf.HttpResponse(os.getcwd())  # keep me\n"
)


def _insert_into(tmp_path: Path, raw: bytes, trigger: str = "timer") -> bytes:
    root = _new_app(tmp_path / "app")
    (root / "function_app.py").write_bytes(raw)
    write_changes(plan_new_function(str(root), Source(), trigger, "tick"))
    return (root / "function_app.py").read_bytes()


def test_insert_keeps_the_module_and_uses_its_alias(tmp_path: Path) -> None:
    out = _insert_into(tmp_path, USER_MODULE.encode()).decode()
    assert out == (
        '"""My app."""\n'
        "from __future__ import annotations\n"
        "\n"
        "import logging\n"
        "import os\n"
        "import azure.functions as azf\n"
        "\n"
        "app = azf.FunctionApp(http_auth_level=azf.AuthLevel.ANONYMOUS)\n"
        "\n"
        "\n"
        '@app.route(route="ping")\n'
        "def ping(req: azf.HttpRequest) -> azf.HttpResponse:\n"
        "    return azf.HttpResponse(os.getcwd())  # keep me\n"
        "\n"
        "\n"
        '@app.timer_trigger(arg_name="timer", schedule="0 */5 * * * *")\n'
        "def tick(timer: azf.TimerRequest) -> None:\n"
        "    if timer.past_due:\n"
        '        logging.warning("tick is running late")\n'
        '    logging.info("tick ran")\n'
    )
    assert _findings(tmp_path / "app") == []


def test_insert_keeps_crlf_and_bom(tmp_path: Path) -> None:
    raw = codecs.BOM_UTF8 + USER_MODULE.replace("\n", "\r\n").encode()
    out = _insert_into(tmp_path, raw)
    assert out.startswith(codecs.BOM_UTF8 + b'"""My app."""\r\n')
    assert b"\n" not in out.replace(b"\r\n", b"")  # no bare LF
    assert out.replace(b"\r\n", b"\n") == codecs.BOM_UTF8 + _insert_into(
        tmp_path / "lf", USER_MODULE.encode()
    )


def test_insert_without_a_final_newline(tmp_path: Path) -> None:
    out = _insert_into(tmp_path, USER_MODULE.rstrip("\n").encode()).decode()
    assert "# keep me\n\n\n@app.timer_trigger(" in out


@pytest.mark.parametrize(
    ("module", "message"),
    [
        (
            "import azure.functions as func\n\ndef make():\n    return func.FunctionApp()\n",
            "function_app.py creates no FunctionApp or Blueprint at its top level",
        ),
        ("import azure.functions as func\napp = func.FunctionApp(\n", "has a syntax error at line"),
        (
            "import azure.functions as func\napp = func.FunctionApp()\ndef tick():\n    pass\n",
            "function_app.py already defines 'tick' (line 3)",
        ),
    ],
)
def test_insert_refuses_what_it_cannot_do(tmp_path: Path, module: str, message: str) -> None:
    root = _new_app(tmp_path / "app")
    (root / "function_app.py").write_text(module)
    with pytest.raises(ScaffoldError) as e:
        plan_new_function(str(root), Source(), "timer", "tick")
    assert message in str(e.value)
    assert (root / "function_app.py").read_text() == module  # nothing written


def test_existing_function_name_and_model_mixes_are_refused(tmp_path: Path) -> None:
    root = _new_app(tmp_path / "app")
    write_changes(plan_new_function(str(root), Source(), "http", "hello"))
    with pytest.raises(ScaffoldError, match="already has a function 'hello'"):
        plan_new_function(str(root), Source(), "timer", "hello")
    with pytest.raises(ScaffoldError, match="add a v2 function"):
        plan_new_function(str(root), Source(), "timer", "tick", v1=True)
    v1 = _new_app(tmp_path / "v1", v1=True)
    write_changes(plan_new_function(str(v1), Source(), "http", "hello", v1=True))
    with pytest.raises(ScaffoldError, match="add a v1 function"):
        plan_new_function(str(v1), Source(), "timer", "tick")


def test_blueprint_module_gets_the_function(tmp_path: Path) -> None:
    root = _new_app(tmp_path / "app")
    (root / "function_app.py").write_text(
        "import azure.functions as func\nfrom jobs import bp\n\n"
        "app = func.FunctionApp()\napp.register_functions(bp)\n"
    )
    (root / "jobs.py").write_text("import azure.functions as func\n\nbp = func.Blueprint()\n")
    changes = plan_new_function(str(root), Source(), "timer", "nightly", file="jobs.py")
    write_changes(changes)
    assert changes.show_path == str(root / "jobs.py")
    assert "@bp.timer_trigger(" in (root / "jobs.py").read_text()
    fn = load_app(str(root), Source()).function("nightly")
    assert fn is not None and fn.script_path == str(root / "jobs.py")
    assert _findings(root) == []


@pytest.mark.parametrize("module", ["jobs.py", "blueprints/jobs.py"])
def test_a_new_blueprint_module_is_created_and_registered(tmp_path: Path, module: str) -> None:
    root = _new_app(tmp_path / "app")
    write_changes(plan_new_function(str(root), Source(), "http", "hello"))
    before = (root / "function_app.py").read_text()
    changes = plan_new_function(str(root), Source(), "timer", "nightly", file=module)
    write_changes(changes)
    assert changes.show_path == str(root / module)
    dotted = module[:-3].replace("/", ".")
    after = (root / "function_app.py").read_text()
    # Registered below the app's creation, not stuck to the end of the last function's body.
    assert after == before.replace(
        "import azure.functions as func\n",
        f"import azure.functions as func\nfrom {dotted} import bp as jobs_bp\n",
    ).replace(
        "app = func.FunctionApp()\n", "app = func.FunctionApp()\napp.register_functions(jobs_bp)\n"
    )
    assert (root / module).read_text().split("\n")[4] == "bp = func.Blueprint()"
    app = load_app(str(root), Source())
    fn = app.function("nightly")
    assert fn is not None and fn.script_path == str(root / module)
    assert _findings(root) == []
    with pytest.raises(ScaffoldError, match="cannot be imported as a Python module"):
        plan_new_function(str(root), Source(), "timer", "other", file="my-jobs.py")


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # The sample's shape: below the app's other registration, before the rest of the file.
        (
            "import azure.functions as func\n\nfrom orders_bp import bp as orders\n\n"
            "app = func.FunctionApp()\napp.register_functions(orders)\n\n\n"
            "@app.route(route='a')\ndef a(req):\n    return None\n",
            "import azure.functions as func\n\nfrom orders_bp import bp as orders\n"
            "from jobs import bp as jobs_bp\n\n"
            "app = func.FunctionApp()\napp.register_functions(orders)\n"
            "app.register_functions(jobs_bp)\n\n\n"
            "@app.route(route='a')\ndef a(req):\n    return None\n",
        ),
        # The app made above an import: registered at the end, two blank lines after the def.
        (
            "import azure.functions as func\napp = func.FunctionApp()\nimport os\n\n"
            "def a():\n    return os.sep",
            "import azure.functions as func\napp = func.FunctionApp()\nimport os\n"
            "from jobs import bp as jobs_bp\n\ndef a():\n    return os.sep\n\n\n"
            "app.register_functions(jobs_bp)\n",
        ),
    ],
)
def test_a_blueprint_is_registered_where_users_register_theirs(
    tmp_path: Path, script: str, expected: str
) -> None:
    root = _new_app(tmp_path / "app")
    (root / "function_app.py").write_text(script)
    (root / "orders_bp.py").write_text("import azure.functions as func\n\nbp = func.Blueprint()\n")
    write_changes(plan_new_function(str(root), Source(), "timer", "nightly", file="jobs.py"))
    assert (root / "function_app.py").read_text() == expected


def test_new_app_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "host.json").write_text("{}")
    (tmp_path / ".gitignore").write_text("x")
    with pytest.raises(ScaffoldError) as e:
        plan_new_app(str(tmp_path), Source())
    assert "already has host.json, .gitignore; funcls new app does not overwrite" in str(e.value)
    assert (tmp_path / "host.json").read_text() == "{}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{\n  "Values": {\n    "A": "1"\n  }\n}\n',
            '{\n  "Values": {\n    "A": "1",\n    "Conn": "x"\n  }\n}\n',
        ),
        ('{\n  "Values": {}\n}\n', '{\n  "Values": {\n    "Conn": "x"\n  }\n}\n'),
        (
            '{\n  "IsEncrypted": false\n}\n',
            '{\n  "IsEncrypted": false,\n  "Values": {\n    "Conn": "x"\n  }\n}\n',
        ),
        ('{"Values": {"conn": ""}}', '{"Values": {"conn": ""}}'),  # present (any case): kept
    ],
)
def test_settings_inserts(text: str, expected: str) -> None:
    inserts = settings_inserts(text, {"Conn": "x"})
    assert inserts is not None
    assert apply_inserts(text, inserts) == expected


def test_settings_inserts_leave_broken_json_alone() -> None:
    assert settings_inserts('{"Values": {"A": 1,', {"Conn": "x"}) is None


@pytest.mark.parametrize(
    ("app_level", "given", "expected"),
    [
        ("ANONYMOUS", None, "anonymous"),  # the app's level, not the template's "function"
        ("ADMIN", None, "admin"),
        ("ANONYMOUS", "function", "function"),  # what the user asked for wins
        (None, None, "function"),  # no level on the app: the template's default
    ],
)
def test_http_function_takes_the_apps_auth_level(
    tmp_path: Path, app_level: str | None, given: str | None, expected: str
) -> None:
    root = _new_app(tmp_path / "app")
    script = root / "function_app.py"
    if app_level is not None:
        script.write_text(
            script.read_text().replace(
                "func.FunctionApp()",
                f"func.FunctionApp(http_auth_level=func.AuthLevel.{app_level})",
            )
        )
        assert f"AuthLevel.{app_level}" in script.read_text()
    settings = {"auth_level": given} if given else None
    write_changes(plan_new_function(str(root), Source(), "http", "greet", settings))
    fn = load_app(str(root), Source()).function("greet")
    assert fn is not None and fn.trigger is not None
    assert fn.trigger.properties["authLevel"].value == expected


def test_a_setting_that_takes_an_enum_lists_its_values() -> None:
    # Editors offer them as a pick list (QA in VS Code: auth_level was a free text box).
    http = template_list("hello")[IDS.index("http")]
    auth = next(s for s in http["settings"] if s["name"] == "auth_level")
    assert auth["choices"] == ["function", "anonymous", "admin"]
    assert auth["default"] in auth["choices"]
    for choice in auth["choices"]:  # each is accepted as it is offered
        plan_function("http", "hello", {"auth_level": choice})
    assert all("choices" not in s for s in http["settings"] if s["name"] != "auth_level")


@pytest.mark.parametrize(
    ("trigger", "name", "module"),
    [
        # The editor's default names (client-vscode defaultFunctionName): no second 'durable'
        # (QA in code-server: durable_orchestration_durable.py).
        ("durable-orchestration", "durable_orchestration", "durable_orchestration"),
        ("durable-entity", "durable_entity_2", "durable_entity_2"),
        ("durable-orchestration", "greet", "greet_durable"),
        ("durable-entity", "undurable", "undurable_durable"),  # a word of the name, not a part
    ],
)
def test_a_durable_module_name_says_durable_once(
    tmp_path: Path, trigger: str, name: str, module: str
) -> None:
    root = _new_app(tmp_path / "app")
    changes = plan_new_function(str(root), Source(), trigger, name)
    write_changes(changes)
    assert changes.show_path == str(root / f"{module}.py")
    script = (root / "function_app.py").read_text()
    assert f"from {module} import bp as {module}_bp\n" in script
    fn = load_app(str(root), Source()).function(name)
    assert fn is not None and fn.script_path == str(root / f"{module}.py")
