"""The engine's replies, as Slack calls in one thread: messages (``chat.postMessage``), a
progress message per render (``chat.update``, throttled), the storyboard and the video
(``files_upload_v2``), and the result card with its buttons.

When Slack refuses something, the thread is told in plain words what went wrong; when the bot
cannot post in the thread at all, the log says what to fix (invite the app, add a scope...).
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

from deck import Deck

from ..engine import ExportReady, JobUpdate, VideoReady
from . import blocks
from .errors import Problem, SlackCallFailed
from .status import StatusMessage
from .threads import SlackThread
from .web import SlackWeb

log = logging.getLogger(__name__)


class SlackSink:
    """A :class:`~bot.engine.ReplySink` for one conversation's Slack thread."""

    def __init__(
        self,
        web: SlackWeb,
        thread: SlackThread,
        *,
        edit_interval: float = 1.5,
        conversation_id: str | None = None,
        reply: bool = False,
    ) -> None:
        self.web = web
        self.thread = thread
        self.edit_interval = edit_interval
        self.conversation_id = conversation_id
        # The request's own message shows version 1's progress; a reply's renders (an undo
        # back to version 1 included) get messages of their own.
        self.first_status_ts = None if reply else thread.status_ts
        self._status: dict[int, StatusMessage] = {}

    # -- the engine's calls ---------------------------------------------------------------

    async def say(self, text: str) -> None:
        await self._post(blocks.escape(text))

    async def planned(self, deck: Deck, version: int) -> None:
        text, plan = blocks.plan_blocks(deck, version)
        await self._post(text, plan)

    async def progress(self, update: JobUpdate) -> None:
        self.conversation_id = update.conversation_id
        status = self.status(update.version)
        if update.state == "cancelled":
            who = f" by <@{update.by}>" if update.by else ""
            await status.show(
                f":stop_button: The render of version {update.version} was cancelled{who}.",
                final=True,
            )
            return
        if update.state == "superseded":
            newer = f"version {update.replaced_by}" if update.replaced_by else "a newer version"
            await status.show(
                f":fast_forward: Version {update.version} was replaced by {newer}.", final=True
            )
            return
        if update.state == "queued" and not update.waits:
            return  # about to start: the first progress says so
        await status.show(
            blocks.progress_text(update), buttons=blocks.rendering_buttons(update.conversation_id)
        )

    async def storyboard(self, path: Path, deck: Deck, version: int) -> None:
        status = self.status(version)
        await status.show(
            f":frame_with_picture: Version {version}: all slides drawn, encoding the video…"
        )
        try:
            data = await asyncio.to_thread(path.read_bytes)
            await self.web.upload(
                self.thread.channel,
                data,
                filename=f"storyboard-v{version}.png",
                title=f"{deck.title} — storyboard (version {version})",
                thread_ts=self.thread.thread_ts,
            )
        except SlackCallFailed as exc:  # the video upload will say it again if it matters
            log.warning("storyboard not shared in %s: %s", self.thread.channel, exc.problem.fix)
        except OSError as exc:
            log.warning("storyboard %s unreadable: %s", path, exc)

    async def video(self, ready: VideoReady) -> None:
        self.conversation_id = ready.conversation_id
        status = self.status(ready.version)
        await status.show(
            f":arrow_up: Version {ready.version} is rendered; uploading the video…", force=True
        )
        try:
            data = await asyncio.to_thread(ready.video.read_bytes)
        except OSError as exc:
            log.error("video %s unreadable: %s", ready.video, exc)
            await self.failed(
                f"The video of version {ready.version} was made but cannot be read on the "
                'server; say "render" to make it again.'
            )
            return
        try:
            await self.web.upload(
                self.thread.channel,
                data,
                filename=f"{_slug(ready.deck.title)}-v{ready.version}.mp4",
                title=f"{ready.deck.title} (version {ready.version})",
                thread_ts=self.thread.thread_ts,
                comment=f"<@{self.thread.owner}> here is version {ready.version}.",
            )
        except SlackCallFailed as exc:
            await status.show(
                f":warning: Version {ready.version} is rendered, but the upload failed.",
                final=True,
            )
            await self._tell(
                exc.problem,
                f"I could not upload the video of version {ready.version}: {exc.problem.chat} "
                'The video is kept; say "render" here to try the upload again.',
            )
            return
        await status.show(blocks.ready_text(ready), final=True)
        text, card = blocks.result_blocks(ready)
        await self._post(text, card)

    async def script(self, markdown: str, deck: Deck, version: int) -> None:
        text = blocks.script_text(markdown, version)
        if text is not None:
            await self._post(text)
            return
        try:
            await self.web.upload(
                self.thread.channel,
                markdown.encode("utf-8"),
                filename=f"{_slug(deck.title)}-v{version}.md",
                title=f"{deck.title} — script (version {version})",
                thread_ts=self.thread.thread_ts,
                comment=f"The script of version {version}.",
            )
        except SlackCallFailed as exc:
            await self._tell(exc.problem, f"I could not share the script: {exc.problem.chat}")

    async def exported(self, ready: ExportReady) -> None:
        stem = f"{_slug(ready.deck.title)}-v{ready.version}"
        try:
            for path, kind in ((ready.pptx, "PowerPoint"), (ready.pdf, "PDF")):
                data = await asyncio.to_thread(path.read_bytes)
                await self.web.upload(
                    self.thread.channel,
                    data,
                    filename=f"{stem}{path.suffix}",
                    title=f"{ready.deck.title} — {kind} (version {ready.version})",
                    thread_ts=self.thread.thread_ts,
                    comment=f"Version {ready.version} as {kind}." if kind == "PowerPoint" else None,
                )
        except SlackCallFailed as exc:
            await self._tell(exc.problem, f"I could not share the deck: {exc.problem.chat}")

    async def too_big(self, ready: VideoReady, limit: int) -> None:
        await self.status(ready.version).show(
            f":warning: Version {ready.version} is rendered, but too big to upload here.",
            final=True,
        )
        await self._post(
            f":warning: The video of version {ready.version} is {ready.size_bytes / 1e6:.1f} MB, "
            f"more than Slack takes here ({limit / 1e6:.1f} MB) even as a smaller copy. Make it "
            'shorter ("remove slide 5", "shorter narration") and I will try again.'
        )

    async def failed(self, message: str, *, version: int | None = None) -> None:
        if version is not None:  # a render failed: its progress message says so too
            await self.status(version).show(
                f":warning: The render of version {version} failed (see the thread).", final=True
            )
        text = f":warning: {blocks.escape(message)}"
        await self._post(text)

    # -- helpers for the handlers ---------------------------------------------------------

    def status(self, version: int) -> StatusMessage:
        """The message that shows ``version``'s progress. Version 1 uses the message posted
        when the request came in; later versions get a new message in the thread."""
        message = self._status.get(version)
        if message is None:
            ts = self.first_status_ts if version == 1 else None
            message = StatusMessage(
                self.web,
                self.thread.channel,
                thread_ts=self.thread.thread_ts,
                ts=ts,
                interval=self.edit_interval,
            )
            self._status[version] = message
        return message

    async def close(self) -> None:
        for message in self._status.values():
            await message.close()

    async def _post(self, text: str, block_list: list[blocks.Block] | None = None) -> None:
        try:
            await self.web.post(
                self.thread.channel, text, thread_ts=self.thread.thread_ts, blocks=block_list
            )
        except SlackCallFailed as exc:
            log.error(
                "cannot answer in Slack thread %s: %s (the answer was: %s)",
                self.thread.key,
                exc.problem.fix,
                blocks.clip(text, 200),
            )

    async def _tell(self, problem: Problem, text: str) -> None:
        """Tell the thread about a failed call, and the operator what to fix."""
        log.error("Slack thread %s: %s", self.thread.key, problem.fix)
        await self._post(f":warning: {text}")


def _slug(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:60].strip("-") or "deckcast"
