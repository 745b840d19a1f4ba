"""Model Context Protocol triggers: the app as an MCP server (tools, resources, prompts)."""

from __future__ import annotations

from funcls.model.catalogue.common import (
    ANY,
    BYTES,
    DATA_TYPE,
    DICT,
    MCP_TOOL_CONTEXT,
    PROMPT_INVOCATION_CONTEXT,
    STR,
    prop,
)
from funcls.model.catalogue.types import BindingSpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/functions-bindings-mcp"
_SERVER = (
    " The host serves MCP at `/runtime/webhooks/mcp` (streamable HTTP; `/sse` for older "
    "clients), protected by the `mcp_extension` system key. The function's return value is "
    "what the client gets back."
)

_METADATA = prop(
    "metadata",
    "string",
    "Extra MCP metadata for the item, as JSON text.",
    role="json-text",
)
_TITLE = prop("title", "string", "Human-friendly title shown by MCP clients.")
_RESULT_SCHEMA = prop(
    "useResultSchema",
    "boolean",
    "Describe the structure of the function's result to clients (structured content).",
    "The v2 decorators set it from the return annotation (`mcp_tool(use_result_schema=...)`).",
    default=False,
)

BINDINGS: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="mcpToolTrigger",
        family="mcp",
        title="MCP tool trigger",
        trigger=True,
        directions=("in",),
        summary="Exposes the function as a tool of the app's MCP server.",
        description=(
            "An MCP client (an agent or an IDE) lists the tool and calls it with arguments; "
            "the function receives them as JSON text, a dict, or a `func.MCPToolContext`. "
            "With `@app.mcp_tool()` the library builds the trigger from the function's name, "
            "docstring and parameters instead." + _SERVER
        ),
        properties=(
            prop(
                "toolName",
                "string",
                "Name under which clients see and call the tool.",
                required=True,
            ),
            prop(
                "description",
                "string",
                "What the tool does; the model reads it to decide when to call the tool.",
            ),
            prop(
                "toolProperties",
                "string",
                "The tool's arguments, as a JSON list of `{propertyName, propertyType, "
                "description}` objects.",
                "The v2 decorators fill it from `mcp_tool_property` and the function's parameters.",
                role="json-text",
            ),
            _METADATA,
            _RESULT_SCHEMA,
            DATA_TYPE,
        ),
        input_types=(STR, DICT, BYTES, MCP_TOOL_CONTEXT),
        output_types=(ANY,),
        docs=_DOCS + "-tool-trigger",
    ),
    BindingSpec(
        type="mcpResourceTrigger",
        family="mcp",
        title="MCP resource trigger",
        trigger=True,
        directions=("in",),
        summary="Serves an MCP resource (data a client can read by URI) from the function.",
        description=(
            "When a client reads the resource's URI, the function runs and returns the "
            "content. The function receives the request as JSON text or a dict." + _SERVER
        ),
        properties=(
            prop(
                "uri",
                "string",
                "The resource's URI, e.g. `file://docs/readme.md`; may hold `{params}`.",
                required=True,
            ),
            prop(
                "resourceName",
                "string",
                "Name of the resource in listings.",
                required=True,
            ),
            _TITLE,
            prop("description", "string", "What the resource holds."),
            prop("mimeType", "string", "MIME type of the content, e.g. `text/markdown`."),
            prop("size", "integer", "Size of the content in bytes, when known."),
            _METADATA,
            _RESULT_SCHEMA,
            DATA_TYPE,
        ),
        input_types=(STR, DICT, BYTES),
        output_types=(ANY,),
        docs=_DOCS + "-resource-trigger",
    ),
    BindingSpec(
        type="mcpPromptTrigger",
        family="mcp",
        title="MCP prompt trigger",
        trigger=True,
        directions=("in",),
        summary="Serves an MCP prompt template from the function.",
        description=(
            "When a client asks for the prompt with its arguments, the function builds and "
            "returns the messages. It receives a `func.PromptInvocationContext` (or JSON text / "
            "a dict)." + _SERVER
        ),
        properties=(
            prop(
                "promptName",
                "string",
                "Name under which clients list and request the prompt.",
                required=True,
            ),
            prop(
                "promptArguments",
                "string",
                "The prompt's arguments, as a JSON list of `{name, description, required}`.",
                "The v2 decorator takes a list of `func.PromptArgument` and writes the JSON.",
                role="json-text",
            ),
            _TITLE,
            prop("description", "string", "What the prompt is for."),
            _METADATA,
            prop("icons", "string", "Icons for clients to show, as JSON text.", role="json-text"),
            DATA_TYPE,
        ),
        input_types=(STR, DICT, BYTES, PROMPT_INVOCATION_CONTEXT),
        output_types=(ANY,),
        docs=_DOCS + "-prompt-trigger",
    ),
)
