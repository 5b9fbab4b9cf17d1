"""``deckcast doctor``: one line per thing the configured setup relies on, with the fix for each
that is missing; exit code 1 when something it needs is missing."""

from __future__ import annotations

import typer
from rich.markup import escape

from ..doctor import Finding, Status, examine
from ..settings import Settings
from .console import friendly_errors, out

MARKS = {
    Status.OK: "[green]ok[/]     ",
    Status.MISSING: "[red]MISSING[/]",
    Status.WARNING: "[yellow]warning[/]",
    Status.INFO: "[dim]info[/]   ",
}


def show(finding: Finding) -> None:
    line = f"{MARKS[finding.status]} {finding.name:<16} {escape(finding.detail)}"
    out.print(line, soft_wrap=True)
    if finding.fix and finding.status is not Status.OK:
        out.print(f"{'':<25}fix: {escape(finding.fix)}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    @app.command("doctor")
    @friendly_errors
    def doctor_command(ctx: typer.Context) -> None:
        """Check what this machine has for the configured setup, with fixes.

        ffmpeg, espeak-ng, a font for each script, text shaping (raqm), torch and the GPU,
        picture models on disk, the voice, the language model, the chat bots' libraries, the
        cache folder and the store. Exits with 1 when something the settings need is missing.
        """
        settings: Settings = ctx.obj
        findings = examine(settings)
        for finding in findings:
            show(finding)
        missing = [f for f in findings if f.status is Status.MISSING]
        warnings = [f for f in findings if f.status is Status.WARNING]
        if missing:
            names = ", ".join(f.name for f in missing)
            out.print(f"[red]missing for this setup:[/] {escape(names)}")
            raise typer.Exit(1)
        note = f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})" if warnings else ""
        out.print(f"[green]everything this setup needs is here[/]{note}")
