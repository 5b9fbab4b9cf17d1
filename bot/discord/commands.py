"""The ``/deck`` slash command group: create, revise, script, export, history, share,
settings, help.

Parameters are declared here (names, descriptions, choices, ranges) and handed to
:class:`~bot.discord.actions.DeckActions`; nothing else happens in this module.
"""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands

from deck import MAX_SLIDES, MAX_STYLE, theme_names

from ..engine import HELP_TEXT
from .actions import DeckActions
from .translate import plan_options
from .views import MAX_INSTRUCTION

Interaction = discord.Interaction[Any]

DISCORD_HELP = f"""\
**deckcast** turns a request into a narrated explainer video, then changes it as you talk.

**Start:** `/deck create request: how photosynthesis works` — or attach a Markdown outline \
(`outline:` a .md file: `## Slide title`, `- bullets`, `> narration`). Options: `slides`, \
`theme`, `style` (e.g. watercolor), `aspect`, `voice`, `language` (en, es, de…).
The progress, the storyboard, then the video with buttons: **Revise**, **New pictures**, \
**Undo**, **Vertical 9:16**, **Still pictures**; **Cancel** while it renders.

**Change it:** in the thread on your video, everything you write is a revision (only your \
messages and your reviewers' count), or `/deck revise`. `/deck script` sends the script as \
.md; `/deck export` as PowerPoint and PDF; `/deck history` lists every version.

**Review:** `/deck create … review: True` posts the script first: no picture until \
**Render** (admins: `/deck settings review: True` for every new deck here). \
`/deck share user: @someone` lets them revise too; ✅ on a video approves it.
{HELP_TEXT}"""


class DeckCommands(app_commands.Group):
    def __init__(self, actions: DeckActions) -> None:
        super().__init__(
            name="deck",
            description="Narrated explainer videos from a request or an outline",
            guild_only=True,
        )
        self.actions = actions

    @app_commands.command(name="create", description="Make a narrated explainer video")
    @app_commands.describe(
        request="What the video should explain",
        outline="A Markdown outline (.md) to make the video from",
        slides="How many slides",
        theme="Colours and fonts",
        style="Picture style, e.g. watercolor, flat illustration, photo",
        aspect="Frame shape",
        voice="Narration voice: espeak, espeak:<language> or silent",
        language="Language of the slides and narration, e.g. en, es, de",
        review="Post the script for review first: no picture is made until Render",
    )
    @app_commands.choices(
        theme=[app_commands.Choice(name=name, value=name) for name in theme_names()]
    )
    async def create(
        self,
        interaction: Interaction,
        request: app_commands.Range[str, 0, 4000] = "",
        outline: discord.Attachment | None = None,
        slides: app_commands.Range[int, 1, MAX_SLIDES] | None = None,
        theme: str | None = None,
        style: app_commands.Range[str, 1, MAX_STYLE] | None = None,
        aspect: Literal["16:9", "9:16", "1:1"] | None = None,
        voice: app_commands.Range[str, 1, 60] | None = None,
        language: app_commands.Range[str, 2, 16] | None = None,
        review: bool | None = None,
    ) -> None:
        await self.actions.create(
            interaction,
            request=request,
            review=review,
            outline=outline,
            options=plan_options(
                slides=slides,
                theme=theme,
                style=style,
                aspect=aspect,
                voice=voice,
                language=language,
            ),
        )

    @app_commands.command(name="revise", description="Change the video of this thread")
    @app_commands.describe(instruction='What to change, e.g. "simpler words on slide 3"')
    async def revise(
        self, interaction: Interaction, instruction: app_commands.Range[str, 1, MAX_INSTRUCTION]
    ) -> None:
        await self.actions.revise(interaction, instruction)

    @app_commands.command(name="script", description="The current script, as a Markdown file")
    async def script(self, interaction: Interaction) -> None:
        await self.actions.script(interaction)

    @app_commands.command(name="export", description="This video's deck as PowerPoint and PDF")
    async def export(self, interaction: Interaction) -> None:
        await self.actions.export(interaction)

    @app_commands.command(name="history", description="Every version: who changed what, when")
    async def history(self, interaction: Interaction) -> None:
        await self.actions.history(interaction)

    @app_commands.command(name="share", description="Let someone revise and approve this video")
    @app_commands.describe(
        user="Who may revise and approve it", everyone="Open it to everyone in the channel"
    )
    async def share(
        self, interaction: Interaction, user: discord.Member | None = None, everyone: bool = False
    ) -> None:
        await self.actions.share(interaction, user, everyone=everyone)

    @app_commands.command(name="settings", description="Admins: how this server's decks start")
    @app_commands.describe(
        review="Every new deck posts its script for review first: no picture until Render"
    )
    async def settings(self, interaction: Interaction, review: bool) -> None:
        await self.actions.settings(interaction, review=review)

    @app_commands.command(name="help", description="How to make and change videos")
    async def help(self, interaction: Interaction) -> None:
        await interaction.response.send_message(DISCORD_HELP, ephemeral=True)
