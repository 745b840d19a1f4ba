"""The runner's view of each loaded function: trigger, route, what it can and cannot do."""

from __future__ import annotations

import os
from dataclasses import field
from functools import cached_property
from typing import Any

from funcls.model.bindingview import BindingView, FunctionBindings
from funcls.model.fastclass import dataclass
from funcls.model.parsers.expressions import lookup_setting
from funcls.model.parsers.routes import RouteTemplate, parse_route
from funcls.model.runnable import (
    DURABLE_CLIENT_INPUTS,
    DURABLE_TRIGGERS,
    READ_INPUTS,
    RETRY_TRIGGERS,
    not_runnable_reason,
    runner_support,
)
from funcls.runner.retry import RetryPolicy, RetryPolicyError, parse_retry

__all__ = ["DURABLE_CLIENT_INPUTS", "READ_INPUTS", "RunFunction", "build_function"]

NO_TRIGGER = BindingView.of({})


@dataclass
class RunFunction:
    name: str
    # The binding objects as the app process sent them (JSON, as written: the admin API
    # shows them) and the typed view of the same objects, which the runner reads.
    bindings: list[dict[str, Any]]
    directory: str = ""
    script: str = ""
    line: int | None = None
    is_async: bool = False
    view: FunctionBindings = field(default_factory=FunctionBindings)
    trigger: BindingView = field(default_factory=lambda: NO_TRIGGER)
    # "native": its trigger runs here (durable ones in the durable engine); "invoke": by hand
    # (admin API, funcls invoke) only; "none": cannot run (reason says why).
    support: str = "invoke"
    reason: str | None = None
    disabled: bool = False
    route: RouteTemplate | None = None
    route_text: str = ""
    methods: set[str] | None = None
    auth_level: str = "function"
    retry: RetryPolicy | None = None  # for the triggers the host retries (RETRY_TRIGGERS)
    http_stream: bool = False  # served through the web extension (funcls/runner/streams.py)
    # Parameters of blob SDK types (BlobClient, …) by name: their type's name
    # (funcls/runner/sdk_bindings.py).
    sdk_params: dict[str, str] = field(default_factory=dict)

    @cached_property
    def uses_binding_data(self) -> bool:
        """Whether any other binding has a `{name}` expression (then the trigger's binding
        data must be built; a plain HTTP function skips that work)."""
        for binding in self.view:
            if binding is self.trigger:
                continue
            for value in binding.values():
                if isinstance(value, str) and "{" in value:
                    return True
        return False

    @property
    def trigger_type(self) -> str:
        """The trigger's type as written (for messages); compare `trigger_kind`."""
        return self.trigger.type

    @property
    def trigger_kind(self) -> str:
        """The trigger's type in lower case, as the host compares it."""
        return self.trigger.kind

    @property
    def is_durable(self) -> bool:
        """An orchestrator, an activity or an entity: run by the durable engine."""
        return self.trigger_kind in DURABLE_TRIGGERS

    @property
    def is_http(self) -> bool:
        return self.trigger_kind == "httptrigger"

    def outputs(self) -> list[BindingView]:
        return self.view.outputs()

    def inputs(self) -> list[BindingView]:
        return self.view.inputs()

    def title(self) -> str:
        spec = self.trigger.spec
        return spec.title if spec else self.trigger_type or "no trigger"


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1")


def is_disabled(name: str, declared: Any, settings: dict[str, str]) -> bool:
    """As the host decides: the `AzureWebJobs.<name>.Disabled` setting, or a v1 function.json
    "disabled" that is a boolean or names a setting holding one."""
    if _truthy(lookup_setting(f"AzureWebJobs.{name}.Disabled", settings)):
        return True
    if isinstance(declared, str) and declared.strip().lower() not in ("true", "false", "1", "0"):
        return _truthy(lookup_setting(declared.strip(), settings))
    return declared is not None and _truthy(declared)


def build_function(
    description: dict[str, Any], route_prefix: str, settings: dict[str, str]
) -> RunFunction:
    bindings = list(description.get("bindings") or [])
    view = FunctionBindings.of(bindings)
    function = RunFunction(
        name=description["name"],
        bindings=bindings,
        directory=description.get("directory", ""),
        script=description.get("script", ""),
        line=description.get("line"),
        is_async=bool(description.get("is_async")),
        view=view,
        http_stream=bool(description.get("http_stream")),
        sdk_params=dict(description.get("sdk_params") or {}),
    )
    if view.trigger is not None:
        function.trigger = view.trigger
        function.disabled = is_disabled(function.name, description.get("disabled"), settings)
    kind = function.trigger_kind
    if description.get("refused"):  # the app process says the worker would not serve it
        function.support = "none"
        function.reason = str(description["refused"])
        return function
    why = not_runnable_reason(
        kind if view.trigger is not None else None, (b.type for b in function.inputs())
    )
    if why is not None:
        function.support = "none"
        function.reason = why
        return function
    function.support = runner_support(kind)
    if kind in RETRY_TRIGGERS:
        try:
            function.retry = parse_retry(description.get("retry"))
        except RetryPolicyError as error:
            function.support = "none"
            function.reason = f"its retry policy cannot be read: {error}"
            return function
    if kind == "httptrigger":
        _http(function, route_prefix)
    return function


def _http(function: RunFunction, route_prefix: str) -> None:
    trigger = function.trigger
    route = trigger.get("route")
    function.route_text = route if isinstance(route, str) and route else function.name
    methods = trigger.get("methods")
    if isinstance(methods, list) and methods:
        function.methods = {str(m).upper() for m in methods}
    function.auth_level = str(trigger.get("authLevel") or "function").lower()
    try:
        function.route = parse_route(function.route_text, route_prefix=route_prefix)
    except ValueError as error:
        function.support = "none"
        function.reason = f"its route '{function.route_text}' is invalid: {error}"


def http_routes(functions: list[RunFunction]) -> list[RunFunction]:
    """HTTP functions in the order to try them: most specific template first."""
    routed = [f for f in functions if f.is_http and f.route is not None and f.support != "none"]
    return sorted(routed, key=lambda f: f.route.precedence() if f.route else ((), 0, ""))


def url_path(function: RunFunction, route_prefix: str) -> str:
    parts = [p for p in (route_prefix.strip("/"), function.route_text.strip("/")) if p]
    return "/" + "/".join(parts)


def crash_in(reason: str, fn: RunFunction, root: str) -> str:
    """What to say of an app process that ended by itself (os._exit, a crash in native code:
    no traceback) while ``fn`` ran in it: the process' end, then the function and where it
    is defined, the one place the runner knows (the worker sent it with the index). Other
    invocations running in the same process get the same words with their own function: the
    runner cannot tell which of them ended it."""
    where = ""
    if fn.script:
        script = os.path.relpath(fn.script, root) if root else fn.script
        where = f" ({script}:{fn.line})" if fn.line else f" ({script})"
    return (
        f"{reason} while running '{fn.name}'{where}; no Python error came back (os._exit "
        "or a crash in native code ends a process at once)"
    )
