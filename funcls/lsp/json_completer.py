"""What the JSON completers share: the cursor's token, value texts and snippets, the tolerant
parse at a path, and the settings that can name a connection."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from funcls.lsp.context import Context
from funcls.lsp.describe import DocKey
from funcls.lsp.items import escape_choice, escape_snippet, item
from funcls.lsp.jsonctx import JsonContext
from funcls.lsp.secrets import mask_value
from funcls.model.appmodel import App, Function
from funcls.model.catalogue import CATALOGUE, PropertySpec
from funcls.model.jsondoc import JsonNode
from funcls.model.locations import LineIndex, Range
from funcls.model.parsers.expressions import BUILTIN_DESCRIPTIONS, SYSTEM_PROPERTIES
from funcls.model.parsers.trigger_metadata import trigger_metadata

K = types.CompletionItemKind
NOT_CONNECTIONS = {
    "functions_worker_runtime",
    "azurewebjobsfeatureflags",
    "python_isolate_worker_dependencies",
}


def value_text(kind: str, choices: list[str]) -> tuple[str, str]:
    """(plain text, snippet) for a value of ``kind``."""
    if len(choices) == 1 and kind in ("enum", "string"):
        return f'"{choices[0]}"', f'"${{1:{escape_snippet(choices[0])}}}"'
    if choices and kind in ("enum", "string"):
        opts = ",".join(escape_choice(c) for c in choices)
        return f'"{choices[0]}"', f'"${{1|{opts}|}}"'
    return {
        "boolean": ("false", "${1|false,true|}"),
        "integer": ("0", "${1:0}"),
        "number": ("0", "${1:0}"),
        "enum-list": ("[]", '["$1"]'),
        "string-list": ("[]", '["$1"]'),
        "list": ("[]", "[$1]"),
        "object": ("{}", "{$1}"),
        "time": ('"00:05:00"', '"${1:00:05:00}"'),
    }.get(kind, ('""', '"$1"'))


# The library's DataType.UNDEFINED (``"undefined"``) means "leave dataType out": it is never a
# value to write, nor the default a completion fills in.
UNWRITTEN_VALUES = frozenset({"undefined"})


def choices_of(prop: PropertySpec) -> list[str]:
    if prop.enum:
        e = CATALOGUE.enum(prop.enum)
        if e is not None:
            return [m.json for m in e.members if m.json not in UNWRITTEN_VALUES]
    return [v for v in prop.values if v not in UNWRITTEN_VALUES]


def looks_like_connection(name: str, value: object) -> bool:
    """A setting that can name a connection: a connection string, a URL, an identity-based
    group (``Name__serviceUri``) or the storage setting."""
    if name.lower() in NOT_CONNECTIONS:
        return False
    if "__" in name or name.lower() == "azurewebjobsstorage":
        return True
    text = str(value)
    return "=" in text or "://" in text or "connection" in name.lower()


# What a connection string connects to, by the binding families that can use it: a storage
# account's (``UseDevelopmentStorage=true``, ``AccountName=…``, ``BlobEndpoint=…``) serves
# queues, blobs and tables only; a namespace's (``Endpoint=sb://…``, Service Bus and Event Hubs
# alike) serves those two only. A binding of one of these families offered the other kind's
# setting fails to connect at run time.
_CONNECTS = {"queue": "storage", "blob": "storage", "table": "storage"}
_CONNECTS.update(servicebus="namespace", eventhub="namespace")


def connection_kind(value: object) -> str | None:
    """``storage`` or ``namespace`` when a setting's value is a connection string that says
    which; None otherwise (an identity-based group, an empty value, any other service)."""
    text = str(value).strip().lower()
    if text.startswith("usedevelopmentstorage=") or any(
        key in text for key in ("accountname=", "blobendpoint=", "queueendpoint=", "tableendpoint=")
    ):
        return "storage"
    if text.startswith("endpoint=sb://") or ";endpoint=sb://" in text:
        return "namespace"
    return None


def connection_settings(app: App | None) -> list[tuple[str, str | None]]:
    """The settings that can name a connection (a group ``Name__…`` once, by ``Name``), with
    what each connects to (``connection_kind``), sorted by name."""
    if app is None:
        return []
    found: dict[str, str | None] = {}
    for key, v in app.settings.items():
        if not looks_like_connection(key, v.value):
            continue
        base = key.split("__", 1)[0]
        if base not in found:
            found[base] = connection_kind(v.value) if base == key else None
    return sorted(found.items(), key=lambda kv: kv[0].lower())


def connection_names(app: App | None, family: str | None = None) -> list[str]:
    """The settings a ``connection`` of a binding of ``family`` can name: not one whose
    connection string is another service's (a Service Bus namespace for a queue)."""
    wanted = _CONNECTS.get(family or "")
    return [
        name
        for name, kind in connection_settings(app)
        if wanted is None or kind is None or kind == wanted
    ]


def _name_char(c: str) -> bool:
    """A character of a setting's name as typed in a ``%Name%`` expression (``Dir__x.y-z``):
    not the ``/`` or ``{`` of the path around it."""
    return c.isalnum() or c in "_.-:"


def open_expression(prefix: str) -> int | None:
    """Where the ``%`` that opens a ``%Name%`` expression being typed is in ``prefix`` (a
    string's text from after its opening quote to the cursor): the last ``%`` of an odd
    count, followed by name characters only. The host reads ``%Name%`` anywhere in a
    binding's string (``in/%Dir%/{name}``: checks.settings AZF401 reads every property so),
    so this is not only at the string's start."""
    at = prefix.rfind("%")
    if at < 0 or prefix.count("%") % 2 == 0:
        return None
    if not all(_name_char(c) for c in prefix[at + 1 :]):
        return None
    return at


def open_binding_expression(prefix: str) -> int | None:
    """Where the ``{`` that opens a ``{name}`` binding expression being typed is in ``prefix``
    (a string's text from its opening quote to the cursor): the last ``{`` with no ``}`` after
    it and name characters only after it; not an escaped ``{{``."""
    at = prefix.rfind("{")
    if at < 0 or (at > 0 and prefix[at - 1] == "{"):
        return None
    if not all(_name_char(c) for c in prefix[at + 1 :]):
        return None
    return at


def function_trigger(fn: Function | None) -> tuple[str, dict[str, object]] | None:
    """``fn``'s trigger type and the properties that add names (``trigger_names``)."""
    trigger = fn.trigger if fn is not None else None
    if trigger is None:
        return None
    properties = {
        key: value
        for key in ("route", "path", "cardinality")
        if (value := trigger.get(key)) is not None
    }
    return trigger.type, properties


def trigger_names(trigger: tuple[str, dict[str, object]] | None) -> list[tuple[str, str]]:
    """The names a ``{name}`` expression in the input and output bindings of a function with
    ``trigger`` (its type and properties) may use, with a description each: what the trigger
    supplies (route parameters first, parsers.trigger_metadata), then the ``sys`` properties
    and the built-ins."""
    names: list[tuple[str, str]] = []
    if trigger is not None:
        metadata = trigger_metadata(*trigger)
        if metadata is not None:
            own = sorted(metadata.names.items(), key=lambda kv: not kv[1].startswith("the route"))
            names += own
    names += [(f"sys.{name}", text) for name, text in SYSTEM_PROPERTIES.items()]
    names += [("rand-guid", BUILTIN_DESCRIPTIONS["rand-guid"])]
    names += [("DateTime", BUILTIN_DESCRIPTIONS["datetime"])]
    return names


def binding_expressions(
    ctx: Context,
    path: str,
    trigger: tuple[str, dict[str, object]] | None,
    lines: LineIndex,
    text: str,
    *,
    brace: int,
    cursor: int,
    end: int,
) -> list[types.CompletionItem]:
    """The names of a ``{name}`` expression whose ``{`` is at ``brace``, typed up to ``cursor``
    in a string ending at ``end`` (text offsets): each item replaces the name and a ``}``
    after it, and closes the expression (QA in Neovim: after ``"path": "docs/{`` the items
    were the app's container names, which replaced the whole path). A client that ignores
    ranges keeps what follows the cursor: a ``}`` already there is not inserted again."""
    name_end = cursor
    while name_end < end and _name_char(text[name_end]):
        name_end += 1
    # The rest of a name closed by '}' goes with the item; text without one stays ("{‸.json").
    stop = name_end + 1 if text.startswith("}", name_end) and name_end < end else cursor
    closing = "}"
    if not ctx.client.edit_ranges:
        stop = cursor
        closing = "" if text.startswith("}", cursor) else "}"
    # A name typed past a '.' or '-' ({sys.U, {rand-g): eglot 1.9 filters the labels against
    # the symbol before the cursor, where those are punctuation ("U"), so the items are the
    # names that go on from there, labelled and replacing from there (QA in Emacs:
    # sys.UtcNow was never offered after {sys.U).
    typed = text[brace + 1 : cursor]
    head = typed[: max(typed.rfind("."), typed.rfind("-")) + 1]
    rng = lines.range(brace + 1 + len(head), stop)
    return [
        item(
            ctx,
            path,
            rng,
            name[len(head) :],
            # A dictionary ({Query.name}) goes on with its key.
            name[len(head) :] + ("." if "(use {" in detail else closing),
            kind=K.Variable,
            detail=detail,
            sort=f"{i:03d}",
        )
        for i, (name, detail) in enumerate(trigger_names(trigger))
        if name.casefold().startswith(head.casefold()) and len(name) > len(head)
    ]


def expression_settings(app: App | None) -> list[str]:
    """The local.settings.json Values a ``%Name%`` expression may name: not the runtime's own
    (FUNCTIONS_*, AzureWebJobs*), nor connection strings (those go in ``connection``)."""
    if app is None:
        return []
    names = [
        key
        for key, v in app.settings.items()
        if not key.upper().startswith(("FUNCTIONS_", "AZUREWEBJOBS"))
        and not looks_like_connection(key, v.value)
    ]
    return sorted(names, key=str.lower)


def setting_expressions(
    ctx: Context,
    path: str,
    app: App | None,
    lines: LineIndex,
    text: str,
    *,
    at: int,
    cursor: int,
    end: int,
    percent: int | None = None,
) -> list[types.CompletionItem]:
    """The settings a ``%Name%`` expression may name, for the string whose opening quote is at
    ``at``, typed up to ``cursor`` (``%`` and the start of a name) and ending at ``end`` (text
    offsets); ``percent``: the offset of the expression's ``%`` (default: right after the
    quote).

    Each item replaces only the name after the ``%`` and is labelled with the bare name:
    eglot 1.9 filters the labels against the symbol before the cursor
    (``bounds-of-thing-at-point``, where ``%`` is punctuation), so ``%PAYMENTS_QUEUE%`` never
    matched the typed ``%PAY``; VS Code and Neovim filter from the range start, after the
    ``%``. An expression at the string's end also replaces the closing ``%`` and quote (and
    adds them when missing); one with text after it (``"%Dir|/{name}"``) replaces the name and
    a closing ``%`` already there, so the rest of the string stays. A client that ignores
    ranges (Neovim's omnifunc) keeps what follows the cursor: a closing ``%`` or quote already
    there is not inserted again."""
    quote = text[at]
    name_at = (at + 1 if percent is None else percent) + 1
    items: list[types.CompletionItem] = []
    if app is None:
        return items
    # The rest of the name being typed, a closing '%' after it, and what follows in the string.
    name_end = cursor
    while name_end < end and _name_char(text[name_end]):
        name_end += 1
    after = name_end + 1 if text.startswith("%", name_end) and name_end < end else name_end
    if text[after:end] in ("", quote):
        stop, closing = end, "%" + quote
    else:
        stop, closing = after, "%"
    if not ctx.client.edit_ranges and end > cursor:
        closing = "" if text.startswith("%", cursor) else "%"
    rng = lines.range(name_at, stop if ctx.client.edit_ranges else cursor)
    for name in expression_settings(app):
        v = app.setting(name)
        detail = f"%{name}%" + (f" = {mask_value(name, v.value)}" if v is not None else "")
        items.append(item(ctx, path, rng, name, name + closing, kind=K.Constant, detail=detail))
    return items


def node_at(root: JsonNode | None, path: tuple[str | int, ...], offset: int) -> JsonNode | None:
    """The node of the tolerant parse at ``path``; array steps take the item at ``offset``."""
    node = root
    for step in path:
        if node is None:
            return None
        if isinstance(step, int):
            if node.kind != "array":
                return None
            hit = next((i for i in node.items if i.start <= offset <= i.end), None)
            node = hit or (node.items[step] if step < len(node.items) else None)
        else:
            if node.kind != "object":
                return None
            node = node.get(step)
    return node


def string_member(node: JsonNode | None, key: str) -> str | None:
    if node is None or node.kind != "object":
        return None
    m = node.get_ci(key)
    if m is None or m.value is None or m.value.kind != "string":
        return None
    return str(m.value.value)


class JsonCompleter:
    """One completion request in one JSON document.

    Items are built to be right whether or not the client honours their ``textEdit`` range.
    Neovim's built-in omnifunc (0.6-0.11) ignores the range: it inserts the item's text at the
    start of the keyword before the cursor (after a typed ``"``), keeps what follows the cursor,
    and drops items whose text does not start with what was typed (runtime/lua/vim/lsp.lua,
    ``omnifunc`` and ``adjust_start_col``; the latter only reads ranges of items without a
    ``filterText``). So in a string the edit starts after the opening quote and the text starts
    there too (``queueName": ""``), no item carries a ``filterText`` the typed word cannot
    start, and for a client that ignores ranges nothing after the cursor is counted on being
    replaced (a closing quote already there is kept and the item inserts the bare word)."""

    def __init__(self, ctx: Context, path: str, text: str, jc: JsonContext, lines: LineIndex):
        self.ctx = ctx
        self.path = path
        self.text = text
        self.jc = jc
        self.lines = lines
        self.cursor = jc.start + (1 if jc.quoted else 0) + len(jc.prefix)
        start = jc.start + 1 if jc.quoted else jc.start
        end = jc.end if ctx.client.edit_ranges else self.cursor
        self.replace = lines.range(start, max(start, end))
        self.whole_token = lines.range(jc.start, jc.end)  # the opening quote included
        # Text of the token after the cursor that a range-ignoring client will keep.
        self.kept_tail = not ctx.client.edit_ranges and jc.end > self.cursor
        self.items: list[types.CompletionItem] = []

    # -- helpers -----------------------------------------------------------------------------
    def followed_by_colon(self) -> bool:
        rest = self.text[self.jc.end : self.jc.end + 40].lstrip(" \t")
        return rest.startswith(":")

    def followed_by_member(self) -> bool:
        """Another member comes after the token (``"path": …`` on the next line): a key
        inserted here needs its own ',' after its value."""
        rest = self.text[self.jc.end : self.jc.end + 200].lstrip(" \t\r\n")
        return rest.startswith('"')

    def comma_edit(self) -> list[types.TextEdit] | None:
        if self.jc.needs_comma_at < 0:
            return None
        at = self.lines.position(self.jc.needs_comma_at)
        rng = self.ctx.positions.range(self.path, Range(at, at))
        return [types.TextEdit(range=rng, new_text=",")]

    def fit(
        self, plain: str, snippet: str | None, word: str | None
    ) -> tuple[Range, str, str | None] | None:
        """(range, plain, snippet) for an item whose full text (``plain``/``snippet``) starts
        at the token; ``word`` is the string's content when the item is a string, or None.
        None: the item cannot be inserted right in this client (it would have to replace the
        typed quote, and the client ignores ranges)."""
        if not self.jc.quoted:
            return self.replace, plain, snippet
        if word is None or not plain.startswith('"'):
            # Not a string (true, 0, {}…) typed after a quote: the quote must go.
            if not self.ctx.client.edit_ranges:
                return None
            return self.whole_token, plain, snippet
        if self.kept_tail:
            return self.replace, word, None  # the closing quote is already there
        rest = snippet[1:] if snippet is not None and snippet.startswith('"') else None
        return self.replace, plain[1:], rest

    def existing_keys(self, node: JsonNode | None) -> set[str]:
        """Keys written in ``node`` (lower case), except the one being edited at the cursor."""
        keys = {k.lower() for k in self.jc.keys_before}
        if node is None or node.kind != "object":
            return keys
        at = self.lines.position(self.jc.start)
        return keys | {m.key.lower() for m in node.members if m.key_range.start != at}

    def add_key(
        self,
        key: str,
        kind: str,
        choices: list[str],
        *,
        doc: str | DocKey | None,
        detail: str,
        sort: str,
        item_kind: types.CompletionItemKind = K.Property,
    ) -> None:
        if self.followed_by_colon():
            plain = snippet = f'"{key}"'
        else:
            value, value_snippet = value_text(kind, choices)
            # Between two members: the new one brings the ',' that keeps the JSON valid (as
            # VS Code's JSON language service does); found in Emacs, where the completed key
            # left 'expected , or }' on the next line.
            after = "," if self.followed_by_member() else ""
            plain = f'"{key}": {value}{after}'
            snippet = f'"{escape_snippet(key)}": {value_snippet}{after}'
        fitted = self.fit(plain, snippet, key)
        if fitted is None:
            return
        rng, plain, snippet_text = fitted
        self.items.append(
            item(
                self.ctx,
                self.path,
                rng,
                key,
                plain,
                kind=item_kind,
                snippet=snippet_text,
                detail=detail,
                doc=doc,
                sort=sort,
                filter_text=None if self.jc.quoted else key,
                extra_edits=self.comma_edit(),
            )
        )

    def add_value(
        self,
        value: Any,
        *,
        kind: types.CompletionItemKind = K.Value,
        detail: str | None = None,
        doc: str | DocKey | None = None,
        sort: str | None = None,
        snippet: str | None = None,
        label: str | None = None,
    ) -> None:
        if isinstance(value, str):
            word: str | None = value.replace("\\", "\\\\").replace('"', '\\"')
            text = f'"{word}"'
        elif isinstance(value, bool):
            word, text = None, "true" if value else "false"
        elif value is None:
            word, text = None, "null"
        else:
            word, text = None, str(value)
        shown = label or (value if isinstance(value, str) else text)
        fitted = self.fit(text, snippet, word)
        if fitted is None:
            return
        rng, text, snippet_text = fitted
        self.items.append(
            item(
                self.ctx,
                self.path,
                rng,
                shown,
                text,
                kind=kind,
                snippet=snippet_text,
                detail=detail,
                doc=doc,
                sort=sort,
                filter_text=None if self.jc.quoted else shown,
            )
        )

    def result(self) -> types.CompletionList:
        return types.CompletionList(is_incomplete=False, items=self.items)
