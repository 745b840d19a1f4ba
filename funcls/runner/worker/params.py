"""What the app process knows about one parameter of a loaded function: which binding it is,
which converter decodes or encodes it, its annotation. A leaf module: the loader builds these
and the converters (convert.py) read them."""

from __future__ import annotations

from typing import Any

from funcls.model.fastclass import dataclass


@dataclass
class ParamInfo:
    name: str
    binding_type: str  # the function.json type as written, e.g. queueTrigger
    converter_name: str  # what the converter registry is asked for ("generic" for str/bytes)
    pytype: Any  # the annotation (inner type of Out[T]); None when unannotated
    is_out: bool = False
    # An SDK type (BlobClient, …): decoded by the extension's converter from the
    # model_binding_data the runner sends (worker/sdk_types.py).
    sdk: bool = False
