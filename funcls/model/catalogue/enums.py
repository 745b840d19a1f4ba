"""Enums of azure-functions and the value sets the host defines, with canonical spellings.

``EnumMember.json`` is the spelling funcls writes into its index and offers in completions;
the host compares these values ignoring case, and so do the fidelity tests.
"""

from __future__ import annotations

from funcls.model.catalogue.types import EnumMember as M
from funcls.model.catalogue.types import EnumSpec

_AF = "azure.functions"

ENUMS: tuple[EnumSpec, ...] = (
    EnumSpec(
        "BindingDirection",
        f"{_AF}.decorators.core.BindingDirection",
        (
            M("IN", "in", "Data flows into the function (triggers and input bindings)."),
            M("OUT", "out", "The function writes data out (output bindings)."),
            M("INOUT", "inout", "Both; only a few binding types accept it."),
        ),
        "Which way a binding's data flows.",
    ),
    EnumSpec(
        "DataType",
        f"{_AF}.DataType",
        (
            M("UNDEFINED", "undefined", "Let the binding decide."),
            M("STRING", "string", "Hand the value to the function as text."),
            M("BINARY", "binary", "Hand the value to the function as bytes."),
            M("STREAM", "stream", "Hand the value to the function as a stream."),
        ),
        "How the worker should present a binding's value to Python.",
    ),
    EnumSpec(
        "AuthLevel",
        f"{_AF}.AuthLevel",
        (
            M("FUNCTION", "function", "A function key or the host key must be sent."),
            M("ANONYMOUS", "anonymous", "Anyone may call the endpoint; no key is needed."),
            M("ADMIN", "admin", "Only the master (admin) key is accepted."),
        ),
        "Which key, if any, a caller must present to reach an HTTP function.",
    ),
    EnumSpec(
        "HttpMethod",
        f"{_AF}.HttpMethod",
        (
            *(
                M(m.upper(), m, f"Answer HTTP {m.upper()} requests.")
                for m in ("get", "post", "delete", "head", "patch", "put", "options")
            ),
            M("QUERY", "query", "Answer HTTP QUERY requests.", since="2.3.0"),
        ),
        "The HTTP methods a Python HTTP function can answer.",
    ),
    EnumSpec(
        "Cardinality",
        f"{_AF}.Cardinality",
        (
            M("ONE", "one", "One message or event per invocation."),
            M("MANY", "many", "A batch per invocation; annotate the parameter as a list."),
        ),
        "Whether the trigger delivers one item or a batch per invocation.",
    ),
    EnumSpec(
        "AccessRights",
        f"{_AF}.AccessRights",
        (
            M("MANAGE", "manage", "The connection may create and delete entities."),
            M("LISTEN", "listen", "The connection may only receive messages."),
        ),
        "The rights the Service Bus connection string grants.",
    ),
    EnumSpec(
        "BlobSource",
        f"{_AF}.BlobSource",
        (
            M("EVENT_GRID", "EventGrid", "React to Event Grid notifications from the account."),
            M(
                "LOGS_AND_CONTAINER_SCAN",
                "LogsAndContainerScan",
                "Poll the container and the storage logs (the classic behaviour).",
            ),
        ),
        "How a blob trigger learns that a blob was added or changed.",
    ),
    EnumSpec(
        "CosmosDBChangeFeedMode",
        f"{_AF}.CosmosDBChangeFeedMode",
        (
            M("LATEST_VERSION", "LatestVersion", "Only the latest version of changed items."),
            M(
                "ALL_VERSIONS_AND_DELETES",
                "AllVersionsAndDeletes",
                "Every change, intermediate versions and deletes included.",
            ),
        ),
        "What a Cosmos DB trigger reports from the change feed (azure-functions 2.x).",
    ),
    EnumSpec(
        "KafkaMessageKeyType",
        f"{_AF}.decorators.kafka.KafkaMessageKeyType",
        (
            M("INT", "Int"),
            M("LONG", "Long"),
            M("STRING", "String"),
            M("BINARY", "Binary"),
        ),
        "The type of the Kafka message key.",
    ),
    EnumSpec(
        "BrokerAuthenticationMode",
        f"{_AF}.decorators.kafka.BrokerAuthenticationMode",
        (
            M("NOTSET", "NotSet"),
            M("GSSAPI", "Gssapi"),
            M("PLAIN", "Plain"),
            M("SCRAMSHA256", "ScramSha256"),
            M("SCRAMSHA512", "ScramSha512"),
        ),
        "The SASL mechanism used to authenticate with the Kafka broker.",
    ),
    EnumSpec(
        "BrokerProtocol",
        f"{_AF}.decorators.kafka.BrokerProtocol",
        (
            M("NOTSET", "NotSet"),
            M("PLAINTEXT", "Plaintext"),
            M("SSL", "Ssl"),
            M("SASLPLAINTEXT", "SaslPlaintext"),
            M("SASLSSL", "SaslSsl"),
        ),
        "The security protocol spoken to the Kafka broker.",
    ),
    EnumSpec(
        "OAuthBearerMethod",
        f"{_AF}.decorators.kafka.OAuthBearerMethod",
        (M("DEFAULT", "Default"), M("OIDC", "Oidc")),
        "How the Kafka client obtains OAuth bearer tokens.",
    ),
    EnumSpec(
        "InputType",
        f"{_AF}.decorators.openai.InputType",
        (
            M("RawText", "RawText", "The input is the text itself."),
            M("FilePath", "FilePath", "The input is the path of a file to read."),
        ),
        "What the input of an embeddings binding holds.",
    ),
    EnumSpec(
        "OpenAIModels",
        f"{_AF}.decorators.openai.OpenAIModels",
        (
            M("DefaultChatModel", "DefaultChatModel", "The library's default chat model."),
            M(
                "DefaultEmbeddingsModel",
                "DefaultEmbeddingsModel",
                "The library's default embeddings model.",
            ),
        ),
        "Model placeholders of the OpenAI bindings.",
    ),
    EnumSpec(
        "McpPropertyType",
        f"{_AF}.McpPropertyType",
        (
            M("INTEGER", "integer"),
            M("FLOAT", "float"),
            M("STRING", "string"),
            M("BOOLEAN", "boolean"),
            M("OBJECT", "object"),
            M("DATETIME", "string"),
        ),
        "Types of MCP tool properties.",
    ),
)

ENUMS_BY_NAME: dict[str, EnumSpec] = {e.name: e for e in ENUMS}
