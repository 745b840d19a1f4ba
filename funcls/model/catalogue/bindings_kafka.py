"""Kafka trigger and output (also for Event Hubs through its Kafka endpoint, and Confluent)."""

from __future__ import annotations

from funcls.model.catalogue.common import (
    BYTES,
    DATA_TYPE,
    KAFKA_EVENT,
    STR,
    prop,
    typing_list,
)
from funcls.model.catalogue.types import BindingSpec, Direction, PropertySpec

_DOCS = "https://learn.microsoft.com/azure/azure-functions/"
_OUT: tuple[Direction, ...] = ("out",)
_IN: tuple[Direction, ...] = ("in",)


def _secret(name: str, what: str) -> PropertySpec:
    return prop(
        name,
        "string",
        f"{what}; write it as `%Setting%` to keep it out of source.",
        "A literal value here ends up in source control; a `%Setting%` expression reads it "
        "from an app setting at run time.",
    )


# Properties of both the trigger and the output.
_SHARED: tuple[PropertySpec, ...] = (
    prop(
        "topic",
        "string",
        "The Kafka topic to read from or write to.",
        required=True,
        role="kafka-topic",
    ),
    prop(
        "brokerList",
        "string",
        "Bootstrap servers, e.g. `%BrokerList%` or `broker1:9092,broker2:9092`.",
        "For Event Hubs use `<namespace>.servicebus.windows.net:9093`; for Confluent Cloud "
        "the cluster's bootstrap server. Usually read from an app setting.",
        required=True,
    ),
    prop(
        "avroSchema",
        "string",
        "Avro schema of the message value, as JSON text, for Avro-encoded values.",
    ),
    prop("keyAvroSchema", "string", "Avro schema of the message key, as JSON text."),
    prop(
        "keyDataType",
        "enum",
        "Type of the message key: `Int`, `Long`, `String` or `Binary`.",
        enum="KafkaMessageKeyType",
        default="String",
    ),
    _secret("username", "SASL user name (`$ConnectionString` for Event Hubs)"),
    _secret("password", "SASL password (the connection string for Event Hubs)"),
    prop("sslKeyLocation", "string", "Path of the client's private key (PEM) file."),
    prop("sslCaLocation", "string", "Path of the CA certificate file that verifies the broker."),
    prop("sslCertificateLocation", "string", "Path of the client's certificate file."),
    _secret("sslKeyPassword", "Password of the client's private key"),
    _secret("sslCertificatePem", "Client certificate in PEM form"),
    _secret("sslKeyPem", "Client private key in PEM form"),
    _secret("sslCaPem", "CA certificate in PEM form"),
    _secret("sslCertificateAndKeyPem", "Client certificate and key together in PEM form"),
    prop("schemaRegistryUrl", "string", "URL of the schema registry for Avro / Protobuf."),
    _secret("schemaRegistryUsername", "Schema registry user name"),
    _secret("schemaRegistryPassword", "Schema registry password"),
    prop(
        "oAuthBearerMethod",
        "enum",
        "How OAuth bearer tokens are obtained: `Default` or `Oidc`.",
        "Used with `authenticationMode: OAuthBearer`; `Oidc` fetches tokens from "
        "`oAuthBearerTokenEndpointUrl` with the client credentials below.",
        enum="OAuthBearerMethod",
    ),
    prop("oAuthBearerClientId", "string", "OAuth client id (with `Oidc`)."),
    _secret("oAuthBearerClientSecret", "OAuth client secret (with `Oidc`)"),
    prop("oAuthBearerScope", "string", "Scope requested for the access token."),
    prop("oAuthBearerTokenEndpointUrl", "string", "Token endpoint of the OAuth provider."),
    prop(
        "oAuthBearerExtensions",
        "string",
        "SASL OAuth extensions, as comma-separated `key=value` pairs.",
    ),
    prop(
        "authenticationMode",
        "enum",
        "SASL mechanism: `NotSet`, `Gssapi`, `Plain`, `ScramSha256` or `ScramSha512`.",
        "Event Hubs and Confluent Cloud use `Plain`.",
        enum="BrokerAuthenticationMode",
        default="NotSet",
    ),
    prop(
        "protocol",
        "enum",
        "Security protocol: `NotSet`, `Plaintext`, `Ssl`, `SaslPlaintext` or `SaslSsl`.",
        "Event Hubs and Confluent Cloud use `SaslSsl`.",
        enum="BrokerProtocol",
        default="NotSet",
    ),
)

_TRIGGER_ONLY: tuple[PropertySpec, ...] = (
    prop(
        "consumerGroup",
        "string",
        "The consumer group the trigger joins.",
        "Instances in the same group share the topic's partitions; another group reads every "
        "message again.",
        directions=_IN,
    ),
    prop(
        "eventHubConnectionString",
        "string",
        "App setting with an Event Hubs connection string, for the Event Hubs Kafka endpoint.",
        role="connection",
        directions=_IN,
    ),
    prop(
        "cardinality",
        "enum",
        "`one` event per invocation, or `many` for a batch.",
        "With `many` annotate the parameter as `typing.List[func.KafkaEvent]`.",
        enum="Cardinality",
        default="one",
        directions=_IN,
    ),
    prop(
        "lagThreshold",
        "integer",
        "Consumer lag at which the scale controller adds an instance.",
        default=1000,
        directions=_IN,
    ),
)

_OUTPUT_ONLY: tuple[PropertySpec, ...] = (
    prop(
        "maxMessageBytes",
        "integer",
        "Largest message the producer sends, in bytes.",
        default=1000000,
        directions=_OUT,
    ),
    prop(
        "batchSize",
        "integer",
        "Most messages the producer sends in one batch.",
        default=10000,
        directions=_OUT,
    ),
    prop(
        "enableIdempotence",
        "boolean",
        "Make the producer idempotent: each message is written exactly once, in order.",
        default=False,
        directions=_OUT,
    ),
    prop(
        "messageTimeoutMs",
        "integer",
        "How long delivery of a message may take, retries included, in milliseconds.",
        default=300000,
        directions=_OUT,
    ),
    prop(
        "requestTimeoutMs",
        "integer",
        "How long the producer waits for the broker to acknowledge, in milliseconds.",
        default=5000,
        directions=_OUT,
    ),
    prop(
        "maxRetries",
        "integer",
        "How often sending a failed message is retried.",
        default=2147483647,
        directions=_OUT,
    ),
    prop(
        "lingerMs",
        "integer",
        "How long the producer waits to fill a batch, in milliseconds.",
        default=5,
        directions=_OUT,
    ),
)

BINDINGS: tuple[BindingSpec, ...] = (
    BindingSpec(
        type="kafkaTrigger",
        host_retries=True,
        family="kafka",
        title="Kafka trigger",
        trigger=True,
        directions=("in",),
        summary="Runs the function for events arriving on a Kafka topic.",
        description=(
            "Works with any Kafka broker, Confluent Cloud, and Event Hubs through its Kafka "
            "endpoint. The function receives a `func.KafkaEvent` (a list of them with "
            "`cardinality: many`). Needs a Premium or Dedicated plan, or runtime-driven "
            "scale monitoring, to scale on lag."
        ),
        properties=(*_SHARED, *_TRIGGER_ONLY, DATA_TYPE),
        input_types=(KAFKA_EVENT, typing_list(KAFKA_EVENT), STR, BYTES),
        docs=_DOCS + "functions-bindings-kafka-trigger",
    ),
    BindingSpec(
        type="kafka",
        family="kafka",
        title="Kafka output",
        trigger=False,
        directions=("out",),
        summary="Writes events to a Kafka topic.",
        description=(
            "Set a `func.Out[str]` (or `bytes`), or a `typing.List[str]` to send several events; a "
            "JSON object with `Key`, `Value` and `Headers` sets the key and headers too."
        ),
        properties=(*_SHARED, *_OUTPUT_ONLY, DATA_TYPE),
        output_types=(STR, BYTES, typing_list(STR)),
        return_types=(STR, BYTES),
        docs=_DOCS + "functions-bindings-kafka-output",
    ),
)
