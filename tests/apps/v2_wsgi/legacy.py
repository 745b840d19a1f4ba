"""A WSGI callable standing in for a legacy web site (no framework needed)."""


def legacy_site(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    status = "200 OK" if path.startswith("/api/") else "404 Not Found"
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [f"legacy site: {path}".encode()]
