"""Prompt texts, kept as files beside this module and versioned with the code.

``load(name)`` returns the text of ``<name>.txt``; ``render(name, **values)`` fills its
``{placeholders}``. A placeholder is a lowercase identifier in braces; any other brace (a JSON
example in a prompt) is left alone. Every placeholder must be given a value and every value
must be used, so a renamed placeholder fails loudly instead of sending a prompt with a hole.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@cache
def load(name: str) -> str:
    """The text of the prompt file ``name`` (``prompts/<name>.txt``), without a final newline."""
    if not _NAME.match(name):
        raise ValueError(f"bad prompt name {name!r}: use lowercase letters, digits and '_'")
    path = resources.files(__package__).joinpath(f"{name}.txt")
    if not path.is_file():
        raise FileNotFoundError(f"no prompt named {name!r} (looked for prompts/{name}.txt)")
    return path.read_text(encoding="utf-8").rstrip("\n")


def placeholders(name: str) -> set[str]:
    """The placeholder names the prompt ``name`` expects."""
    return set(_PLACEHOLDER.findall(load(name)))


def render(name: str, **values: object) -> str:
    """The prompt ``name`` with each ``{placeholder}`` replaced by ``str(values[placeholder])``."""
    expected = placeholders(name)
    missing = expected - values.keys()
    unused = values.keys() - expected
    if missing or unused:
        raise KeyError(
            f"prompt {name!r}: missing values {sorted(missing)}, unknown values {sorted(unused)}"
        )
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), load(name))


def names() -> list[str]:
    """Every prompt that ships with deckcast."""
    return sorted(
        entry.name.removesuffix(".txt")
        for entry in resources.files(__package__).iterdir()
        if entry.name.endswith(".txt")
    )
