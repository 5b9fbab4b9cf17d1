"""The command line as typer should read it, for the one spelling typer cannot parse.

``deckcast render --captions words``: ``--captions/--no-captions`` is an on/off flag (a bare
``--captions`` means captions a line at a time, as it always has), and typer's parser has no
options whose value may be left out; so a caption style right after ``--captions`` is passed
on as ``--caption-style STYLE``. Kept free of ``render`` imports: every command starts here.
"""

from __future__ import annotations

CAPTION_STYLES = ("none", "lines", "words")  # render.options.CaptionMode's values


def caption_style_args(args: list[str]) -> list[str]:
    """``args`` with ``render ... --captions STYLE`` written as ``--caption-style STYLE``."""
    out: list[str] = []
    rest = iter(args)
    for arg in rest:
        out.append(arg)
        if arg != "--captions" or "render" not in out:
            continue
        following = next(rest, None)
        if following is not None and following.lower() in CAPTION_STYLES:
            out[-1:] = ["--caption-style", following.lower()]
        elif following is not None:
            out.append(following)
    return out
