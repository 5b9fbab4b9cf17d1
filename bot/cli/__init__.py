"""The ``deckcast`` command line: a thin front over the same engine the chat bots use."""

from .app import app, main

__all__ = ["app", "main"]
