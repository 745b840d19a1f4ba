"""Retry policies: `@app.retry(...)` and function.json `"retry"`, run as the host runs them.

On a failed invocation the host runs the function again, up to `maxRetryCount` times (-1:
without end), waiting `delayInterval` (fixedDelay) or a delay that doubles from
`minimumInterval` up to `maximumInterval` (exponentialBackoff); the function sees the attempt
in `context.retry_context` (retry_count from 0, max_retry_count). The host applies retry
policies to Timer, Event Hubs, Cosmos DB and Kafka triggers; others keep their own
redelivery (queue and blob poison handling), and HTTP is never retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from funcls.model.parsers.timespan import TimeSpanError, parse_timespan

RETRY_TRIGGERS = frozenset({"timertrigger", "eventhubtrigger", "cosmosdbtrigger", "kafkatrigger"})


class RetryPolicyError(ValueError):
    pass


@dataclass(frozen=True)
class RetryPolicy:
    exponential: bool
    max_retry_count: int  # -1: retry without end
    delay: float = 0.0  # fixedDelay
    minimum: float = 0.0  # exponentialBackoff
    maximum: float = 0.0

    def delay_before(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        if not self.exponential:
            return self.delay
        return float(min(self.maximum, self.minimum * 2.0 ** max(0, retry - 1)))

    def allows(self, retry: int) -> bool:
        return self.max_retry_count < 0 or retry <= self.max_retry_count


def _seconds(raw: dict[str, Any], key: str) -> float:
    value = raw.get(key)
    if value is None or value == "":
        raise RetryPolicyError(f"'{key}' is missing; write a duration such as 00:00:05")
    try:
        return parse_timespan(str(value)).value.total_seconds()
    except TimeSpanError as error:
        raise RetryPolicyError(f"'{key}' {value!r}: {error}") from None


def parse_retry(raw: Any) -> RetryPolicy | None:
    """The policy of a function.json "retry" object; RetryPolicyError says what is wrong."""
    if not isinstance(raw, dict):
        return None
    strategy = str(raw.get("strategy", "")).replace("_", "").lower()
    try:
        count = int(str(raw.get("maxRetryCount")))
    except ValueError:
        raise RetryPolicyError(
            f"maxRetryCount {raw.get('maxRetryCount')!r} is not a whole number (-1: no limit)"
        ) from None
    if strategy == "fixeddelay":
        return RetryPolicy(False, count, delay=_seconds(raw, "delayInterval"))
    if strategy == "exponentialbackoff":
        return RetryPolicy(
            True,
            count,
            minimum=_seconds(raw, "minimumInterval"),
            maximum=_seconds(raw, "maximumInterval"),
        )
    raise RetryPolicyError(
        f"strategy {raw.get('strategy')!r} is not fixedDelay (fixed_delay) or "
        "exponentialBackoff (exponential_backoff)"
    )
