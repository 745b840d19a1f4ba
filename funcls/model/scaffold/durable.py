"""The Durable Functions starters of ``funcls new function``: the set the Core Tools and the
VS Code Azure Functions extension offer for the Python v2 model, each in a new blueprint module
(``df.Blueprint``) registered in function_app.py, as the durable library's blueprint sample
does (azure-functions-durable-python, samples-v2/blueprint: a ``df.Blueprint`` registered on a
plain ``func.FunctionApp``, whose namespace has no durable decorators):

- ``durable-orchestration``: an HTTP starter (``durable_client_input``) that starts the
  orchestrator and answers the status URLs (``create_check_status_response``), the
  orchestrator (``orchestration_trigger``, a generator that yields ``call_activity``) and its
  activity (``activity_trigger``);
- ``durable-entity``: an entity (``entity_trigger``) keeping a counter, with ``add``,
  ``reset`` and ``get`` operations.

requirements.txt gains ``azure-functions-durable``. Pure functions of text, like the other
templates.
"""

from __future__ import annotations

import re
from typing import Any

DURABLE_DISTRIBUTION = "azure-functions-durable"
DURABLE_MODULE = "azure.durable_functions"  # what the app imports of it
ORCHESTRATION = "durable-orchestration"
ENTITY = "durable-entity"

_TITLES = {
    ORCHESTRATION: "Durable Functions orchestration (HTTP starter, orchestrator and activity)",
    ENTITY: "Durable Functions entity (a counter)",
}


def is_durable_template(trigger: str) -> bool:
    return trigger.strip().lower() in _TITLES


def durable_template_list() -> list[dict[str, Any]]:
    """The durable starters as ``template_list`` gives templates: no settings (the starter's
    route and the functions' names come from the name), and v2 apps only (``"v1": False``:
    they are written as a blueprint module)."""
    return [
        {"trigger": t, "title": title, "settings": [], "v1": False} for t, title in _TITLES.items()
    ]


def durable_function_names(trigger: str, name: str) -> list[str]:
    """The functions the starter defines, by their names in the app."""
    if trigger == ORCHESTRATION:
        return [f"{name}_start", name, f"{name}_activity"]
    return [name]


def durable_module_text(trigger: str, name: str) -> tuple[str, int]:
    """The blueprint module's text and the zero-based line of its main def (the orchestrator
    or the entity)."""
    head = [
        "import logging",
        "",
        "import azure.durable_functions as df",
        "import azure.functions as func",
        "",
        "# The durable decorators are df.Blueprint's (func.Blueprint has none); function_app.py",
        "# registers this blueprint with app.register_functions.",
        "bp = df.Blueprint()",
        "",
        "",
    ]
    if trigger == ORCHESTRATION:
        body = [
            f'@bp.route(route="orchestrators/{name}", methods=["POST", "GET"])',
            '@bp.durable_client_input(client_name="client")',
            f"async def {name}_start(req: func.HttpRequest, client) -> func.HttpResponse:",
            f'    """Starts {name} and answers the URLs that tell its status."""',
            f'    instance_id = await client.start_new("{name}")',
            f'    logging.info("started {name} with id %s", instance_id)',
            "    return client.create_check_status_response(req, instance_id)",
            "",
            "",
            '@bp.orchestration_trigger(context_name="context")',
            f"def {name}(context: df.DurableOrchestrationContext):",
            '    """Calls the activity for each city in turn and returns their answers."""',
            "    results = []",
            '    for city in ("Tokyo", "Seattle", "London"):',
            f'        result = yield context.call_activity("{name}_activity", city)',
            "        results.append(result)",
            "    return results",
            "",
            "",
            '@bp.activity_trigger(input_name="city")',
            f"def {name}_activity(city: str) -> str:",
            '    return f"Hello, {city}!"',
        ]
        main = f"def {name}("
    else:
        body = [
            '@bp.entity_trigger(context_name="context")',
            f"def {name}(context: df.DurableEntityContext) -> None:",
            '    """A counter: "add" adds the operation\'s input, "reset" sets 0, "get" reads."""',
            "    value = context.get_state(lambda: 0)",
            '    if context.operation_name == "add":',
            "        value += context.get_input()",
            '    elif context.operation_name == "reset":',
            "        value = 0",
            "    context.set_state(value)",
            "    context.set_result(value)",
        ]
        main = f"def {name}("
    lines = [*head, *body]
    line = next(i for i, text in enumerate(lines) if text.startswith(main))
    return "\n".join(lines) + "\n", line


def durable_module_file(name: str) -> str:
    """The blueprint's module when no file is given: ``<name>_durable.py`` in the app, or
    ``<name>.py`` when one of the name's ``_``-separated words is already ``durable`` (QA in
    code-server: the editor's default name ``durable_orchestration`` made
    ``durable_orchestration_durable.py``)."""
    if "durable" in name.lower().split("_"):
        return f"{name}.py"
    return f"{name}_durable.py"


_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def requires_durable(text: str) -> bool:
    """Whether requirements.txt already names azure-functions-durable (names compared as pip
    does: case and ``-``/``_``/``.`` alike)."""
    for line in text.splitlines():
        m = _REQUIREMENT_NAME.match(line)
        if m and re.sub(r"[-_.]+", "-", m.group(1)).lower() == DURABLE_DISTRIBUTION:
            return True
    return False
