"""AZF108–AZF115: decorator mistakes that fail at import."""

from __future__ import annotations

from pathlib import Path

from tests.checks.support import check, codes, fixed_clean, one, text_at, v2, write_app

PING = "def ping(req: func.HttpRequest) -> func.HttpResponse:\n    return func.HttpResponse('x')\n"
WORK = "def work(msg: func.QueueMessage) -> None:\n    pass\n"


def test_azf108_typo_suggests_and_fixes(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_triger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")\n'
        + WORK,
    )
    found = check(tmp_path)
    f = one(found, "AZF108")
    assert f.message.startswith("FunctionApp 'app' has no decorator 'queue_triger'")
    assert f.message.endswith("AttributeError; did you mean 'queue_trigger'?")
    assert text_at(f) == "queue_triger"
    # The unknown decorator is the cause: no AZF300/AZF201 noise about the same function.
    assert codes(found) == ["AZF108"]
    assert fixed_clean(tmp_path, f) == []


def test_azf108_decorator_of_another_class(tmp_path: Path) -> None:
    # durable_openai_agent_orchestrator exists only on df.DFApp / df.Blueprint.
    v2(
        tmp_path,
        "@app.durable_openai_agent_orchestrator\n"
        '@app.orchestration_trigger(context_name="context")\n'
        "def agent(context):\n    return None\n",
    )
    f = one(check(tmp_path), "AZF108")
    assert f.message == (
        "FunctionApp 'app' has no decorator 'durable_openai_agent_orchestrator', so importing "
        "the script fails with AttributeError; it exists on df.DFApp and df.Blueprint"
    )
    assert text_at(f) == "durable_openai_agent_orchestrator"


def test_azf108_near_miss_other_objects_decorators(tmp_path: Path) -> None:
    v2(
        tmp_path,
        "import functools\n\n\n@functools.lru_cache\ndef helper() -> int:\n    return 1\n\n\n"
        '@app.route(route="ping")\n' + PING,
    )
    assert check(tmp_path) == []


def test_azf109_route_without_parentheses_fix(tmp_path: Path) -> None:
    v2(tmp_path, "@app.route\n" + PING)
    found = check(tmp_path)
    f = one(found, "AZF109")
    assert "@app.route needs parentheses" in f.message and "'ping' is never registered" in f.message
    assert codes(found) == ["AZF109"]
    assert fixed_clean(tmp_path, f) == []
    assert "@app.route()\n" in (tmp_path / "function_app.py").read_text()


def test_azf109_no_fix_when_arguments_are_required(tmp_path: Path) -> None:
    v2(tmp_path, "@app.queue_trigger\n" + WORK)
    f = one(check(tmp_path), "AZF109")
    assert f.fixes == []


def test_azf112_missing_arguments(tmp_path: Path) -> None:
    v2(tmp_path, '@app.queue_trigger(arg_name="msg")\n' + WORK)
    f = one(check(tmp_path), "AZF112")
    assert f.message == (
        "@app.queue_trigger is missing queue_name, connection; the import fails with "
        "TypeError: pass queue_name, connection=..."
    )
    assert text_at(f) == "queue_trigger"
    assert f.data == {"missing": ["queue_name", "connection"]}


def test_azf112_misspelt_keyword_is_named_and_fixed(tmp_path: Path) -> None:
    # queue_trigger takes **kwargs, so `queuename=` is accepted and queue_name is missing.
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="msg", queuename="orders", connection="AzureWebJobsStorage")\n'
        "def on_order(msg: func.QueueMessage) -> None:\n"
        "    print(msg.get_body())\n",
    )
    f = one(check(tmp_path), "AZF112")
    assert f.message == (
        "@app.queue_trigger is missing queue_name; the import fails with TypeError: pass "
        "queue_name=... ('queuename' looks like a misspelling of it)"
    )
    assert fixed_clean(tmp_path, f) == []


def test_azf112_near_miss_positional_and_star_kwargs(tmp_path: Path) -> None:
    v2(
        tmp_path,
        'OPTS = {"connection": "AzureWebJobsStorage"}\n\n\n'
        '@app.queue_trigger("msg", "jobs", "AzureWebJobsStorage")\n' + WORK + "\n\n"
        '@app.queue_trigger(arg_name="msg", queue_name="jobs2", **OPTS)\n'
        + WORK.replace("work", "work2"),
    )
    assert "AZF112" not in codes(check(tmp_path))


def test_azf113_unknown_keyword_fix(tmp_path: Path) -> None:
    v2(tmp_path, '@app.route(route="ping", method=["GET"])\n' + PING)
    f = one(check(tmp_path), "AZF113")
    assert f.message == (
        "@app.route has no parameter 'method', so the import fails with TypeError; "
        "did you mean 'methods'?"
    )
    assert text_at(f) == "method"
    assert fixed_clean(tmp_path, f) == []


def test_azf113_too_many_positional(tmp_path: Path) -> None:
    v2(tmp_path, '@app.function_name("ping", {}, "extra")\n@app.route(route="ping")\n' + PING)
    f = one(check(tmp_path), "AZF113")
    assert "takes at most 2 positional arguments" in f.message
    assert text_at(f) == '"extra"'


def test_azf114_data_type_string_in_extra_fields_fix(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="ping", trigger_extra_fields={"data_type": "STRING"})\n' + PING,
    )
    f = one(check(tmp_path), "AZF114")
    assert "must be a func.DataType member, not the string 'STRING'" in f.message
    assert text_at(f) == '"STRING"'
    assert fixed_clean(tmp_path, f) == []
    assert "func.DataType.STRING" in (tmp_path / "function_app.py").read_text()


def test_azf114_near_miss_enum_member_and_other_keys(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="ping", trigger_extra_fields={"data_type": func.DataType.BINARY},'
        ' binding_extra_fields={"x_extra": "y"})\n' + PING,
    )
    assert check(tmp_path) == []


def test_azf115_auth_level_string_fix(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure.functions as func\n\n"
            'app = func.FunctionApp(http_auth_level="anonymous")\n\n\n'
            '@app.route(route="ping")\n' + PING
        },
    )
    f = one(check(tmp_path), "AZF115")
    assert "http_auth_level='anonymous'" in f.message
    assert text_at(f) == '"anonymous"'
    assert fixed_clean(tmp_path, f) == []
    assert 'http_auth_level="ANONYMOUS"' in (tmp_path / "function_app.py").read_text()


def test_azf115_near_miss_exact_member_name(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure.functions as func\n\n"
            'app = func.FunctionApp(http_auth_level="ANONYMOUS")\n\n\n'
            '@app.route(route="ping")\n' + PING
        },
    )
    assert check(tmp_path) == []


def test_azf112_fix_adds_the_missing_arguments(tmp_path: Path) -> None:
    # A storage connection gets the library's default setting, other values an empty string;
    # in a call split over lines they go after the last argument, not before the ')'.
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="msg", queue_name="jobs")\n'
        + WORK
        + '\n\n@app.blob_input(\n    arg_name="doc",\n    connection="AzureWebJobsStorage",\n)\n'
        '@app.queue_trigger(arg_name="m2", queue_name="jobs", connection="AzureWebJobsStorage")\n'
        "def work2(m2: func.QueueMessage, doc: str) -> None:\n    pass\n",
    )
    first, second = sorted(
        (f for f in check(tmp_path) if f.code == "AZF112"), key=lambda f: f.range.start
    )
    assert [(x.title, x.preferred) for x in first.fixes] == [
        ('Add connection="AzureWebJobsStorage"', True)
    ]
    # An empty value to fill in: offered, never applied by --fix.
    assert [(x.title, x.preferred) for x in second.fixes] == [('Add path=""', False)]
    fixed_clean(tmp_path, first)
    fixed_clean(tmp_path, one(check(tmp_path), "AZF112"))
    text = (tmp_path / "function_app.py").read_text()
    assert (
        '@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")\n'
        in text
    )
    assert '    connection="AzureWebJobsStorage", path=""\n)\n' in text


def test_azf108_a_name_being_typed_lists_the_names_it_starts(tmp_path: Path) -> None:
    """'@app.qu' (found in Neovim while typing): too short for 'did you mean', it names the
    decorators it starts, those of the object's class only."""
    v2(tmp_path, "@app.qu\n" + WORK)
    f = one(check(tmp_path), "AZF108")
    assert f.message.endswith("AttributeError; complete the name: queue_output, queue_trigger"), (
        f.message
    )
    assert text_at(f) == "qu"
    v2(tmp_path, "@app.d\n" + WORK)
    f = one(check(tmp_path), "AZF108")
    assert "; complete the name: dapr_binding_output, " in f.message
    assert "more)" in f.message and "durable_openai_agent_orchestrator" not in f.message
    # One name it can become: offered as the fix.
    v2(tmp_path, "@app.ti\n" + WORK)
    f = one(check(tmp_path), "AZF108")
    assert f.message.endswith("; complete the name: timer_trigger"), f.message
    assert [x.title for x in f.fixes] == ["Change to 'timer_trigger'"]
