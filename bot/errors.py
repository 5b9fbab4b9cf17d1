"""Errors of the application layer (settings, store, engine, chat adapters).

::

    BotError                      base
    ├── SettingsError             the configuration is incomplete or wrong (names the variable)
    │   └── SlackSetupError       (bot.slack.errors) the Slack settings, checked at start-up
    ├── UserInputError            a request the person can fix (empty, too long, not understood)
    │   ├── NotAllowed            someone other than the requester (or an admin) tried a change
    │   ├── QueueFull             the workspace's render queue is full; says when to try again
    │   └── UserBusy              the person already has a render in the works
    ├── UploadTooLarge            a chat platform refused a file for its size (carries the limit)
    ├── UploadFailed              a chat platform refused a file otherwise; the person was told
    └── SlackError                (bot.slack.errors) base of the Slack front-end's errors
        ├── SlackCallFailed       a Web API call failed; says what to tell the thread and to fix
        └── OutlineFileError      a shared outline file cannot be used

Errors from ``deck`` (``DeckError``), ``agent`` (``AgentError``) and ``render``
(``RenderError``) pass through the application unchanged and are shown by the front-ends.
"""

from __future__ import annotations


class BotError(Exception):
    """Base class of the application's errors."""


class SettingsError(BotError):
    """The configuration is missing something or holds a bad value."""


class UserInputError(BotError):
    """A request that the person can fix; the message says how."""


class NotAllowed(UserInputError):
    """Someone other than the requester (or an admin) tried to change a deck."""


class QueueFull(UserInputError):
    """The workspace's queue is full; the message says when to try again."""


class UserBusy(UserInputError):
    """The person already has a render in the works for another deck."""


class UploadTooLarge(BotError):
    """A chat platform refused a file for its size. ``limit`` is the most it takes, in bytes
    (what it said, or what the refusal shows); the engine then delivers a smaller copy."""

    def __init__(self, limit: int, message: str = "") -> None:
        self.limit = limit
        super().__init__(message or f"the platform takes files up to {limit:,} bytes")


class UploadFailed(BotError):
    """A chat platform refused the video for a reason other than its size (permissions, an
    outage that outlasted the retries). The sink has told the person what to try; the engine
    counts it (metrics, the job's log line) and ends the job as delivered-with-a-reason."""

    def __init__(self, platform: str, detail: str) -> None:
        self.platform = platform
        self.detail = detail
        super().__init__(f"{platform} refused the upload: {detail}")
