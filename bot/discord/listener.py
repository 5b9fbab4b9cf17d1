"""What each of the bot's listeners (commands and buttons, thread messages, reactions) works
over: the engine, the configuration, the thread links, where replies go, and the duplicate
deliveries already seen."""

from __future__ import annotations

from ..engine import ConversationEngine
from .config import DiscordConfig
from .dedup import Deliveries
from .destinations import Destinations
from .links import Links


class Listener:
    """The parts every listener of the bot shares (built once, by the client)."""

    def __init__(
        self,
        engine: ConversationEngine,
        config: DiscordConfig,
        links: Links,
        destinations: Destinations,
        deliveries: Deliveries,
    ) -> None:
        self.engine = engine
        self.config = config
        self.links = links
        self.destinations = destinations
        self.deliveries = deliveries
