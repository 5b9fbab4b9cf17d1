"""Fetching a file someone shared (needs the ``files:read`` scope): a Markdown outline, or an
audio file for the deck's music.

Slack serves shared files from ``url_private`` with the bot token as a bearer token. The
token is sent only to Slack's own file hosts (and the configured API host), never to a URL
that merely claims to be a file.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import aiohttp

from ..engine import AudioFile
from .errors import OutlineFileError

MAX_OUTLINE_BYTES = 256 * 1024
MAX_MUSIC_BYTES = 25 * 2**20  # a shared song ("use this as music")
SLACK_FILE_HOSTS = frozenset({"files.slack.com", "slack-files.com"})


class OutlineFiles:
    def __init__(
        self,
        token: str,
        *,
        api_url: str,
        limit: int = MAX_OUTLINE_BYTES,
        music_limit: int = MAX_MUSIC_BYTES,
        timeout: float = 30.0,
    ) -> None:
        self._token = token
        self.hosts = SLACK_FILE_HOSTS | {urlsplit(api_url).netloc}
        self.limit = limit
        self.music_limit = music_limit
        self.timeout = timeout

    async def fetch(self, file: dict[str, Any]) -> str:
        """The text of a shared outline file; :class:`OutlineFileError` says what went wrong."""
        name = str(file.get("name") or "the file")
        size = int(file.get("size") or 0)
        if size > self.limit:
            raise OutlineFileError(
                f"{name} is {size / 1024:.0f} KB; an outline can be at most "
                f"{self.limit // 1024} KB. Send a shorter outline."
            )
        data = await self._download(
            file, name, self.limit, "Meanwhile, paste the outline in a code block."
        )
        if len(data) > self.limit:
            raise OutlineFileError(
                f"{name} is larger than {self.limit // 1024} KB; send a shorter outline."
            )
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise OutlineFileError(
                f"{name} is not UTF-8 text; share the outline as a Markdown (.md) file."
            ) from None

    async def fetch_audio(self, file: dict[str, Any]) -> AudioFile:
        """A shared audio file (background music); refused from its announced size before any
        download, and again if more bytes come than that limit."""
        name = str(file.get("name") or "the file")
        limit = self.music_limit
        too_big = OutlineFileError(
            f"{name} is larger than {limit // 2**20} MB; music can be at most {limit // 2**20} MB."
        )
        if int(file.get("size") or 0) > limit:
            raise too_big
        data = await self._download(file, name, limit, "")
        if len(data) > limit:
            raise too_big
        return AudioFile(name, data)

    async def _download(self, file: dict[str, Any], name: str, limit: int, meanwhile: str) -> bytes:
        """At most ``limit + 1`` bytes of a Slack file, fetched with the bot token (only from
        Slack's file hosts)."""
        url = str(file.get("url_private_download") or file.get("url_private") or "")
        if urlsplit(url).netloc not in self.hosts:
            raise OutlineFileError(f"I cannot download {name} (it is not a Slack file).")
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as http,
                http.get(url, headers={"Authorization": f"Bearer {self._token}"}) as response,
            ):
                if response.status != 200 or response.content_type == "text/html":
                    # Slack answers with its sign-in page when the token may not read files.
                    needs = (
                        f"I could not read {name}: this Slack app needs the `files:read` "
                        "permission (an admin can add it and reinstall the app)."
                    )
                    raise OutlineFileError(f"{needs} {meanwhile}".strip())
                return await response.content.read(limit + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise OutlineFileError(f"I could not download {name} from Slack; try again.") from exc
