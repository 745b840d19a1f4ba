import azure.functions as func


def main(msg: func.QueueMessage, original: bytes) -> None:
    pass
