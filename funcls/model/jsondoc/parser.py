"""The recursive-descent reader behind ``parse_json``: positions, errors, resynchronisation."""

from __future__ import annotations

from typing import Any, NoReturn

from funcls.model.jsondoc.nodes import JsonError, JsonMember, JsonNode, NodeKind
from funcls.model.jsondoc.open_string import cut_at_line_end, cut_before_key
from funcls.model.locations import LineIndex


class _Abort(Exception):
    """Raised inside a value to unwind to the nearest container that can resume."""


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_WS = " \t\r\n\ufeff"
# The host reads these files with Newtonsoft.Json, whose JsonTextReader skips any character
# .NET's char.IsWhiteSpace accepts between tokens (JamesNK/Newtonsoft.Json,
# Src/Newtonsoft.Json/JsonTextReader.cs): no-break spaces, U+2000-U+200A, U+2028/9, U+3000…
# That is Python's str.isspace() without the separators U+001C-U+001F.
_NOT_DOTNET_WS = "\x1c\x1d\x1e\x1f"


def _is_ws(c: str) -> bool:
    return c in _WS or (c.isspace() and c not in _NOT_DOTNET_WS)


_CLOSERS = {"object": "}", "array": "]"}


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


MAX_ERRORS = 200  # errors reported per file; then the parser stops reading


class JsonParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.i = 0
        self.lines = LineIndex(text)
        self.errors: list[JsonError] = []
        self.depth = 0
        self.stopped = False  # too many errors: the rest of the text is not read
        # The last abort was a string left open at the end of its line: an object reads on
        # from the next line (a half-typed "version": "2.0 lost the member below it).
        self.open_line = False
        # The last abort was a string left open whose text ends before the structure after it
        # on its line (open_string.py): the container reads on from there.
        self.open_cut = False
        # The objects and arrays being read, outermost first: (kind, offset of the bracket).
        self.open_containers: list[tuple[str, int]] = []
        # Those the text ends inside when their one 'not closed' error is reported (the
        # AZF100 fix that adds their closers reads them).
        self.unclosed: list[tuple[str, int]] = []
        # The index in errors of the last string left open (-1: none): where the brackets
        # after it close is the reader's guess, so it hides the 'not closed' error (a
        # '"Host": {' line and a lone '"' above the rest of local.settings.json).
        self.open_string_error = -1

    # -- helpers -----------------------------------------------------------------------------
    def error(self, message: str, start: int, end: int | None = None) -> None:
        if self.stopped:
            return
        end = start + 1 if end is None else end
        end = min(max(end, start), self.n)
        if len(self.errors) >= MAX_ERRORS:
            # A 900 KB broken host.json gave 120,000 errors, 6 s of parsing and a report of
            # 120,000 lines (issue 17): stop after MAX_ERRORS, say so at the place reached.
            self.stopped = True
            message = (
                f"more than {MAX_ERRORS} errors in this file; the rest is not read "
                "(fix the errors above, or check that this is the JSON file you meant)"
            )
            self.errors.append(JsonError(message, self.lines.range(min(start, self.n), end)))
            return
        self.errors.append(JsonError(message, self.lines.range(min(start, self.n), end)))

    def skip_ws(self) -> None:
        if self.stopped:
            self.i = self.n
            return
        text, n = self.text, self.n
        i = self.i
        while i < n:
            c = text[i]
            if _is_ws(c):
                i += 1
            elif c == "/" and i + 1 < n and text[i + 1] == "/":
                j = text.find("\n", i)
                i = n if j == -1 else j + 1
            elif c == "/" and i + 1 < n and text[i + 1] == "*":
                j = text.find("*/", i + 2)
                if j == -1:
                    self.i = i
                    self.error("comment is not closed: add '*/'", i, n)
                    i = n
                else:
                    i = j + 2
            else:
                break
        self.i = i

    def describe(self, i: int) -> str:
        if i >= self.n:
            return "the end of the file"
        c = self.text[i]
        if c == "\n":
            return "a line break"
        return f"'{c}'"

    def node(self, kind: NodeKind, start: int, end: int, value: Any = None) -> JsonNode:
        return JsonNode(kind, self.lines.range(start, end), start, end, value)

    # -- values ------------------------------------------------------------------------------
    def parse_value(self) -> JsonNode:
        self.skip_ws()
        if self.i >= self.n:
            at = self.typed_end()  # after the ':' or ',' typed last, as not_closed
            self.error("expected a value but the file ends here", at - 1, at)
            raise _Abort
        c = self.text[self.i]
        if c == "{":
            return self.parse_object()
        if c == "[":
            return self.parse_array()
        if c == '"':
            return self.parse_string()
        if c == "-" or c.isdigit():
            return self.parse_number()
        for word, kind, value in (
            ("true", "boolean", True),
            ("false", "boolean", False),
            ("null", "null", None),
        ):
            if self.text.startswith(word, self.i):
                start = self.i
                self.i += len(word)
                return self.node(kind, start, self.i, value)  # type: ignore[arg-type]
        start = self.i
        end = start
        while end < self.n and (self.text[end].isalnum() or self.text[end] in "_.'"):
            end += 1
        if end > start:
            word = self.text[start:end]
            hint = ""
            if word.startswith("'"):
                hint = "; JSON strings use double quotes"
            elif word.lower() in ("true", "false", "null"):
                hint = f"; write it in lower case: {word.lower()}"
            else:
                hint = '; put text in double quotes: "…"'
            self.error(f"'{word}' is not a JSON value{hint}", start, end)
        else:
            self.error(f"expected a value, found {self.describe(start)}", start)
        raise _Abort

    def parse_string(self) -> JsonNode:
        text, n = self.text, self.n
        start = self.i
        i = start + 1
        chunks: list[str] = []
        run = i
        while True:
            if i >= n:
                self.open_at_line_end(start, n)
            c = text[i]
            if c == '"':
                # A name's character right after the quote (never in valid JSON): maybe the
                # quote opens the next name (open_string.py); checked only then.
                after = text[i + 1 : i + 2]
                if after and (after.isalpha() or after in "_$"):
                    cut = cut_before_key(text, start, i)
                    if cut >= 0:
                        self.open_string_error = len(self.errors)
                        self.error(
                            "string is not closed before the next property name: add '\"'",
                            start,
                            cut,
                        )
                        self.i = cut
                        self.open_cut = True
                        raise _Abort
                chunks.append(text[run:i])
                i += 1
                break
            if c == "\n":
                self.open_at_line_end(start, i)
            if c == "\\":
                chunks.append(text[run:i])
                if i + 1 >= n:
                    i += 1
                    run = i
                    continue
                e = text[i + 1]
                if e in _ESCAPES:
                    chunks.append(_ESCAPES[e])
                    i += 2
                elif e == "u":
                    digits = text[i + 2 : i + 6]
                    if len(digits) == 4 and all(d in "0123456789abcdefABCDEF" for d in digits):
                        chunks.append(chr(int(digits, 16)))
                        i += 6
                    else:
                        self.error("'\\u' must be followed by four hex digits", i, i + 2)
                        i += 2
                else:
                    self.error(
                        f"'\\{e}' is not a JSON escape; write '\\\\' for a backslash", i, i + 2
                    )
                    chunks.append(e)
                    i += 2
                run = i
                continue
            i += 1
        self.i = i
        return self.node("string", start, i, "".join(chunks))

    def open_at_line_end(self, start: int, end: int) -> NoReturn:
        """Report the string opening at ``start`` left open up to ``end`` (a line break or the
        end of the text) and abort it: the container reads on after its own text when the
        line holds the structure's ',' / '}' / ']' after it, else from the next line."""
        cut = cut_at_line_end(self.text, start, end)
        where = " before the end of the line" if end < self.n else ""
        self.open_string_error = len(self.errors)
        self.error(f"string is not closed{where}: add '\"'", start, end if cut < 0 else cut)
        if cut >= 0:
            self.i = cut
            self.open_cut = True
        else:
            self.i = end
            self.open_line = end < self.n
        raise _Abort

    def not_closed(self, reported: int) -> None:
        """The text ends inside the containers being read: one error for them all, on the last
        character typed, where their closers go (vscode-json-languageservice puts its one
        "Expected comma or closing brace" there too). It was one error per container, each at
        its opening bracket: Emacs showed "object is not closed" on line 1 at every keystroke
        of a function.json typed top-down. None when an error was reported inside this
        container (``reported``: the errors before its bracket): a string left open or a
        value missing at the end is the one mistake, the brackets it leaves open are its
        consequences (a half-typed binding gave four errors for one open string)."""
        at = self.typed_end()
        if len(self.errors) > reported and (
            self._ends_at(self.errors[-1], at) or self.open_string_error >= reported
        ):
            return
        self.unclosed = list(self.open_containers)
        kinds = [kind for kind, _ in reversed(self.open_containers)]
        closers = ["'" + _CLOSERS[kind] + "'" for kind in kinds]
        lines = sorted({self.lines.position(o).line + 1 for _, o in self.open_containers})
        if len(kinds) == 1:
            message = f"{kinds[0]} is not closed: add {closers[0]} (it opens on line {lines[0]})"
        else:
            where = (
                f"line {lines[0]}"
                if len(lines) == 1
                else "lines " + _and([str(x) for x in reversed(lines)])
            )
            message = f"{_and(kinds)} are not closed: add {_and(closers)} (they open on {where})"
        self.error(message, at - 1, at)

    def _ends_at(self, error: JsonError, at: int) -> bool:
        """Whether ``error`` reaches the end of what is typed (``at``): the string left open
        or the value missing there is the one mistake. An error further up that the reader
        read on after exactly ('{"a": tru, "b": 1': a word that is not a value) is another
        mistake than the brackets left open at the end, and hid them: vscode-json-
        languageservice reports both ('Value expected' at 'tru', 'Expected comma or closing
        brace' at the end). A string left open further up still hides them
        (``open_string_error``)."""
        end = self.lines.position(at)
        return (error.range.end.line, error.range.end.column) >= (end.line, end.column)

    def typed_end(self) -> int:
        """The end of the last character typed that is not white space (a comment's counts)."""
        at = self.n
        while at > 1 and _is_ws(self.text[at - 1]):
            at -= 1
        return at

    def resume_after_cut(self, closer: str) -> bool:
        """After a string cut short (``open_cut``): whether a member or item comes next (not
        the ',' or ``closer`` already at the place reached)."""
        self.open_cut = False
        at = self.i
        while at < self.n and _is_ws(self.text[at]):
            at += 1
        return not (at < self.n and self.text[at] in "," + closer)

    def parse_number(self) -> JsonNode:
        text, n = self.text, self.n
        start = i = self.i
        if text[i] == "-":
            i += 1
        digits_start = i
        while i < n and text[i].isdigit():
            i += 1
        if i == digits_start:
            self.error("'-' must be followed by digits", start, i + 1)
            self.i = i
            raise _Abort
        is_float = False
        if i < n and text[i] == ".":
            is_float = True
            i += 1
            frac = i
            while i < n and text[i].isdigit():
                i += 1
            if i == frac:
                self.error("a decimal point must be followed by digits", start, i)
        if i < n and text[i] in "eE":
            is_float = True
            i += 1
            if i < n and text[i] in "+-":
                i += 1
            exp = i
            while i < n and text[i].isdigit():
                i += 1
            if i == exp:
                self.error("an exponent must have digits", start, i)
        raw = text[start:i]
        self.i = i
        try:
            value: Any = float(raw) if is_float else int(raw)
        except ValueError:
            value = None
        return self.node("number", start, i, value)

    def resync(self, closer: str) -> bool:
        """Skip to the next ',' (True) or to ``closer`` / end of input (False) at this depth."""
        text, n = self.text, self.n
        depth = 0
        i = self.i
        while i < n:
            c = text[i]
            if c == '"':
                j = i + 1
                while j < n and text[j] not in '"\n':
                    j += 2 if text[j] == "\\" else 1
                i = j + 1
                continue
            if c in "{[":
                depth += 1
            elif c in "}]":
                if depth == 0:
                    self.i = i
                    return False
                depth -= 1
            elif c == "," and depth == 0:
                self.i = i + 1
                return True
            i += 1
        self.i = n
        return False

    def _key_follows(self) -> bool:
        """Whether the string just read is followed by a ':' (spaces and comments between),
        so is a property name; the parser's place and errors are left as they were."""
        at, reported, stopped = self.i, len(self.errors), self.stopped
        self.skip_ws()  # may report a comment not closed: the caller's skip reports it
        found = self.i < self.n and self.text[self.i] == ":"
        self.i, self.stopped = at, stopped
        del self.errors[reported:]
        return found

    def parse_object(self) -> JsonNode:
        start = self.i
        self.i += 1
        obj = self.node("object", start, start + 1)
        self.depth += 1
        if self.depth > 200:
            self.error("nesting is too deep", start)
            raise _Abort
        reported = len(self.errors)
        self.open_containers.append(("object", start))
        expect_member = True
        while True:
            self.skip_ws()
            if self.i >= self.n:
                self.not_closed(reported)
                obj.complete = False
                break
            c = self.text[self.i]
            if c == "}":
                self.i += 1
                break
            if c == "]":
                self.error("expected '}' to close the object, found ']'", self.i)
                obj.complete = False
                break
            if c == "," and not expect_member:
                self.i += 1
                expect_member = True
                continue
            if not expect_member:
                prev = obj.members[-1].range.end if obj.members else None
                at = self.lines.offset(prev) if prev else self.i
                self.error(f"expected ',' or '}}' here, found {self.describe(self.i)}", at)
                obj.complete = False
            member_start = self.i
            try:
                if c != '"':
                    if c == "'":
                        self.error("property names need double quotes", self.i)
                    elif c == ",":
                        self.error("there is no property before this ','", self.i)
                    else:
                        found = self.describe(self.i)
                        self.error(
                            f"expected a property name in double quotes, found {found}", self.i
                        )
                    raise _Abort
                key_node = self.parse_string()
                self.skip_ws()
                if self.i >= self.n or self.text[self.i] != ":":
                    self.error(
                        f"expected ':' after property name \"{key_node.value}\"", key_node.end
                    )
                    obj.members.append(
                        JsonMember(key_node.value, key_node.range, None, key_node.range)
                    )
                    raise _Abort
                colon = self.i
                self.i += 1
                try:
                    value = self.parse_value()
                except _Abort:
                    obj.members.append(
                        JsonMember(
                            key_node.value,
                            key_node.range,
                            None,
                            self.lines.range(member_start, max(self.i, key_node.end)),
                        )
                    )
                    raise
                if value.kind == "string" and self._key_follows():
                    # A member whose value is not typed yet ("version": on a line of its own):
                    # the string after its ':' is the next member's key, not its value (the
                    # hover on "logging" below a half-typed member named the half-typed key).
                    self.error(
                        f'"{key_node.value}" has no value: add one after \':\' ("{value.value}" '
                        "after it is the next property's name)",
                        colon,
                    )
                    obj.members.append(
                        JsonMember(
                            key_node.value,
                            key_node.range,
                            None,
                            self.lines.range(member_start, colon + 1),
                        )
                    )
                    obj.complete = False
                    self.i = value.start
                    expect_member = True
                    continue
                obj.members.append(
                    JsonMember(
                        key_node.value,
                        key_node.range,
                        value,
                        self.lines.range(member_start, value.end),
                    )
                )
                if not value.complete:
                    obj.complete = False
                expect_member = False
            except _Abort:
                obj.complete = False
                if self.open_cut:
                    expect_member = self.resume_after_cut("}")
                    if not self.stopped:
                        continue
                open_line, self.open_line = self.open_line, False
                if open_line and not self.stopped:
                    expect_member = True
                    continue
                if self.resync("}"):
                    expect_member = True
                    continue
                if self.i < self.n and self.text[self.i] == "}":
                    self.i += 1
                    break
                if self.i < self.n and self.text[self.i] == "]":
                    # A ']' where '}' belongs: report it once and close this object here.
                    self.error("expected '}' to close the object, found ']'", self.i)
                    break
                break
        self.depth -= 1
        self.open_containers.pop()
        obj.end = self.i
        obj.range = self.lines.range(start, self.i)
        return obj

    def parse_array(self) -> JsonNode:
        start = self.i
        self.i += 1
        arr = self.node("array", start, start + 1)
        self.depth += 1
        if self.depth > 200:
            self.error("nesting is too deep", start)
            raise _Abort
        reported = len(self.errors)
        self.open_containers.append(("array", start))
        expect_item = True
        while True:
            self.skip_ws()
            if self.i >= self.n:
                self.not_closed(reported)
                arr.complete = False
                break
            c = self.text[self.i]
            if c == "]":
                self.i += 1
                break
            if c == "}":
                self.error("expected ']' to close the array, found '}'", self.i)
                arr.complete = False
                break
            if c == "," and not expect_item:
                self.i += 1
                expect_item = True
                continue
            if not expect_item:
                at = arr.items[-1].end if arr.items else self.i
                self.error(f"expected ',' or ']' here, found {self.describe(self.i)}", at)
                arr.complete = False
            try:
                if c == ",":
                    self.error("there is no item before this ','", self.i)
                    raise _Abort
                item = self.parse_value()
                arr.items.append(item)
                if not item.complete:
                    arr.complete = False
                expect_item = False
            except _Abort:
                arr.complete = False
                if self.open_cut:
                    expect_item = self.resume_after_cut("]")
                    if not self.stopped:
                        continue
                # A string left open at its line's end: read on from the next line, as an
                # object does (a lone '"' between two bindings on their own lines lost the
                # binding below it: resync skipped to the ',' after it).
                open_line, self.open_line = self.open_line, False
                if open_line and not self.stopped:
                    expect_item = True
                    continue
                if self.resync("]"):
                    expect_item = True
                    continue
                if self.i < self.n and self.text[self.i] == "]":
                    self.i += 1
                    break
                if self.i < self.n and self.text[self.i] == "}":
                    self.error("expected ']' to close the array, found '}'", self.i)
                    break
                break
        self.depth -= 1
        self.open_containers.pop()
        arr.end = self.i
        arr.range = self.lines.range(start, self.i)
        return arr

    def parse_document(self) -> JsonNode | None:
        self.skip_ws()
        if self.i >= self.n:
            self.error("the file is empty; it must hold a JSON object", 0, 0)
            return None
        try:
            root = self.parse_value()
        except _Abort:
            return None
        self.skip_ws()
        if self.i < self.n:
            self.error(
                f"unexpected {self.describe(self.i)} after the end of the JSON value",
                self.i,
                self.n,
            )
        return root


def unclosed_containers(text: str) -> tuple[list[tuple[str, int]], int]:
    """The objects and arrays ``text`` ends inside with no other error in them (outermost
    first: kind and the offset of its bracket), and the end of the last character typed;
    ([], end) when the text has no such 'not closed' error."""
    parser = JsonParser(text)
    parser.parse_document()
    return parser.unclosed, parser.typed_end()
