"""Device messages: imported as ``import integrations.iot as iot`` and registered as iot.bp."""

import logging
from typing import List

import azure.functions as func

bp = func.Blueprint()


@bp.event_hub_message_trigger(
    arg_name="reading",
    connection="EventHubConnection",
    event_hub_name="device-readings",
    cardinality="ONE",
    data_type=func.DataType.BINARY,
)
@bp.queue_output(arg_name="maintenance", queue_name="maintenance", connection="AzureWebJobsStorage")
def device_reading(reading: func.EventHubEvent, maintenance: func.Out[str]) -> None:
    if reading.get_body()[:1] == b"\xff":
        maintenance.set(reading.partition_key or "unknown")


@bp.retry(strategy="fixed_delay", max_retry_count="3", delay_interval="00:00:30")
@bp.service_bus_queue_trigger(
    arg_name="command",
    connection="ServiceBusConnection",
    queue_name="device-commands",
    cardinality=func.Cardinality.MANY,
    data_type="string",
)
def device_commands(command: List[func.ServiceBusMessage]) -> None:
    for c in command:
        logging.info("command %s", c.message_id)
