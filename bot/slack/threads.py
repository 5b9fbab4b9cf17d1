"""Slack threads and the conversations they hold, linked through the engine (kept in the store:
they survive restarts).

A conversation lives in one thread: ``<channel>:<thread ts>`` is its link key; the link's data
holds who asked, the workspace, and the message that shows the first render's progress.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..engine import LinkKeeper

PLATFORM = "slack"


@dataclass(frozen=True)
class SlackThread:
    channel: str
    thread_ts: str  # the thread's parent message
    owner: str  # the Slack user id of the person who asked
    team: str  # the workspace: render limits are counted per workspace
    status_ts: str | None = None  # the message edited with version 1's progress

    @property
    def key(self) -> str:
        return thread_key(self.channel, self.thread_ts)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SlackThread:
        return cls(
            channel=str(data["channel"]),
            thread_ts=str(data["thread_ts"]),
            owner=str(data["owner"]),
            team=str(data.get("team", "")),
            status_ts=data.get("status_ts"),
        )


def thread_key(channel: str, thread_ts: str) -> str:
    return f"{channel}:{thread_ts}"


async def link(links: LinkKeeper, thread: SlackThread, conversation_id: str) -> None:
    await links.link_thread(PLATFORM, thread.key, conversation_id, asdict(thread))


async def find(links: LinkKeeper, channel: str, thread_ts: str) -> tuple[str, SlackThread] | None:
    """The conversation held by a thread, if any."""
    found = await links.conversation_for(PLATFORM, thread_key(channel, thread_ts))
    if found is None:
        return None
    conversation_id, data = found
    return conversation_id, SlackThread.from_data(data)


async def thread_of(links: LinkKeeper, conversation_id: str) -> SlackThread | None:
    """The thread a conversation lives in (to answer there after a restart)."""
    for _key, data in await links.links_of(conversation_id, PLATFORM):
        if "thread_ts" in data:  # (not a status or message link of the same conversation)
            return SlackThread.from_data(data)
    return None
