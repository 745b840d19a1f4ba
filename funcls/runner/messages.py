"""Every message between the runner and its app processes, typed.

The runner (`pool.py`, `invocation.py`, `host/streaming.py`) and the app process
(`worker/main.py`, `worker/invoke.py`, `worker/http_stream.py`, `worker/context.py`) send and
receive only these classes; `wire.py` frames them. Each class has one encoding: a tuple of
its tag and its fields in order, which `decode` turns back into the class. Fields hold plain
data only (str, bytes, int, float, bool, None, lists, tuples, dicts), so the app process
imports nothing of the runner but this module and `wire.py` (standard library only).

runner -> app process:
- `Invoke`: run one function; `stream` when the HTTP response streams (`streams.py`);
- `HttpRequest`, `HttpDisconnect`: a streamed invocation's request body, or the client's
  disconnect;
- `Shutdown`: finish and exit;
- `Drain`: a stop begins: serve no new request on handed connections (they come back to the
  runner when the process exits), finish those under way;
- `Load`: a standby app process (started ahead for the next reload or restart, with the
  interpreter and azure-functions already imported) loads the app now;
- `Handoff`: connect to the runner's hand-off socket, over which `Setup` and `Conn` (an HTTP
  connection's descriptor) come (`handoff.py`, `worker/handed.py`).

app process -> runner:
- `Ready`: the app is loaded: its functions and load errors;
- `Log`: one log record, tagged with its invocation (or None outside one);
- `Result`: an invocation's end: outputs and the returned value, or the error;
- `HttpStart`, `HttpBody`, `HttpEnd`: a streamed HTTP response as the app produces it;
- `Back`, `Closed`, `Served`: a handed connection returned or closed, and the invocations
  served on handed connections (for the console).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from operator import attrgetter
from typing import Any, ClassVar, TypedDict

from funcls.model.fastclass import dataclass

# A value as it crosses the process boundary: (kind, value). Kinds: "string", "bytes",
# "json", "int", "double", "http" (a request or response dict, below), "model_binding_data",
# collections as "json"; (None, None) for no value.
Wire = tuple[str | None, Any]

# An error as the runner reports it: "type", "message", "traceback".
ErrorInfo = dict[str, str]


class HttpResponseData(TypedDict):
    """The value of an ("http", …) Wire a function returned: its HTTP response as the worker's
    converter produced it (worker/convert.py::from_datum). The body is bytes, encoded once in
    the app process; `cookies` are Set-Cookie header values, written as the host writes them."""

    status: int
    headers: list[tuple[str, str]]
    cookies: list[str]
    body: bytes


# -- runner -> app process -------------------------------------------------------------------


@dataclass(slots=True)
class Invoke:
    TAG: ClassVar[int] = 1
    id: str
    function: str
    args: dict[str, Wire]
    metadata: dict[str, Wire]
    trace: dict[str, Any]  # traceparent, tracestate, attributes (trace_context.py)
    retry: dict[str, Any]  # count, max, exception (retry.py)
    stream: bool = False


@dataclass(slots=True)
class HttpRequest:
    TAG: ClassVar[int] = 2
    id: str
    body: bytes
    more: bool


@dataclass(slots=True)
class HttpDisconnect:
    TAG: ClassVar[int] = 3
    id: str


@dataclass(slots=True)
class Shutdown:
    TAG: ClassVar[int] = 4


@dataclass(slots=True)
class Load:
    TAG: ClassVar[int] = 5


@dataclass(slots=True)
class Drain:
    TAG: ClassVar[int] = 19


@dataclass(slots=True)
class Handoff:
    """Connect to the runner's hand-off socket (an abstract Unix seqpacket address) and
    present the token: HTTP connections will be handed over there (`handoff.py`)."""

    TAG: ClassVar[int] = 6
    address: str
    token: bytes


# Over the hand-off socket (one packet each, with file descriptors beside it):


@dataclass(slots=True)
class Setup:
    """The first packet, with the connection table's file descriptor (`handoff_table.py`).
    What the app process needs to answer HTTP as the runner's front does."""

    TAG: ClassVar[int] = 7
    slots: int
    keys: dict[str, str]
    cors_origins: list[str]
    cors_credentials: bool
    keep_alive: float  # seconds an idle keep-alive connection stays open
    max_body: int
    scheme: str
    default_host: str
    host_instance: str  # trace_context.HOST_INSTANCE_ID of the runner


@dataclass(slots=True)
class Conn:
    """A connection handed over (its descriptor beside the packet), in table slot ``slot``.
    ``routes`` are hot routes the app process did not have: (method, raw path, function,
    function number, trigger parameter, route parameters, auth level, HTTP output names,
    whether a $return binding exists); ``reset`` drops the ones it had first."""

    TAG: ClassVar[int] = 8
    conn: int
    slot: int
    reset: bool
    routes: list[tuple[Any, ...]]


# -- app process -> runner -------------------------------------------------------------------


@dataclass(slots=True)
class Ready:
    TAG: ClassVar[int] = 10
    pid: int
    python: str
    library: str
    functions: list[dict[str, Any]]  # FunctionInfo.describe() of each
    errors: list[ErrorInfo]  # function, message, traceback
    debugger: str = ""


@dataclass(slots=True)
class Log:
    TAG: ClassVar[int] = 11
    id: str | None
    level: str
    logger: str
    message: str
    time: float


@dataclass(slots=True)
class Result:
    TAG: ClassVar[int] = 12
    id: str
    ok: bool
    duration: float
    returned: Wire | None = None
    outputs: dict[str, Wire] = field(default_factory=dict)
    error: ErrorInfo | None = None


@dataclass(slots=True)
class HttpStart:
    TAG: ClassVar[int] = 13
    id: str
    status: int
    headers: list[tuple[bytes, bytes]]


@dataclass(slots=True)
class HttpBody:
    TAG: ClassVar[int] = 14
    id: str
    body: bytes
    more: bool


@dataclass(slots=True)
class HttpEnd:
    TAG: ClassVar[int] = 15
    id: str
    error: str = ""


@dataclass(slots=True)
class Back:
    """A handed connection comes back to the runner with the bytes read of it and not
    answered (a request the app process does not serve itself)."""

    TAG: ClassVar[int] = 16
    conn: int
    data: bytes


@dataclass(slots=True)
class Closed:
    """A handed connection was closed by the app process (the client left, keep-alive
    timeout, `Connection: close`): the runner closes its copy."""

    TAG: ClassVar[int] = 17
    conn: int


@dataclass(slots=True)
class Served:
    """Invocations the app process ran for handed connections, for the console:
    ("s", id, function, wall time) when one started, ("f", id, function, ok, duration,
    detail, wall time, note) when it ended (note: a line for `Console.say`, or "")."""

    TAG: ClassVar[int] = 18
    events: list[tuple[Any, ...]]


Message = (
    Invoke
    | HttpRequest
    | HttpDisconnect
    | Shutdown
    | Drain
    | Load
    | Ready
    | Log
    | Result
    | HttpStart
    | HttpBody
    | HttpEnd
    | Handoff
    | Setup
    | Conn
    | Back
    | Closed
    | Served
)

_CLASSES: dict[int, type[Any]] = {
    cls.TAG: cls
    for cls in (
        Invoke,
        HttpRequest,
        HttpDisconnect,
        Shutdown,
        Drain,
        Load,
        Ready,
        Log,
        Result,
        HttpStart,
        HttpBody,
        HttpEnd,
        Handoff,
        Setup,
        Conn,
        Back,
        Closed,
        Served,
    )
}


def _fields_of(cls: type[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields of a message as a tuple, read in C (one per request: it counts)."""
    names: tuple[str, ...] = cls.__slots__
    if len(names) >= 2:
        return attrgetter(*names)
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda message: (one(message),)
    return lambda message: ()


_FIELDS = {cls: _fields_of(cls) for cls in _CLASSES.values()}


def to_tuple(message: Message) -> tuple[Any, ...]:
    """The message as plain data: its tag, then its fields in declaration order."""
    return (message.TAG, *_FIELDS[type(message)](message))


def from_tuple(data: tuple[Any, ...]) -> Message:
    """The message `to_tuple` made; ValueError for a tag or shape no class has."""
    try:
        cls = _CLASSES[data[0]]
        message: Message = cls(*data[1:])
    except (KeyError, IndexError, TypeError) as error:
        raise ValueError(f"not a runner message: {data[:1]!r} ({error})") from None
    return message
