"""Fetching a Markdown outline that someone shared as a file (needs the ``files:read`` scope).

Slack serves shared files from ``url_private`` with the bot token as a bearer token. The
token is sent only to Slack's own file hosts (and the configured API host), never to a URL
that merely claims to be a file.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .errors import OutlineFileError

MAX_OUTLINE_BYTES = 256 * 1024
SLACK_FILE_HOSTS = frozenset({"files.slack.com", "slack-files.com"})


class OutlineFiles:
    def __init__(
        self,
        token: str,
        *,
        api_url: str,
        limit: int = MAX_OUTLINE_BYTES,
        timeout: float = 30.0,
    ) -> None:
        self._token = token
        self.hosts = SLACK_FILE_HOSTS | {urlsplit(api_url).netloc}
        self.limit = limit
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
                    raise OutlineFileError(
                        f"I could not read {name}: this Slack app needs the `files:read` "
                        "permission (an admin can add it and reinstall the app). Meanwhile, "
                        "paste the outline in a code block."
                    )
                data = await response.content.read(self.limit + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise OutlineFileError(f"I could not download {name} from Slack; try again.") from exc
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
