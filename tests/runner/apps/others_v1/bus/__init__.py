import logging

import azure.functions as func


def main(message: func.ServiceBusMessage) -> None:
    logging.info("message %s: %s", message.message_id, message.get_body().decode())
