"""What a run is configured by: the command line, host.json and local.settings.json."""

from __future__ import annotations

import json
import math
import os

# The standard decorator, not funcls.model.fastclass: imported before the app processes
# start, when nothing of the model may be (tests/runner/test_prestart.py).
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from funcls.runner.defaults import DEFAULT_MAX_BODY

if TYPE_CHECKING:
    # The model, its parsers and the storage package are heavy imports: `funcls run` starts
    # its app processes from `early_worker_settings` before it makes them (prestart.py).
    from funcls.model.appmodel import App
    from funcls.runner.storage import BackendKind, MessageEncoding

DEFAULT_PORT = 7071
# The host's default on Premium and Dedicated plans (30 minutes); Core Tools uses it locally.
DEFAULT_FUNCTION_TIMEOUT_SECONDS = 30 * 60.0


@dataclass
class RunOptions:
    app_dir: str
    host: str = "127.0.0.1"
    port: int | None = None
    functions: list[str] = field(default_factory=list)
    reload: bool = True
    storage: BackendKind | None = None
    enforce_auth: bool = False
    max_body: int = DEFAULT_MAX_BODY
    python: str | None = None
    write_state: bool = True
    triggers: bool = True  # start timer/queue/blob listeners (not for a one-off invoke)
    app_output_to_stderr: bool = False  # the app processes' stdout goes to our stderr
    debug_port: int | None = None  # debugpy listens here in the (single) app process
    parent_pid: int | None = None  # stop when this process is gone (an editor's warm app)
    tag_logs: bool = False  # [function id] LEVEL before each app log line (--log-tags)
    # Plain HTTP functions served by the lean front (host/front.py); off: every request goes
    # through the ASGI app (--no-http-front, for comparing the two and for bisecting).
    http_front: bool = True


@dataclass
class QueueOptions:
    """host.json extensions.queues, with the host's defaults."""

    batch_size: int = 16
    new_batch_threshold: int | None = None
    max_dequeue_count: int = 5
    visibility_timeout: int = 0
    max_polling_interval: float = 2.0  # the host's default is 1 minute; a dev loop wants 2 s
    message_encoding: MessageEncoding = "base64"


@dataclass
class HostSettings:
    root: str
    route_prefix: str = "api"
    function_timeout: float | None = DEFAULT_FUNCTION_TIMEOUT_SECONDS
    queues: QueueOptions = field(default_factory=QueueOptions)
    local_http_port: int | None = None
    cors_origins: list[str] = field(default_factory=list)
    cors_credentials: bool = False
    worker_count: int = 1
    script_name: str = "function_app.py"
    # host.json "functions": the only functions the host loads (model.runnable
    # host_json_exclusion); None loads every function.
    functions_list: list[str] | None = None
    environment: dict[str, str] = field(default_factory=dict)  # what the app process gets
    problems: list[str] = field(default_factory=list)


# .NET's TimeSpan.MaxValue, in seconds: no host.json TimeSpan can be longer.
_TIMESPAN_MAX_SECONDS = 10_675_199 * 86_400


def _timespan_seconds(value: Any) -> float | None:
    """host.json TimeSpan values ("00:00:30") or plain numbers of seconds. A number that no
    TimeSpan holds (``1e999``, NaN, past TimeSpan.MaxValue) raises ValueError."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or abs(value) > _TIMESPAN_MAX_SECONDS:
            raise ValueError(f'{value!r} is not a TimeSpan (write one such as "00:00:30")')
        return float(value)
    if isinstance(value, str):
        from funcls.model.parsers.timespan import parse_timespan

        return parse_timespan(value).value.total_seconds()
    return None


def _function_timeout(value: Any) -> float | None:
    """functionTimeout: a TimeSpan, or -1 (the string or the number) for no limit. Zero or
    another negative value would end every invocation at once: refused (ValueError)."""
    if isinstance(value, str):
        from funcls.model.parsers.timespan import parse_function_timeout

        parsed = parse_function_timeout(value)
        return None if parsed is None else parsed.total_seconds()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == -1:
        return None
    seconds = _timespan_seconds(value)
    if seconds is not None and seconds <= 0:
        raise ValueError(f"{value!r} is not a duration (-1 means no limit)")
    return seconds


def _get(mapping: Any, *keys: str) -> Any:
    """Nested lookup ignoring case, as the host reads its configuration."""
    current = mapping
    for key in keys:
        if not isinstance(current, dict):
            return None
        found = None
        for k, v in current.items():
            if k.lower() == key.lower():
                found = v
                break
        current = found
    return current


def read_host_settings(app: App, base_env: dict[str, str] | None = None) -> HostSettings:
    from funcls.model.loader import script_name

    host = app.host_json.to_python() if app.host_json else None
    local = app.local_settings.to_python() if app.local_settings else None
    env = dict(os.environ if base_env is None else base_env)
    return _host_settings(app.root, app.route_prefix, host, local, env, script_name(app))


def _host_settings(
    root: str, route_prefix: str, host: Any, local: Any, env: dict[str, str], script: str
) -> HostSettings:
    """The settings from host.json and local.settings.json as Python values (``script``: the
    Values' PYTHON_SCRIPT_FILE_NAME, else function_app.py), whoever read them."""
    from_env = env.get("PYTHON_SCRIPT_FILE_NAME", "")  # before Values are merged in
    settings = HostSettings(root=root, route_prefix=route_prefix)
    timeout = _get(host, "functionTimeout")
    if timeout is not None:
        try:
            settings.function_timeout = _function_timeout(timeout)
        except ValueError as error:
            settings.problems.append(f"host.json functionTimeout: {error}; using 30 minutes")
    _read_queues(_get(host, "extensions", "queues"), settings)
    listed = _get(host, "functions")
    if isinstance(listed, list) and listed and all(isinstance(n, str) for n in listed):
        settings.functions_list = listed  # as App.host_functions_list
    _merge_local_settings(local, env)
    section = _get(local, "Host")
    settings.local_http_port = _local_http_port(section)
    cors = _get(section, "CORS")
    if isinstance(cors, str) and cors.strip():
        settings.cors_origins = [o.strip().rstrip("/") for o in cors.split(",") if o.strip()]
    settings.cors_credentials = str(_get(section, "CORSCredentials")).lower() == "true"
    _read_worker_count(env, settings)
    # The worker reads PYTHON_SCRIPT_FILE_NAME as an app setting, that is from its
    # environment (get_app_setting in azure_functions_worker/dispatcher.py), where App
    # Settings and local.settings.json Values land; a variable already set wins, as it does
    # over Values.
    settings.script_name = from_env.strip() or script
    if settings.script_name != DEFAULT_SCRIPT and not os.path.isfile(
        os.path.join(root, settings.script_name)
    ):
        settings.problems.append(
            f"PYTHON_SCRIPT_FILE_NAME is '{settings.script_name}', which is not a file in "
            f"{root}; no decorated functions are loaded: name the file that holds your "
            "FunctionApp, or remove the setting to use function_app.py"
        )
    settings.environment = env
    return settings


DEFAULT_SCRIPT = "function_app.py"  # as funcls.model.loader.DEFAULT_SCRIPT


class _NotPlain(Exception):
    """A settings file the standard library's json does not read as the model would."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = {key for key, _ in pairs}
    if len(keys) != len(pairs):  # which one wins is the model reader's business
        raise _NotPlain
    return dict(pairs)


def _plain_json(path: str) -> Any:
    """The file's JSON value (None when there is no file); _NotPlain for anything json alone
    does not read as the model's reader does: comments, trailing commas, a key twice, text
    that is not UTF-8, a folder or an unreadable file."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    except OSError:
        raise _NotPlain from None
    try:
        return json.loads(data.decode("utf-8-sig"), object_pairs_hook=_unique_keys)
    except ValueError:
        raise _NotPlain from None


def early_host_settings(app_dir: str) -> HostSettings | None:
    """``read_host_settings`` from host.json and local.settings.json read with the standard
    library alone, so that `funcls run` serves its first request without importing the
    model, which only its static check and reloads of the settings need (issue 16: the
    model's import and the app's index were 90-250 ms of the runner's way to its first
    answer). None when either file is not plain JSON: the model reads it then, as before
    (tests/runner/test_prestart.py compares both on every sample and test app)."""
    root = os.path.normpath(os.path.abspath(app_dir))
    try:
        host = _plain_json(os.path.join(root, "host.json"))
        local = _plain_json(os.path.join(root, "local.settings.json"))
    except _NotPlain:
        return None
    route_prefix = "api"  # App.route_prefix: its keys ignoring case, the last of each wins
    prefix = lookup_ignoring_case(host, "extensions", "http", "routePrefix")
    if prefix is not None and not isinstance(prefix, str):
        # A number or a boolean: the text the host's configuration holds. Imported here only:
        # the app process starts before any of the model is imported (test_prestart).
        from funcls.model.config_text import config_text

        prefix = config_text(prefix)
    if isinstance(prefix, str):
        route_prefix = prefix.strip("/")
    values = _get_exact(local, "Values")
    script = _get_exact(values, "PYTHON_SCRIPT_FILE_NAME")
    if script is None and isinstance(values, dict):  # as App.setting: then any case
        script = _get(values, "PYTHON_SCRIPT_FILE_NAME")
    if not (isinstance(script, str) and script.strip()):
        script = DEFAULT_SCRIPT
    return _host_settings(root, route_prefix, host, local, dict(os.environ), script.strip())


def lookup_ignoring_case(mapping: Any, *keys: str) -> Any:
    """Nested lookup ignoring case, the last matching key winning at each level (as the
    model's ``JsonNode.get_ci``, which ``App.route_prefix`` reads): how the host reads
    host.json (its configuration provider's keys ignore case, a later key overriding)."""
    current = mapping
    for key in keys:
        if not isinstance(current, dict):
            return None
        current = next((v for k, v in reversed(current.items()) if k.lower() == key.lower()), None)
    return current


def _get_exact(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


def early_worker_settings(app_dir: str) -> HostSettings | None:
    """What the app processes' command and environment depend on (root, script, count,
    environment) and the port, read from local.settings.json with the standard library
    alone, so that `funcls run` can start them before it imports the model (issue 16). None
    when the file is not plain JSON (the host also takes comments and trailing commas; the
    model reads those): the processes then start after `read_host_settings`. A guess that
    differs from `read_host_settings` costs a restart, never a wrong process: the pool
    adopts an early process only when its command and environment are the ones it would
    use (`EarlyProcess.same`)."""
    root = os.path.normpath(os.path.abspath(app_dir))
    local = None
    try:
        with open(os.path.join(root, "local.settings.json"), "rb") as f:
            local = json.loads(f.read().decode("utf-8-sig"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        return None
    env = dict(os.environ)
    from_env = env.get("PYTHON_SCRIPT_FILE_NAME", "")
    settings = HostSettings(root=root)
    _merge_local_settings(local, env)
    _read_worker_count(env, settings)
    settings.local_http_port = _local_http_port(_get(local, "Host"))
    script = _get(local, "Values", "PYTHON_SCRIPT_FILE_NAME")  # as App.setting: any case
    if from_env.strip():
        settings.script_name = from_env.strip()
    elif isinstance(script, str) and script.strip():
        settings.script_name = script.strip()
    settings.environment = env
    return settings


def _merge_local_settings(local: Any, env: dict[str, str]) -> None:
    """local.settings.json Values and ConnectionStrings into the environment the app
    processes get (a variable already set wins)."""
    values = _get(local, "Values")
    if isinstance(values, dict):
        for key, value in values.items():
            if key not in env and value is not None:
                env[key] = value if isinstance(value, str) else str(value)
    strings = _get(local, "ConnectionStrings")
    if isinstance(strings, dict):
        for key, value in strings.items():
            if isinstance(value, str):
                env.setdefault(f"CUSTOMCONNSTR_{key}", value)


def _local_http_port(section: Any) -> int | None:
    port = _get(section, "LocalHttpPort")
    if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
        return int(port)
    return None


def _read_worker_count(env: dict[str, str], settings: HostSettings) -> None:
    count = env.get("FUNCTIONS_WORKER_PROCESS_COUNT", "").strip()
    if count:
        if count.isdigit() and 1 <= int(count) <= 10:
            settings.worker_count = int(count)
        else:
            settings.problems.append(
                f"FUNCTIONS_WORKER_PROCESS_COUNT '{count}' must be a whole number from 1 to "
                "10; using 1"
            )


def _read_queues(section: Any, settings: HostSettings) -> None:
    if not isinstance(section, dict):
        return
    options = settings.queues
    for key, attr in (
        ("batchSize", "batch_size"),
        ("newBatchThreshold", "new_batch_threshold"),
        ("maxDequeueCount", "max_dequeue_count"),
    ):
        value = _get(section, key)
        if isinstance(value, int) and value >= 0:
            setattr(options, attr, value)
    options.batch_size = max(1, min(options.batch_size, 32))
    options.max_dequeue_count = max(1, options.max_dequeue_count)
    for key, attr in (("visibilityTimeout", "visibility_timeout"),):
        try:
            seconds = _timespan_seconds(_get(section, key))
        except ValueError as error:
            settings.problems.append(f"host.json extensions.queues.{key}: {error}")
            continue
        if seconds is not None:
            setattr(options, attr, int(seconds))
    try:
        polling = _timespan_seconds(_get(section, "maxPollingInterval"))
    except ValueError:
        polling = None
    if polling is not None:
        options.max_polling_interval = max(0.1, polling / 1000 if polling > 1000 else polling)
    encoding = _get(section, "messageEncoding")
    if isinstance(encoding, str):
        from funcls.runner.storage import check_encoding

        try:
            options.message_encoding = check_encoding(encoding)
        except ValueError as error:
            settings.problems.append(f"host.json extensions.queues.messageEncoding: {error}")
