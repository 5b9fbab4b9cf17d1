"""Errors of the Slack front-end, and what Slack's own error codes mean to a person.

::

    SlackError (BotError)       base
    ├── SlackSetupError         the Slack settings are incomplete or wrong (names the variable)
    ├── SlackCallFailed         a Web API call failed; carries a :class:`Problem`: what to tell
    │                           the thread, and what an operator has to fix (for the log)
    └── OutlineFileError        a shared outline file cannot be used (too big, not text, not
                                readable); the message says what to send instead

Slack's error codes (``not_in_channel``, ``missing_scope``, ``ratelimited``, ``invalid_auth``...)
are turned into a :class:`Problem` by :func:`explain`. Messages never contain tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import BotError, SettingsError


class SlackError(BotError):
    """Base class of the Slack front-end's errors."""


class SlackSetupError(SlackError, SettingsError):
    """The Slack configuration is missing something or holds a bad value."""


@dataclass(frozen=True)
class Problem:
    """A failed Slack call, explained twice: for the people in the thread, for the operator."""

    code: str  # Slack's error code ("not_in_channel"), or "upload_failed"/"network"
    chat: str  # shown in the thread (when the bot can still post there)
    fix: str  # logged: what to change in the Slack app or the settings


class SlackCallFailed(SlackError):
    def __init__(
        self,
        method: str,
        problem: Problem,
        *,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        self.method = method
        self.problem = problem
        self.retry_after = retry_after  # seconds, when Slack said (a rate limit)
        self.status = status  # the HTTP status of Slack's answer, when one came
        super().__init__(f"{method} failed ({problem.code}): {problem.fix}")

    @property
    def transient(self) -> bool:
        """Slack (or the way to it) failed for a moment: the same call may work soon."""
        return self.problem.code in TRANSIENT or (self.status or 0) >= 500


class OutlineFileError(SlackError):
    """A shared file that should hold a Markdown outline cannot be used."""


# Slack refused a file for its size: the workspace restricts large uploads, or the upload URL
# answered 413. The engine then delivers a smaller copy.
TOO_BIG = ("file_upload_size_restricted", "file_too_large")

# Slack's own "try again later" codes, and ours for a call that never got an answer
TRANSIENT = ("internal_error", "fatal_error", "service_unavailable", "request_timeout", "network")

_BAD_TOKEN = ("invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive")


def explain(method: str, code: str, *, needed: str | None = None, channel: str = "") -> Problem:
    """What a Slack error code means, and what to do about it."""
    where = f" <#{channel}>" if channel.startswith(("C", "G")) else ""
    if code in ("not_in_channel", "channel_not_found"):
        return Problem(
            code,
            f"I am not a member of this channel: invite me with `/invite @deckcast`{where} "
            "and ask again.",
            f"the app is not in channel {channel or '?'}: invite it there "
            "(/invite @deckcast), or use it in a channel it belongs to",
        )
    if code == "is_archived":
        return Problem(
            code,
            "This channel is archived, so I cannot post here.",
            f"channel {channel or '?'} is archived; unarchive it or use another channel",
        )
    if code == "missing_scope":
        scope = needed or "a permission"
        return Problem(
            code,
            f"This Slack app is missing the `{scope}` permission. A workspace admin can add it "
            "under OAuth & Permissions → Bot Token Scopes and reinstall the app.",
            f"{method} needs the bot scope '{scope}': add it in the app's OAuth & Permissions "
            "page (deckcast slack --manifest lists every scope) and reinstall the app",
        )
    if code == "ratelimited":
        return Problem(
            code,
            "Slack is rate-limiting me right now; please try again in a minute.",
            f"{method} stayed rate-limited after waiting as Slack asked (Retry-After); "
            "fewer messages per minute would help",
        )
    if code in _BAD_TOKEN:
        return Problem(
            code,
            "My Slack token was refused; the app needs to be reinstalled.",
            "the bot token was refused by Slack: check SLACK_BOT_TOKEN (OAuth & Permissions → "
            "Bot User OAuth Token, xoxb-...) and that the app is still installed",
        )
    if code == "restricted_action":
        return Problem(
            code,
            "This workspace does not let me post here.",
            f"the workspace restricts posting in {channel or 'this channel'}; ask an admin",
        )
    if code in TOO_BIG:
        return Problem(
            code,
            "Slack did not take the video: it is too big for this workspace.",
            f"{method}: the workspace refuses files this big ({code})",
        )
    if code == "upload_failed":
        return Problem(
            code,
            "Slack did not accept the upload of the video file.",
            f"{method}: Slack's upload URL refused the bytes; check file size limits",
        )
    if code == "network":
        return Problem(
            code,
            "I could not reach Slack just now; please try again.",
            f"{method}: Slack could not be reached (network or timeout)",
        )
    return Problem(code, f"Slack refused my request ({code}).", f"{method} failed: {code}")
