"""Output files: checked before any work starts, written under a temporary name and renamed.

A reader (a chat upload, a file manager, another program) never sees a half-written video,
deck or document, and a failed write leaves any earlier file of that name untouched.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

# How the messages name each kind of output file, and an example name for each.
_KINDS = {
    ".mp4": ("an .mp4 file", "video.mp4"),
    ".pptx": ("a .pptx file", "deck.pptx"),
    ".pdf": ("a .pdf file", "deck.pdf"),
}


def check_target(out: Path, suffix: str, *, what: str = "output") -> None:
    """Fail before any work if ``out`` cannot be written as a ``suffix`` file; ``what`` names
    the output in the message ("the PDF must be a .pdf file, not 'deck.pptx'")."""
    kind, example = _KINDS.get(suffix, (f"a {suffix} file", f"output{suffix}"))
    if out.suffix.lower() != suffix:
        raise OutputError(f"the {what} must be {kind}, not '{out.name}'")
    if out.is_dir():
        raise OutputError(f"{out} is a folder; give a file name such as {out / example}")
    parent = out.parent if str(out.parent) else Path()
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{parent} is a file, not a folder")
    if not parent.is_dir():
        raise OutputError(f"the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"cannot write to the folder {parent} (permission denied)")
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputError(f"cannot overwrite {out} (permission denied)")


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; it replaces ``target`` when the block
    succeeds and is removed when it fails. File system errors become :class:`OutputError`.

    The temporary file is not created here: the writer creates it, with the permissions any
    new file of the user's gets (a file made by ``mkstemp`` would be private to its owner).
    """
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary name; return ``path``."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
