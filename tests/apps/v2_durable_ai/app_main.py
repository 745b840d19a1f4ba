"""Assistant back end: durable workflows, OpenAI bindings and an MCP server.

The worker loads this file instead of function_app.py because local.settings.json sets
PYTHON_SCRIPT_FILE_NAME=app_main.py.
"""

import json
import logging
from typing import Optional

import azure.durable_functions as df
import azure.functions as func

from ai_bp import bp as ai
from approvals import bp as approvals

WEATHER_DAYS = 3
SNIPPETS = "snippets"
SAVE_SNIPPET_PROPERTIES = (
    '[{"propertyName": "name", "propertyType": "string", "description": "Snippet name"},'
    ' {"propertyName": "snippet", "propertyType": "string", "description": "The text"}]'
)

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orchestrators/{functionName}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(req: func.HttpRequest, client) -> func.HttpResponse:
    instance_id = await client.start_new(req.route_params["functionName"], None, req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def hello_orchestrator(context: df.DurableOrchestrationContext):
    cities = ["Tokyo", "Seattle", "London"]
    results = []
    for city in cities:
        results.append((yield context.call_activity("say_hello", city)))
    return results


@app.orchestration_trigger(context_name="context")
@app.durable_openai_agent_orchestrator
def travel_agent(context):
    # The library adds one `run_model_activity` function for the agent's model calls.
    from agents import Agent, Runner

    agent = Agent(name="Planner", instructions="Plan a short trip.")
    return Runner.run_sync(agent, context.get_input()).final_output


@app.activity_trigger(input_name="city")
def say_hello(city: str) -> str:
    return f"Hello {city}"


@app.entity_trigger(context_name="context", entity_name="Counter")
def counter(context: df.DurableEntityContext) -> None:
    value = context.get_state(lambda: 0)
    if context.operation_name == "add":
        value += context.get_input()
    context.set_state(value)


@app.timer_trigger(arg_name="timer", schedule="0 0 */6 * * *")
@app.durable_client_input(client_name="starter", task_hub="%TaskHubName%", connection_name="DurableStorage")
async def purge_history(timer: func.TimerRequest, starter) -> None:
    logging.info("purging old instances")


@app.mcp_tool()
@app.mcp_tool_property(arg_name="city", description="The city to forecast")
def get_forecast(city: str, days: int = WEATHER_DAYS) -> str:
    """Weather forecast for a city.

    Returns one line per day.
    """
    return "\n".join(f"{city}: sunny" for _ in range(days))


@app.mcp_tool(metadata='{"category": "docs"}')
@app.mcp_tool_property(arg_name="tags", description="Tags to match", property_type=func.McpPropertyType.STRING, as_array=True)
def search_docs(
    query: str,
    tags: list[str],
    max_age_days: int | None,
    limit: Optional[int],
    page: int = 1,
) -> str:
    """Search the documentation."""
    return json.dumps({"query": query, "tags": tags, "age": max_age_days, "limit": limit, "page": page})


@app.mcp_tool()
@app.blob_input(arg_name="snippet", path=SNIPPETS + "/{mcptoolargs.name}.json", connection="AzureWebJobsStorage")
def get_snippet(snippet: str, name: str) -> str:
    """Read a saved snippet by name."""
    return snippet or f"no snippet {name}"


@app.mcp_tool_trigger(
    arg_name="context",
    tool_name="save_snippet",
    description="Save a snippet",
    tool_properties=SAVE_SNIPPET_PROPERTIES,
)
@app.blob_output(arg_name="file", path="snippets/{mcptoolargs.name}.json", connection="AzureWebJobsStorage")
def save_snippet(context: str, file: func.Out[str]) -> str:
    file.set(json.loads(context)["arguments"].get("snippet", ""))
    return "saved"


@app.mcp_resource_trigger(
    arg_name="context",
    uri="file://docs/readme.md",
    resource_name="readme",
    title="Read me",
    description="The project's read-me",
    mime_type="text/markdown",
)
def readme_resource(context) -> str:
    return "# Assistant\n"


@app.mcp_prompt_trigger(
    arg_name="context",
    prompt_name="summarise",
    description="Summarise a document",
    prompt_arguments=[
        func.PromptArgument("document", "The text to summarise", True),
        func.PromptArgument(name="style", description="bullet points or prose"),
    ],
)
def summarise_prompt(context) -> str:
    return "Summarise the document."


app.register_functions(approvals)
app.register_blueprint(ai)
