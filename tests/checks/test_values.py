"""AZF500–AZF508: schedules, routes, binding expressions, storage names, HTTP methods."""

from __future__ import annotations

import json
from pathlib import Path

from funcls.checks.findings import Severity
from tests.checks.support import check, codes, fixed_clean, one, only, text_at, v1, v2


def timer(schedule: str) -> str:
    return (
        f'@app.schedule(arg_name="timer", schedule="{schedule}")\n'
        "def tick(timer: func.TimerRequest) -> None:\n    pass\n"
    )


def route(r: str, methods: str = '["GET"]') -> str:
    return (
        f'@app.route(route="{r}", methods={methods})\n'
        "def item(req: func.HttpRequest) -> func.HttpResponse:\n"
        "    return func.HttpResponse()\n"
    )


def test_azf500_names_the_field(tmp_path: Path) -> None:
    v2(tmp_path, timer("0 60 * * * *"))
    f = one(check(tmp_path), "AZF500")
    assert f.message == "the schedule of 'tick': field 2 (minute) is 60; minutes run 0–59"
    assert text_at(f) == "60"


def test_azf500_schedule_from_a_setting_is_checked_in_local_settings(tmp_path: Path) -> None:
    values = {
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "AzureWebJobsStorage": "UseDevelopmentStorage=true",
        "TICK": "0 0 25 * * *",
    }
    v2(tmp_path, timer("%TICK%"), **{"local.settings.json": json.dumps({"Values": values})})
    f = one(check(tmp_path), "AZF500")
    assert f.path == str(tmp_path / "local.settings.json")
    assert "(from setting 'TICK')" in f.message
    assert text_at(f) == "25"


def test_azf500_near_miss_timespan_and_names(tmp_path: Path) -> None:
    v2(tmp_path, timer("00:05:00") + "\n\n" + timer("0 0 9 * * Mon-Fri").replace("tick", "tock"))
    assert check(tmp_path) == []


def test_azf501_five_fields_says_what_it_does_and_fixes(tmp_path: Path) -> None:
    v2(tmp_path, timer("*/5 * * * *"))
    f = one(check(tmp_path), "AZF501")
    assert "'*/5 * * * *' has 5 fields" in f.message
    assert "(every 5 minutes, at second 0)" in f.message
    assert "write '0 */5 * * * *'" in f.message
    assert fixed_clean(tmp_path, f) == []
    assert 'schedule="0 */5 * * * *"' in (tmp_path / "function_app.py").read_text()


def test_azf502_invalid_route(tmp_path: Path) -> None:
    v2(tmp_path, route("items/{id:integer}"))
    f = one(check(tmp_path), "AZF502")
    assert "'integer' is not a route constraint; did you mean 'int'?" in f.message
    assert text_at(f) == "integer"


def test_azf502_v1_leading_slash(tmp_path: Path) -> None:
    http = {"name": "req", "type": "httpTrigger", "direction": "in", "route": "/items"}
    ret = {"name": "$return", "type": "http", "direction": "out"}
    v1(tmp_path, "items", json.dumps({"bindings": [http, ret]}), "def main(req):\n    return ''\n")
    f = one(check(tmp_path), "AZF502")
    assert text_at(f) == "/"


def test_azf502_near_miss_catch_all_last_and_empty_prefix(tmp_path: Path) -> None:
    host = json.dumps({"version": "2.0", "extensions": {"http": {"routePrefix": ""}}})
    v2(tmp_path, route("/files/{*path}"), **{"host.json": host})
    assert check(tmp_path) == []


def test_azf503_blob_trigger_names_with_typo_fix(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.blob_trigger(arg_name="up", path="uploads/{name}.csv", connection="AzureWebJobsStorage")\n'
        '@app.blob_output(arg_name="out", path="done/{nmae}.json", connection="AzureWebJobsStorage")\n'
        "def conv(up: func.InputStream, out: func.Out[str]) -> None:\n    pass\n",
    )
    f = one(check(tmp_path), "AZF503")
    assert f.message.startswith(
        "{nmae} in \"path\" of binding 'out' is not supplied by the blobTrigger of 'conv', "
        "which offers {BlobTrigger}, {Metadata}, {name}, {Properties}, {Uri}"
    )
    assert f.message.endswith("did you mean {name}?")
    assert text_at(f) == "{nmae}"
    assert f.related[0].message == "the blobTrigger"
    assert fixed_clean(tmp_path, f) == []


def test_azf503_timer_supplies_nothing(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.schedule(arg_name="t", schedule="0 0 * * * *")\n'
        '@app.blob_output(arg_name="out", path="backups/{name}.json", connection="AzureWebJobsStorage")\n'
        "def backup(t: func.TimerRequest, out: func.Out[str]) -> None:\n    pass\n",
    )
    assert "which offers no names" in one(check(tmp_path), "AZF503").message


def test_azf503_near_miss_open_triggers_and_builtins(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="m", queue_name="jobs", connection="AzureWebJobsStorage")\n'
        '@app.blob_output(arg_name="out", path="receipts/{id}-{rand-guid}.json", connection="AzureWebJobsStorage")\n'
        "def a(m: func.QueueMessage, out: func.Out[str]) -> None:\n    pass\n\n\n"
        '@app.schedule(arg_name="t", schedule="0 0 * * * *")\n'
        '@app.blob_output(arg_name="out", path="backups/{DateTime:yyyy}/{sys.randguid}.json", '
        'connection="AzureWebJobsStorage")\n'
        "def b(t: func.TimerRequest, out: func.Out[str]) -> None:\n    pass\n",
    )
    assert check(tmp_path) == []


def test_azf503_http_name_that_is_not_a_route_parameter_is_information(tmp_path: Path) -> None:
    # Not an error: the host also looks in the query string and the JSON body.
    v2(
        tmp_path,
        '@app.route(route="docs/{name}", methods=["GET"])\n'
        '@app.blob_input(arg_name="doc", path="docs/{nme}.md", connection="AzureWebJobsStorage")\n'
        "def read(req: func.HttpRequest, doc: str) -> func.HttpResponse:\n"
        "    return func.HttpResponse(doc)\n",
    )
    f = one(check(tmp_path), "AZF503")
    assert f.severity == Severity.INFO
    assert f.message == (
        "{nme} in \"path\" of binding 'doc' is not a route parameter of 'read' (route "
        "'docs/{name}'); the host then looks for it in the query string and the JSON body, "
        "and the invocation fails when neither has it; did you mean the route parameter {name}?"
    )
    assert text_at(f) == "{nme}"
    assert fixed_clean(tmp_path, f) == []


_TYPO_ROUTE = (
    '@app.route(route="products/{prodcutId:int}", methods=["GET"])\n'
    '@app.blob_input(arg_name="doc", path="products/{productId}.json", '
    'connection="AzureWebJobsStorage")\n'
    "def product(req: func.HttpRequest, doc: str) -> func.HttpResponse:\n"
    "    return func.HttpResponse(doc)\n"
)


def test_azf503_a_typo_in_the_route_offers_renaming_the_route_parameter(tmp_path: Path) -> None:
    """Both directions (QA: the only fix wrote the route's typo into the blob path)."""
    v2(tmp_path, _TYPO_ROUTE)
    f = one(check(tmp_path), "AZF503")
    assert [(x.title, x.preferred) for x in f.fixes] == [
        ("Use {prodcutId}", True),
        ("Rename the route parameter {prodcutId} to {productId}", False),
    ]
    assert fixed_clean(tmp_path, f, 1) == []
    script = (tmp_path / "function_app.py").read_text()
    assert 'route="products/{productId:int}"' in script
    assert 'path="products/{productId}.json"' in script


def test_azf503_the_route_rename_comes_first_when_the_code_reads_the_binding_s_name(
    tmp_path: Path,
) -> None:
    v2(
        tmp_path,
        _TYPO_ROUTE.replace(
            "    return func.HttpResponse(doc)\n",
            '    return func.HttpResponse(doc + req.route_params["productId"])\n',
        ),
    )
    f = one(check(tmp_path), "AZF503")
    assert [(x.title, x.preferred) for x in f.fixes] == [
        ("Rename the route parameter {prodcutId} to {productId}", True),
        ("Use {prodcutId}", False),
    ]
    assert [x.code for x in fixed_clean(tmp_path, f)] == []  # AZF509 is gone with it


def test_azf503_no_route_rename_when_something_else_uses_the_route_parameter(
    tmp_path: Path,
) -> None:
    v2(
        tmp_path,
        _TYPO_ROUTE.replace(
            "def product(",
            '@app.blob_output(arg_name="seen", path="seen/{prodcutId}.txt", '
            'connection="AzureWebJobsStorage")\ndef product(',
        ).replace("doc: str)", "doc: str, seen: func.Out[str])"),
    )
    f = one(check(tmp_path), "AZF503")
    assert [x.title for x in f.fixes] == ["Use {prodcutId}"]
    code_reads = _TYPO_ROUTE.replace(
        "    return func.HttpResponse(doc)\n",
        '    return func.HttpResponse(req.route_params.get("prodcutId"))\n',
    )
    v2(tmp_path, code_reads)
    assert [x.title for x in one(check(tmp_path), "AZF503").fixes] == ["Use {prodcutId}"]


def test_azf503_route_rename_in_function_json(tmp_path: Path) -> None:
    bindings = {
        "bindings": [
            {
                "type": "httpTrigger",
                "direction": "in",
                "name": "req",
                "route": "items/{itme}",
                "methods": ["get"],
                "authLevel": "anonymous",
            },
            {"type": "http", "direction": "out", "name": "$return"},
            {
                "type": "blob",
                "direction": "in",
                "name": "doc",
                "path": "items/{item}.json",
                "connection": "AzureWebJobsStorage",
            },
        ]
    }
    v1(
        tmp_path,
        "get_item",
        json.dumps(bindings, indent=2),
        "import azure.functions as func\n\n\n"
        "def main(req: func.HttpRequest, doc: str) -> func.HttpResponse:\n"
        "    return func.HttpResponse(doc)\n",
    )
    f = one(check(tmp_path), "AZF503")
    assert [x.title for x in f.fixes] == [
        "Use {itme}",
        "Rename the route parameter {itme} to {item}",
    ]
    fixed_clean(tmp_path, f, 1)
    assert '"route": "items/{item}"' in (tmp_path / "get_item" / "function.json").read_text()


def test_azf503_near_miss_http_route_parameters_and_query(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="docs/{name}", methods=["GET"])\n'
        '@app.blob_input(arg_name="doc", path="docs/{NAME}/{Query.lang}.md", connection="AzureWebJobsStorage")\n'
        "def read(req: func.HttpRequest, doc: str) -> func.HttpResponse:\n"
        "    return func.HttpResponse(doc)\n",
    )
    assert "AZF503" not in codes(check(tmp_path))


def test_azf504_queue_name_lowercase_fix(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="m", queue_name="Orders", connection="AzureWebJobsStorage")\n'
        "def a(m: func.QueueMessage) -> None:\n    pass\n",
    )
    f = one(check(tmp_path), "AZF504")
    assert "queue name 'Orders' has an uppercase 'O'" in f.message
    assert text_at(f) == "O"
    assert fixed_clean(tmp_path, f) == []


def test_azf504_container_and_no_fix_when_lowercase_is_not_enough(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="m", queue_name="Order_Q", connection="AzureWebJobsStorage")\n'
        '@app.blob_output(arg_name="out", path="ab/x.txt", connection="AzureWebJobsStorage")\n'
        "def a(m: func.QueueMessage, out: func.Out[str]) -> None:\n    pass\n",
    )
    found = only(check(tmp_path), "AZF504")
    assert len(found) == 2
    assert found[0].fixes == []  # 'order_q' would still be invalid
    assert "container name 'ab'" in found[1].message


def test_azf504_near_miss_expressions_and_settings(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="m", queue_name="orders-%ENV%", connection="AzureWebJobsStorage")\n'
        "def a(m: func.QueueMessage) -> None:\n    pass\n",
        **{
            "local.settings.json": json.dumps(
                {
                    "Values": {
                        "FUNCTIONS_WORKER_RUNTIME": "python",
                        "AzureWebJobsStorage": "UseDevelopmentStorage=true",
                        "ENV": "dev",
                    }
                }
            )
        },
    )
    assert check(tmp_path) == []


def test_azf505_v2_method_the_library_rejects(tmp_path: Path) -> None:
    v2(tmp_path, route("items", '["GETS"]'))
    f = one(check(tmp_path), "AZF505")
    assert "'GETS' is not a HttpMethod member" in f.message
    assert text_at(f) == '"GETS"'


def test_azf505_v1_method_fix(tmp_path: Path) -> None:
    http = {"name": "req", "type": "httpTrigger", "direction": "in", "methods": ["get", "pots"]}
    ret = {"name": "$return", "type": "http", "direction": "out"}
    v1(tmp_path, "items", json.dumps({"bindings": [http, ret]}), "def main(req):\n    return ''\n")
    f = one(check(tmp_path), "AZF505")
    assert "'pots'" in f.message and "did you mean 'post'?" in f.message
    assert text_at(f) == '"pots"'
    assert fixed_clean(tmp_path, f) == []


def test_azf506_unclosed_brace(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.blob_trigger(arg_name="up", path="uploads/{name}", connection="AzureWebJobsStorage")\n'
        '@app.blob_output(arg_name="out", path="done/{name", connection="AzureWebJobsStorage")\n'
        "def conv(up: func.InputStream, out: func.Out[str]) -> None:\n    pass\n",
    )
    f = one(check(tmp_path), "AZF506")
    assert "has no closing '}'" in f.message
    assert text_at(f) == "{"


def test_azf507_never_fires(tmp_path: Path) -> None:
    v2(tmp_path, timer("0 0 0 30 2 *"))
    f = one(check(tmp_path), "AZF507")
    assert "day 30 never occurs in February, so this schedule never fires" in f.message
    assert f.severity.label == "warning"


def test_azf508_optional_not_last(tmp_path: Path) -> None:
    v2(tmp_path, route("items/{id?}/details"))
    f = one(check(tmp_path), "AZF508")
    assert text_at(f) == "{id?}"
    assert codes(check(tmp_path)) == ["AZF508"]


def test_expression_keys_kept_by_spec_answer_as_the_catalogue() -> None:
    """AZF503/506 keep whether a property is a binding expression by (spec, key) (issue 16,
    twelfth pass): for every catalogue type and every property name as written, in other
    cases and unknown, the kept answer is the catalogue's, asked twice."""
    from funcls.checks import values
    from funcls.model.catalogue import CATALOGUE

    values._EXPRESSION_KEY.clear()
    for spec in CATALOGUE.bindings.values():
        keys = [p.name for p in spec.properties] + ["id", "ID", "sqlQuery", "nope", "Path"]
        keys += [k.upper() for k in keys]
        for key in keys:
            prop = spec.find_property(key)
            role = prop.role if prop is not None else None
            want = (role in values.EXPRESSION_ROLES or key.lower() in values.EXPRESSION_KEYS, role)
            for _ in range(2):
                kept = values._EXPRESSION_KEY.get((id(spec), key)) or values._expression_key(
                    spec, key
                )
                assert (kept[0], kept[1:]) == (spec, want), (spec.type, key)
