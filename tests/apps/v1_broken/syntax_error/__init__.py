import logging

import azure.functions as func


def describe(msg: func.QueueMessage) -> str:
    if msg.dequeue_count > 1
        return f"retry {msg.dequeue_count}"
    return "first try"


def main(msg: func.QueueMessage, original: bytes) -> None:
    logging.info(describe(msg))
