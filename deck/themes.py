"""The theme catalogue: colours, fonts and default picture style of every named theme.

Pure data. ``render/`` paints with it, exporters reuse it, ``deck/`` validates theme names
against it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Palette:
    """Colours of one theme, as ``#rrggbb`` strings."""

    background: str  # slide background behind text areas
    surface: str  # panels placed behind text that sits on a picture
    text: str  # titles and bullets
    muted: str  # secondary text (slide numbers, captions' outline)
    accent: str  # bullets' markers, rules, highlights
    art: tuple[str, ...]  # colours the procedural backgrounds are painted from


@dataclass(frozen=True, slots=True)
class ThemeSpec:
    """A named theme: palette, fonts and the picture style it suggests."""

    name: str
    description: str
    palette: Palette
    image_style: str


THEMES: dict[str, ThemeSpec] = {
    spec.name: spec
    for spec in (
        ThemeSpec(
            name="light",
            description="white page, dark text, fresh colours",
            palette=Palette(
                background="#f7f7f2",
                surface="#ffffff",
                text="#1d232b",
                muted="#4f5a66",
                accent="#2a7f62",
                art=("#9ad1d4", "#f2c57c", "#7fb069", "#e6aa68", "#cbe896"),
            ),
            image_style="flat vector illustration, soft colours",
        ),
        ThemeSpec(
            name="dark",
            description="deep navy, light text, glowing accents",
            palette=Palette(
                background="#12161f",
                surface="#0b0e14",
                text="#f2f4f8",
                muted="#b8c0cc",
                accent="#f6b73c",
                art=("#1f3b73", "#5b2a86", "#0f7173", "#f6b73c", "#e4572e"),
            ),
            image_style="cinematic digital painting, dramatic lighting",
        ),
        ThemeSpec(
            name="chalkboard",
            description="green board, chalk-white text",
            palette=Palette(
                background="#23382d",
                surface="#1a2a21",
                text="#f4f1e8",
                muted="#cfd8c4",
                accent="#f3d36b",
                art=("#2f4a3b", "#3d5c49", "#6f8f72", "#e8e4d8", "#f3d36b"),
            ),
            image_style="chalk drawing on a blackboard",
        ),
        ThemeSpec(
            name="ocean",
            description="blues and teals, white text on deep water",
            palette=Palette(
                background="#0d2b45",
                surface="#08192a",
                text="#f1f7fb",
                muted="#bcd4e6",
                accent="#5ed3c5",
                art=("#0d2b45", "#1b4965", "#5fa8d3", "#62b6cb", "#cae9ff"),
            ),
            image_style="soft watercolour illustration, ocean tones",
        ),
        ThemeSpec(
            name="sunset",
            description="warm oranges and purples, cream page",
            palette=Palette(
                background="#fff6ec",
                surface="#fffaf3",
                text="#2b1d2f",
                muted="#5c4660",
                accent="#c8553d",
                art=("#f28f3b", "#c8553d", "#588b8b", "#ffd5c2", "#6c4a6f"),
            ),
            image_style="warm gouache illustration, golden hour light",
        ),
    )
}

DEFAULT_THEME = "light"


def theme_spec(name: str) -> ThemeSpec:
    """The catalogue entry for ``name``; raises ``KeyError`` when there is none."""
    return THEMES[name]


def theme_names() -> list[str]:
    return list(THEMES)
