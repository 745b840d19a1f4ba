"""Only scriptFile is overridden: the entry point is still main()."""

import azure.functions as func


def main(job: func.QueueMessage, template: str, label: func.Out[str]) -> None:
    data = job.get_json()
    label.set(template.replace("{{trackingId}}", data["trackingId"]))
