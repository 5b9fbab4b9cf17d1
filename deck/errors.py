"""Errors raised by the deck model.

::

    DeckError                  base of everything deck/ raises
    ├── DeckValidationError    a deck or slide breaks a limit (names the field and the slide)
    ├── OutlineError           a Markdown outline cannot be read (names the line)
    └── EditError              an edit cannot be applied (names the slide, lists the slides)

All of them are a user's bad input, never a bug: their message is written to be shown as is.
"""

from __future__ import annotations


class DeckError(ValueError):
    """Base class: a problem with a deck that the user can fix."""


class DeckValidationError(DeckError):
    """A deck, slide or theme broke a limit; ``problems`` holds one line per broken field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        if len(problems) == 1:
            message = problems[0]
        else:
            message = "the deck has problems:\n" + "\n".join(f"- {p}" for p in problems)
        super().__init__(message)


class OutlineError(DeckError):
    """A Markdown outline could not be turned into a deck."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class EditError(DeckError):
    """An edit could not be applied to the deck (for example, it names a missing slide)."""
