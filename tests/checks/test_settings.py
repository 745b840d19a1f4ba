"""AZF400–AZF409: settings the bindings name, local.settings.json and host.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funcls.checks import CheckConfig
from tests.checks.support import (
    check,
    codes,
    fixed_clean,
    one,
    only,
    run_cli,
    text_at,
    v2,
    write_app,
)

SB = (
    '@app.service_bus_queue_trigger(arg_name="msg", queue_name="orders", connection="SB")\n'
    "def orders(msg: func.ServiceBusMessage) -> None:\n    pass\n"
)
QUEUE = (
    '@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="AzureWebJobsStorage")\n'
    "def work(msg: func.QueueMessage) -> None:\n    pass\n"
)
PING = (
    '@app.route(route="ping")\n'
    "def ping(req: func.HttpRequest) -> func.HttpResponse:\n"
    '    return func.HttpResponse("pong")\n'
)


def settings(values: dict[str, object], **top: object) -> str:
    return json.dumps({"IsEncrypted": False, **top, "Values": values}, indent=2) + "\n"


BASE = {"FUNCTIONS_WORKER_RUNTIME": "python", "AzureWebJobsStorage": "UseDevelopmentStorage=true"}


def test_azf400_missing_connection_fix_adds_setting(tmp_path: Path) -> None:
    v2(tmp_path, SB)
    f = one(check(tmp_path), "AZF400")
    assert f.message == (
        "connection setting 'SB' of binding 'msg' is not defined in local.settings.json "
        "Values; add it there (and to the app settings in Azure)"
    )
    assert text_at(f) == '"SB"'
    # The fix writes the key with an empty value: flagged until the connection is filled in.
    (left,) = fixed_clean(tmp_path, f)
    assert (left.code, left.message) == (
        "AZF400",
        "connection setting 'SB' of binding 'msg' is empty in local.settings.json Values; write "
        "its connection string there (or 'SB__…' settings for an identity-based connection)",
    )
    data = json.loads((tmp_path / "local.settings.json").read_text())
    assert data["Values"]["SB"] == ""
    data["Values"]["SB"] = "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=x"
    (tmp_path / "local.settings.json").write_text(json.dumps(data))
    assert "AZF400" not in codes(check(tmp_path))


def test_azf400_without_local_settings_offers_to_create_it(tmp_path: Path) -> None:
    v2(tmp_path, SB)
    (tmp_path / "local.settings.json").unlink()
    f = one(check(tmp_path), "AZF400")
    assert f.message == (
        "the app has no local.settings.json, so connection setting 'SB', which binding 'msg' "
        "names, is not defined and the functions fail when the host starts locally; create the "
        "file with it (and add it to the app settings in Azure)"
    )
    assert f.related == []
    assert [x.title for x in f.fixes] == [
        "Create local.settings.json with 'SB' (empty: fill in 'SB')"
    ]
    fixed_clean(tmp_path, f)
    data = json.loads((tmp_path / "local.settings.json").read_text())
    assert data == {
        "IsEncrypted": False,
        "Values": {
            "FUNCTIONS_WORKER_RUNTIME": "python",
            "AzureWebJobsStorage": "UseDevelopmentStorage=true",
            "SB": "",
        },
    }


SB2 = (
    '@app.service_bus_topic_trigger(arg_name="evt", topic_name="t", subscription_name="s", '
    'connection="SB")\n'
    "def events(evt: func.ServiceBusMessage) -> None:\n    pass\n"
)
COSMOS = (
    '@app.cosmos_db_output(arg_name="doc", database_name="d", container_name="c", '
    'connection="Cosmos")\n'
    '@app.route(route="save")\n'
    "def save(req: func.HttpRequest, doc: func.Out[func.Document]) -> str:\n"
    '    return "ok"\n'
)


def test_azf400_without_local_settings_is_one_finding_per_app(tmp_path: Path) -> None:
    # Corpus: every clone lacks local.settings.json (func init's .gitignore leaves it out), and
    # one warning per binding said the same thing 169 times. One finding, at the first binding,
    # names every setting; the other bindings are its related places; the fix creates them all.
    v2(tmp_path, SB + "\n\n" + QUEUE + "\n\n" + SB2 + "\n\n" + COSMOS)
    (tmp_path / "local.settings.json").unlink()
    found = check(tmp_path)
    assert codes(found) == ["AZF400"]
    (f,) = found
    assert f.message == (
        "the app has no local.settings.json, so connection settings 'SB', "
        "'AzureWebJobsStorage', 'Cosmos', which 4 bindings name, are not defined and the "
        "functions fail when the host starts locally; create the file with them (and add them "
        "to the app settings in Azure)"
    )
    assert text_at(f) == '"SB"'
    assert f.data == {"setting": "SB", "settings": ["SB", "AzureWebJobsStorage", "Cosmos"]}
    script = str(tmp_path / "function_app.py")
    assert [(r.location.path, r.message) for r in f.related] == [
        (script, "binding 'msg' of 'work' needs setting 'AzureWebJobsStorage'"),
        (script, "binding 'evt' of 'events' needs setting 'SB'"),
        (script, "binding 'doc' of 'save' needs setting 'Cosmos'"),
    ]
    lines = (tmp_path / "function_app.py").read_text().split("\n")
    assert [
        lines[r.location.range.start[0]][r.location.range.start[1] : r.location.range.end[1]]
        for r in f.related
    ] == ['"AzureWebJobsStorage"', '"SB"', '"Cosmos"']
    assert [x.title for x in f.fixes] == [
        "Create local.settings.json with 'SB', 'AzureWebJobsStorage', 'Cosmos' "
        "(empty: fill in 'SB', 'Cosmos')"
    ]
    left = fixed_clean(tmp_path, f)
    # The created file holds every setting, empty for the user to fill in: each is then the
    # per-binding "empty" finding of a file that exists.
    assert sorted(x.data["setting"] for x in left) == ["Cosmos", "SB", "SB"]
    assert json.loads((tmp_path / "local.settings.json").read_text()) == {
        "IsEncrypted": False,
        "Values": {
            "FUNCTIONS_WORKER_RUNTIME": "python",
            "AzureWebJobsStorage": "UseDevelopmentStorage=true",
            "SB": "",
            "Cosmos": "",
        },
    }


def test_azf400_default_storage_connection(tmp_path: Path) -> None:
    http = {"name": "req", "type": "httpTrigger", "direction": "in", "authLevel": "anonymous"}
    ret = {"name": "$return", "type": "http", "direction": "out"}
    out = {"name": "msg", "type": "queue", "direction": "out", "queueName": "outbox"}
    write_app(
        tmp_path,
        {
            "send/function.json": json.dumps({"bindings": [http, ret, out]}),
            "send/__init__.py": "def main(req, msg):\n    return 'ok'\n",
            "local.settings.json": settings({"FUNCTIONS_WORKER_RUNTIME": "python"}),
        },
    )
    f = one(check(tmp_path), "AZF400")
    assert f.message.startswith(
        "connection setting 'AzureWebJobsStorage' of binding 'msg' is not defined in "
        "local.settings.json Values (a queue binding without a connection uses it)"
    )
    assert text_at(f) == '"queue"'
    assert fixed_clean(tmp_path, f) == []
    data = json.loads((tmp_path / "local.settings.json").read_text())
    assert data["Values"]["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"


def test_azf400_near_miss_identity_prefix_connection_strings_and_no_file(tmp_path: Path) -> None:
    v2(
        tmp_path / "a",
        SB,
        **{
            "local.settings.json": settings(
                {**BASE, "SB__fullyQualifiedNamespace": "x.servicebus.windows.net"}
            )
        },
    )
    assert check(tmp_path / "a") == []
    v2(tmp_path / "b", SB, **{"local.settings.json": settings(BASE, ConnectionStrings={"SB": "x"})})
    assert check(tmp_path / "b") == []
    v2(tmp_path / "c", SB, **{"local.settings.json": None})
    # No local.settings.json (it is not committed): said once, with a fix that creates it.
    assert [f.message.split(",")[0] for f in check(tmp_path / "c")] == [
        "the app has no local.settings.json"
    ]


def test_azf401_undefined_setting_expression_range_and_fix(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="msg", queue_name="jobs-%ENV%", connection='
        '"AzureWebJobsStorage")\n'
        "def work(msg: func.QueueMessage) -> None:\n    pass\n",
    )
    f = one(check(tmp_path), "AZF401")
    assert text_at(f) == "%ENV%"
    assert f.message.startswith("'%ENV%' in \"queueName\" of binding 'msg' names a setting")
    assert fixed_clean(tmp_path, f) == []


def test_azf401_misspelt_setting_suggests_the_defined_one(tmp_path: Path) -> None:
    # QA in code-server: '%PAYMENT_QUEUE%' beside a defined PAYMENTS_QUEUE was offered only
    # "Add 'PAYMENT_QUEUE'", a second setting with no value.
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="msg", queue_name="%PAYMENT_QUEUE%", connection='
        '"AzureWebJobsStorage")\n'
        "def work(msg: func.QueueMessage) -> None:\n    pass\n",
        **{"local.settings.json": settings({**BASE, "PAYMENTS_QUEUE": "payments"})},
    )
    f = one(check(tmp_path), "AZF401")
    assert f.message == (
        "'%PAYMENT_QUEUE%' in \"queueName\" of binding 'msg' names a setting that "
        "local.settings.json does not define; did you mean '%PAYMENTS_QUEUE%'? Otherwise add "
        "'PAYMENT_QUEUE' to Values (and to the app settings in Azure)"
    )
    assert [(x.title, x.preferred) for x in f.fixes] == [
        ("Use %PAYMENTS_QUEUE%", True),
        (
            "Add 'PAYMENT_QUEUE' to local.settings.json as 'work-items' (funcls new's queueName)",
            False,
        ),
    ]
    assert fixed_clean(tmp_path, f) == []
    assert 'queue_name="%PAYMENTS_QUEUE%"' in (tmp_path / "function_app.py").read_text()
    settings_after = json.loads((tmp_path / "local.settings.json").read_text())["Values"]
    assert "PAYMENT_QUEUE" not in settings_after


def test_azf401_no_suggestion_for_an_unrelated_name(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="msg", queue_name="%ORDERS%", connection='
        '"AzureWebJobsStorage")\n'
        "def work(msg: func.QueueMessage) -> None:\n    pass\n",
        **{"local.settings.json": settings({**BASE, "PAYMENTS_QUEUE": "payments"})},
    )
    f = one(check(tmp_path), "AZF401")
    assert "did you mean" not in f.message
    assert [x.title for x in f.fixes] == [
        "Add 'ORDERS' to local.settings.json as 'work-items' (funcls new's queueName)"
    ]


QUEUE_FROM_SETTING = (
    '@app.queue_trigger(arg_name="msg", queue_name="%ORDERS%", connection='
    '"AzureWebJobsStorage")\n'
    "def work(msg: func.QueueMessage) -> None:\n    pass\n"
)
BLOB_FROM_SETTING = (
    '@app.blob_trigger(arg_name="doc", path="%DOCS_PATH%", connection="AzureWebJobsStorage")\n'
    "def read(doc: func.InputStream) -> None:\n    pass\n"
)
TIMER_FROM_SETTING = (
    '@app.timer_trigger(arg_name="t", schedule="%SCHED%")\n'
    "def tick(t: func.TimerRequest) -> None:\n    pass\n"
)


@pytest.mark.parametrize(
    ("code", "name", "value"),
    [
        (QUEUE_FROM_SETTING, "ORDERS", "work-items"),
        (TIMER_FROM_SETTING, "SCHED", "0 */5 * * * *"),
    ],
)
def test_azf401_fix_writes_the_value_funcls_new_uses_not_an_empty_one(
    tmp_path: Path, code: str, name: str, value: str
) -> None:
    """The host puts a setting's value in as it is (an empty one too: only a missing setting
    is refused, azure-webjobs-sdk NameResolverExtensions): the fix wrote '', the queue name or
    schedule was empty and nothing was reported."""
    v2(tmp_path, code, **{"local.settings.json": settings(BASE)})
    f = one(check(tmp_path), "AZF401")
    assert [x.title for x in f.fixes] == [
        f"Add '{name}' to local.settings.json as '{value}' (funcls new's "
        f"{'queueName' if name == 'ORDERS' else 'schedule'})"
    ]
    assert fixed_clean(tmp_path, f) == []
    assert json.loads((tmp_path / "local.settings.json").read_text())["Values"][name] == value


def test_azf401_a_whole_value_from_an_empty_setting_is_reported(tmp_path: Path) -> None:
    v2(tmp_path, QUEUE_FROM_SETTING, **{"local.settings.json": settings({**BASE, "ORDERS": " "})})
    f = one(check(tmp_path), "AZF401")
    assert text_at(f) == "%ORDERS%"
    assert f.message.startswith(
        "'%ORDERS%' in \"queueName\" of binding 'msg' names a setting that is empty in "
        "local.settings.json; the host puts its value in as it is"
    )
    assert [(x.title, x.preferred) for x in f.fixes] == [
        ("Set 'ORDERS' to 'work-items' (funcls new's queueName)", False)
    ]
    assert fixed_clean(tmp_path, f) == []
    values = json.loads((tmp_path / "local.settings.json").read_text())["Values"]
    assert values["ORDERS"] == "work-items"


def test_azf401_no_default_the_fix_says_empty_and_the_rule_keeps_reporting(
    tmp_path: Path,
) -> None:
    v2(tmp_path, BLOB_FROM_SETTING, **{"local.settings.json": settings(BASE)})
    f = one(check(tmp_path), "AZF401")
    assert [x.title for x in f.fixes] == [
        "Add 'DOCS_PATH' to local.settings.json (empty: fill in its value)"
    ]
    after = fixed_clean(tmp_path, f)  # the 'not defined' finding goes
    (empty,) = [x for x in after if x.code == "AZF401"]
    assert "names a setting that is empty" in empty.message and empty.fixes == []


def test_azf401_empty_settings_left_alone(tmp_path: Path) -> None:
    # An empty part of a longer value may be meant; an empty schedule is AZF500's.
    v2(
        tmp_path / "part",
        QUEUE_FROM_SETTING.replace("%ORDERS%", "jobs%SUFFIX%"),
        **{"local.settings.json": settings({**BASE, "SUFFIX": ""})},
    )
    assert "AZF401" not in codes(check(tmp_path / "part"))
    v2(
        tmp_path / "timer",
        TIMER_FROM_SETTING,
        **{"local.settings.json": settings({**BASE, "SCHED": ""})},
    )
    assert codes(check(tmp_path / "timer")) == ["AZF500"]


def test_azf400_misspelt_connection_suggests_the_defined_one(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.service_bus_queue_trigger(arg_name="msg", queue_name="orders", '
        'connection="ServiceBusConection")\n'
        "def orders(msg: func.ServiceBusMessage) -> None:\n    pass\n",
        **{"local.settings.json": settings({**BASE, "ServiceBusConnection": "Endpoint=sb://x/"})},
    )
    f = one(check(tmp_path), "AZF400")
    assert f.message == (
        "connection setting 'ServiceBusConection' of binding 'msg' is not defined in "
        "local.settings.json Values; did you mean 'ServiceBusConnection'? Otherwise add it there "
        "(and to the app settings in Azure)"
    )
    assert [x.title for x in f.fixes] == [
        "Use 'ServiceBusConnection'",
        "Add 'ServiceBusConection' to local.settings.json (empty: fill in its connection string)",
    ]
    assert "AZF400" not in codes(fixed_clean(tmp_path, f))
    assert 'connection="ServiceBusConnection"' in (tmp_path / "function_app.py").read_text()


def test_azf401_near_miss_setting_names_ignore_case_and_colon(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.queue_trigger(arg_name="msg", queue_name="%jobs:queue%", connection='
        '"AzureWebJobsStorage")\n'
        "def work(msg: func.QueueMessage) -> None:\n    pass\n",
        **{"local.settings.json": settings({**BASE, "Jobs__Queue": "jobs"})},
    )
    assert check(tmp_path) == []


def test_azf402_wrong_runtime_fix(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"local.settings.json": settings({"FUNCTIONS_WORKER_RUNTIME": "node"})})
    f = one(check(tmp_path), "AZF402")
    assert f.message.startswith("FUNCTIONS_WORKER_RUNTIME is 'node'")
    assert text_at(f) == '"node"'
    assert fixed_clean(tmp_path, f) == []


def test_azf402_missing_runtime_fix_into_empty_values(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"local.settings.json": settings({})})
    f = one(check(tmp_path), "AZF402")
    assert fixed_clean(tmp_path, f) == []
    data = json.loads((tmp_path / "local.settings.json").read_text())
    assert data["Values"] == {"FUNCTIONS_WORKER_RUNTIME": "python"}


def test_azf403_storage_missing_for_queue_trigger_only(tmp_path: Path) -> None:
    runtime_only = settings({"FUNCTIONS_WORKER_RUNTIME": "python"})
    v2(tmp_path / "q", QUEUE, **{"local.settings.json": runtime_only})
    found = check(tmp_path / "q")
    assert codes(found) == ["AZF403"]  # not also AZF400 for the same setting
    assert "but queueTrigger needs a storage account" in found[0].message
    assert fixed_clean(tmp_path / "q", found[0]) == []
    v2(tmp_path / "h", PING, **{"local.settings.json": runtime_only})
    assert check(tmp_path / "h") == []


def test_azf404_version(tmp_path: Path) -> None:
    host = '{\n  "version": "3.0",\n  "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}\n}\n'
    v2(tmp_path, QUEUE, **{"host.json": host})
    f = one(check(tmp_path), "AZF404")
    assert f.message == 'host.json "version" is "3.0"; the host only reads "2.0"'
    assert fixed_clean(tmp_path, f) == []


def test_azf404_missing_version_fix(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"host.json": "{\n}\n"})
    f = one(check(tmp_path), "AZF404")
    assert fixed_clean(tmp_path, f) == []
    assert json.loads((tmp_path / "host.json").read_text()) == {"version": "2.0"}


def test_azf405_bundle_fix_and_near_miss_http_only(tmp_path: Path) -> None:
    v2(tmp_path / "q", QUEUE, **{"host.json": '{\n  "version": "2.0"\n}\n'})
    f = one(check(tmp_path / "q"), "AZF405")
    assert "queueTrigger binding of 'work' comes from an extension" in f.message
    assert fixed_clean(tmp_path / "q", f) == []
    v2(tmp_path / "h", PING, **{"host.json": '{"version": "2.0"}'})
    assert check(tmp_path / "h") == []


def test_azf406_invalid_and_plan_limit(tmp_path: Path) -> None:
    host = json.loads(
        '{"version": "2.0", "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle",'
        ' "version": "[4.*, 5.0.0)"}}'
    )
    v2(tmp_path / "bad", QUEUE, **{"host.json": json.dumps({**host, "functionTimeout": "5 min"})})
    f = one(check(tmp_path / "bad"), "AZF406")
    assert f.message.startswith("functionTimeout '5 min':")
    v2(
        tmp_path / "long",
        QUEUE,
        **{"host.json": json.dumps({**host, "functionTimeout": "00:20:00"})},
    )
    assert check(tmp_path / "long") == []  # no plan named: 20 minutes is fine on Premium
    consumption = check(tmp_path / "long", CheckConfig(plan="consumption"))
    assert "longer than the Consumption plan allows" in one(consumption, "AZF406").message


def test_azf407_non_string_value_fix_and_is_encrypted(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"local.settings.json": settings({**BASE, "RATIO": 1.0})})
    f = one(check(tmp_path), "AZF407")
    assert f.message == (
        "setting 'RATIO' is the number 1.0, which reaches your code as the text '1'; write it "
        "as a JSON string"
    )
    assert fixed_clean(tmp_path, f) == []
    values = {"ON": True, "TINY": 1e-7, "BIG": 2e3, "HALF": 0.5, "RETRIES": 3, "NEG": -12}
    v2(tmp_path / "n", PING, **{"local.settings.json": settings({**BASE, **values})})
    # Corpus (fifth round, warning triage): integers ('ProductCost': 100) and fractions .NET
    # writes as they are reach the code exactly as written: nothing to say about them.
    assert [m.message.split(",")[0] for m in only(check(tmp_path / "n"), "AZF407")] == [
        "setting 'ON' is the boolean true",
        "setting 'TINY' is the number 1e-07",
        "setting 'BIG' is the number 2000.0",
    ]
    assert "as the text 'True'" in only(check(tmp_path / "n"), "AZF407")[0].message
    assert "as the text '1E-07'" in only(check(tmp_path / "n"), "AZF407")[1].message
    assert "as the text '2000'" in only(check(tmp_path / "n"), "AZF407")[2].message
    enc = settings(BASE).replace('"IsEncrypted": false', '"IsEncrypted": true')
    v2(tmp_path / "e", PING, **{"local.settings.json": enc})
    assert "IsEncrypted: true" in one(check(tmp_path / "e"), "AZF407").message
    # Corpus (fifth round): an encrypted file's FUNCTIONS_WORKER_RUNTIME is ciphertext, which
    # Core Tools decrypts; AZF402 said it was not 'python' (a false error).
    cipher = {**BASE, "FUNCTIONS_WORKER_RUNTIME": "CfDJ8IgubvfxMSpLvwI1BLVUdIo"}
    enc = settings(cipher).replace('"IsEncrypted": false', '"IsEncrypted": true')
    v2(tmp_path / "c", PING, **{"local.settings.json": enc})
    assert codes(check(tmp_path / "c")) == ["AZF407"]
    v2(tmp_path / "p", PING, **{"local.settings.json": settings(cipher)})
    assert codes(check(tmp_path / "p")) == ["AZF402"]  # not encrypted: the value is the value


def test_azf408_host_json_missing(tmp_path: Path) -> None:
    v2(tmp_path, PING, **{"host.json": None})
    f = one(check(tmp_path), "AZF408")
    assert f.path == str(tmp_path / "function_app.py")
    assert only(check(tmp_path), "AZF404") == []


def bundle_host(bundle: object) -> str:
    return json.dumps({"version": "2.0", "extensionBundle": bundle}, indent=2) + "\n"


def test_azf409_retired_bundle_warns_and_the_fix_moves_to_4x(tmp_path: Path) -> None:
    old = {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[3.3.0, 4.0.0)"}
    v2(tmp_path, QUEUE, **{"host.json": bundle_host(old)})
    f = one(check(tmp_path), "AZF409")
    assert f.severity.name == "WARNING"
    assert "only admits bundle 3.x or older" in f.message
    assert text_at(f) == '"[3.3.0, 4.0.0)"'
    assert fixed_clean(tmp_path, f) == []
    # An open upper end, or one that reaches 4.x, is fine.
    for fine in ("[3.*, 5.0.0)", "[4.0.0, )", "4.0.0", "[4.*, 5.0.0)"):
        v2(tmp_path / "ok", QUEUE, **{"host.json": bundle_host({**old, "version": fine})})
        assert only(check(tmp_path / "ok"), "AZF409") == [], fine


def test_azf409_a_range_below_the_hosts_minimum_bundle_is_an_error(tmp_path: Path) -> None:
    # Corpus (fifth round): '[1.*, 2.0.0)' in durable and demo apps was only a warning, but the
    # host refuses any bundle older than 2.6.1 (extensionrequirements.json) at start-up.
    old = {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[1.*, 2.0.0)"}
    for version in ("[1.*, 2.0.0)", "[1.8.1]", "[2.0.0, 2.6.1)", "[2.*, 2.6.0]"):
        v2(tmp_path / "e", QUEUE, **{"host.json": bundle_host({**old, "version": version})})
        f = one(check(tmp_path / "e"), "AZF409")
        assert f.severity.name == "ERROR", version
        assert "older than 2.6.1, which the Functions host refuses" in f.message
        assert fixed_clean(tmp_path / "e", f) == []
    # A range that reaches 2.6.1 starts (out of support: the warning).
    for version in ("[2.6.1, 3.0.0)", "[2.*, 3.0.0)", "[2.0.0, 2.6.1]"):
        v2(tmp_path / "w", QUEUE, **{"host.json": bundle_host({**old, "version": version})})
        assert one(check(tmp_path / "w"), "AZF409").severity.name == "WARNING", version


def test_azf409_unreadable_range_and_unknown_id_are_errors(tmp_path: Path) -> None:
    v2(
        tmp_path,
        QUEUE,
        **{
            "host.json": bundle_host(
                {"id": "Microsoft.Azure.Functions.ExtensionBundel", "version": "[4.*, 5.*)"}
            )
        },
    )
    found = sorted(only(check(tmp_path), "AZF409"), key=lambda f: f.message)
    assert [f.severity.name for f in found] == ["ERROR", "ERROR"]
    assert "did you mean 'Microsoft.Azure.Functions.ExtensionBundle'?" in found[0].message
    assert "'5.*' is not a version" in found[1].message
    assert fixed_clean(tmp_path, found[0]) != []  # the version is still wrong
    v2(
        tmp_path / "m",
        QUEUE,
        **{"host.json": bundle_host({"id": "Microsoft.Azure.Functions.ExtensionBundle"})},
    )
    assert 'has no "version"' in one(check(tmp_path / "m"), "AZF409").message
    v2(
        tmp_path / "p",
        QUEUE,
        **{
            "host.json": bundle_host(
                {
                    "id": "Microsoft.Azure.Functions.ExtensionBundle.Preview",
                    "version": "[4.*, 5.0.0)",
                }
            )
        },
    )
    assert only(check(tmp_path / "p"), "AZF409") == []


def test_settings_rules_quiet_without_local_settings(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import azure.functions as func\n\napp = func.FunctionApp()\n\n\n"
            + QUEUE,
            "local.settings.json": None,
        },
    )
    # Only AZF400 speaks (the file is missing; it offers to create it); the rules that compare
    # values with the file say nothing.
    assert codes(check(tmp_path)) == ["AZF400"]


TIMER = (
    '@app.schedule(arg_name="timer", schedule="%CLEANUP_SCHEDULE%")\n'
    "def cleanup(timer: func.TimerRequest) -> None:\n    pass\n"
)
SETTINGS_BELOW = (
    "{\n"
    '  "IsEncrypted": false,\n'
    '  "Values": {\n'
    '    "FUNCTIONS_WORKER_RUNTIME": "python",\n'
    '    "AzureWebJobsStorage": "UseDevelopmentStorage=true",\n'
    '    "SB": "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=x",\n'
    '    "CLEANUP_SCHEDULE": "0 0 3 * * *"\n'
    "  }\n"
    "}\n"
)


def test_settings_rules_hold_while_local_settings_is_not_valid_json(tmp_path: Path) -> None:
    # QA in Emacs: "Host": { typed above the settings, then a lone '"' on the next line. The
    # tolerant reader took the settings below for members of Host: AZF400 (SB), AZF401
    # (CLEANUP_SCHEDULE), AZF402, AZF403 reported settings the file sets.
    half = SETTINGS_BELOW.replace('"Values": {\n', '"Values": {\n    "Host": {\n    "\n')
    v2(tmp_path, QUEUE + SB + TIMER, **{"local.settings.json": half})
    found = check(tmp_path)
    assert [(f.code, Path(f.path).name, str(f.range)) for f in found] == [
        ("AZF100", "local.settings.json", "5:5-5:6")  # the open string: the one finding
    ]
    # Comments and trailing commas are no error (Json.NET, which Core Tools reads the file
    # with, accepts them): the rules read the settings and report what is really missing.
    commented = SETTINGS_BELOW.replace('    "SB": "Endpoint', '    // "SB": "Endpoint').replace(
        '"0 0 3 * * *"\n', '"0 0 3 * * *",  /* nightly */\n'
    )
    (tmp_path / "local.settings.json").write_text(commented)
    f = one(check(tmp_path), "AZF400")
    assert f.message.startswith("connection setting 'SB' of binding 'msg' is not defined")
    assert codes(check(tmp_path)) == ["AZF400"]


QUEUE_CONN = (
    '@app.queue_trigger(arg_name="msg", queue_name="jobs", connection="JobsStorage")\n'
    "def work(msg: func.QueueMessage) -> None:\n    pass\n"
)
BLOB_OUT = (
    '@app.route(route="save")\n'
    '@app.blob_output(arg_name="out", path="out/{rand-guid}", connection="Archive")\n'
    "def save(req: func.HttpRequest, out: func.Out[str]) -> str:\n"
    '    return "ok"\n'
)


def test_azf400_storage_connection_fix_writes_the_storage_emulator(tmp_path: Path) -> None:
    # QA: the fix wrote "JobsStorage": "", which AZF400 then reported as empty. A storage
    # binding's connection gets the value `funcls new` writes for its triggers.
    v2(tmp_path, QUEUE_CONN + "\n\n" + BLOB_OUT, **{"local.settings.json": settings(BASE)})
    found = only(check(tmp_path), "AZF400")
    assert [[(x.title, x.preferred) for x in f.fixes] for f in found] == [
        [
            (
                "Add 'JobsStorage' to local.settings.json as UseDevelopmentStorage=true (local storage)",
                True,
            )
        ],
        [
            (
                "Add 'Archive' to local.settings.json as UseDevelopmentStorage=true (local storage)",
                True,
            )
        ],
    ]
    fixed_clean(tmp_path, found[0])
    assert codes(fixed_clean(tmp_path, only(check(tmp_path), "AZF400")[0])) == []
    values = json.loads((tmp_path / "local.settings.json").read_text())["Values"]
    assert values == {
        **BASE,
        "JobsStorage": "UseDevelopmentStorage=true",
        "Archive": "UseDevelopmentStorage=true",
    }


def test_azf400_without_local_settings_creates_storage_connections_filled(tmp_path: Path) -> None:
    v2(tmp_path, QUEUE_CONN + "\n\n" + SB)
    (tmp_path / "local.settings.json").unlink()
    f = one(check(tmp_path), "AZF400")
    assert [x.title for x in f.fixes] == [
        "Create local.settings.json with 'JobsStorage', 'SB' (empty: fill in 'SB')"
    ]
    (left,) = fixed_clean(tmp_path, f)
    assert (left.code, left.data) == ("AZF400", {"setting": "SB"})  # empty, as the title said
    values = json.loads((tmp_path / "local.settings.json").read_text())["Values"]
    assert values["JobsStorage"] == "UseDevelopmentStorage=true" and values["SB"] == ""


def test_check_fix_applies_the_storage_fix_and_says_why_it_leaves_the_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    v2(tmp_path, QUEUE_CONN + "\n\n" + SB, **{"local.settings.json": settings(BASE)})
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "--fix", ".")
    assert code == 0  # AZF400 is a warning
    assert (
        "fixed function_app.py: AZF400 Add 'JobsStorage' to local.settings.json as "
        "UseDevelopmentStorage=true (local storage)\n"
    ) in err
    # It was skipped without a word: now the output says why.
    assert (
        "not fixed function_app.py:11:80: AZF400 needs a choice or a value only you have, so "
        "--fix leaves it (the editor's quick fix: Add 'SB' to local.settings.json (empty: fill "
        "in its connection string))\n"
    ) in err
    assert [line.split(": ")[1].split()[0] for line in out.splitlines()[:-1]] == ["AZF400"]
    values = json.loads((tmp_path / "local.settings.json").read_text())["Values"]
    assert values == {**BASE, "JobsStorage": "UseDevelopmentStorage=true"}


def test_streaming_setting_rule_holds_while_local_settings_is_not_valid_json(
    tmp_path: Path,
) -> None:
    # AZF410 read the settings of the half-typed file too: PYTHON_ENABLE_INIT_INDEXING, set
    # below the unfinished line, was reported missing.
    complete = settings({**BASE, "PYTHON_ENABLE_INIT_INDEXING": "1"})
    v2(
        tmp_path,
        "from azurefunctions.extensions.http.fastapi import Request, StreamingResponse\n\n\n"
        '@app.route(route="stream")\n'
        "async def stream(req: Request) -> StreamingResponse:\n"
        '    return StreamingResponse(iter([b"x"]))\n',
        **{
            "requirements.txt": "azure-functions\nazurefunctions-extensions-http-fastapi\n",
            "local.settings.json": complete.replace(
                '"Values": {\n', '"Values": {\n    "Host": {\n    "\n'
            ),
        },
    )
    assert codes(check(tmp_path)) == ["AZF100"]
    (tmp_path / "local.settings.json").write_text(complete)
    assert codes(check(tmp_path)) == []


def test_environment_value_notes_hold_while_local_settings_is_not_valid_json(
    tmp_path: Path,
) -> None:
    # AZF401's note on an os.getenv value said local.settings.json does not set ORDERS_QUEUE,
    # which the half-typed file sets below its unfinished line.
    complete = settings({**BASE, "ORDERS_QUEUE": "orders-local"})
    v2(
        tmp_path,
        "import os\n\n\n"
        '@app.queue_trigger(arg_name="msg", queue_name=os.getenv("ORDERS_QUEUE", "orders"), '
        'connection="AzureWebJobsStorage")\n'
        "def work(msg: func.QueueMessage) -> None:\n    pass\n",
        **{
            "local.settings.json": complete.replace(
                '"Values": {\n', '"Values": {\n    "Host": {\n    "\n'
            )
        },
    )
    assert codes(check(tmp_path)) == ["AZF100"]
    (tmp_path / "local.settings.json").write_text(complete)
    f = one(check(tmp_path), "AZF401")
    assert "local.settings.json sets it, so a local run binds 'orders-local'" in f.message
