"""A tolerant JSON reader that keeps the position of every key and value.

The Functions host reads its JSON files with Json.NET, which accepts comments and trailing
commas; so does this reader. Anything else that is not JSON is reported as an error with its
exact range, and parsing resumes at the next member or item, so a half-typed function.json
still yields every binding that is complete.
"""

from __future__ import annotations

from funcls.model.jsondoc.cread import read_plain
from funcls.model.jsondoc.nodes import JsonDocument, JsonError, JsonMember, JsonNode, NodeKind

__all__ = ["JsonDocument", "JsonError", "JsonMember", "JsonNode", "NodeKind", "parse_json"]


def parse_json(text: str) -> JsonDocument:
    """Parse ``text``; never raises. Errors come back in ``JsonDocument.errors``."""
    doc = read_plain(text)  # plain JSON by the C decoder, offsets when asked (cread.py)
    if doc is not None:
        return doc
    # Imported for a text the C decoder refuses (issue 16: its patterns compiled at import
    # were ~6 M instructions of a check that needs none).
    from funcls.model.jsondoc.fast import parse_plain

    plain = parse_plain(text)  # plain JSON: the same nodes, cheaper (fast.py)
    if plain is not None:
        return JsonDocument(text, plain[0], [], plain[1])
    # Imported when a text is not plain JSON (issue 16: most never need it).
    from funcls.model.jsondoc.parser import JsonParser

    parser = JsonParser(text)
    root = parser.parse_document()
    errors = parser.errors
    if root is not None and not root.complete and not errors:
        errors.append(JsonError("the JSON is incomplete", root.range))
    return JsonDocument(text, root, errors, parser.lines)
