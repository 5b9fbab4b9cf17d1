"""One export: a deck becomes a .pptx and/or a .pdf, from the pictures already in the cache."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from deck import Deck

from ..errors import ExportError
from ..fonts import missing_glyphs_warning
from ..language import with_language
from ..options import RenderOptions
from ..output import check_target, replacing
from ..pipeline import Renderer
from .slides import JPEG_QUALITY, ExportPlan, plan_context, prepare_slide

INSTALL_EXPORT = "pip install 'deckcast[export]'"
Writer = Callable[[ExportPlan, Path], None]


@dataclass
class ExportResult:
    """What an export wrote. ``files`` lists the written files, PowerPoint first."""

    slides: int
    pptx: Path | None = None
    pdf: Path | None = None
    pptx_bytes: int = 0
    pdf_bytes: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [path for path in (self.pptx, self.pdf) if path is not None]


async def export_deck(
    renderer: Renderer,
    deck: Deck,
    *,
    pptx: Path | None = None,
    pdf: Path | None = None,
    options: RenderOptions | None = None,
    picture_quality: int | None = JPEG_QUALITY,
) -> ExportResult:
    """Write ``deck`` as a PowerPoint file at ``pptx`` and/or a PDF at ``pdf``.

    Pass the ``options`` the deck's video was (or will be) rendered with: the pictures are then
    taken from the asset cache and none is made again (a missing one is made and cached, as a
    render would). ``picture_quality`` is the JPEG quality of the embedded images; ``None``
    embeds them losslessly as PNG (larger files). Each file is written under a temporary name
    and renamed, so a failed export leaves no partial file and keeps an older one intact.

    Raises :class:`OutputError` for a path that cannot be written (before any work) and
    :class:`ExportError` when python-pptx / fpdf2 are not installed or writing fails.
    """
    started = time.perf_counter()
    options = options or RenderOptions()
    if pptx is None and pdf is None:
        raise ExportError("nothing to export: ask for a PowerPoint file, a PDF or both")
    if picture_quality is not None and not 1 <= picture_quality <= 95:
        raise ExportError(f"picture quality {picture_quality} must be between 1 and 95")
    targets = check_targets(pptx=pptx, pdf=pdf)
    writers = {suffix: _writer(suffix) for _t, suffix, _w in targets}

    plan = await _plan(renderer, deck, options, pptx is not None, pdf is not None, picture_quality)
    written = await asyncio.gather(
        *(renderer.run_cpu(_write, writers[suffix], plan, target) for target, suffix, _w in targets)
    )
    sizes = dict(zip((suffix for _t, suffix, _w in targets), written, strict=True))
    warnings = [missing_glyphs_warning(plan.missing_glyphs)] if plan.missing_glyphs else []
    return ExportResult(
        slides=len(plan.slides),
        pptx=Path(pptx) if pptx is not None else None,
        pdf=Path(pdf) if pdf is not None else None,
        pptx_bytes=sizes.get(".pptx", 0),
        pdf_bytes=sizes.get(".pdf", 0),
        seconds=time.perf_counter() - started,
        warnings=warnings,
    )


def check_targets(
    *, pptx: Path | None = None, pdf: Path | None = None
) -> list[tuple[Path, str, str]]:
    """Fail with :class:`OutputError` if a requested file cannot be written (call it before a
    render that exports afterwards); return (path, suffix, what) for each."""
    wanted: list[tuple[Path, str, str]] = []
    if pptx is not None:
        wanted.append((Path(pptx), ".pptx", "PowerPoint file"))
    if pdf is not None:
        wanted.append((Path(pdf), ".pdf", "PDF"))
    for target, suffix, what in wanted:
        check_target(target, suffix, what=what)
    return wanted


def _writer(suffix: str) -> Writer:
    """The writer for ``suffix``, imported now: python-pptx and fpdf2 are an optional extra."""
    library = {".pptx": "python-pptx", ".pdf": "fpdf2"}[suffix]
    try:
        if suffix == ".pptx":
            from .powerpoint import write_pptx

            return write_pptx
        from .pdf import write_pdf

        return write_pdf
    except ImportError as exc:
        raise ExportError(
            f"{suffix[1:].upper()} export needs {library}, which is not installed "
            f"(no module '{exc.name}'): {INSTALL_EXPORT}"
        ) from None


async def _plan(
    renderer: Renderer,
    deck: Deck,
    options: RenderOptions,
    pictures: bool,
    pages: bool,
    quality: int | None,
) -> ExportPlan:
    deck = with_language(deck)  # the language the video is spoken and set in
    spec, theme, fonts = plan_context(deck, options.resolution, options.extra_font)
    with renderer.cache.pinning() as cache:  # the pictures stay until they are read
        paths = await renderer.pictures(deck, options, cache=cache)
        prepared = await asyncio.gather(
            *(
                renderer.run_cpu(
                    functools.partial(
                        prepare_slide, picture=pictures, underlay=pages, quality=quality
                    ),
                    deck,
                    i,
                    paths[i],
                    spec,
                    theme,
                    fonts,
                )
                for i in range(len(deck.slides))
            )
        )
    missing: set[str] = set()
    for _slide, lost in prepared:
        missing |= lost
    slides = tuple(s for s, _l in prepared)
    return ExportPlan(deck, spec, theme, slides, frozenset(missing), fonts)


def _write(write: Writer, plan: ExportPlan, target: Path) -> int:
    """Write one file through a temporary name; return its size in bytes."""
    with replacing(target) as tmp:
        try:
            write(plan, tmp)
        except OSError:
            raise  # replacing() turns it into an OutputError that names the file
        except Exception as exc:
            raise ExportError(f"could not write {target.name}: {exc}") from exc
        return tmp.stat().st_size
