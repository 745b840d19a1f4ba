import azure.functions as func


def handle(req: func.HttpRequest) -> str:
    return f"entry point handle in {__name__}"
