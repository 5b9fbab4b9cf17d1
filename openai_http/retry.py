"""Trying again: how long to wait (the server's ``Retry-After``, our own jittered exponential
backoff) and a bounded retry loop.

Servers ask for a wait in three forms: ``retry-after-ms: 1500`` (OpenAI's), ``Retry-After: 2``
(seconds; fractions are common) and ``Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`` (an HTTP
date). :class:`Backoff` makes the n-th retry wait ``base * 2**(n - 1)`` seconds, at most
``cap``, shortened by a random share of up to ``jitter`` so that clients that failed together
do not all come back together; what the server asks for is a floor, ``cap`` the ceiling.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any, TypeVar

from .failures import headers_of, is_transient

T = TypeVar("T")
Clock = Callable[[], float]
Dice = Callable[[], float]  # a random number in [0, 1)


def retry_after(headers: Mapping[str, str] | Any | None, *, now: Clock = time.time) -> float | None:
    """The seconds a server asks to wait (``retry-after-ms``, else ``Retry-After`` in seconds or
    as an HTTP date), never negative; None when it asks nothing readable."""
    if headers is None:
        return None
    millis = _number(_header(headers, "retry-after-ms"))
    if millis is not None:
        return max(0.0, millis / 1000)
    value = _header(headers, "retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is None:
        seconds = _until(value, now)
    return None if seconds is None else max(0.0, seconds)


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long to wait before each retry (see the module docstring)."""

    base: float = 1.0
    cap: float = 30.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if self.base < 0 or self.cap < 0:
            raise ValueError(f"backoff times must not be negative, not {self.base}/{self.cap}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter is a share from 0 to 1, not {self.jitter}")

    def wait(self, retry: int, *, dice: Dice = random.random) -> float:
        """Our own wait before retry number ``retry`` (1 for the first)."""
        exponent = min(max(retry, 1) - 1, 64)
        return min(self.cap, self.base * 2.0**exponent) * (1 - self.jitter * dice())

    def delay(
        self,
        retry: int,
        headers: Mapping[str, str] | Any | None = None,
        *,
        now: Clock = time.time,
        dice: Dice = random.random,
    ) -> float:
        """The wait before retry number ``retry``: ours, or longer when the answer's headers
        ask for longer, never more than ``cap``."""
        wait = self.wait(retry, dice=dice)
        asked = retry_after(headers, now=now)
        if asked is not None:
            wait = max(wait, asked)
        return min(self.cap, wait)


@dataclass(frozen=True, slots=True)
class Retry:
    """A retry about to happen: try ``number`` of ``attempts``, after ``delay`` seconds,
    because of ``error``."""

    number: int
    attempts: int
    error: Exception
    delay: float


async def retrying(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int,
    backoff: Backoff,
    on_retry: Callable[[Retry], None] | None = None,
    transient: Callable[[BaseException], bool] = is_transient,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """``await call()``; when it fails transiently, wait (:meth:`Backoff.delay`) and call again,
    ``attempts`` times in all. The last failure, or any failure that is not transient, is
    raised as it is, for the caller to put in its own words."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, not {attempts}")
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except Exception as exc:
            if attempt >= attempts or not transient(exc):
                raise
            delay = backoff.delay(attempt, headers_of(exc))
            if on_retry is not None:
                on_retry(Retry(attempt + 1, attempts, exc, delay))
            await sleep(delay)
    raise AssertionError("the loop returns or raises")  # pragma: no cover


def _header(headers: Any, name: str) -> str | None:
    value = headers.get(name)  # httpx's headers ignore case; a plain dict may not
    if value is None and isinstance(headers, Mapping):
        value = next((v for k, v in headers.items() if str(k).lower() == name), None)
    return None if value is None else str(value)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _until(date: str, now: Clock) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": HTTP dates are in GMT
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - now()
