import azure.functions as func


def process(msg: func.QueueMessage, original: bytes) -> None:
    pass
