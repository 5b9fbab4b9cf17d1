"""The terminal front-end: ``deckcast chat``, the same engine the chat bots use.

::

    chat.py   the conversation loop over stdin (a request, then revisions; outlines in fences)
    sink.py   TerminalSink: replies on stdout, the progress bar on stderr
"""

from .chat import PLATFORM, chat, read_message
from .sink import TerminalSink

__all__ = ["PLATFORM", "TerminalSink", "chat", "read_message"]
