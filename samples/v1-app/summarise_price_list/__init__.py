"""A CSV price list dropped in uploads/ gets a JSON summary in processed/.

{name} is captured from the uploaded blob's name and reused in the output path, so
uploads/spring.csv produces processed/spring.csv.json.
"""

import csv
import io
import json
import logging

import azure.functions as func


def main(upload: func.InputStream, summary: func.Out[str]) -> None:
    text = upload.read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    prices = [float(row["price"]) for row in rows if row.get("price")]
    result = {
        "source": upload.name,
        "rows": len(rows),
        "cheapest": min(prices) if prices else None,
        "dearest": max(prices) if prices else None,
    }
    summary.set(json.dumps(result))
    logging.info("Summarised %s: %d rows", upload.name, len(rows))
