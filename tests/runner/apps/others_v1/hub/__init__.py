import azure.functions as func


def main(event: func.EventHubEvent) -> None:
    if event.get_body() == b"boom":
        raise RuntimeError("telemetry said boom")
