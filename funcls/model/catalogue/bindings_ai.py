"""Azure OpenAI extension bindings: assistants, text completion, embeddings, semantic search.

The extension ships in the preview extension bundle
(`Microsoft.Azure.Functions.ExtensionBundle.Preview`); the models named by `chatModel` /
`embeddingsModel` are deployment names of the Azure OpenAI resource.
"""

from __future__ import annotations

from funcls.model.catalogue.common import (
    DATA_TYPE,
    GENERIC_INPUT_TYPES,
    GENERIC_OUTPUT_TYPES,
    prop,
)
from funcls.model.catalogue.types import BindingSpec, PropertySpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/functions-bindings-openai-"
_PREVIEW = " The OpenAI extension ships in the preview extension bundle."

_AI_CONNECTION = prop(
    "aiConnectionName",
    "string",
    "Prefix of the app settings that say how to reach Azure OpenAI.",
    "With a prefix `X`, the extension reads `X__endpoint` (and `X__key`, or identity "
    "settings). Leave it empty to use the `AZURE_OPENAI_ENDPOINT` / `AZURE_OPENAI_KEY` "
    "settings (or `OPENAI_API_KEY` for OpenAI itself).",
    role="connection",
    default="",
)
_CHAT_MODEL = prop(
    "chatModel",
    "string",
    "Chat model deployment to use.",
    "The name of the deployment in the Azure OpenAI resource. The library's default "
    "placeholder is `gpt-3.5-turbo`.",
    default="gpt-3.5-turbo",
)
_EMBEDDINGS_MODEL = prop(
    "embeddingsModel",
    "string",
    "Embeddings model deployment to use.",
    "The name of the deployment in the Azure OpenAI resource. The library's default "
    "placeholder is `text-embedding-ada-002`.",
    default="text-embedding-ada-002",
)
_CHAT_STORAGE = prop(
    "chatStorageConnectionSetting",
    "string",
    "App setting (or prefix) of the table storage that keeps assistant chat state.",
    role="connection",
    default="AzureWebJobsStorage",
)
_COLLECTION_NAME = prop(
    "collectionName",
    "string",
    "Table that stores assistant chat state.",
    default="ChatState",
)
_SAMPLING: tuple[PropertySpec, ...] = (
    prop(
        "temperature",
        "string",
        "Sampling temperature between 0 and 2, as text; higher is more random.",
        "Set it or `topP`, not both.",
        default="0.5",
    ),
    prop("topP", "string", "Nucleus sampling mass between 0 and 1, as text."),
    prop(
        "maxTokens",
        "string",
        "Most tokens the completion may produce, as text.",
        default="100",
    ),
    prop(
        "isReasoningModel",
        "boolean",
        "The chat model is a reasoning model (o1 and later), which takes other parameters.",
        default=False,
    ),
)
_ASSISTANT_ID = prop(
    "id",
    "string",
    "Id of the assistant (chat session), e.g. `{assistantId}` from the route.",
    required=True,
)
_EMBED_INPUT: tuple[PropertySpec, ...] = (
    prop(
        "input",
        "string",
        "The text, file path or URL to embed (binding expressions allowed).",
        required=True,
    ),
    prop(
        "inputType",
        "enum",
        "What `input` holds: `RawText`, `FilePath` (or `Url` in newer extensions).",
        enum="InputType",
        required=True,
    ),
    prop(
        "maxChunkLength",
        "integer",
        "Longest chunk, in characters, the input is split into.",
        default=8192,
    ),
    prop(
        "maxOverlap",
        "integer",
        "Characters shared by neighbouring chunks.",
        default=128,
    ),
)


def _spec(
    type_: str,
    title: str,
    *,
    trigger: bool = False,
    out: bool = False,
    summary: str,
    description: str,
    properties: tuple[PropertySpec, ...],
    page: str,
) -> BindingSpec:
    return BindingSpec(
        type=type_,
        family="openai",
        title=title,
        trigger=trigger,
        directions=("out",) if out else ("in",),
        summary=summary,
        description=description + _PREVIEW,
        properties=(*properties, DATA_TYPE),
        input_types=() if out else GENERIC_INPUT_TYPES,
        output_types=GENERIC_OUTPUT_TYPES if out else (),
        docs=_DOCS + page,
    )


BINDINGS: tuple[BindingSpec, ...] = (
    _spec(
        "assistantSkillTrigger",
        "Assistant skill trigger",
        trigger=True,
        summary="Exposes the function to assistants as a tool they can call.",
        description=(
            "When a chat with an assistant decides to use the tool, the function runs with the "
            "arguments the model chose, as text; what it returns goes back to the model."
        ),
        properties=(
            prop(
                "functionDescription",
                "string",
                "What the tool does, in words the model reads to decide when to call it.",
                required=True,
            ),
            prop(
                "functionName",
                "string",
                "Tool name shown to the model; the function's name when left out.",
            ),
            prop(
                "parameterDescriptionJson",
                "string",
                "JSON schema of the tool's arguments, as text.",
                role="json-text",
            ),
        ),
        page="assistant-trigger",
    ),
    _spec(
        "textCompletion",
        "Text completion input",
        summary="Sends a prompt to a chat model and hands the function its answer.",
        description=(
            "The function receives a JSON object whose `content` is the model's reply. The "
            "prompt may use binding expressions such as `{name}`."
        ),
        properties=(
            prop("prompt", "string", "The prompt to send.", required=True),
            _AI_CONNECTION,
            _CHAT_MODEL,
            *_SAMPLING,
        ),
        page="textcompletion-input",
    ),
    _spec(
        "assistantQuery",
        "Assistant query input",
        summary="Reads the chat history of an assistant.",
        description=(
            "The function receives the assistant's state and the messages exchanged since "
            "`timestampUtc`, as JSON."
        ),
        properties=(
            _ASSISTANT_ID,
            prop(
                "timestampUtc",
                "string",
                "Return messages newer than this ISO 8601 time, e.g. `{Query.timestampUTC}`.",
                required=True,
            ),
            _CHAT_STORAGE,
            _COLLECTION_NAME,
        ),
        page="assistantquery-input",
    ),
    _spec(
        "assistantCreate",
        "Assistant create output",
        out=True,
        summary="Creates an assistant (a chat session with instructions).",
        description=(
            "Set a JSON object with `id` and `instructions` (and optionally "
            "`chatStorageConnectionSetting` and `collectionName`) to create the assistant."
        ),
        properties=(),
        page="assistantcreate-output",
    ),
    _spec(
        "assistantPost",
        "Assistant post input",
        summary="Sends a user message to an assistant and hands the function the reply.",
        description=(
            "The message is added to the chat history, the model answers (calling assistant "
            "skills when it wants to), and the function receives the updated state as JSON."
        ),
        properties=(
            _ASSISTANT_ID,
            prop(
                "userMessage",
                "string",
                "The user's message, e.g. `{Query.message}`.",
                required=True,
            ),
            _AI_CONNECTION,
            _CHAT_MODEL,
            _CHAT_STORAGE,
            _COLLECTION_NAME,
            *_SAMPLING,
        ),
        page="assistantpost-input",
    ),
    _spec(
        "embeddings",
        "Embeddings input",
        summary="Computes embeddings of a text, file or URL.",
        description=(
            "The input is split into chunks and each chunk embedded; the function receives "
            "the request and the vectors as JSON."
        ),
        properties=(*_EMBED_INPUT, _AI_CONNECTION, _EMBEDDINGS_MODEL),
        page="embeddings-input",
    ),
    _spec(
        "embeddingsStore",
        "Embeddings store output",
        out=True,
        summary="Embeds a text, file or URL and stores the vectors in a search store.",
        description=(
            "Supported stores include Azure AI Search, Cosmos DB and Azure Data Explorer; "
            "`storeConnectionName` says which. Set the output to a JSON object naming the "
            'document (e.g. `{"title": ...}`) to store it.'
        ),
        properties=(
            *_EMBED_INPUT,
            prop(
                "storeConnectionName",
                "string",
                "App setting (or prefix) that says how to reach the vector store.",
                required=True,
                role="connection",
            ),
            prop(
                "collection",
                "string",
                "Index or collection in the store that receives the vectors.",
                required=True,
            ),
            _AI_CONNECTION,
            _EMBEDDINGS_MODEL,
        ),
        page="embeddingsstore-output",
    ),
    _spec(
        "semanticSearch",
        "Semantic search input",
        summary="Answers a question from documents found in a vector store (RAG).",
        description=(
            "The query is embedded, the closest documents are read from the store, and the chat "
            "model answers with them as context; the function receives the answer and the "
            "documents as JSON."
        ),
        properties=(
            prop(
                "searchConnectionName",
                "string",
                "App setting (or prefix) that says how to reach the vector store.",
                required=True,
                role="connection",
            ),
            prop(
                "collection",
                "string",
                "Index or collection to search.",
                required=True,
            ),
            prop("query", "string", "The question, e.g. `{Query.q}`."),
            _AI_CONNECTION,
            _EMBEDDINGS_MODEL,
            _CHAT_MODEL,
            prop(
                "systemPrompt",
                "string",
                "Instructions given to the chat model along with the documents found.",
                "The library's default tells the model to answer from the documents and cite them.",
            ),
            prop(
                "maxKnowledgeCount",
                "integer",
                "How many documents are handed to the model.",
                default=1,
            ),
            *_SAMPLING,
        ),
        page="semanticsearch-input",
    ),
)
