"""A payment notification from Service Bus.

Locally, without a Service Bus namespace, invoke it by hand:
POST /admin/functions/payment_received with {"input": "{\"order\": \"abc\"}"}.
"""

import logging

import azure.functions as func


def main(payment: func.ServiceBusMessage) -> None:
    body = payment.get_body().decode("utf-8")
    logging.info("Payment message %s: %s", payment.message_id, body)
