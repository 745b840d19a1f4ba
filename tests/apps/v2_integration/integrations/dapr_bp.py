"""Dapr bindings (the Dapr extension runs beside the app in a sidecar)."""

import json
import logging

import azure.functions as func

from .topics import ORDERS_TOPIC, PUBSUB, STATE_STORE

bp = func.Blueprint()


@bp.dapr_topic_trigger(arg_name="sub_event", pub_sub_name=PUBSUB, topic=ORDERS_TOPIC, route="orders")
@bp.dapr_state_output(arg_name="state", state_store=STATE_STORE, key="last-order")
def dapr_order_received(sub_event: str, state: func.Out[str]) -> None:
    state.set(json.loads(sub_event)["data"])


@bp.dapr_service_invocation_trigger(arg_name="payload", method_name="RetrieveOrder")
@bp.dapr_state_input(arg_name="data", state_store=STATE_STORE, key="last-order")
def dapr_retrieve_order(payload: str, data: str) -> None:
    logging.info("last order: %s", data)


@bp.dapr_binding_trigger(arg_name="trigger_data", binding_name="cron", data_type="STRING")
@bp.dapr_binding_output(arg_name="message", binding_name="messagebus", operation="create")
def dapr_cron(trigger_data: str, message: func.Out[str]) -> None:
    message.set(json.dumps({"data": trigger_data}))


@bp.route(route="dapr/checkout", methods=["POST"])
@bp.dapr_invoke_output(arg_name="inventory", app_id="inventory", method_name="reserve", http_verb="post")
@bp.dapr_publish_output(arg_name="notify", pub_sub_name=PUBSUB, topic="notifications")
def dapr_checkout(req: func.HttpRequest, inventory: func.Out[str], notify: func.Out[str]) -> str:
    inventory.set(json.dumps({"body": req.get_json()}))
    notify.set(json.dumps({"payload": "checkout"}))
    return "ok"


@bp.dapr_secret_input(
    arg_name="secret",
    secret_store_name="localsecretstore",
    key="db-password",
    metadata="metadata.namespace=default",
)
@bp.route(route="dapr/secret-check", methods=["GET"], auth_level=func.AuthLevel.ADMIN)
def dapr_secret_check(req: func.HttpRequest, secret: str) -> str:
    return "present" if secret else "missing"
