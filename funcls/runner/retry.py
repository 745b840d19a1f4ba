"""Retry policies: `@app.retry(...)` and function.json `"retry"`, run as the host runs them.

On a failed invocation the host runs the function again, up to `maxRetryCount` times (-1:
without end), waiting `delayInterval` (fixedDelay) or a randomized exponential delay
(exponentialBackoff, below); the function sees the attempt in `context.retry_context`
(retry_count from 0, max_retry_count, and the previous attempt's failure as `exception`).
The host applies retry policies to Timer, Event Hubs, Cosmos DB and Kafka triggers (the
catalogue's `BindingSpec.host_retries`, gathered in `funcls.model.runnable.RETRY_TRIGGERS`);
others keep their own redelivery (queue and blob poison handling), and HTTP is never retried.

The loop is azure-webjobs-sdk's FunctionExecutorExtensions.TryExecuteAsync: after a failure
RetryContext.RetryCount is incremented, RetryContext.Exception becomes that failure, and the
strategy's next delay is awaited. ExponentialBackoffRetryAttribute keeps one
RandomizedExponentialBackoffStrategy per chain of retries, with deltaBackoff =
minimumInterval and RandomizationFactor 0.2: the first delay is minimumInterval, then
`minimum + uniform(0.8, 1.2) * 2^(n-1) * minimum` for n = 1, 2, … until that reaches
maximumInterval, which is then kept (so with 1 s and 10 s: 1, ~2, ~3, ~5, ~9, 10, 10 …).
"""

from __future__ import annotations

import random
from dataclasses import field
from typing import Any

from funcls.model.fastclass import dataclass

RANDOMIZATION_FACTOR = 0.2
"""RandomizedExponentialBackoffStrategy.RandomizationFactor of the WebJobs SDK."""


class RetryPolicyError(ValueError):
    pass


@dataclass(frozen=True)
class RetryPolicy:
    exponential: bool
    max_retry_count: int  # -1: retry without end
    delay: float = 0.0  # fixedDelay
    minimum: float = 0.0  # exponentialBackoff
    maximum: float = 0.0

    def schedule(self, rng: random.Random | None = None) -> RetrySchedule:
        """The delays of one chain of retries (one failed invocation and its retries)."""
        return RetrySchedule(self, rng or random.Random())

    def allows(self, retry: int) -> bool:
        return self.max_retry_count < 0 or retry <= self.max_retry_count


@dataclass
class RetrySchedule:
    """Successive delays of one chain of retries, as the host computes them."""

    policy: RetryPolicy
    rng: random.Random
    _current: float = field(default=0.0, init=False)
    _exponent: int = field(default=0, init=False)

    def next_delay(self) -> float:
        """Seconds to wait before the next retry."""
        policy = self.policy
        if not policy.exponential:
            return policy.delay
        if self._current != policy.maximum:
            backoff = policy.minimum
            if self._exponent > 0:
                factor = self.rng.uniform(1.0 - RANDOMIZATION_FACTOR, 1.0 + RANDOMIZATION_FACTOR)
                backoff += factor * 2.0 ** (self._exponent - 1) * policy.minimum
            if backoff < policy.maximum:
                self._current = backoff
                self._exponent += 1
            else:
                self._current = policy.maximum
        return self._current


def retry_exception(function_name: str, error: dict[str, str] | None) -> dict[str, str]:
    """RetryContext.Exception as the host sends it to the worker (an RpcException of the
    previous attempt's failure: ScriptInvocationContextExtensions.SetRetryContext writes
    ExceptionFormatter.GetFormattedException of the FunctionInvocationException that wraps
    the worker's RpcException). The .NET stack trace of those wrappers is not reproduced."""
    error = error or {}
    inner = (
        f"Result: Failure\nException: {error.get('type', 'Exception')}: {error.get('message', '')}"
    )
    stack = str(error.get("traceback") or "").rstrip("\n")
    if stack:
        inner += f"\nStack: {stack}"
    message = (
        "Microsoft.Azure.WebJobs.Host.FunctionInvocationException : Exception while executing "
        f"function: Functions.{function_name} ---> "
        f"Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException : {inner}\n"
        "   End of inner exception"
    )
    return {"message": message, "source": "Microsoft.Azure.WebJobs.Host", "stack_trace": ""}


def _seconds(raw: dict[str, Any], key: str) -> float:
    value = raw.get(key)
    if value is None or value == "":
        raise RetryPolicyError(f"'{key}' is missing; write a duration such as 00:00:05")
    # Imported for a policy with a duration only: not on the way to the runner's first answer
    # (issue 16; 14 ms compiled from source).
    from funcls.model.parsers.timespan import TimeSpanError, parse_timespan

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
        minimum = _seconds(raw, "minimumInterval")
        maximum = _seconds(raw, "maximumInterval")
        if minimum > maximum:
            # RandomizedExponentialBackoffStrategy.ValidateIntervals refuses it too.
            raise RetryPolicyError(
                f"minimumInterval {raw.get('minimumInterval')!r} is longer than "
                f"maximumInterval {raw.get('maximumInterval')!r}"
            )
        return RetryPolicy(True, count, minimum=minimum, maximum=maximum)
    raise RetryPolicyError(
        f"strategy {raw.get('strategy')!r} is not fixedDelay (fixed_delay) or "
        "exponentialBackoff (exponential_backoff)"
    )
