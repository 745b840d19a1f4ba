"""A tiny ASGI application without a framework: enough for the Functions ASGI adapter."""

import json


class JsonApi:
    def __init__(self) -> None:
        self.routes = {"/api/hello": {"message": "hello"}}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        body = self.routes.get(scope["path"])
        status = 200 if body is not None else 404
        payload = json.dumps(body or {"error": "not found"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})


api = JsonApi()
