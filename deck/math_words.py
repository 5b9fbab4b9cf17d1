"""LaTeX math read aloud in words, in the deck's language, for the narration a slide with an
equation gets.

A small reader for what explainer slides show (fractions, powers, roots, subscripts, sums,
integrals, Greek letters, relations), not a full LaTeX parser: what it does not know it reads
by its name without the backslash, so the narration never says "backslash". The words come
from :mod:`deck.math_words_vocabulary` (English for a language it has no words for).
"""

from __future__ import annotations

import re

from .math_words_vocabulary import GREEK, Vocabulary, vocabulary

_CAPITALS = (
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
)  # fmt: skip
_GREEK = {*GREEK, *_CAPITALS, "varepsilon", "vartheta", "varpi", "varphi"}
_SKIP = {"left", "right", "displaystyle", "mathrm", "mathbf", "mathit", "text", "operatorname"}
# Signs typed as Unicode read as the command they stand for ("x ≤ 1" as "x \le 1").
_UNICODE = {
    "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "≈": r"\approx", "×": r"\times", "·": r"\cdot",
    "÷": r"\div", "±": r"\pm", "→": r"\to", "⇒": r"\Rightarrow", "∞": r"\infty", "π": r"\pi",
}  # fmt: skip
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|[A-Za-z]|\S")


def latex_words(latex: str, language: str = "en") -> str:
    """``latex`` in words: ``E = mc^2`` is "E equals m c squared", in French
    "E égale m c au carré"."""
    for sign, command in _UNICODE.items():
        latex = latex.replace(sign, f" {command} ")
    pieces = _TOKEN.findall(latex)
    words, _ = _read(pieces, 0, stop=None, said=vocabulary(language))
    text = " ".join(word for word in words if word)
    return re.sub(r"\s+([,])", r"\1", re.sub(r"\s+", " ", text)).strip()


def _read(
    pieces: list[str], i: int, *, stop: str | None, said: Vocabulary
) -> tuple[list[str], int]:
    out: list[str] = []
    while i < len(pieces):
        piece = pieces[i]
        if piece == stop:
            return out, i + 1
        if piece == "{":
            inner, i = _read(pieces, i + 1, stop="}", said=said)
            out += inner
            continue
        if piece in ("^", "_"):
            arg, i = _argument(pieces, i + 1, said)
            what = " ".join(arg)
            limits = bool(out) and (out[-1] in said.big or out[-1].startswith(said.limit_prefix))
            if limits:  # the sum from i = 1 to n
                out.append((said.lower if piece == "_" else said.upper).format(what))
            elif piece == "_":
                out.append(said.sub.format(what))
            elif what == "2":
                out.append(said.squared)
            elif what == "3":
                out.append(said.cubed)
            else:
                out.append(said.power.format(what))
            continue
        if piece.startswith("\\") and len(piece) > 1:
            name = piece[1:]
            i += 1
            if name == "frac":
                top, i = _argument(pieces, i, said)
                bottom, i = _argument(pieces, i, said)
                out += [*top, said.over, *bottom]
            elif name == "sqrt":
                arg, i = _argument(pieces, i, said)
                out += [said.root, *arg]
            elif name in _SKIP:
                continue
            elif name in _GREEK:
                out.append(said.letter(name))
            elif name in said.words:
                out.append(said.words[name])
            elif name.isalpha():
                out.append(name)
            continue
        if piece in "()[]|":
            i += 1
            continue
        out.append(said.symbols.get(piece, piece))
        i += 1
    return out, i


def _argument(pieces: list[str], i: int, said: Vocabulary) -> tuple[list[str], int]:
    """One argument: a braced group or a single piece."""
    if i >= len(pieces):
        return [], i
    if pieces[i] == "{":
        return _read(pieces, i + 1, stop="}", said=said)
    return _read(pieces[i : i + 1], 0, stop=None, said=said)[0], i + 1
