"""A plain WSGI application (no framework) behind WsgiFunctionApp."""

import azure.functions as func


def wsgi(environ, start_response):
    text = f"wsgi {environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Wsgi", "1")])
    return [text.encode()]


app = func.WsgiFunctionApp(app=wsgi, http_auth_level=func.AuthLevel.ANONYMOUS)
