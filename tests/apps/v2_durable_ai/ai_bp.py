"""OpenAI bindings: assistants, completion, embeddings and semantic search."""

import json

import azure.functions as func
from azure.functions.decorators.openai import InputType, OpenAIModels

bp = func.Blueprint()

CHAT_MODEL = "gpt-4o"
SEARCH = "AISearchEndpoint"


@bp.route(route="assistants/{assistantId}", methods=["PUT"])
@bp.assistant_create_output(arg_name="requests")
def create_assistant(req: func.HttpRequest, requests: func.Out[str]) -> func.HttpResponse:
    instructions = "You help people keep a todo list."
    requests.set(json.dumps({"id": req.route_params["assistantId"], "instructions": instructions}))
    return func.HttpResponse(status_code=202)


@bp.route(route="assistants/{assistantId}", methods=["POST"])
@bp.assistant_post_input(
    arg_name="state",
    id="{assistantId}",
    user_message="{Query.message}",
    chat_model=CHAT_MODEL,
    chat_storage_connection_setting="AssistantStorage",
    ai_connection_name="AZURE_OPENAI",
)
def post_message(req: func.HttpRequest, state: str) -> func.HttpResponse:
    recent = json.loads(state)["recentMessages"][-1]["content"]
    return func.HttpResponse(recent)


@bp.route(route="assistants/{assistantId}", methods=["GET"])
@bp.assistant_query_input(
    arg_name="state",
    id="{assistantId}",
    timestamp_utc="{Query.timestampUTC}",
    chat_storage_connection_setting="AssistantStorage",
)
def get_chat_state(req: func.HttpRequest, state: str) -> func.HttpResponse:
    return func.HttpResponse(state, mimetype="application/json")


@bp.assistant_skill_trigger(
    arg_name="task_description",
    function_description="Create a new todo task",
    function_name="AddTodo",
)
def add_todo(task_description: str) -> None:
    print("todo:", task_description)


@bp.route(route="whois/{name}", methods=["GET"])
@bp.text_completion_input(
    arg_name="response",
    prompt="Who is {name}?",
    chat_model=OpenAIModels.DefaultChatModel,
    max_tokens="200",
)
def whois(req: func.HttpRequest, response: str) -> func.HttpResponse:
    return func.HttpResponse(json.loads(response)["content"])


@bp.route(route="embeddings", methods=["POST"])
@bp.embeddings_input(
    arg_name="embeddings",
    input="{rawText}",
    input_type=InputType.RawText,
    embeddings_model="text-embedding-3-small",
)
def embed_text(req: func.HttpRequest, embeddings: str) -> func.HttpResponse:
    count = len(json.loads(embeddings)["response"]["data"])
    return func.HttpResponse(str(count))


@bp.route(route="ingest", methods=["POST"])
@bp.embeddings_store_output(
    arg_name="requests",
    input="{url}",
    input_type="url",
    store_connection_name=SEARCH,
    collection="openai-index",
    max_chunk_length=1024,
)
def ingest_file(req: func.HttpRequest, requests: func.Out[str]) -> func.HttpResponse:
    requests.set(json.dumps({"title": req.get_json()["url"]}))
    return func.HttpResponse(status_code=202)


@bp.route(route="ask", methods=["POST"])
@bp.semantic_search_input(
    arg_name="result",
    search_connection_name=SEARCH,
    collection="openai-index",
    query="{prompt}",
    chat_model=CHAT_MODEL,
    embeddings_model=OpenAIModels.DefaultEmbeddingsModel,
    max_knowledge_count=3,
)
def ask(req: func.HttpRequest, result: str) -> func.HttpResponse:
    return func.HttpResponse(json.loads(result)["Response"])
