"""Duplicate deliveries: the gateway may hand the bot the same interaction or message twice
(a resumed session, a retry). The first sighting is remembered in memory (no I/O before the
3-second acknowledgement) and by the engine, in the store (so a restart does not forget)."""

from __future__ import annotations

from collections import OrderedDict

from ..engine import LinkKeeper
from .translate import PLATFORM


class Deliveries:
    def __init__(self, keeper: LinkKeeper, *, remember: int = 10_000) -> None:
        self.keeper = keeper
        self.remember = remember
        self._seen: OrderedDict[str, None] = OrderedDict()

    def fresh(self, kind: str, event_id: int) -> bool:
        """True the first time this process sees the event (instant, in memory)."""
        key = f"{kind}:{event_id}"
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self.remember:
            self._seen.popitem(last=False)
        return True

    async def first(self, kind: str, event_id: int) -> bool:
        """True the first time any process sees the event (checked in the store)."""
        return await self.keeper.first_delivery(PLATFORM, f"{kind}:{event_id}")
