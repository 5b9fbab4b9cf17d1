"""The Slack Web API calls the front-end makes, each failure turned into a
:class:`~bot.slack.errors.SlackCallFailed` that says what to tell the thread and what to fix.

Rate limits are honoured by the client itself: ``ratelimited`` answers (HTTP 429) are retried
after the ``Retry-After`` that Slack sends (slack_sdk's retry handler), a few times, before the
call counts as failed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from .errors import SlackCallFailed, explain

log = logging.getLogger(__name__)

T = TypeVar("T")

RATE_LIMIT_RETRIES = 3
UPLOAD_PAUSES = (1.0, 3.0)  # seconds before the second and third try of an upload's step
UPLOAD_TRIES = len(UPLOAD_PAUSES) + 1


def build_client(token: str, *, api_url: str, timeout: int = 30) -> AsyncWebClient:
    """An ``AsyncWebClient`` that waits out rate limits and retries dropped connections."""
    return AsyncWebClient(
        token=token,
        base_url=api_url if api_url.endswith("/") else api_url + "/",
        timeout=timeout,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


class SlackWeb:
    """Posting, editing and uploading in Slack, with Slack's errors explained.

    Progress edits go through a second client that does not wait out rate limits: a
    ``ratelimited`` answer to a cosmetic edit fails at once (with Slack's Retry-After), so the
    status editor pauses instead of holding the video's upload behind minutes of retries."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.quick = AsyncWebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            retry_handlers=[AsyncConnectionErrorRetryHandler(max_retry_count=1)],
        )

    async def post(
        self,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
    ) -> str:
        """Post a message (in a thread when ``thread_ts`` is given); returns its ts."""
        response = await self._call(
            "chat.postMessage",
            channel,
            lambda: self.client.chat_postMessage(
                channel=channel,
                text=text,
                thread_ts=thread_ts,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
            ),
        )
        return str(response["ts"])

    async def update(
        self,
        channel: str,
        ts: str,
        text: str,
        *,
        blocks: list[dict[str, Any]] | None = None,
        wait_out_limits: bool = True,
    ) -> None:
        """Edit a message; ``wait_out_limits=False`` for progress edits (a rate limit then
        raises at once, with the wait Slack asked for)."""
        client = self.client if wait_out_limits else self.quick
        await self._call(
            "chat.update",
            channel,
            lambda: client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks),
        )

    async def ephemeral(
        self, channel: str, user: str, text: str, *, thread_ts: str | None = None
    ) -> None:
        """A message only ``user`` sees."""
        await self._call(
            "chat.postEphemeral",
            channel,
            lambda: self.client.chat_postEphemeral(
                channel=channel, user=user, text=text, thread_ts=thread_ts
            ),
        )

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        """Open a modal for the person who pressed a button (``trigger_id`` lives 3 s)."""
        await self._call(
            "views.open", "", lambda: self.client.views_open(trigger_id=trigger_id, view=view)
        )

    async def upload(
        self,
        channel: str,
        data: bytes,
        *,
        filename: str,
        title: str,
        thread_ts: str | None = None,
        comment: str | None = None,
    ) -> str:
        """Share a file in a channel or thread, in Slack's three steps (an upload URL, the
        bytes, the share); returns the file's id.

        A step that fails for a passing reason (Slack's 5xx, the network, the upload URL
        refusing the bytes with a 5xx) is tried again, up to :data:`UPLOAD_TRIES` times. Until
        the share nothing is visible, so the first two steps are simply done again. A share
        whose answer was lost may still have happened: the file is looked up (``files.info``)
        and the share is sent again only when Slack shows it unshared, so a video is never
        posted twice; when the file cannot be looked up, the failure stands."""
        file_id = await self._again(lambda: self._send_bytes(channel, data, filename))

        async def share() -> str:
            await self._call(
                "files.completeUploadExternal",
                channel,
                lambda: self.client.files_completeUploadExternal(
                    files=[{"id": file_id, "title": title}],
                    channel_id=channel,
                    thread_ts=thread_ts,
                    initial_comment=comment,
                ),
            )
            return file_id

        async def shared_after_all(failure: SlackCallFailed) -> str | None:
            return file_id if await self._shared(file_id, channel, failure=failure) else None

        return await self._again(share, done_after_all=shared_after_all)

    async def _again(
        self,
        step: Callable[[], Awaitable[T]],
        *,
        done_after_all: Callable[[SlackCallFailed], Awaitable[T | None]] | None = None,
    ) -> T:
        """``step()``, done again after a passing failure. ``done_after_all`` is asked before
        each retry whether the failed step took effect even so (its result, or None)."""
        for pause in (*UPLOAD_PAUSES, None):
            try:
                return await step()
            except SlackCallFailed as exc:
                if not exc.transient or pause is None:
                    raise
                log.info("%s failed (%s); trying again", exc.method, exc.problem.code)
                await asyncio.sleep(pause)
                if done_after_all is not None and (done := await done_after_all(exc)) is not None:
                    return done  # the answer was lost, not the work
        raise AssertionError("unreachable")

    async def _send_bytes(self, channel: str, data: bytes, filename: str) -> str:
        """Steps one and two of an upload: an upload URL for ``filename``, then its bytes;
        returns the file's id (not yet shared anywhere)."""
        ticket = await self._call(
            "files.getUploadURLExternal",
            channel,
            lambda: self.client.files_getUploadURLExternal(filename=filename, length=len(data)),
        )
        url, file_id = str(ticket["upload_url"]), str(ticket["file_id"])
        timeout = aiohttp.ClientTimeout(total=self.client.timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(
                    url, data=data, proxy=self.client.proxy, ssl=self.client.ssl
                ) as response,
            ):
                status = response.status
                await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.debug("upload of %s: %s", filename, exc)
            raise SlackCallFailed("files.upload", explain("files.upload", "network")) from None
        if status != 200:
            code = "file_too_large" if status == 413 else "upload_failed"
            raise SlackCallFailed(
                "files.upload", explain("files.upload", code, channel=channel), status=status
            )
        return file_id

    async def _shared(self, file_id: str, channel: str, *, failure: SlackCallFailed) -> bool:
        """Whether Slack shows file ``file_id`` shared in ``channel`` (``files.info``). When
        that cannot be read (no ``files:read``, Slack still failing), ``failure`` is raised:
        sharing again could post the video twice."""
        try:
            answer = await self._call(
                "files.info", channel, lambda: self.client.files_info(file=file_id)
            )
        except SlackCallFailed as unknown:
            log.info("cannot tell whether %s worked: %s", failure.method, unknown.problem.fix)
            raise failure from None
        shares = (answer.get("file") or {}).get("shares") or {}
        return any(channel in places for places in shares.values() if isinstance(places, dict))

    async def _call(self, method: str, channel: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except SlackApiError as exc:
            data: Any = exc.response.data if exc.response is not None else {}
            if isinstance(data, (bytes, str)):
                data = _json_or_empty(data)
            code = str(data.get("error", "unknown_error")) if isinstance(data, dict) else "?"
            needed = data.get("needed") if isinstance(data, dict) else None
            raise SlackCallFailed(
                method,
                explain(method, code, needed=needed, channel=channel),
                retry_after=_retry_after(exc),
                status=getattr(exc.response, "status_code", None),
            ) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.debug("%s: %s", method, exc)
            raise SlackCallFailed(method, explain(method, "network", channel=channel)) from None


def _retry_after(exc: SlackApiError) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _json_or_empty(raw: bytes | str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
