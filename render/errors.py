"""Errors raised while rendering a deck.

::

    RenderError              base: rendering failed; the message is safe to show a user
    ├── OutputError          a file cannot be written: the output path (missing folder, no
    │                        permission) or an asset in the cache (disk full)
    ├── ImageError           a picture backend failed (after retries and fallbacks)
    │   └── ModelNotFoundError   a diffusion model is not on disk (says how to get it)
    ├── VoiceError           speech synthesis failed (a remote voice's slide falls back to espeak)
    │   └── VoiceSetupError  the voice cannot work as set up (no such voice or model, key refused,
    │                        server unreachable): no fallback, the message says what to fix
    ├── EncodeError          ffmpeg failed (the message carries ffmpeg's last lines)
    ├── ExportError          a PowerPoint or PDF export failed, or its library is not installed
    ├── ElementError         a slide's chart, code or equation cannot be drawn (names the slide)
    ├── MusicError           the background music file cannot be used (missing, unreadable,
    │                        not audio, too big or too long): one sentence naming the file
    └── DownloadError        an asked-for download (a voice model) failed: the server
                             could not be reached or refused, or the file is not the one expected

A cancelled render is not an error of its own: the task's ``asyncio.CancelledError`` flows out
of :meth:`render.Renderer.render` after every step still running is stopped (subprocesses
killed), and no output file is left behind.

Warnings that do not stop a render (a missing CJK font, a slide that fell back to a
procedural picture, espeak-ng missing so the video is silent) are not exceptions: they are
collected in ``RenderResult.warnings`` and reported with the result.
"""

from __future__ import annotations


class RenderError(RuntimeError):
    """Rendering failed."""


class OutputError(RenderError):
    """A file cannot be written: the output where it was asked for, or a cached asset."""


class ImageError(RenderError):
    """A picture could not be made."""


class ModelNotFoundError(ImageError):
    """A diffusion model was asked for that is not on this machine."""


class VoiceError(RenderError):
    """Narration could not be synthesised."""


class VoiceSetupError(VoiceError):
    """The voice cannot work as configured; retrying or falling back would hide the problem."""


class EncodeError(RenderError):
    """ffmpeg failed to encode or join the video."""


class ExportError(RenderError):
    """The deck could not be exported as a PowerPoint file or a PDF."""


class DownloadError(RenderError):
    """A download a person asked for failed; nothing half-downloaded is kept."""


def short_reason(exc: BaseException) -> str:
    """The first line of an error, short enough for a note about one slide."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


class ElementError(RenderError):
    """A slide's chart, code or equation cannot be drawn (LaTeX that does not parse, code too
    long for the slide); the message says what to change."""


class MusicError(RenderError):
    """The background music asked for cannot be used; checked before any slide is rendered,
    so the message is the whole story and nothing else is lost."""
