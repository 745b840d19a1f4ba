"""Between wire data and the library's objects, through the library's own converters.

A wire datum is a `(type, value)` pair, the Python side of the host's TypedData: `string`,
`bytes`, `json` (JSON text), `int`, `double`, or `http` (a dict: method, url, headers, query,
params, body). The worker turns it into `azure.functions.meta.Datum` and asks the converter
registered for the binding type (`meta.get_binding_registry().get(type)`) to decode it, exactly
as the Python worker does; parameters annotated `str` or `bytes` use the generic binding.
Outputs go the other way through the converters' `encode`.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.cookies import Morsel, SimpleCookie
from typing import Any

from azure.functions import meta

from funcls.runner.messages import Wire

from .params import ParamInfo
from .sdk_types import decode_sdk_type


class GenericBinding:
    """The worker's binding for types without a converter, and for str/bytes parameters."""

    @classmethod
    def check_input_type_annotation(cls, pytype: type) -> bool:
        return issubclass(pytype, (str, bytes))

    @classmethod
    def check_output_type_annotation(cls, pytype: type) -> bool:
        return issubclass(pytype, (str, bytes, bytearray))

    @classmethod
    def encode(cls, obj: Any, *, expected_type: Any) -> meta.Datum:
        if isinstance(obj, str):
            return meta.Datum(type="string", value=obj)
        if isinstance(obj, (bytes, bytearray)):
            return meta.Datum(type="bytes", value=bytes(obj))
        raise NotImplementedError

    @classmethod
    def decode(cls, data: meta.Datum, *, trigger_metadata: Any) -> Any:
        if data.type in ("string", "bytes", "json"):
            return data.value
        if data.type is None:
            return None
        raise ValueError(f"unexpected type of data received for the generic binding: {data.type}")


def check_generic_encodable(obj: Any) -> None:
    """What the worker's GenericBinding.encode takes (str, bytes, None, dict, list, int,
    float, bool); anything else fails the invocation, as there."""
    if not isinstance(obj, (str, bytes, bytearray, dict, list, int, float, bool)):
        raise TypeError(
            f'unable to encode outgoing TypedData: unsupported type "generic" for Python '
            f'type "{type(obj).__name__}"'
        )


def converter_for(name: str) -> Any:
    if name == "generic":
        return GenericBinding
    return meta.get_binding_registry().get(name) or GenericBinding  # type: ignore[no-untyped-call]


def to_datum(wire: Wire | None) -> meta.Datum:
    if wire is None:
        return meta.Datum(value=None, type=None)
    kind, value = wire
    if kind == "http":
        http = {
            "method": meta.Datum(value["method"], "string"),
            "url": meta.Datum(value["url"], "string"),
            "headers": {k: meta.Datum(v, "string") for k, v in value["headers"].items()},
            "query": {k: meta.Datum(v, "string") for k, v in value["query"].items()},
            "params": {k: meta.Datum(v, "string") for k, v in value["params"].items()},
            "body": to_datum(value["body"]),
        }
        return meta.Datum(http, "http")
    return meta.Datum(value, kind)


def decode_input(param: ParamInfo, wire: Wire | None, metadata: dict[str, Wire]) -> Any:
    if wire is None or wire[0] is None:
        return None
    kind, value = wire
    if param.sdk:
        return decode_sdk_type(param, wire, {k: to_datum(v) for k, v in metadata.items()})
    if param.pytype is str and isinstance(value, bytes):
        wire = ("string", value.decode("utf-8"))
    elif param.pytype is bytes and isinstance(value, str):
        wire = ("bytes", value.encode("utf-8"))
    datum = to_datum(wire)
    trigger_metadata = {k: to_datum(v) for k, v in metadata.items()}
    converter = converter_for(param.converter_name)
    try:
        return converter.decode(datum, trigger_metadata=trigger_metadata)
    except NotImplementedError:
        raise TypeError(
            f"unable to decode incoming data of type {kind!r} for the "
            f"'{param.binding_type}' binding of parameter '{param.name}'"
        ) from None


def encode_output(param: ParamInfo, obj: Any) -> Wire:
    converter = converter_for(param.converter_name)
    try:
        datum = converter.encode(obj, expected_type=param.pytype)
    except NotImplementedError:
        # As the worker: no fallback to the generic binding (bytes returned from an HTTP
        # function fail on Azure too; wrap them in func.HttpResponse).
        hint = (
            "; return func.HttpResponse(body=...) instead"
            if param.binding_type == "http" and isinstance(obj, (bytes, bytearray))
            else ""
        )
        raise TypeError(
            f"unable to encode outgoing data: the '{param.binding_type}' binding of "
            f"'{param.name}' does not take a {type(obj).__name__}{hint}"
        ) from None
    return from_datum(datum)


def from_datum(datum: Any) -> Wire:
    if datum is None:
        return (None, None)
    kind = datum.type
    value = datum.value
    if kind == "http":
        headers: list[tuple[str, str]] = [
            (str(k), str(v.value)) for k, v in (value.get("headers") or {}).items()
        ]
        cookies: list[str] = []
        for cookie in value.get("cookies") or []:
            if isinstance(cookie, SimpleCookie):
                cookies.extend(set_cookie(name, m) for name, m in cookie.items())
        body = value.get("body")
        body_value = body.value if body is not None else b""
        if isinstance(body_value, str):
            body_value = body_value.encode("utf-8")
        status = value.get("status_code")
        return (
            "http",
            {
                "status": int(status.value) if status is not None else 200,
                "headers": headers,
                "cookies": cookies,
                "body": body_value or b"",
            },
        )
    if kind in ("string", "bytes", "json", "int", "double"):
        return (kind, value)
    if kind is not None and kind.startswith("collection_"):
        return ("json", json.dumps(list(getattr(value, kind.split("_", 1)[1], value))))
    return (kind, value)


def _cookie_expires(text: str) -> datetime:
    """An Expires attribute as a date: RFC 1123 with or without the dashes of RFC 850
    (`Thu, 12-Jan-2017 13:55:08 GMT`) or ISO 8601; the worker parses it with dateutil."""
    try:
        moment = parsedate_to_datetime(text.replace("-", " "))
    except (TypeError, ValueError, IndexError):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            problem = f"Can not parse value {text} of expires in the cookie due to invalid format."
            logging.error(problem)  # the worker logs it too, then fails the invocation
            raise ValueError(problem) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def set_cookie(name: str, morsel: Morsel[str]) -> str:
    """A Set-Cookie value as the host writes it. The worker sends each cookie of the
    response's Set-Cookie headers as an RpcHttpCookie (parse_to_rpc_http_cookie_list in
    azure_functions_worker/bindings/datumdef.py): domain and path always (empty when not
    given), expires as a date and max-age as a number (a value that does not parse fails
    the invocation: 500), secure, httponly and samesite as flags. The host writes it back
    with lower-case attribute names in ASP.NET Core's order (SetCookieHeaderValue)."""
    parts = [f"{name}={morsel.value}"]
    if morsel["expires"]:
        moment = _cookie_expires(str(morsel["expires"]))
        parts.append(f"expires={format_datetime(moment.astimezone(timezone.utc), usegmt=True)}")
    if morsel["max-age"] != "":
        try:
            seconds = float(morsel["max-age"])
        except ValueError:
            raise TypeError(
                f"Cannot parse value {morsel['max-age']} of 'cookie.maxAge' to float."
            ) from None
        parts.append(
            f"max-age={seconds:g}" if seconds != int(seconds) else f"max-age={int(seconds)}"
        )
    parts.append(f"domain={morsel['domain']}")
    parts.append(f"path={morsel['path']}")
    if morsel["secure"]:
        parts.append("secure")
    same_site = str(morsel["samesite"]).lower()
    if same_site in ("lax", "strict", "none"):
        parts.append(f"samesite={same_site}")
    if morsel["httponly"]:
        parts.append("httponly")
    return "; ".join(parts)
