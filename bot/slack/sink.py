"""The engine's replies, as Slack calls in one thread: messages (``chat.postMessage``), a
progress message per render (``chat.update``, throttled), the storyboard and the video
(Slack's three upload steps, passing faults tried again), and the result card with its buttons.

When Slack refuses something, the thread is told in plain words what went wrong; when the bot
cannot post in the thread at all, the log says what to fix (invite the app, add a scope...).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from deck import Deck

from ..engine import ExportReady, JobUpdate, VideoReady
from ..errors import UploadFailed, UploadTooLarge
from . import blocks
from .errors import TOO_BIG, Problem, SlackCallFailed
from .status import StatusMessage
from .threads import SlackThread
from .web import SlackWeb

log = logging.getLogger(__name__)

SMALLER_SHARE = 0.7  # a copy for a workspace that refused a file: 70% of the refused size
# The job is done once the status message says the video is ready: a "ready" edit Slack holds
# back (a rate limit, a 5xx) is waited for this long, so a stop right after does not leave the
# message at "uploading…" (a stop meanwhile leaves the job for the next start to finish).
FINISH_WITHIN = 30.0

# (conversation id, job id, version, ts of its status message): kept so that a restart
# finishes that message
KeepStatus = Callable[[str, str, int, str], Awaitable[None]]
# (conversation id, version, ts, text, blocks) of the message that carries a version (its
# result card, or its script under review): a reaction on it approves that version, and an
# approval marks it
KeepMessage = Callable[[str, int, str, str, list[Any]], Awaitable[None]]
# (conversation id, version) -> (ts, text, blocks) of that message, when kept
FindMessage = Callable[[str, int], Awaitable[tuple[str, str, list[Any]] | None]]


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
        statuses: dict[int, str] | None = None,
        keep_status: KeepStatus | None = None,
        keep_message: KeepMessage | None = None,
        find_message: FindMessage | None = None,
        finish_within: float = FINISH_WITHIN,
    ) -> None:
        self.web = web
        self.finish_within = finish_within
        self.thread = thread
        self.edit_interval = edit_interval
        self.conversation_id = conversation_id
        # The request's own message shows version 1's progress; a reply's renders (an undo
        # back to version 1 included) get messages of their own.
        self.first_status_ts = None if reply else thread.status_ts
        self.statuses = dict(statuses or {})  # version -> ts of a status message kept before
        self.keep_status = keep_status
        self.keep_message = keep_message
        self.find_message = find_message
        self._kept: set[str] = set()
        self._status: dict[int, StatusMessage] = {}

    # -- the engine's calls ---------------------------------------------------------------

    async def say(self, text: str) -> None:
        await self._post(blocks.with_mentions(text))  # people the engine names stay mentions

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
        if update.state == "delivered":  # uploaded by the last run, stopped before this edit
            await status.show(
                f":white_check_mark: Version {update.version} is ready: the video is in this "
                "thread (finished after a restart).",
                final=True,
            )
            await status.flush(within=self.finish_within)
            return
        if update.state == "paused":
            await status.show(
                f":pause_button: Version {update.version} is paused: I am restarting, and this "
                "render picks up where it left off when I am back.",
                final=True,
            )
            return
        if update.state == "queued" and not update.waits:
            return  # about to start: the first progress says so
        await status.show(
            blocks.progress_text(update), buttons=blocks.rendering_buttons(update.conversation_id)
        )
        if status.ts and self.keep_status and update.job_id not in self._kept:
            self._kept.add(update.job_id)  # where this render's progress is, for a restart
            await self.keep_status(update.conversation_id, update.job_id, update.version, status.ts)

    async def storyboard(self, path: Path, deck: Deck, version: int) -> None:
        status = self.status(version)
        await status.show(
            f":frame_with_picture: Version {version}: all slides drawn, encoding the video…"
        )
        try:
            data = await asyncio.to_thread(path.read_bytes)
            await self._upload(
                data,
                filename=f"storyboard-v{version}.png",
                title=f"{deck.title} — storyboard (version {version})",
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
            await self._upload(
                data,
                filename=f"{_slug(ready.deck.title)}-v{ready.version}.mp4",
                title=f"{ready.deck.title} (version {ready.version})",
                comment=f"<@{self.thread.owner}> here is version {ready.version}.",
            )
        except SlackCallFailed as exc:
            if exc.problem.code in TOO_BIG:  # Slack says no limit: aim well under what it refused
                await status.show(
                    f":arrow_down: Version {ready.version} is too big for this workspace; "
                    "making a smaller copy…"
                )
                raise UploadTooLarge(int(len(data) * SMALLER_SHARE)) from None
            await status.show(
                f":warning: Version {ready.version} is rendered, but the upload failed.",
                final=True,
            )
            await self._tell(
                exc.problem,
                f"I could not upload the video of version {ready.version}: {exc.problem.chat} "
                'The video is kept; say "render" here to try the upload again.',
            )
            raise UploadFailed("slack", exc.problem.code) from None
        await ready.posted()  # a stop from here on must not upload it again
        await status.show(blocks.ready_text(ready), final=True)
        text, card = blocks.result_blocks(ready)
        await self._post(text, card, keep=(ready.conversation_id, ready.version))
        await status.flush(within=self.finish_within)  # the job is done once it says so

    async def script(self, markdown: str, deck: Deck, version: int) -> None:
        text = blocks.script_text(markdown, version)
        if text is not None:
            await self._post(text)
            return
        try:
            await self._upload(
                markdown.encode("utf-8"),
                filename=f"{_slug(deck.title)}-v{version}.md",
                title=f"{deck.title} — script (version {version})",
                comment=f"The script of version {version}.",
            )
        except SlackCallFailed as exc:
            await self._tell(exc.problem, f"I could not share the script: {exc.problem.chat}")

    async def exported(self, ready: ExportReady) -> None:
        stem = f"{_slug(ready.deck.title)}-v{ready.version}"
        try:
            for path, kind in ((ready.pptx, "PowerPoint"), (ready.pdf, "PDF")):
                data = await asyncio.to_thread(path.read_bytes)
                await self._upload(
                    data,
                    filename=f"{stem}{path.suffix}",
                    title=f"{ready.deck.title} — {kind} (version {ready.version})",
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

    async def report(self, text: str) -> None:
        await self._post(blocks.report_text(text))

    async def script_review(self, conversation_id: str, deck: Deck, version: int) -> None:
        self.conversation_id = conversation_id
        if version == 1 and self.first_status_ts:  # the request's own message: no render yet
            await self.status(1).show(
                ":memo: Version 1's script is in the thread, for review; nothing is drawn "
                "until someone presses Render.",
                final=True,
            )
        text, review = blocks.script_review_blocks(conversation_id, deck, version)
        await self._post(text, review, keep=(conversation_id, version))

    async def approved(self, version: int, approvers: Sequence[str]) -> None:
        """Said in the thread, and marked on the version's card."""
        await self._post(f":white_check_mark: Version {version} approved by <@{approvers[-1]}>.")
        if self.conversation_id is None or self.find_message is None:
            return
        found = await self.find_message(self.conversation_id, version)
        if found is None:
            return
        ts, text, card = found
        try:
            await self.web.update(
                self.thread.channel, ts, text, blocks=blocks.approved_blocks(text, card, approvers)
            )
        except SlackCallFailed as exc:
            log.warning("could not mark version %s approved: %s", version, exc.problem.fix)

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
            ts = self.statuses.get(version) or (self.first_status_ts if version == 1 else None)
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

    async def _upload(
        self, data: bytes, *, filename: str, title: str, comment: str | None = None
    ) -> None:
        """Share a file in this thread."""
        await self.web.upload(
            self.thread.channel,
            data,
            filename=filename,
            title=title,
            thread_ts=self.thread.thread_ts,
            comment=comment,
        )

    async def _post(
        self,
        text: str,
        block_list: list[blocks.Block] | None = None,
        *,
        keep: tuple[str, int] | None = None,
    ) -> None:
        """Post in the thread; ``keep``: (conversation, version) this message carries."""
        try:
            ts = await self.web.post(
                self.thread.channel, text, thread_ts=self.thread.thread_ts, blocks=block_list
            )
        except SlackCallFailed as exc:
            log.error(
                "cannot answer in Slack thread %s: %s (the answer was: %s)",
                self.thread.key,
                exc.problem.fix,
                blocks.clip(text, 200),
            )
            return
        if keep is not None and self.keep_message is not None:
            await self.keep_message(keep[0], keep[1], ts, text, list(block_list or []))

    async def _tell(self, problem: Problem, text: str) -> None:
        """Tell the thread about a failed call, and the operator what to fix."""
        log.error("Slack thread %s: %s", self.thread.key, problem.fix)
        await self._post(f":warning: {text}")


def _slug(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:60].strip("-") or "deckcast"
