import logging

import azure.functions as func


def main(documents: func.DocumentList) -> str:
    ids = [doc["id"] for doc in documents]
    logging.info("%d document(s): %s", len(ids), ",".join(ids))
    return ",".join(ids)
