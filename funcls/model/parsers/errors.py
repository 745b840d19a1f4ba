"""What every parser in this package reports when input is wrong.

Offsets are ``str`` indices into the text the parser was given (start inclusive, end
exclusive), so a consumer that knows where the string sits in a file can turn them into a
source range without re-parsing.

Parsers raise a subclass of :class:`ParseError` for input the Functions host rejects, and
attach :class:`ParseWarning` objects to their result for input the host accepts but that is
almost certainly not what the author meant (a step of 0, a reversed range, …).
"""

from __future__ import annotations

from funcls.model.fastclass import dataclass


class ParseError(ValueError):
    """Input the platform rejects; ``message`` says what is wrong and how to fix it."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Input the platform accepts but that likely does something unexpected."""

    message: str
    start: int
    end: int
    kind: str = ""  # a short stable name for the situation, for consumers to key rules on
