"""AZF314 (orchestrator nondeterminism) and AZF604 (emulator storage in deployment templates)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.checks.support import check, one, only, text_at, v2, write_app

REQS = {"requirements.txt": "azure-functions\nazure-functions-durable\n"}


def test_azf314_v2_calls_with_their_replacement(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import datetime\nimport os\nimport uuid\n\n"
            "import azure.durable_functions as df\n\napp = df.DFApp()\n\n\n"
            '@app.orchestration_trigger(context_name="context")\n'
            "def run(context):\n"
            "    now = datetime.datetime.now()\n"
            "    key = uuid.uuid4()\n"
            '    region = os.environ.get("REGION")\n'
            '    yield context.call_activity("work", [str(now), str(key), region])\n\n\n'
            '@app.entity_trigger(context_name="context")\n'
            "def counter(context):\n"
            "    context.set_state(str(uuid.uuid4()))\n",
            **REQS,
        },
    )
    found = only(check(tmp_path), "AZF314")
    assert [text_at(f) for f in found] == ["datetime.datetime.now", "uuid.uuid4", "os.environ.get"]
    assert found[0].message == (
        "orchestrator 'run' calls datetime.datetime.now(), which gives the current time; use "
        "context.current_utc_datetime (orchestrators are replayed and must decide the same "
        "way every time)"
    )
    assert "use context.new_uuid()" in found[1].message


def test_azf314_v1_orchestrator_created_from_a_function(tmp_path: Path) -> None:
    binding = {"name": "context", "type": "orchestrationTrigger", "direction": "in"}
    write_app(
        tmp_path,
        {
            "orch/function.json": json.dumps({"bindings": [binding]}),
            "orch/__init__.py": "import random\n\nimport azure.durable_functions as df\n\n\n"
            "def orchestrator_function(context):\n"
            "    pick = random.choice(['a', 'b'])\n"
            "    result = yield context.call_activity('hello', pick)\n"
            "    return result\n\n\n"
            "main = df.Orchestrator.create(orchestrator_function)\n",
            **REQS,
        },
    )
    f = one(check(tmp_path), "AZF314")
    assert text_at(f) == "random.choice"
    assert "move it into an activity function" in f.message


def test_azf314_an_import_inside_the_orchestrator(tmp_path: Path) -> None:
    # Imported in the orchestrator's body rather than at the top of the module: the calls are
    # the same (found in Neovim on a copy of durable_v1: nothing was reported).
    binding = {"name": "context", "type": "orchestrationTrigger", "direction": "in"}
    write_app(
        tmp_path,
        {
            "orch/function.json": json.dumps({"bindings": [binding]}),
            "orch/__init__.py": "import azure.durable_functions as df\n\n\n"
            "def orchestrator_function(context):\n"
            "    import datetime\n"
            "    from uuid import uuid4 as make_id\n"
            "    if datetime.datetime.now().hour > 12:\n"
            "        return None\n"
            "    result = yield context.call_activity('hello', str(make_id()))\n"
            "    return result\n\n\n"
            "main = df.Orchestrator.create(orchestrator_function)\n",
            **REQS,
        },
    )
    found = only(check(tmp_path), "AZF314")
    assert [text_at(f) for f in found] == ["datetime.datetime.now", "make_id"]
    assert "uuid.uuid4()" in found[1].message


def test_azf314_near_miss_activity_may_do_anything(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        {
            "function_app.py": "import uuid\n\nimport azure.durable_functions as df\n\n"
            "app = df.DFApp()\n\n\n"
            '@app.activity_trigger(input_name="name")\n'
            "def hello(name: str) -> str:\n    return f'{name} {uuid.uuid4()}'\n",
            **REQS,
        },
    )
    assert check(tmp_path) == []


def test_azf314_not_for_a_clock_read_only_log_lines_show(tmp_path: Path) -> None:
    # Corpus (fifth round, warning triage): an orchestrator timing its own replays with
    # time.monotonic() for a log line. What only a log line shows changes no decision; the same
    # clock reaching an activity's input, a condition or the result is still reported.
    write_app(
        tmp_path,
        {
            "function_app.py": "import datetime\nimport logging\nimport time\n\n"
            "import azure.durable_functions as df\n\napp = df.DFApp()\n"
            "logger = logging.getLogger(__name__)\n\n\n"
            '@app.orchestration_trigger(context_name="context")\n'
            "def timed(context):\n"
            "    start = time.monotonic()\n"
            '    first = yield context.call_activity("work", 1)\n'
            "    elapsed = (time.monotonic() - start) * 1000\n"
            "    if not context.is_replaying:\n"
            '        logger.info("took %.0f ms at %s", elapsed, datetime.datetime.utcnow())\n'
            '    print(f"done in {time.perf_counter()}")\n'
            "    late = time.monotonic() - start > 5\n"
            "    stamp = datetime.datetime.utcnow().isoformat()\n"
            '    yield context.call_activity("record", stamp)\n'
            "    if late:\n"
            '        return "late"\n'
            "    return first\n",
            **REQS,
        },
    )
    found = only(check(tmp_path), "AZF314")
    assert [(text_at(f), f.range.start.line) for f in found] == [
        ("time.monotonic", 12),  # start: also reaches `late`, a condition
        ("time.monotonic", 18),
        ("datetime.datetime.utcnow", 19),
    ]


def test_azf604_emulator_in_arm_template(tmp_path: Path) -> None:
    arm = {
        "properties": {
            "appSettings": [{"name": "AzureWebJobsStorage", "value": "UseDevelopmentStorage=true"}]
        }
    }
    v2(
        tmp_path,
        '@app.route(route="ping")\ndef ping(req: func.HttpRequest) -> func.HttpResponse:\n'
        "    return func.HttpResponse()\n",
        **{"deploy/azuredeploy.json": json.dumps(arm, indent=2)},
    )
    f = one(check(tmp_path), "AZF604")
    assert text_at(f) == "UseDevelopmentStorage=true"
    assert f.message.startswith("deploy/azuredeploy.json deploys AzureWebJobsStorage=")


def test_azf604_near_miss_local_settings_and_tests(tmp_path: Path) -> None:
    v2(
        tmp_path,
        '@app.route(route="ping")\ndef ping(req: func.HttpRequest) -> func.HttpResponse:\n'
        "    return func.HttpResponse()\n",
        **{"tests/fixture.json": '{"AzureWebJobsStorage": "UseDevelopmentStorage=true"}'},
    )
    assert check(tmp_path) == []
