"""``deckcast plan``: a request (or a Markdown outline) becomes a deck, written as an outline."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from agent import Planner, PlanOptions
from deck import Aspect, Deck, slides_count, to_markdown

from ..backends import LLM_HINTS, build_structured_chat
from ..settings import Settings
from .console import console, friendly_errors, out, print_status
from .render_cmd import read_outline

RequestArg = Annotated[
    str,
    typer.Argument(
        help="What the video should explain, e.g. 'how vaccines work, 6 slides, for "
        "teenagers, dark theme'. A Markdown outline works too; '-' reads standard input. "
        "With --outline: commands such as 'dark theme' or 'vertical'."
    ),
]
PlanOutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Outline file to write [default: print the outline to stdout]."
    ),
]
OutlineOpt = Annotated[
    Path | None,
    typer.Option("--outline", help="A Markdown outline to use as is (no model needed)."),
]
SlidesOpt = Annotated[
    int | None, typer.Option("--slides", help="Number of slides (1-30); overrides the request.")
]
ThemeOpt = Annotated[
    str | None, typer.Option("--theme", help="light, dark, chalkboard, ocean or sunset.")
]
StyleOpt = Annotated[str | None, typer.Option("--style", help="Picture style, e.g. 'watercolor'.")]
AspectOpt = Annotated[Aspect | None, typer.Option("--aspect", help="Frame shape.")]
VoiceOpt = Annotated[str | None, typer.Option("--voice", help="espeak[:lang] or silent.")]
LanguageOpt = Annotated[
    str | None, typer.Option("--language", help="Language code of the deck, e.g. es or pt-BR.")
]


def print_titles(deck: Deck, *, to_stderr: bool = False) -> None:
    """The deck in a few lines: title, shape, then one numbered line per slide."""
    target = console if to_stderr else out
    target.print(
        f"[bold]{escape(deck.title)}[/] · {slides_count(len(deck.slides))} · "
        f"theme {deck.theme.name} · {deck.aspect.value} · {deck.language}"
    )
    for number, slide in enumerate(deck.slides, 1):
        target.print(f"  {number:>2}. {escape(slide.title)}")


def register(app: typer.Typer) -> None:
    @app.command("plan")
    @friendly_errors
    def plan_command(
        ctx: typer.Context,
        request: RequestArg = "",
        output: PlanOutputOpt = None,
        outline: OutlineOpt = None,
        slides: SlidesOpt = None,
        theme: ThemeOpt = None,
        style: StyleOpt = None,
        aspect: AspectOpt = None,
        voice: VoiceOpt = None,
        language: LanguageOpt = None,
    ) -> None:
        """Plan a deck from a request and write it as a Markdown outline.

        Free text needs a model (DECKCAST_LLM_MODEL, OPENAI_BASE_URL, OPENAI_API_KEY); an
        outline does not. Edit the outline, then `deckcast render` it or `deckcast revise` it.
        """
        settings: Settings = ctx.obj
        text = sys.stdin.read() if request == "-" else request
        attached = read_outline(outline) if outline is not None else None
        options = PlanOptions(
            slides=slides,
            theme=theme,
            style=style,
            aspect=aspect.value if aspect else None,
            voice=voice,
            language=language,
        )
        planner = Planner(build_structured_chat(settings), hints=LLM_HINTS)
        with console.status("planning…", spinner="dots"):
            deck = asyncio.run(
                planner.plan(text, outline=attached, options=options, on_status=print_status)
            )
        markdown = to_markdown(deck)
        if output is None:
            print_titles(deck, to_stderr=True)
            sys.stdout.write(markdown)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(markdown, encoding="utf-8")
        print_titles(deck)
        out.print(f"[bold green]✓[/] wrote {escape(str(output))}")
