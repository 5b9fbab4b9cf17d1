"""The Slack front-end: ``/deck`` and mentions start a deck, replies in its thread revise it,
progress is one message edited in place, and the video is uploaded into the thread.

Built on slack_bolt's ``AsyncApp`` (HTTP mode through bolt's aiohttp adapter, or Socket Mode)
over the same conversation engine as every other front-end. ``slack-manifest.yaml`` (next to
this file) creates the Slack app with the scopes, command and events it needs.
"""

from pathlib import Path

from .app import SlackBot, build_app
from .errors import OutlineFileError, Problem, SlackCallFailed, SlackError, SlackSetupError
from .server import EVENTS_PATH, HttpServer, SocketModeConnection, http_app
from .sink import SlackSink
from .threads import SlackThread
from .web import SlackWeb, build_client

MANIFEST = Path(__file__).with_name("manifest.yaml")

__all__ = [
    "EVENTS_PATH",
    "MANIFEST",
    "HttpServer",
    "OutlineFileError",
    "Problem",
    "SlackBot",
    "SlackCallFailed",
    "SlackError",
    "SlackSetupError",
    "SlackSink",
    "SlackThread",
    "SlackWeb",
    "SocketModeConnection",
    "build_app",
    "build_client",
    "http_app",
]
