import json
from typing import List

import azure.functions as func


def main(positions: List[func.EventHubEvent], latest: func.Out[func.DocumentList]) -> None:
    docs = [json.loads(e.get_body()) for e in positions]
    latest.set(func.DocumentList([func.Document.from_dict(d) for d in docs]))
