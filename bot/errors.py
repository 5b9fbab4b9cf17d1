"""Errors of the application layer (settings, store, conversation, chat adapters).

::

    BotError                 base
    ├── SettingsError        the configuration is incomplete or wrong (names the variable)
    └── UserInputError       a request the person can fix (empty, too long, not understood)

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
