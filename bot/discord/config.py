"""The Discord bot's own knobs, built once from :class:`~bot.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import Settings

# Discord answers an interaction for 15 minutes after it arrives; stay a little inside that.
INTERACTION_TOKEN_SECONDS = 14 * 60


@dataclass(frozen=True)
class DiscordConfig:
    dev_guild_id: int | None = None  # sync commands to this guild only (instant, for development)
    sync_commands: bool = True  # upload the /deck command definitions at start-up
    admin_roles: tuple[str, ...] = ()  # members with one of these roles may act on any deck
    edit_interval: float = 1.5  # at most one progress edit per message per this many seconds
    token_lifetime: float = INTERACTION_TOKEN_SECONDS  # then post through the channel APIs
    thread_archive_minutes: int = 1440
    max_outline_bytes: int = 200_000
    max_music_bytes: int = 25 * 2**20  # an attached song ("use this as music")
    # Rate limits never hold the video back: a progress edit that takes longer than this (the
    # client waiting out 429s) is dropped and edits pause for ``edit_backoff`` seconds...
    edit_timeout: float = 5.0
    edit_backoff: float = 10.0
    # ...the video waits at most this long for the storyboard and the last progress...
    flush_before_video: float = 2.0
    # ...and a post Discord refused (after discord.py's own retries) is tried again after these.
    post_retry_delays: tuple[float, ...] = (5.0, 30.0, 120.0)
    # The job is done once the status message says so: its last edit, held back (a 429, a 5xx),
    # is waited for this long (a stop meanwhile leaves the job for the next start to finish).
    finish_within: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscordConfig:
        return cls(
            dev_guild_id=settings.discord_guild_id,
            admin_roles=tuple(settings.discord_admin_roles),
            edit_interval=settings.discord_edit_interval,
        )

    def is_admin(self, role_names: list[str]) -> bool:
        wanted = {name.casefold() for name in self.admin_roles}
        return any(name.casefold() in wanted for name in role_names)
