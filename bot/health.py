"""Is the bot well: its store answers, and its connection to the chat platform is up.

A probe is an async callable answering ``(ok, detail)``. The store probe reads the job counts
(the same query the metrics make); the connection probes read the client's own state (the
Discord gateway's WebSocket, the Slack Socket Mode session) without importing either library.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .store import Store

Probe = Callable[[], Awaitable[tuple[bool, str]]]
PROBE_TIMEOUT = 3.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


class Health:
    def __init__(self, probes: dict[str, Probe]) -> None:
        self.probes = probes

    async def checks(self) -> list[Check]:
        return list(await asyncio.gather(*(self._run(n, p) for n, p in self.probes.items())))

    async def _run(self, name: str, probe: Probe) -> Check:
        try:
            ok, detail = await asyncio.wait_for(probe(), PROBE_TIMEOUT)
        except TimeoutError:
            return Check(name, False, f"no answer within {PROBE_TIMEOUT:g} s")
        except Exception as exc:  # a probe that fails says why, it does not fail the endpoint
            return Check(name, False, f"{type(exc).__name__}: {exc}"[:300])
        return Check(name, ok, detail)


def store_probe(store: Store) -> Probe:
    async def probe() -> tuple[bool, str]:
        counts = await store.job_counts()
        n = sum(counts.values())
        return True, f"reachable, {n} job{'s' if n != 1 else ''}"

    return probe


def gateway_probe(client: Any) -> Probe:
    """A discord.py client: ready, not closed, its gateway WebSocket open."""

    async def probe() -> tuple[bool, str]:
        if client.is_closed():
            return False, "the client is closed"
        ws = getattr(client, "ws", None)
        if not client.is_ready() or ws is None:
            return False, "not connected to the gateway yet"
        if not ws.open:
            return False, "the gateway connection is down, reconnecting"
        latency = client.latency
        shown = f", heartbeat {latency * 1000:.0f} ms" if math.isfinite(latency) else ""
        return True, f"connected to the gateway{shown}"

    return probe


def socket_mode_probe(handler: Any) -> Probe:
    """A slack_bolt ``AsyncSocketModeHandler``: its Socket Mode session is connected."""

    async def probe() -> tuple[bool, str]:
        if await handler.client.is_connected():
            return True, "Socket Mode connected"
        return False, "the Socket Mode connection is down, reconnecting"

    return probe
