"""SDK-type parameters (`azurefunctions-extensions-bindings-blob`: BlobClient, ContainerClient,
StorageStreamDownloader), decoded as the Python worker decodes deferred bindings.

The host does not read the blob for such a parameter: it sends a `model_binding_data`
(FunctionRpc.proto's ModelBindingData: version, source, content_type and a JSON content
naming the connection setting, the container and the blob), and the worker hands it to the
extension's converter (`deferred_bindings_decode` in azure_functions_worker/bindings/meta.py),
which builds the SDK client from the connection setting in the environment. The SDK client
then talks to the storage service itself. The worker keeps each decoded object for the next
invocation with the same parameter, type, content and function; so does this module.
"""

from __future__ import annotations

from typing import Any

from funcls.model.fastclass import dataclass
from funcls.runner.messages import Wire

from .extensions import sdk_converter


@dataclass(frozen=True)
class ModelBindingData:
    """The fields of the proto message the extension reads."""

    version: str
    source: str
    content_type: str
    content: str


_cache: dict[tuple[str, Any, str, str], Any] = {}


def decode_sdk_type(param: Any, wire: Wire, trigger_metadata: dict[str, Any]) -> Any:
    """``param`` is the loader's ParamInfo (not imported: the loader imports this module's
    importer)."""
    kind, value = wire
    if kind != "model_binding_data" or not isinstance(value, dict):
        raise TypeError(
            f"parameter '{param.name}' is a {getattr(param.pytype, '__name__', param.pytype)}, "
            f"which needs the binding's model_binding_data; the runner sent {kind!r}"
        )
    data = ModelBindingData(
        str(value.get("version", "1.0")),
        str(value.get("source", "")),
        str(value.get("content_type", "application/json")),
        str(value.get("content", "")),
    )
    key = (param.name, param.pytype, data.content, str(value.get("function", "")))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    converter = sdk_converter(param.binding_type)
    if converter is None:
        raise TypeError(f"no SDK type converter for the '{param.binding_type}' binding")
    from azurefunctions.extensions.base import Datum

    decoded = converter.decode(
        Datum(value=data, type="model_binding_data"),
        trigger_metadata=trigger_metadata,
        pytype=param.pytype,
    )
    _cache[key] = decoded
    return decoded
