"""The retry delays of funcls.runner.retry against the WebJobs SDK's strategies (pure)."""

from __future__ import annotations

import random

import pytest

from funcls.runner.retry import RetryPolicy, RetryPolicyError, parse_retry, retry_exception


def delays(policy: RetryPolicy, count: int, seed: int) -> list[float]:
    schedule = policy.schedule(random.Random(seed))
    return [schedule.next_delay() for _ in range(count)]


@pytest.mark.parametrize("seed", range(20))
def test_exponential_backoff_follows_the_randomized_strategy(seed: int) -> None:
    policy = RetryPolicy(True, -1, minimum=1.0, maximum=10.0)
    got = delays(policy, 8, seed)
    # RandomizedExponentialBackoffStrategy: min, then min + U(0.8, 1.2) * 2^(n-1) * min
    # while below max, then max for good.
    assert got[0] == 1.0
    assert 1.8 <= got[1] <= 2.2
    assert 2.6 <= got[2] <= 3.4
    assert 4.2 <= got[3] <= 5.8
    assert 7.4 <= got[4] <= 10.0
    assert got[5:] == [10.0, 10.0, 10.0]
    assert got == sorted(got)


def test_exponential_backoff_is_random_like_the_host_s() -> None:
    policy = RetryPolicy(True, 5, minimum=2.0, maximum=60.0)
    runs = {tuple(delays(policy, 4, seed)) for seed in range(10)}
    assert len(runs) == 10
    assert {run[0] for run in runs} == {2.0}


def test_equal_intervals_and_fixed_delay() -> None:
    assert delays(RetryPolicy(True, 3, minimum=5.0, maximum=5.0), 3, 0) == [5.0, 5.0, 5.0]
    assert delays(RetryPolicy(False, 3, delay=0.5), 3, 0) == [0.5, 0.5, 0.5]


def test_minimum_longer_than_maximum_is_refused() -> None:
    with pytest.raises(RetryPolicyError, match="minimumInterval '00:00:10' is longer"):
        parse_retry(
            {
                "strategy": "exponentialBackoff",
                "maxRetryCount": 3,
                "minimumInterval": "00:00:10",
                "maximumInterval": "00:00:01",
            }
        )


def test_retry_exception_wraps_the_worker_failure_as_the_host_formats_it() -> None:
    error = {"type": "ValueError", "message": "bad", "traceback": "  File x, line 1\n"}
    assert retry_exception("fn", error) == {
        "message": "Microsoft.Azure.WebJobs.Host.FunctionInvocationException : Exception while "
        "executing function: Functions.fn ---> Microsoft.Azure.WebJobs.Script.Workers.Rpc."
        "RpcException : Result: Failure\nException: ValueError: bad\nStack:   File x, line 1\n"
        "   End of inner exception",
        "source": "Microsoft.Azure.WebJobs.Host",
        "stack_trace": "",
    }
