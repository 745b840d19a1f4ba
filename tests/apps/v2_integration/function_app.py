"""Integration hub: Event Hubs, Service Bus, Event Grid, Kafka, SQL, MySQL, Cosmos DB (v3
extension), SignalR through the generic bindings, and a Logic Apps connector."""

import json
import logging
import typing

import azure.functions as azf
from azure.functions import AuthLevel, FunctionApp
from azure.functions.decorators.kafka import BrokerAuthenticationMode, BrokerProtocol

import integrations.iot as iot
from integrations.dapr_bp import bp as dapr

SB = "ServiceBusConnection"
ORDER_EVENTS_TOPIC = "order-events"
SQL = "SqlConnectionString"

app = FunctionApp(http_auth_level=AuthLevel.ADMIN)


@app.event_hub_message_trigger(
    arg_name="events",
    connection="EventHubConnection",
    event_hub_name="telemetry",
    cardinality=azf.Cardinality.MANY,
    consumer_group="$Default",
    data_type="string",
)
@app.event_hub_output(arg_name="alerts", connection="EventHubConnection", event_hub_name="alerts")
def telemetry_ingest(events: typing.List[azf.EventHubEvent], alerts: azf.Out[str]) -> None:
    hot = [e.get_body().decode() for e in events if b"overheat" in e.get_body()]
    if hot:
        alerts.set(json.dumps(hot))


@app.service_bus_queue_trigger(
    arg_name="message",
    connection=SB,
    queue_name="orders",
    is_sessions_enabled=True,
    access_rights="listen",
)
@app.service_bus_topic_output(
    arg_name="published",
    connection=SB,
    topic_name=ORDER_EVENTS_TOPIC,
    access_rights=azf.AccessRights.MANAGE,
)
def order_created(message: azf.ServiceBusMessage, published: azf.Out[str]) -> None:
    published.set(json.dumps({"type": "created", "session": message.session_id}))


@app.service_bus_queue_output(arg_name="audit", connection=SB, queue_name="audit")
@app.service_bus_topic_trigger(
    arg_name="event",
    connection=SB,
    topic_name=ORDER_EVENTS_TOPIC,
    subscription_name="audit",
    cardinality="one",
    auto_complete_messages=False,
)
def audit_order_events(event: azf.ServiceBusMessage, audit: azf.Out[str]) -> None:
    audit.set(event.get_body().decode())


@app.event_grid_trigger(arg_name="event")
@app.event_grid_output(
    arg_name="forwarded",
    topic_endpoint_uri="EventGridTopicUri",
    topic_key_setting="EventGridTopicKey",
)
def storage_events(event: azf.EventGridEvent, forwarded: azf.Out[azf.EventGridOutputEvent]) -> None:
    forwarded.set(
        azf.EventGridOutputEvent(
            id=event.id,
            data=event.get_json(),
            subject=event.subject,
            event_type="Shop.StorageChanged",
            event_time=event.event_time,
            data_version="1.0",
        )
    )


@app.route(route="events", methods=[azf.HttpMethod.POST])
@app.event_grid_output(arg_name="outevent", connection="EventGridConnection")
def publish_event(req: azf.HttpRequest, outevent: azf.Out[str]) -> azf.HttpResponse:
    outevent.set(req.get_body().decode())
    return azf.HttpResponse(status_code=202)


@app.kafka_trigger(
    arg_name="click",
    topic="clicks",
    broker_list="KafkaBrokers",
    consumer_group="$Default",
    username="KafkaUser",
    password="KafkaPassword",
    protocol=BrokerProtocol.SASLSSL,
    authentication_mode=BrokerAuthenticationMode.PLAIN,
    lag_threshold=500,
)
def consume_click(click: azf.KafkaEvent) -> None:
    logging.info("click at offset %s", click.offset)


@app.kafka_output(
    arg_name="enriched",
    topic="clicks-enriched",
    broker_list="KafkaBrokers",
    username="KafkaUser",
    password="KafkaPassword",
    protocol="SASLSSL",
    authentication_mode="PLAIN",
    batch_size=100,
    enable_idempotence=True,
)
@app.route(route="clicks", methods=["POST"], auth_level=AuthLevel.FUNCTION)
def produce_click(req: azf.HttpRequest, enriched: azf.Out[str]) -> str:
    enriched.set(req.get_body().decode())
    return "accepted"


@app.sql_trigger(arg_name="changes", table_name="dbo.Orders", connection_string_setting=SQL)
@app.sql_output(arg_name="history", command_text="dbo.OrderHistory", connection_string_setting=SQL)
def order_table_changed(changes: str, history: azf.Out[azf.SqlRowList]) -> None:
    rows = [azf.SqlRow.from_dict(c["Item"]) for c in json.loads(changes)]
    history.set(azf.SqlRowList(rows))


@app.route(route="customers/{id:int}", methods=["GET"])
@app.sql_input(
    arg_name="customers",
    command_text="SELECT * FROM dbo.Customers WHERE Id = @Id",
    command_type="Text",
    parameters="@Id={id}",
    connection_string_setting=SQL,
)
def customer_by_id(req: azf.HttpRequest, customers: azf.SqlRowList) -> azf.HttpResponse:
    return azf.HttpResponse(json.dumps([r.to_dict() for r in customers]))


@app.mysql_trigger(
    arg_name="products",
    table_name="products",
    connection_string_setting="MySqlConnectionString",
    leases_table_name="products_leases",
)
@app.mysql_output(
    arg_name="archive",
    command_text="products_archive",
    connection_string_setting="MySqlConnectionString",
)
def product_rows_changed(products: str, archive: azf.Out[azf.MySqlRowList]) -> None:
    archive.set(azf.MySqlRowList([azf.MySqlRow.from_dict(p["Item"]) for p in json.loads(products)]))


@app.mysql_input(
    arg_name="rows",
    command_text="get_products_by_cost",
    command_type="StoredProcedure",
    parameters="@Cost={cost}",
    connection_string_setting="MySqlConnectionString",
)
@app.route(route="products/cost/{cost}", methods=["GET"])
def products_by_cost(req: azf.HttpRequest, rows: azf.MySqlRowList) -> azf.HttpResponse:
    return azf.HttpResponse(json.dumps([r.to_dict() for r in rows]))


@app.cosmos_db_trigger_v3(
    arg_name="documents",
    database_name="legacy",
    collection_name="items",
    connection_string_setting="CosmosV3Connection",
    lease_collection_name="leases",
    create_lease_collection_if_not_exists=True,
    start_from_beginning=False,
)
@app.cosmos_db_output_v3(
    arg_name="copies",
    database_name="legacy",
    collection_name="items-copy",
    connection_string_setting="CosmosV3Connection",
    create_if_not_exists=True,
    collection_throughput=400,
)
def legacy_items_changed(documents: azf.DocumentList, copies: azf.Out[azf.DocumentList]) -> None:
    copies.set(documents)


@app.route(route="legacy/{category}", methods=["GET"], auth_level="function")
@app.cosmos_db_input_v3(
    arg_name="items",
    database_name="legacy",
    collection_name="items",
    connection_string_setting="CosmosV3Connection",
    sql_query="SELECT * FROM c WHERE c.category = {category}",
)
def legacy_items(req: azf.HttpRequest, items: azf.DocumentList) -> azf.HttpResponse:
    return azf.HttpResponse(json.dumps([i.to_dict() for i in items]))


@app.route(route="negotiate", methods=["POST"], auth_level=AuthLevel.ANONYMOUS)
@app.generic_input_binding(
    arg_name="connection_info",
    type="signalRConnectionInfo",
    hubName="chat",
    connectionStringSetting="AzureSignalRConnectionString",
)
def negotiate(req: azf.HttpRequest, connection_info: str) -> azf.HttpResponse:
    return azf.HttpResponse(connection_info, mimetype="application/json")


@app.generic_trigger(
    arg_name="invocation",
    type="signalRTrigger",
    hubName="chat",
    category="messages",
    event="SendMessage",
    connectionStringSetting="AzureSignalRConnectionString",
)
@app.generic_output_binding(
    arg_name="signalr",
    type="signalR",
    hubName="chat",
    connectionStringSetting="AzureSignalRConnectionString",
    data_type=azf.DataType.STRING,
)
def broadcast(invocation: str, signalr: azf.Out[str]) -> None:
    message = json.loads(invocation)
    signalr.set(json.dumps({"target": "newMessage", "arguments": message["Arguments"]}))


@app.function_name("ApprovalConnector")
@app.connector_trigger(arg_name="payload", data_type="STRING")
def approval_connector(payload: str) -> str:
    return json.dumps({"approved": "urgent" not in payload})


app.register_functions(iot.bp)
app.register_blueprint(dapr)
