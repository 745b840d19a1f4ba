import azure.functions as func


def main(msg: func.QueueMessage, original: bytes, resized: func.Out[bytes]) -> None:
    resized.set(original[:100])
