"""`GET /`: the page the Functions host shows at the root of a running app (unless the setting
`AzureWebJobsDisableHomepage` is true), so a browser or a health check on `/` gets an answer.
Our page lists what runs: each HTTP function with its methods and link, and the rest."""

from __future__ import annotations

import html

from funcls.model.parsers.expressions import lookup_setting
from funcls.runner.functions import url_path
from funcls.runner.host.http_trigger import Response, text_response
from funcls.runner.state import RunState


def homepage_disabled(state: RunState) -> bool:
    value = lookup_setting("AzureWebJobsDisableHomepage", state.settings.environment)
    return str(value).strip().lower() in ("true", "1")


def homepage(state: RunState) -> Response:
    rows: list[str] = []
    for fn in sorted(state.functions.values(), key=lambda f: f.name.lower()):
        name = html.escape(fn.name)
        if fn.disabled:
            what = "disabled"
        elif fn.support == "none":
            what = f"not run here: {html.escape(str(fn.reason))}"
        elif fn.is_http:
            path = url_path(fn, state.settings.route_prefix)
            methods = ", ".join(sorted(fn.methods)) if fn.methods else "any method"
            # A route with parameters links an example URL (items/{id:int} -> items/1),
            # never the template itself.
            link = html.escape(state.sample_url(fn))
            shown = html.escape(path)
            what = f'{html.escape(methods)} <a href="{link}">{shown}</a>'
        else:
            what = html.escape(fn.title())
        rows.append(f"<li><b>{name}</b>: {what}</li>")
    listed = "\n".join(rows) or "<li>no functions</li>"
    page = (
        "<!doctype html>\n<html><head><meta charset='utf-8'><title>funcls run</title></head>"
        "<body>\n<h1>Your Functions app is running</h1>\n"
        f"<p>funcls runs {len(state.functions)} function(s) of this app locally:</p>\n"
        f"<ul>\n{listed}\n</ul>\n"
        '<p>Admin API: <a href="/admin/functions">/admin/functions</a></p>\n</body></html>\n'
    )
    return text_response(200, page, "text/html; charset=utf-8")
