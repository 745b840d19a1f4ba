"""Every decorator of the catalogue, called with only its required arguments and with all of
them, indexed by funcls and by the real library: the two must agree binding for binding.

The apps are generated from the catalogue, so a decorator added to the library (and hence,
through the sync test, to the catalogue) is covered here without writing a new case.
"""

from __future__ import annotations

import importlib.metadata
import keyword
from pathlib import Path

import pytest

from funcls.model.catalogue import CATALOGUE, DecoratorParam, DecoratorSpec
from tests.support.fidelity import differences, funcls_index, library_index

LIBRARY = importlib.metadata.version("azure-functions")
# Decorators the matrix cannot call (none today: `openai-agents`, which
# durable_openai_agent_orchestrator imports when it runs, is a test dependency).
UNEXERCISED: set[str] = set()
# Decorators that only make sense together with others; covered by hand-written cases.
MODIFIERS = {"function_name", "http_type", "retry", "mcp_tool_property", "mcp_tool"}

SAMPLE_STRINGS = {
    "schedule": "'0 */5 * * * *'",
    "route": "'items/{id:int}'",
    "path": "'samples/{name}'",
    "http_verb": "'POST'",
}


def _enum_expr(param: DecoratorParam, variant: int) -> str | None:
    spec = CATALOGUE.enum(param.enum or "")
    if spec is None:
        return None
    members = list(spec.members)
    m = members[-1] if variant == 0 else members[0]
    qual = spec.qualname.replace("azure.functions.", "func.", 1)
    if variant == 1 and param.parse == "member-name":
        return repr(m.name.lower())  # the library upper-cases and looks the name up
    return f"{qual}.{m.name}"


def _sample(param: DecoratorParam, variant: int) -> str | None:
    if param.target == "name":
        return None
    if param.kind == "string":
        return SAMPLE_STRINGS.get(param.name, repr(f"v_{param.name}"))
    if param.kind == "boolean":
        return "True"
    if param.kind == "integer":
        return "7"
    if param.kind == "enum":
        return _enum_expr(param, variant)
    if param.kind == "enum-list":
        return "['GET', func.HttpMethod.POST]" if variant == 0 else "['put']"
    if param.kind == "object":
        return "{'extra_field': 'x'}"
    return None


def _call(spec: DecoratorSpec, arg_name: str, full: bool, variant: int = 0) -> str | None:
    args: list[str] = []
    for p in spec.params:
        if not p.available_in(LIBRARY):
            continue  # the table also describes newer azure-functions versions
        if p.target == "name":
            args.append(f"{p.name}={arg_name!r}")
            continue
        if p.name == "type":
            args.append(f"type={'customTrigger' if spec.role == 'trigger' else 'customBinding'!r}")
            continue
        if not (p.required or full):
            continue
        if spec.name == "event_grid_output" and p.name in (
            "topic_endpoint_uri",
            "topic_key_setting",
        ):
            continue  # connection and the topic pair exclude each other
        if spec.name == "route" and p.name == "trigger_extra_fields":
            continue  # data_type there is a known library bug; extra fields are tested below
        if spec.name == "route" and p.name == "binding_extra_fields":
            continue
        value = _sample(p, variant)
        if value is None:
            if p.required:
                return None
            continue
        args.append(f"{p.name}={value}")
    if spec.name == "event_grid_output" and not any(a.startswith("connection=") for a in args):
        args.append("connection='v_connection'")
    if spec.name == "mcp_prompt_trigger" and full:
        args = [a for a in args if not a.startswith("prompt_arguments")]
        args.append(
            "prompt_arguments=[func.PromptArgument('a', 'first', True), func.PromptArgument(name='b')]"
        )
    return f"@app.{spec.name}({', '.join(args)})"


def _app_source(app_class: str) -> tuple[str, int]:
    lines = [
        "import azure.functions as func",
        "import azure.durable_functions as df",
        "",
        f"app = {app_class}(http_auth_level=func.AuthLevel.ANONYMOUS)",
        "",
    ]
    count = 0
    for spec in CATALOGUE.decorators.values():
        if spec.name in UNEXERCISED or spec.name in MODIFIERS:
            continue
        if not spec.available_on(app_class.rsplit(".", 1)[-1]):
            continue
        for full in (False, True):
            for variant in (0, 1) if full else (0,):
                call = _call(spec, "x", full, variant)
                if call is None:
                    continue
                fname = f"{spec.name}_{'all' if full else 'min'}{variant}"
                if keyword.iskeyword(fname):
                    fname += "_"
                if spec.role != "trigger":
                    # Above the binding: decorators apply bottom-up, and a durable decorator
                    # reached through func.FunctionApp drops what was applied before it.
                    lines.append("@app.timer_trigger(arg_name='t', schedule='0 0 * * * *')")
                lines.append(call)
                params = "x, t" if spec.role != "trigger" else "x"
                if spec.name == "route":
                    params = "req"
                lines.append(f"def {fname}({params}):\n    pass\n")
                count += 1
    # The modifiers, and route's extra fields, on ordinary functions.
    lines += [
        "@app.function_name(name='Renamed')",
        "@app.http_type(http_type='function')",
        "@app.retry(strategy='fixed_delay', max_retry_count='3', delay_interval='00:00:05')",
        "@app.route(trigger_extra_fields={'x_extra': 1}, binding_extra_fields={'y_extra': 'z'})",
        "def modifiers(req):\n    pass\n",
        "@app.mcp_tool(metadata='{\"k\": 1}')",
        "@app.mcp_tool_property(arg_name='count', description='How many', is_required=False)",
        "@app.blob_input(arg_name='doc', path='docs/readme.md', connection='Storage')",
        "def tool(doc: str, count: int, names: list[str], ratio: float = 0.5) -> str:",
        '    """Counts things.\n\n    Really.\n    """',
        "    return ''\n",
    ]
    return "\n".join(lines) + "\n", count


@pytest.mark.parametrize("app_class", ["func.FunctionApp", "df.DFApp"])
def test_every_decorator_matches_the_library(tmp_path: Path, app_class: str) -> None:
    source, count = _app_source(app_class)
    assert count > 100, "the matrix should exercise every decorator several ways"
    (tmp_path / "host.json").write_text('{"version": "2.0"}')
    (tmp_path / "function_app.py").write_text(source)
    library = library_index(str(tmp_path))
    app = funcls_index(str(tmp_path))
    assert app.problems == [] or all(p.kind != "python-syntax" for p in app.problems)
    diff = differences(app, library)
    assert not diff, "\n".join(diff)
    assert len(app.functions) == len(library) >= count
