"""LaTeX math read aloud in English words, for the narration a slide with an equation gets.

A small reader for what explainer slides show (fractions, powers, roots, subscripts, sums,
integrals, Greek letters, relations), not a full LaTeX parser: what it does not know it reads
by its name without the backslash, so the narration never says "backslash".
"""

from __future__ import annotations

import re

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "sigma",
    "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
    "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}  # fmt: skip
_WORDS = {
    "cdot": "times", "times": "times", "div": "divided by", "pm": "plus or minus",
    "le": "is at most", "leq": "is at most", "ge": "is at least", "geq": "is at least",
    "ne": "is not equal to", "neq": "is not equal to", "approx": "is approximately",
    "equiv": "is equivalent to", "propto": "is proportional to", "to": "tends to",
    "rightarrow": "gives", "Rightarrow": "implies", "infty": "infinity", "partial": "partial",
    "nabla": "nabla", "sum": "the sum", "prod": "the product", "int": "the integral",
    "lim": "the limit", "log": "log", "ln": "the natural log of", "sin": "sine of",
    "cos": "cosine of", "tan": "tangent of", "exp": "the exponential of", "in": "in",
    "circ": "degrees", "ldots": "and so on", "cdots": "and so on", "dots": "and so on",
}  # fmt: skip
_SYMBOLS = {
    "=": "equals", "+": "plus", "-": "minus", "*": "times", "/": "over", "<": "is less than",
    ">": "is greater than", "!": "factorial", ",": ",", "'": "prime",
}  # fmt: skip
_POWERS = {"2": "squared", "3": "cubed"}
_BIG = {"the sum", "the product", "the integral", "the limit"}
_SKIP = {"left", "right", "displaystyle", "mathrm", "mathbf", "mathit", "text", "operatorname"}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|[A-Za-z]|\S")


def latex_words(latex: str) -> str:
    """``latex`` in words: ``E = mc^2`` is "E equals m c squared"."""
    pieces = _TOKEN.findall(latex)
    words, _ = _read(pieces, 0, stop=None)
    text = " ".join(word for word in words if word)
    return re.sub(r"\s+([,])", r"\1", re.sub(r"\s+", " ", text)).strip()


def _read(pieces: list[str], i: int, *, stop: str | None) -> tuple[list[str], int]:
    out: list[str] = []
    while i < len(pieces):
        piece = pieces[i]
        if piece == stop:
            return out, i + 1
        if piece == "{":
            inner, i = _read(pieces, i + 1, stop="}")
            out += inner
            continue
        if piece in ("^", "_"):
            arg, i = _argument(pieces, i + 1)
            said = " ".join(arg)
            limits = bool(out) and (out[-1] in _BIG or out[-1].startswith("from "))
            if limits:  # the sum from i = 1 to n
                out.append(f"{'from' if piece == '_' else 'to'} {said}")
            elif piece == "_":
                out.append(f"sub {said}")
            elif said in _POWERS:
                out.append(_POWERS[said])
            else:
                out.append(f"to the power of {said}")
            continue
        if piece.startswith("\\") and len(piece) > 1:
            name = piece[1:]
            i += 1
            if name == "frac":
                top, i = _argument(pieces, i)
                bottom, i = _argument(pieces, i)
                out += [*top, "over", *bottom]
            elif name == "sqrt":
                arg, i = _argument(pieces, i)
                out += ["the square root of", *arg]
            elif name in _SKIP:
                continue
            elif name in _GREEK:
                out.append(name.removeprefix("var").lower())
            elif name in _WORDS:
                out.append(_WORDS[name])
            elif name.isalpha():
                out.append(name)
            continue
        if piece in "()[]|":
            i += 1
            continue
        out.append(_SYMBOLS.get(piece, piece))
        i += 1
    return out, i


def _argument(pieces: list[str], i: int) -> tuple[list[str], int]:
    """One argument: a braced group or a single piece."""
    if i >= len(pieces):
        return [], i
    if pieces[i] == "{":
        return _read(pieces, i + 1, stop="}")
    return _read(pieces[i : i + 1], 0, stop=None)[0], i + 1
