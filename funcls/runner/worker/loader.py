"""Loading an app's functions the way the Python worker does.

v2: import the script (function_app.py or PYTHON_SCRIPT_FILE_NAME) as a top-level module with
the app root first on sys.path, find the one FunctionApp-like object in it and take
`app.get_functions()`. v1: register the `__app__` namespace package over the app root and
import each function's script as `__app__.<folder>[.<module>]`, so explicit relative imports
(`from . import x`, `from ..shared import y`) and absolute ones (`from shared import y`,
`from __app__.shared import y`) all work.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import inspect
import json
import os
import sys
import typing
from dataclasses import field
from typing import Any

from funcls.model.bindingview import BindingView, FunctionBindings
from funcls.model.fastclass import dataclass

from .extensions import http_v2_base, is_sdk_type
from .params import ParamInfo
from .tracebacks import user_traceback

__all__ = ["FunctionInfo", "FunctionLoadError", "LoadResult", "ParamInfo", "load_app"]

APP_NAMESPACE = "__app__"
DEFAULT_SCRIPT = "function_app.py"
MODULE_NOT_FOUND_HINT = (
    "Cannot find module. Please check the requirements.txt file for the missing module. "
    "For more info, please refer the troubleshooting guide: "
    "https://aka.ms/functions-modulenotfound"
)


@dataclass
class FunctionInfo:
    name: str
    func: Any
    directory: str
    script: str
    # The binding objects as the app declared them (function.json, or the library's
    # get_function_json()): sent to the runner as they are, JSON (describe()).
    bindings: list[dict[str, Any]]
    is_async: bool = False
    requires_context: bool = False
    inputs: dict[str, ParamInfo] = field(default_factory=dict)
    outputs: dict[str, ParamInfo] = field(default_factory=dict)
    return_info: ParamInfo | None = None
    # function.json "disabled" of a v1 function, as written: a boolean, or a setting's name.
    disabled: Any = None
    retry: dict[str, Any] | None = None  # the retry policy, in function.json's terms
    implicit_return: bool = False  # a returned value without $return is dropped, not an error
    http_trigger: str | None = None  # the httpTrigger parameter's name
    # Served through the web extension's app (HTTP streaming): see worker/http_stream.py.
    http_stream: bool = False
    refused: str | None = None  # why the worker would never answer it (not runnable here)

    def describe(self) -> dict[str, Any]:
        """What the runner needs to know: plain data only."""
        return {
            "name": self.name,
            "directory": self.directory,
            "script": self.script,
            "bindings": self.bindings,
            "is_async": self.is_async,
            "line": _first_line(self.func),
            "disabled": self.disabled,
            "retry": self.retry,
            "http_stream": self.http_stream,
            "refused": self.refused,
            "sdk_params": {
                name: getattr(param.pytype, "__name__", str(param.pytype))
                for name, param in self.inputs.items()
                if param.sdk
            },
        }


@dataclass
class LoadResult:
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)  # {function, message, traceback}


class FunctionLoadError(Exception):
    pass


def _first_line(func: Any) -> int | None:
    try:
        return int(inspect.getsourcelines(func)[1])
    except (OSError, TypeError):
        return None


def _written_function(func: Any) -> Any:
    """The function the user wrote behind the one registered: the durable SDK registers a
    `handle` of its own for an orchestrator or entity and keeps the user's function on it
    (`orchestrator_function`, `entity_function`: Orchestrator.create and Entity.create in
    Azure/azure-functions-durable-python); other decorators leave `__wrapped__`."""
    for attribute in ("orchestrator_function", "entity_function"):
        inner = getattr(func, attribute, None)
        if callable(inner):
            return inner
    try:
        return inspect.unwrap(func)
    except ValueError:  # a cycle of __wrapped__
        return func


def _error(function: str, exc: BaseException, where: str = "") -> dict[str, str]:
    """A load error that says where in the user's files the problem is: our own refusals
    (FunctionLoadError) and unreadable function.json files by location, other exceptions by
    the traceback of the user's frames (or the location, when no user frame is left)."""
    if isinstance(exc, FunctionLoadError):
        return {"function": function, "message": f"{where}{exc}", "traceback": ""}
    if isinstance(exc, json.JSONDecodeError) and where.rstrip(": ").endswith("function.json"):
        return {
            "function": function,
            "message": f"{where.rstrip(': ')}:{exc.lineno}:{exc.colno}: function.json is not "
            f"valid JSON ({exc.msg}); fix it and save",
            "traceback": "",
        }
    trace = user_traceback(exc)
    text = str(exc)
    if isinstance(exc, ImportError):
        # The worker's wording for an import that fails while the app loads
        # (attach_message_to_exception on load_function and index_function_app in
        # azure_functions_worker/loader.py).
        text = f"{text}. {MODULE_NOT_FOUND_HINT}. Current sys.path: {sys.path}"
    return {
        "function": function,
        "message": f"{'' if trace else where}{type(exc).__name__}: {text}",
        "traceback": trace,
    }


def _location(root: str, func: Any, script: str) -> str:
    """`path/to/script.py:LINE: ` of a user function, relative to the app root."""
    line = _first_line(func)
    return (
        f"{os.path.relpath(script, root)}:{line}: "
        if line
        else f"{os.path.relpath(script, root)}: "
    )


def load_app(root: str, script_name: str | None = None) -> LoadResult:
    root = os.path.abspath(root)
    # The app root goes last on sys.path, as the worker appends it (python/prodV4/worker.py
    # in azure-functions-python-worker): an installed package wins over an app folder of
    # the same name. `python -m` put the working directory (the root) first; take it out.
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != root]
    sys.path.append(root)
    result = LoadResult()
    _load_v1(root, result)
    script = os.path.join(root, script_name or DEFAULT_SCRIPT)
    if os.path.isfile(script):
        _load_v2(root, script, result)
    if http_v2_base() is not None:
        # The worker serves every HTTP function through the web extension once one is
        # imported (`is_http_func and HttpV2Registry.http_v2_enabled()`).
        refusal = streaming_refusal()
        for info in result.functions.values():
            info.http_stream = info.http_trigger is not None
            if info.http_stream:
                info.refused = refusal
    return result


def streaming_refusal() -> str | None:
    """Why HTTP streaming would not be served, as the worker decides: before Python 3.13
    it starts the extension's web server only during init indexing, with
    PYTHON_ENABLE_INIT_INDEXING true (`_handle__worker_init_request` in
    azure_functions_worker/dispatcher.py); without it every HTTP function of the app waits
    for a request that never comes. From 3.13 the runtime needs no setting."""
    if sys.version_info >= (3, 13):
        return None
    value = os.environ.get("PYTHON_ENABLE_INIT_INDEXING", "").strip().lower()
    if value in ("1", "true", "t", "yes", "y"):  # the worker's is_true_like
        return None
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return (
        "the app imports an HTTP streaming extension, which the Python worker serves on "
        f"Python {version} only with the app setting PYTHON_ENABLE_INIT_INDEXING=1 (it starts "
        "the extension's web server while it indexes the app; without it every HTTP request "
        'waits until it times out); add "PYTHON_ENABLE_INIT_INDEXING": "1" to the Values of '
        "local.settings.json and to the app settings in Azure (Python 3.13 and later need "
        "no setting)"
    )


# -- v2 -----------------------------------------------------------------------------------


def _load_v2(root: str, script: str, result: LoadResult) -> None:
    import azure.functions as func

    module_name = os.path.splitext(os.path.relpath(script, root))[0].replace(os.sep, ".")
    try:
        module = importlib.import_module(module_name)
    except BaseException as exc:  # a SystemExit at import is a load error too
        result.errors.append(_error(os.path.basename(script), exc))
        return
    register_type = getattr(func, "FunctionRegister", None)
    if register_type is None:  # pragma: no cover - every supported version has it
        from azure.functions.decorators.function_app import FunctionRegister as register_type
    apps = [v for v in vars(module).values() if isinstance(v, register_type)]  # type: ignore[arg-type]
    if not apps:
        result.errors.append(
            {
                "function": os.path.basename(script),
                "message": f"{os.path.basename(script)} creates no func.FunctionApp() at module "
                "level; create one (app = func.FunctionApp()) and decorate functions on it",
                "traceback": "",
            }
        )
        return
    if len(apps) > 1:
        result.errors.append(
            {
                "function": os.path.basename(script),
                "message": f"{os.path.basename(script)} has {len(apps)} FunctionApp objects; "
                "the worker accepts exactly one (register the others as blueprints)",
                "traceback": "",
            }
        )
        return
    try:
        functions = apps[0].get_functions()
    except Exception as exc:
        result.errors.append(_error(os.path.basename(script), exc))
        return
    for function in functions:
        user_function = function.get_user_function()
        name = function.get_function_name() or user_function.__name__
        try:
            bindings = json.loads(function.get_function_json())["bindings"]
            info = describe_function(name, user_function, root, script, bindings)
            info.retry = _v2_retry(function)
        except Exception as exc:
            written = _written_function(user_function)
            where = _location(root, written, inspect.getsourcefile(written) or script)
            result.errors.append(_error(name, exc, where))
            continue
        result.functions[name] = info


def read_function_json(text: str) -> dict[str, Any]:
    """function.json as the host reads it: Json.NET accepts // and /* */ comments and
    trailing commas, so the runner does too (JSONDecodeError for anything else)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        lenient = _without_comments_and_trailing_commas(text)
        try:
            value = json.loads(lenient)
        except json.JSONDecodeError:
            raise error from None
    if not isinstance(value, dict):
        raise FunctionLoadError("function.json must hold a JSON object ({...})")
    return value


def _without_comments_and_trailing_commas(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in "]}":
            kept = "".join(out).rstrip()
            out = [kept[:-1] if kept.endswith(",") else kept, c]  # a trailing comma: dropped
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def primary_script(directory: str, folder: str) -> str:
    """The script of a v1 function without scriptFile, by the host's rule
    (DeterminePrimaryScriptFile in azure-functions-host's HostFunctionMetadataProvider): the
    only file of the folder besides function.json, else a file named run.* or __init__.py."""
    files = sorted(
        name
        for name in os.listdir(directory)
        if name.lower() != "function.json" and os.path.isfile(os.path.join(directory, name))
    )
    if len(files) == 1:
        return files[0]
    for name in files:
        if os.path.splitext(name)[0].lower() == "run" or name.lower() == "__init__.py":
            return name
    raise FunctionLoadError(
        f'cannot tell which file of {folder}/ is the function\'s script: add "scriptFile" '
        "to function.json, or name the script __init__.py or run.py"
    )


def _v2_retry(function: Any) -> dict[str, Any] | None:
    """`@app.retry(...)` in function.json's terms. The worker reads the library's
    `retry_policy` setting (build_retry_protos in azure_functions_worker/loader.py)."""
    try:
        setting = function.get_settings_dict("retry_policy")
    except AttributeError:
        return None
    if not setting:
        return None
    strategy = str(setting.get("strategy", ""))
    return {
        "strategy": "fixedDelay" if strategy == "fixed_delay" else "exponentialBackoff",
        "maxRetryCount": setting.get("max_retry_count"),
        "delayInterval": setting.get("delay_interval"),
        "minimumInterval": setting.get("minimum_interval"),
        "maximumInterval": setting.get("maximum_interval"),
    }


# -- v1 -----------------------------------------------------------------------------------


def _install_namespace(root: str) -> None:
    existing = sys.modules.get(APP_NAMESPACE)
    if existing is not None and root in list(getattr(existing, "__path__", [])):
        return
    spec = importlib.machinery.ModuleSpec(APP_NAMESPACE, None, is_package=True)
    spec.submodule_search_locations = [root]
    module = importlib.util.module_from_spec(spec)
    sys.modules[APP_NAMESPACE] = module


def _load_v1(root: str, result: LoadResult) -> None:
    folders = sorted(
        name
        for name in os.listdir(root)
        if not name.startswith(".") and os.path.isfile(os.path.join(root, name, "function.json"))
    )
    if folders:
        _install_namespace(root)
    for folder in folders:
        directory = os.path.join(root, folder)
        where = f"{folder}/function.json: "
        try:
            with open(os.path.join(directory, "function.json"), encoding="utf-8-sig") as f:
                config = read_function_json(f.read())
            script_file = config.get("scriptFile") or primary_script(directory, folder)
            entry_point = config.get("entryPoint") or "main"
            script = os.path.normpath(os.path.join(directory, script_file))
            if not os.path.isfile(script):
                raise FunctionLoadError(
                    f"script file '{script_file}' of function.json does not exist in {folder}/"
                )
            where = f"{os.path.relpath(script, root)}: "
            module = importlib.import_module(_module_name(root, script))
            user_function = getattr(module, entry_point, None)
            if user_function is None:
                raise FunctionLoadError(
                    f"'{os.path.relpath(script, root)}' has no function '{entry_point}' "
                    "(the entryPoint of function.json, 'main' by default)"
                )
            where = _location(root, _written_function(user_function), script)
            info = describe_function(
                folder, user_function, directory, script, list(config.get("bindings") or [])
            )
            info.disabled = config.get("disabled")
            retry = config.get("retry")
            info.retry = retry if isinstance(retry, dict) else None
        except BaseException as exc:
            result.errors.append(_error(folder, exc, where))
            continue
        result.functions[folder] = info


def _module_name(root: str, script: str) -> str:
    relative = os.path.splitext(os.path.relpath(script, root))[0]
    parts = relative.split(os.sep)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([APP_NAMESPACE, *parts])


# -- signatures ---------------------------------------------------------------------------


def _out_inner(annotation: Any) -> tuple[bool, Any]:
    origin = typing.get_origin(annotation)
    if origin is not None and getattr(origin, "__name__", "") == "Out":
        args = typing.get_args(annotation)
        if len(args) != 1:
            raise FunctionLoadError(f"invalid Out annotation {annotation!r}")
        return True, args[0]
    if isinstance(annotation, type) and annotation.__name__ == "Out":
        return True, None
    return False, annotation


def describe_function(
    name: str, user_function: Any, directory: str, script: str, bindings: list[dict[str, Any]]
) -> FunctionInfo:
    """Check the signature against the bindings as the worker does and record the types."""
    signature = inspect.signature(user_function)
    try:
        hints = typing.get_type_hints(user_function)
    except Exception:
        hints = {}
    params = dict(signature.parameters)
    # Converters are looked up by the type as written, as the worker does (the host sends
    # function.json's type unchanged: GrpcMessageConversionExtensions in
    # Azure/azure-functions-host; azure_functions_worker/bindings/meta.py::get_binding):
    # `view.type` for those, `view.kind` where this code compared ignoring case already.
    view = FunctionBindings.of(bindings)
    by_name = view.by_name()
    info = FunctionInfo(
        name=name,
        func=user_function,
        directory=directory,
        script=script,
        bindings=bindings,
        is_async=inspect.iscoroutinefunction(user_function),
    )
    if "context" in params and "context" not in by_name:
        info.requires_context = True
        params.pop("context")
    bound = {n for n in by_name if n != "$return"}
    missing = set(params) - bound
    if missing:
        raise FunctionLoadError(
            f"the following parameters are declared in Python but not as bindings: "
            f"{', '.join(sorted(missing))}"
        )
    extra = bound - set(params)
    if extra:
        raise FunctionLoadError(
            f"the following bindings have no parameter in Python: {', '.join(sorted(extra))}"
        )
    for param in params.values():
        binding = by_name[param.name]
        if binding.kind == "httptrigger":
            info.http_trigger = param.name
        annotation = hints.get(param.name)
        is_out, pytype = _out_inner(annotation)
        binding_out = binding.is_output
        if binding_out != is_out and annotation is not None:
            raise FunctionLoadError(
                f"binding '{param.name}' has direction '{binding.get('direction')}' but its "
                f"annotation is {annotation!r}; outputs are annotated func.Out[T]"
            )
        # As the worker (functions.py): str and bytes go to the generic binding unless the
        # binding type has an implicit output (an activity's str input is decoded by its
        # converter, which reads the JSON the engine sends).
        kind = binding.type
        generic = pytype in (str, bytes) and not _implicit_output(kind)
        converter = "generic" if generic else kind
        sdk = not binding_out and is_sdk_type(pytype)
        if annotation is not None:
            if sdk:
                _check_sdk_annotation(param.name, binding, pytype)
            else:
                _check_annotation(param.name, binding, converter, pytype, binding_out)
        entry = ParamInfo(param.name, binding.type, converter, pytype, binding_out, sdk)
        (info.outputs if binding_out else info.inputs)[param.name] = entry
    returned = by_name.get("$return")
    if returned is not None:
        annotation = hints.get("return") if "return" in hints else None
        # Unlike parameters, return annotations are never sent to the generic binding: the
        # worker's test for that (`return_pytype is (str, bytes)`) is never true, so `-> bytes`
        # on an http `$return` fails to load there, and must here too.
        converter = returned.type
        if "return" in hints:
            _check_annotation("$return", returned, converter, hints["return"], True)
        info.return_info = ParamInfo("$return", returned.type, converter, annotation)
    else:
        durable = next((b for b in view if b.type in DURABLE_RETURNS), None)
        if durable is not None:
            # The worker sends what a durable function returns as the invocation's return
            # value, encoded by its trigger's converter (get_return_binding in
            # azure_functions_worker/functions.py picks the implicit-output binding's type):
            # the orchestrator's state, the activity's result.
            kind = durable.type
            info.return_info = ParamInfo("$return", kind, kind, None, True)
        else:
            info.implicit_return = any(_implicit_output(b.type) for b in view)
    return info


DURABLE_RETURNS = frozenset({"orchestrationTrigger", "activityTrigger", "entityTrigger"})


def _implicit_output(binding_type: str) -> bool:
    """The worker's has_implicit_output (azure_functions_worker/bindings/meta.py): a binding
    type without a converter in the library (table, sql, …; not durableClient) lets the
    function return a value without $return: it is encoded and the host drops it."""
    from azure.functions import meta

    registered = meta.get_binding_registry().get(binding_type)  # type: ignore[no-untyped-call]
    if registered is None:
        return binding_type != "durableClient"
    return bool(getattr(registered, "has_implicit_output", lambda: False)())


def _check_annotation(
    name: str, binding: BindingView, converter_name: str, pytype: Any, output: bool
) -> None:
    """Refuse what the worker refuses at load time: an annotation the binding's converter
    does not take (`-> None` on a `$return` binding, `func.QueueMessage` on a blob, …)."""
    from .convert import converter_for

    base = http_v2_base() if binding.kind in ("httptrigger", "http") else None
    if base is not None and isinstance(pytype, type):
        # With a web extension imported, the worker checks HTTP annotations against the
        # extension's types only (INPUT/OUTPUT_TYPE_CHECK_OVERRIDE_MAP in
        # azure_functions_worker/bindings/meta.py): func.HttpRequest no longer fits.
        tracker = base.ResponseTrackerMeta if output else base.RequestTrackerMeta
        if not tracker.check_type(pytype):
            _refuse(name, binding, pytype)
        return
    converter = converter_for(converter_name)
    check = getattr(
        converter, "check_output_type_annotation" if output else "check_input_type_annotation", None
    )
    if check is None or not isinstance(pytype, type):
        return  # generic aliases (list[str], typing.List[str]) are the converters' business
    try:
        accepted = bool(check(pytype))
    except TypeError:
        return
    if not accepted:
        _refuse(name, binding, pytype)


def _check_sdk_annotation(name: str, binding: BindingView, pytype: Any) -> None:
    """An SDK type is checked by the extension's converter for the binding type, or the
    generic binding when the extension has none (a BlobClient on a queue trigger): as the
    worker's check_input_type_annotation with is_deferred_binding."""
    from .convert import GenericBinding
    from .extensions import sdk_converter

    converter = sdk_converter(binding.type) or GenericBinding
    try:
        accepted = bool(converter.check_input_type_annotation(pytype))
    except TypeError:
        accepted = False
    if not accepted:
        _refuse(name, binding, pytype)


def _refuse(name: str, binding: BindingView, pytype: Any) -> None:
    shown = getattr(pytype, "__qualname__", repr(pytype))
    kind = binding.type
    if name == "$return":
        raise FunctionLoadError(
            f'Python return annotation "{shown}" does not match binding type "{kind}"'
        )
    raise FunctionLoadError(
        f'type of {name} binding "{kind}" does not match its Python annotation "{shown}"'
    )
