"""``deckcast revise``: an instruction changes a deck outline ("make slide 3 simpler")."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from agent import Reviser
from deck import apply, parse_outline, slides_count, to_markdown

from ..backends import LLM_HINTS, build_structured_chat
from ..settings import Settings
from .console import console, friendly_errors, out, print_status
from .render_cmd import read_outline

DeckArg = Annotated[Path, typer.Argument(help="The Markdown outline to revise.")]
InstructionArg = Annotated[
    str,
    typer.Argument(
        help="What to change: 'make slide 3 simpler', 'swap slides 2 and 4', 'theme dark', "
        "'add a slide about side effects after slide 5', 'in Spanish'."
    ),
]
ReviseOutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Where to write the result [default: over DECK]."),
]


def register(app: typer.Typer) -> None:
    @app.command("revise")
    @friendly_errors
    def revise_command(
        ctx: typer.Context,
        deck_file: DeckArg,
        instruction: InstructionArg,
        output: ReviseOutputOpt = None,
    ) -> None:
        """Apply one instruction to a deck outline and write the revised outline.

        Structural commands (delete, swap, move, theme, style, aspect, voice, new picture) work
        without a model; other changes need one (see `deckcast plan --help`). Slides the
        instruction does not touch stay exactly as they were, so a render reuses their cache.
        """
        settings: Settings = ctx.obj
        deck = parse_outline(read_outline(deck_file))
        reviser = Reviser(build_structured_chat(settings), hints=LLM_HINTS)
        with console.status("revising…", spinner="dots"):
            revision = asyncio.run(reviser.revise(deck, instruction, on_status=print_status))
        revised = apply(deck, revision.edits)
        target = output or deck_file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(to_markdown(revised), encoding="utf-8")
        before = set(deck.slide_hashes())
        changed = sum(1 for digest in revised.slide_hashes() if digest not in before)
        out.print(escape(revision.summary))
        out.print(
            f"[bold green]✓[/] wrote {escape(str(target))} ({slides_count(len(revised.slides))}, "
            f"{changed} with new content)"
        )
