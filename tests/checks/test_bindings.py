"""AZF100–AZF111: JSON syntax, binding types, properties, values, directions, names, v1 scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.checks.findings import Related, Severity
from funcls.model.locations import Location, Range
from tests.checks.support import (
    check,
    codes,
    fixed_clean,
    one,
    only,
    run_cli,
    text_at,
    v1,
    v2,
    write_app,
)

QUEUE_PY = (
    "import azure.functions as func\n\n\n"
    "def main(msg: func.QueueMessage) -> None:\n"
    "    print(msg.get_body())\n"
)


def fjson(*bindings: dict[str, object], **top: object) -> str:
    return json.dumps({**top, "bindings": list(bindings)}, indent=2) + "\n"


def queue_trigger(**extra: object) -> dict[str, object]:
    return {
        "name": "msg",
        "type": "queueTrigger",
        "direction": "in",
        "queueName": "orders",
        **extra,
    }


def test_azf100_points_at_the_syntax_error(tmp_path: Path) -> None:
    write_app(tmp_path, {"host.json": '{\n  "version": "2.0"\n  "logging": {}\n}\n'})
    f = one(check(tmp_path), "AZF100")
    assert f.path == str(tmp_path / "host.json")
    assert f.message.startswith("host.json is not valid JSON: ")
    assert f.message.endswith("; the host cannot load it until this is fixed")
    assert f.range.start.line in (1, 2)  # after "2.0" or at the next key


@pytest.mark.parametrize(
    ("old", "new", "title"),
    [
        ('"direction": "out",', '"direction": "out",,', "Remove the extra ','"),
        ('"receipts/{id}.json"', '"receipts/{id}.json",,', "Remove the extra ','"),
        ('"receipts/{id}.json"', '"receipts/{id}.json', "Close the string: add '\"'"),
    ],
)
def test_azf100_fixes_a_slip_of_typing(tmp_path: Path, old: str, new: str, title: str) -> None:
    """A doubled ',' and a string left open at its line's end (found editing function.json
    in Neovim: no fix offered) are mended by the fix, leaving the function clean."""
    blob = {"name": "out", "type": "blob", "direction": "out", "path": "receipts/{id}.json"}
    good = fjson(queue_trigger(), blob)
    assert good.count(old) == 1
    script = QUEUE_PY.replace(
        "(msg: func.QueueMessage)", "(msg: func.QueueMessage, out: func.Out[str])"
    )
    v1(tmp_path, "orders", good.replace(old, new), script)
    f = one(check(tmp_path), "AZF100")
    assert [x.title for x in f.fixes] == [title]
    assert fixed_clean(tmp_path, f) == []


@pytest.mark.parametrize(
    ("typed", "title", "added"),
    [
        # After a complete member: the ',' typed last goes, each closer at its bracket's indent.
        ('"direction": "in",', "Add the missing '}', ']' and '}'", "\n    }\n  ]\n}"),
        ('"queueName": "orders"', "Add the missing '}', ']' and '}'", "\n    }\n  ]\n}"),
        ("    }", "Add the missing ']' and '}'", "\n  ]\n}"),
        ("  ]", "Add the missing '}'", "\n}"),
    ],
)
def test_azf100_adds_the_closers_of_brackets_left_open(
    tmp_path: Path, typed: str, title: str, added: str
) -> None:
    """A function.json typed top-down up to ``typed``: the reader's one error names the
    closers; the fix adds them (an editor quick fix, not applied by check --fix: the file is
    being typed) and the function is clean."""
    good = fjson(queue_trigger())
    text = good[: good.index(typed) + len(typed)] + "\n"
    v1(tmp_path, "orders", text, QUEUE_PY)
    f = one(check(tmp_path), "AZF100")
    assert "not closed" in f.message
    assert [(x.title, x.preferred) for x in f.fixes] == [(title, False)]
    (edit,) = f.fixes[0].edits
    assert edit.new_text == added
    after = [x.code for x in fixed_clean(tmp_path, f)]
    fixed = json.loads((tmp_path / "orders" / "function.json").read_text())
    if typed == '"direction": "in",':
        # Closed before its queueName: a binding that now loads, and the rules say what it
        # lacks (why check --fix does not close a file being typed).
        assert after == ["AZF103"] and fixed["bindings"][0] == {
            "name": "msg",
            "type": "queueTrigger",
            "direction": "in",
        }
    else:
        assert after == [] and fixed == json.loads(good)


def test_azf100_closers_on_the_line_their_bracket_opens_on(tmp_path: Path) -> None:
    write_app(tmp_path, {"host.json": '{\n  "version": "2.0",\n  "logging": {"logLevel": {\n'})
    f = one(check(tmp_path), "AZF100")
    assert [x.title for x in f.fixes] == ["Add the missing '}', '}' and '}'"]
    (edit,) = f.fixes[0].edits
    assert edit.new_text == "}}\n}"
    fixed_clean(tmp_path, f)
    assert json.loads((tmp_path / "host.json").read_text())["logging"] == {"logLevel": {}}


def test_azf100_no_closers_fix_behind_another_error(tmp_path: Path) -> None:
    write_app(tmp_path, {"host.json": '{\n  "version": "2.0",\n  "logging": tru\n'})
    f = one(check(tmp_path), "AZF100")
    assert "not closed" not in f.message and f.fixes == []


def test_azf100_near_miss_comments_and_trailing_commas(tmp_path: Path) -> None:
    write_app(tmp_path, {"host.json": '{\n  // comment\n  "version": "2.0",\n}\n'})
    assert "AZF100" not in codes(check(tmp_path))


def test_azf101_unknown_type_suggests_and_fixes(tmp_path: Path) -> None:
    v1(tmp_path, "orders", fjson(queue_trigger(type="queueTriger")), QUEUE_PY)
    f = one(check(tmp_path), "AZF101")
    assert "'queueTriger'" in f.message and "did you mean 'queueTrigger'?" in f.message
    assert text_at(f) == '"queueTriger"'
    assert f.function == "orders"
    assert fixed_clean(tmp_path, f) == []


def test_azf101_type_in_other_case_is_generic_to_the_worker(tmp_path: Path) -> None:
    # The host reads "QueueTrigger" as a queue trigger, but the Python worker looks its
    # converters up by exact spelling (bindings/meta.py get_binding) and falls back to the
    # generic binding: func.QueueMessage no longer fits and the function fails to load.
    v1(tmp_path, "orders", fjson(queue_trigger(type="QueueTrigger")), QUEUE_PY)
    found = check(tmp_path)
    assert codes(found) == ["AZF101"]
    f = found[0]
    assert f.severity == Severity.ERROR
    assert f.message == (
        "binding type 'QueueTrigger' of function 'orders' is spelt 'queueTrigger': the host "
        "ignores the case, but the Python worker does not, so it hands this binding over as "
        "plain str/bytes instead of through its queueTrigger converter (a func.QueueMessage "
        "parameter fails to load); write 'queueTrigger'"
    )
    assert text_at(f) == '"QueueTrigger"'
    assert fixed_clean(tmp_path, f) == []


def test_azf101_type_in_other_case_without_a_converter_is_information(tmp_path: Path) -> None:
    table = {"name": "row", "type": "Table", "direction": "in", "tableName": "items"}
    v1(
        tmp_path,
        "orders",
        fjson(queue_trigger(), table),
        "def main(msg, row: str) -> None:\n    print(row)\n",
    )
    f = one(check(tmp_path), "AZF101")
    assert f.severity == Severity.INFO
    assert "works because the host ignores the case" in f.message
    assert text_at(f) == '"Table"'
    assert fixed_clean(tmp_path, f) == []


def test_azf101_unknown_type_is_not_also_a_missing_trigger(tmp_path: Path) -> None:
    v1(tmp_path, "orders", fjson(queue_trigger(type="queueTriger")), QUEUE_PY)
    assert codes(check(tmp_path)) == ["AZF101"]


def test_azf101_generic_decorator_with_unknown_type(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.generic_trigger(arg_name="msg", type="queueTriger", queueName="orders")\n'
        "def on_order(msg: func.QueueMessage) -> None:\n"
        "    print(msg.get_body())\n",
    )
    found = check(tmp_path)
    assert codes(found) == ["AZF101"]
    f = found[0]
    assert "did you mean 'queueTrigger'?" in f.message
    assert text_at(f) == '"queueTriger"'
    assert fixed_clean(tmp_path, f) == []


def test_azf101_generic_decorator_with_type_in_other_case(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.generic_trigger(arg_name="msg", type="QueueTrigger", queueName="orders")\n'
        "def on_order(msg: func.QueueMessage) -> None:\n"
        "    print(msg.get_body())\n",
    )
    f = one(check(tmp_path), "AZF101")
    assert f.severity == Severity.ERROR
    assert text_at(f) == '"QueueTrigger"'
    assert fixed_clean(tmp_path, f) == []


def test_azf102_unknown_property_fix_renames_key(tmp_path: Path) -> None:
    v1(tmp_path, "orders", fjson(queue_trigger(conection="AzureWebJobsStorage")), QUEUE_PY)
    f = one(check(tmp_path), "AZF102")
    assert f.message == (
        "a queueTrigger binding has no property 'conection', so the host ignores it; "
        "did you mean 'connection'?"
    )
    assert text_at(f) == '"conection"'
    assert fixed_clean(tmp_path, f) == []


def test_azf102_a_trigger_property_on_an_input_binding_is_named_as_such(tmp_path: Path) -> None:
    # Corpus (fifth round, warning triage): the worker's own cosmosdb_input function.json and
    # yokawasa's samples carry the trigger's lease properties on a cosmosDB binding; AZF102 asked
    # "did you mean 'createIfNotExists'?", which creates the data container, not a lease one.
    queue = queue_trigger()
    cosmos = {
        "name": "doc",
        "type": "cosmosDB",
        "direction": "in",
        "connection": "CosmosDB",
        "databaseName": "db",
        "containerName": "items",
        "leaseContainerName": "leases",
        "createLeaseContainerIfNotExists": True,
        "sqlQuerry": "SELECT * FROM c",
    }
    py = (
        "import azure.functions as func\n\n\n"
        "def main(msg: func.QueueMessage, doc: str) -> None:\n    pass\n"
    )
    v1(tmp_path, "orders", fjson(queue, cosmos), py)
    found = only(check(tmp_path), "AZF102")
    assert [f.message for f in found] == [
        "'leaseContainerName' is a property of the cosmosDBTrigger binding, which a cosmosDB "
        "binding does not have, so the host ignores it; remove it",
        "'createLeaseContainerIfNotExists' is a property of the cosmosDBTrigger binding, which "
        "a cosmosDB binding does not have, so the host ignores it; remove it",
        "a cosmosDB binding has no property 'sqlQuerry', so the host ignores it; did you mean "
        "'sqlQuery'?",
    ]
    assert [list(f.fixes) for f in found[:2]] == [[], []]


def test_azf102_case_only_difference_is_information_not_an_error(tmp_path: Path) -> None:
    # The host matches property names ignoring case, so this loads: only a gentle note.
    b = queue_trigger()
    b["queuename"] = b.pop("queueName")
    v1(tmp_path, "orders", fjson(b), QUEUE_PY)
    f = one(check(tmp_path), "AZF102")
    assert f.severity == Severity.INFO
    assert f.message == (
        "'queuename' works because the host ignores the case of property names, but the "
        "documented spelling is 'queueName'"
    )
    assert text_at(f) == '"queuename"'
    assert fixed_clean(tmp_path, f) == []


def test_azf102_v2_extra_keyword(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage",'
        ' data_typ="string")\n'
        "def work(msg: func.QueueMessage) -> None:\n    pass\n",
    )
    f = one(check(tmp_path), "AZF102")
    assert "'data_typ'" in f.message and "did you mean 'data_type'?" in f.message
    assert text_at(f) == "data_typ"
    assert fixed_clean(tmp_path, f) == []


def test_azf103_missing_required_property(tmp_path: Path) -> None:
    b = queue_trigger()
    del b["queueName"]
    v1(tmp_path, "orders", fjson(b), QUEUE_PY)
    f = one(check(tmp_path), "AZF103")
    assert f.message.startswith("binding 'msg' of function 'orders' needs \"queueName\"")
    assert text_at(f) == '"queueTrigger"'


def test_azf103_one_of_group(tmp_path: Path) -> None:
    sb = {"name": "msg", "type": "serviceBusTrigger", "direction": "in", "connection": "SB"}
    v1(
        tmp_path,
        "orders",
        fjson(sb),
        QUEUE_PY.replace("func.QueueMessage", "func.ServiceBusMessage"),
        **{"local.settings.json": None},
    )
    f = one(check(tmp_path), "AZF103")
    assert 'needs "queueName" or "topicName"' in f.message


def test_azf103_near_miss_setting_expression_counts(tmp_path: Path) -> None:
    v1(tmp_path, "orders", fjson(queue_trigger(queueName="%QUEUE%")), QUEUE_PY)
    assert "AZF103" not in codes(check(tmp_path))


def test_azf104_enum_value_fix(tmp_path: Path) -> None:
    v1(tmp_path, "orders", fjson(queue_trigger(dataType="strng")), QUEUE_PY)
    f = one(check(tmp_path), "AZF104")
    assert f.message == (
        "\"dataType\" of binding 'msg' must be one of undefined, string, binary, stream, "
        "not 'strng'"
    )
    assert text_at(f) == '"strng"'
    assert fixed_clean(tmp_path, f) == []


def test_azf104_boolean_and_integer(tmp_path: Path) -> None:
    timer = {
        "name": "timer",
        "type": "timerTrigger",
        "direction": "in",
        "schedule": "0 0 * * * *",
        "runOnStartup": "yes",
    }
    v1(tmp_path, "tick", fjson(timer), "def main(timer) -> None:\n    pass\n")
    f = one(check(tmp_path), "AZF104")
    assert "must be true or false, not 'yes'" in f.message


def test_azf104_near_miss_host_auth_levels_and_string_booleans(tmp_path: Path) -> None:
    http = {"name": "req", "type": "httpTrigger", "direction": "in", "authLevel": "System"}
    out = {"name": "$return", "type": "http", "direction": "out"}
    timer = {
        "name": "timer",
        "type": "timerTrigger",
        "direction": "in",
        "schedule": "0 0 * * * *",
        "runOnStartup": "true",
    }
    v1(tmp_path, "hook", fjson(http, out), "def main(req):\n    return 'ok'\n")
    v1(tmp_path, "tick", fjson(timer), "def main(timer) -> None:\n    pass\n")
    assert check(tmp_path) == []


def test_azf104_v2_enum_string_the_library_rejects(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="x", auth_level="anon")\n'
        "def x(req: func.HttpRequest) -> func.HttpResponse:\n    return func.HttpResponse()\n",
    )
    f = one(check(tmp_path), "AZF104")
    assert "'anon' is not a AuthLevel member" in f.message and "KeyError" in f.message
    assert text_at(f) == '"anon"'


def test_azf105_trigger_with_out_fix(tmp_path: Path) -> None:
    v1(tmp_path, "orders", fjson(queue_trigger(direction="out")), QUEUE_PY)
    f = one(check(tmp_path), "AZF105")
    assert f.message == (
        "a queueTrigger trigger cannot have direction 'out'; binding 'msg' must be 'in'"
    )
    assert text_at(f) == '"out"'
    assert fixed_clean(tmp_path, f) == []


def test_azf105_near_miss_blob_in_and_out(tmp_path: Path) -> None:
    blob_in = {"name": "src", "type": "blob", "direction": "in", "path": "inbox/b.txt"}
    blob_out = {"name": "dst", "type": "blob", "direction": "out", "path": "outbox/d.txt"}
    script = (
        "import azure.functions as func\n\n\n"
        "def main(msg: func.QueueMessage, src: func.InputStream, dst: func.Out[bytes]) -> None:\n"
        "    dst.set(src.read())\n"
    )
    v1(tmp_path, "copier", fjson(queue_trigger(), blob_in, blob_out), script)
    assert check(tmp_path) == []


def test_azf106_invalid_name_and_return_on_input(tmp_path: Path) -> None:
    blob_in = {"name": "$return", "type": "blob", "direction": "in", "path": "inbox/b.txt"}
    v1(tmp_path, "orders", fjson(queue_trigger(name="msg__x"), blob_in), QUEUE_PY)
    found = only(check(tmp_path), "AZF106")
    assert [text_at(f) for f in found] == ['"msg__x"', '"$return"']
    assert "no '__'" in found[0].message
    assert "only an output binding can use it" in found[1].message


def test_azf106_near_miss_snake_case(tmp_path: Path) -> None:
    v1(tmp_path, "orders", fjson(queue_trigger(name="my_msg")), QUEUE_PY.replace("msg", "my_msg"))
    assert check(tmp_path) == []


def test_azf107_duplicate_names_related(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="hello")\n'
        '@app.queue_output(arg_name="$return", queue_name="out", connection="AzureWebJobsStorage")\n'
        "def hello(req: func.HttpRequest) -> str:\n    return 'hi'\n",
    )
    f = one(check(tmp_path), "AZF107")
    assert "two bindings named '$return' (queue and http)" in f.message
    assert text_at(f) == "route"  # the decorator that added the second '$return'
    assert len(f.related) == 1 and f.related[0].message == "first one"


def test_azf110_missing_script_file(tmp_path: Path) -> None:
    v1(tmp_path, "orders", fjson(queue_trigger(), scriptFile="handler.py"), QUEUE_PY)
    f = one(check(tmp_path), "AZF110")
    assert f.message.startswith("scriptFile 'handler.py' of function 'orders' does not exist")
    assert text_at(f) == '"handler.py"'


def test_azf110_script_file_that_is_not_python(tmp_path: Path) -> None:
    # The worker imports the script as a module and refuses any other extension.
    write_app(
        tmp_path,
        {
            "orders/function.json": fjson(queue_trigger(), scriptFile="handler.txt"),
            "orders/handler.txt": QUEUE_PY,
        },
    )
    f = one(check(tmp_path), "AZF110")
    assert f.message == (
        "scriptFile 'handler.txt' of function 'orders' is not a .py file; the Python worker "
        "imports the script as a module and refuses any other file: rename it to a .py file "
        "and point scriptFile at it"
    )
    assert text_at(f) == '"handler.txt"'


def test_azf111_entry_point_naming_a_method(tmp_path: Path) -> None:
    v1(
        tmp_path,
        "orders",
        fjson(queue_trigger(), entryPoint="Handler.run"),
        "import azure.functions as func\n\n\nclass Handler:\n    @staticmethod\n"
        "    def run(msg: func.QueueMessage) -> None:\n        print(msg.get_body())\n",
    )
    f = one(check(tmp_path), "AZF111")
    assert f.message == (
        "entryPoint 'Handler.run' of 'orders' names something inside 'Handler', but the worker "
        "looks the entry point up as one top-level name of orders/__init__.py: define a "
        "module-level function (for example run = Handler.run) and set entryPoint to its name"
    )
    assert text_at(f) == '"Handler.run"'
    # An editor also shows it at the top of the script, related back to the entryPoint.
    assert f.echo == Related(
        Location(str(tmp_path / "orders" / "__init__.py"), Range.point(0, 0)),
        '"entryPoint" in function.json',
    )


def test_azf110_missing_init(tmp_path: Path) -> None:
    write_app(tmp_path, {"orders/function.json": fjson(queue_trigger())})
    f = one(check(tmp_path), "AZF110")
    assert "function 'orders' has no script the host can pick" in f.message


def test_azf110_silent_in_a_custom_handler_app(tmp_path: Path) -> None:
    # host.json's customHandler makes the host forward invocations over HTTP to the program
    # it starts (here uvicorn serving handler.py), whatever FUNCTIONS_WORKER_RUNTIME says: the
    # Python worker never loads the folders, which hold function.json alone.
    handler = {
        "description": {
            "defaultExecutablePath": "python",
            "arguments": ["-m", "uvicorn", "--port", "%FUNCTIONS_CUSTOMHANDLER_PORT%", "a:app"],
        },
        "enableForwardingHttpRequest": True,
    }
    host = {"version": "2.0", "CustomHandler": handler}
    files = {
        "orders/function.json": fjson(queue_trigger()),
        "handler.py": "app = object()\n",
        "host.json": json.dumps(host),
    }
    write_app(tmp_path, files)
    assert only(check(tmp_path), "AZF110") == []
    # Near misses: an empty section (the host's configuration has no such section then) and
    # an app without one still get the finding.
    write_app(tmp_path, {"host.json": json.dumps({"version": "2.0", "customHandler": {}})})
    assert "has no script the host can pick" in one(check(tmp_path), "AZF110").message
    write_app(tmp_path, {"host.json": json.dumps({"version": "2.0"})})
    assert "has no script the host can pick" in one(check(tmp_path), "AZF110").message


def test_azf111_entry_point_fix_sets_entry_point(tmp_path: Path) -> None:
    v1(tmp_path, "orders", fjson(queue_trigger()), QUEUE_PY.replace("def main", "def handle"))
    f = one(check(tmp_path), "AZF111")
    assert "has no function 'main'" in f.message and "(did you mean 'handle'?)" in f.message
    assert fixed_clean(tmp_path, f) == []
    assert json.loads((tmp_path / "orders/function.json").read_text())["entryPoint"] == "handle"


def test_azf111_renamed_def_is_related_and_echoed_in_the_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `def main` renamed in __init__.py: the finding stays at function.json (where the fix
    # goes), points at the renamed def, and an editor shows it there too (its echo).
    v1(tmp_path, "orders", fjson(queue_trigger()), QUEUE_PY.replace("def main", "def handle"))
    f = one(check(tmp_path), "AZF111")
    assert f.path == str(tmp_path / "orders" / "function.json")
    script = str(tmp_path / "orders" / "__init__.py")
    handle = Range.of(3, 4, 3, 10)
    assert f.related == [Related(Location(script, handle), "def handle in the script")]
    assert f.echo == Related(
        Location(script, handle),
        "function.json, which has no \"entryPoint\" (so the host looks for 'main')",
    )
    copy = f.echoed()
    assert copy is not None and text_at(copy) == "handle"
    assert (copy.code, copy.message, copy.fixes) == (f.code, f.message, f.fixes)
    assert copy.related == [Related(f.location, f.echo.message)]
    # `funcls check` counts and prints it once, at function.json, with the def as related.
    code, out, _ = run_cli(capsys, str(tmp_path), "--select", "AZF111", "--format", "json")
    assert code == 1
    (shown,) = json.loads(out)
    assert shown["path"].endswith("function.json")
    assert [(r["path"], r["line"]) for r in shown["related"]] == [
        (shown["path"].replace("function.json", "__init__.py"), 4)
    ]
    code, out, _ = run_cli(capsys, str(tmp_path), "--select", "AZF111")
    assert [line for line in out.splitlines() if "AZF111" in line] == [
        line for line in out.splitlines() if line.startswith(shown["path"])
    ]
    assert len([line for line in out.splitlines() if " AZF111 " in line]) == 1


def test_azf111_explicit_entry_point_echo_names_it(tmp_path: Path) -> None:
    v1(
        tmp_path,
        "orders",
        fjson(queue_trigger(), entryPoint="hadnle"),
        QUEUE_PY.replace("main", "handle"),
    )
    f = one(check(tmp_path), "AZF111")
    assert f.echo is not None and f.echo.message == '"entryPoint" in function.json'
    # No def close to the name, several defs: the echo is at the top of the script.
    v1(
        tmp_path,
        "other",
        fjson(queue_trigger()),
        QUEUE_PY.replace("main", "alpha") + "\n\ndef beta():\n    pass\n",
    )
    g = next(x for x in only(check(tmp_path), "AZF111") if x.function == "other")
    assert g.echo is not None
    assert g.echo.location == Location(str(tmp_path / "other" / "__init__.py"), Range.point(0, 0))
    assert g.related == [Related(g.echo.location, "the script")]


def test_azf111_explicit_entry_point_fix(tmp_path: Path) -> None:
    v1(
        tmp_path,
        "orders",
        fjson(queue_trigger(), entryPoint="hadnle"),
        QUEUE_PY.replace("main", "handle"),
    )
    f = one(check(tmp_path), "AZF111")
    assert text_at(f) == '"hadnle"'
    assert fixed_clean(tmp_path, f) == []


def test_azf111_near_miss_entry_point_assigned_or_imported(tmp_path: Path) -> None:
    v1(
        tmp_path,
        "orch",
        fjson(queue_trigger()),
        "import azure.durable_functions as df\n\n\ndef orchestrator(context):\n    return 1\n\n\n"
        "main = df.Orchestrator.create(orchestrator)\n",
        **{"requirements.txt": "azure-functions\nazure-functions-durable\n"},
    )
    v1(tmp_path, "other", fjson(queue_trigger()), "from shared.impl import main  # noqa\n")
    assert "AZF111" not in codes(check(tmp_path))


def test_azf111_suggests_an_entry_point_bound_by_assignment(tmp_path: Path) -> None:
    # 'main = df.Orchestrator.create(…)' mistyped: the suggestion is the name typed, not the
    # def it wraps (in Neovim on durable_v1 it said "did you mean 'orchestrator_function'?").
    script = (
        "import azure.durable_functions as df\n\n\ndef orchestrator(context):\n    return 1\n\n\n"
        "mian = df.Orchestrator.create(orchestrator)\n"
    )
    v1(tmp_path, "orch", fjson(queue_trigger()), script)
    f = one(check(tmp_path), "AZF111")
    assert "(did you mean 'mian'?)" in f.message, f.message
    path = str(tmp_path / "orch" / "__init__.py")
    assert f.related == [Related(Location(path, Range.of(7, 0, 7, 4)), "mian = … in the script")]
    assert fixed_clean(tmp_path, f) == []
    assert json.loads((tmp_path / "orch/function.json").read_text())["entryPoint"] == "mian"


def test_azf111_a_local_main_is_not_the_entry_point(tmp_path: Path) -> None:
    # The worker looks the entry point up among the module's top-level names: a ``main``
    # bound inside a def (or only under ``if __name__ == "__main__":``) is not one. Before the
    # model recorded the top-level assignments, every name stored anywhere hid AZF111.
    v1(
        tmp_path,
        "orders",
        fjson(queue_trigger()),
        "def handle(msg):\n    main = msg\n    return main\n\n\n"
        'if __name__ == "__main__":\n    main = handle\n',
    )
    v1(
        tmp_path,
        "unpacked",
        fjson(queue_trigger()),
        "def a(msg):\n    pass\n\n\nmain, other = a, a\n",
    )
    v1(tmp_path, "starred", fjson(queue_trigger()), "from shared.impl import *  # noqa\n")
    assert [f.function for f in only(check(tmp_path), "AZF111")] == ["orders"]


def test_azf103_names_the_property_by_its_whole_first_sentence(tmp_path: Path) -> None:
    # The summary "Container and blob name, e.g. `outputs/{name}.txt`." was cut at "e.g. ".
    out = {"name": "out", "type": "blob", "direction": "out", "connection": "AzureWebJobsStorage"}
    script = QUEUE_PY.replace(
        "msg: func.QueueMessage)", "msg: func.QueueMessage, out: func.Out[str])"
    )
    assert script != QUEUE_PY
    v1(tmp_path, "orders", fjson(queue_trigger(), out), script)
    f = one(check(tmp_path), "AZF103")
    assert f.message == (
        "binding 'out' of function 'orders' needs \"path\" "
        "(container and blob name, e.g. `outputs/{name}.txt`); add it"
    )
