"""deckcast on Discord: ``/deck`` slash commands, live progress, the storyboard then the video,
revisions in a thread.

::

    client.py    DeckcastBot: the discord.Client (dependencies in, set-up in setup_hook)
    commands.py  the /deck command group (create, revise, script, help)
    views.py     buttons (persistent, restart-proof) and the revision modal
    actions.py   what each command, button, modal and thread message does
    listener.py  the parts every listener shares (engine, config, links, destinations)
    sink.py      the engine's replies as Discord messages (one status message per request)
    card.py      the status message's text (progress bar, queue position, errors)
    outbox.py    interaction token while it lives, then the bot's channel APIs; edits
    runner.py    `deckcast discord`: the engine and the client built once, run until stopped
    links.py     thread <-> conversation, kept in the store (survives restarts)
    dedup.py     duplicate deliveries of one interaction or message
    translate.py Discord users, options and attachments <-> the engine's types

Needs the ``discord`` extra (discord.py). Errors are the application's (:mod:`bot.errors`).
"""

from .client import DeckcastBot, bot_intents
from .config import DiscordConfig

__all__ = ["DeckcastBot", "DiscordConfig", "bot_intents"]
