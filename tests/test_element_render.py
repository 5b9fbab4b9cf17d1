"""Decks with charts, code and equations render to a playable MP4 and export to a PDF; a chart's
frame is made again only when its data or the theme changes."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from deck import SetTheme, apply, parse_outline, to_markdown
from render import RenderOptions
from render.export import export_deck
from tests.probe import decodes_cleanly, frame_at, probe
from tests.test_export import _soffice, to_pdf_with_libreoffice

SMALL = RenderOptions(resolution=360, voice="silent", storyboard=False)
OUTLINE = """\
---
title: Teaching
theme: ocean
---

# Teaching with data

## Cases by year
- Cases fell after 2021
```chart
type: bar
y: Cases
| Year | Cases |
| --- | --- |
| 2021 | 80 |
| 2022 | 45 |
| 2023 | 20 |
```

## The loop
```python
for year in years:
    print(year, cases[year])
```

## Growth
$$ N(t) = N_0 e^{rt} $$
"""


def run(coro):
    return asyncio.run(coro)


def test_an_element_deck_renders_to_a_playable_mp4_showing_each_frame(renderer, tmp_path):
    deck = parse_outline(OUTLINE)
    out = tmp_path / "teaching.mp4"
    result = run(renderer.render(deck, out, SMALL))
    info = probe(out)
    assert info.video_size == (640, 360) and info.pixel_format == "yuv420p"
    ok, complaints = decodes_cleanly(out)
    assert ok, complaints
    for i, timing in enumerate(result.timings):
        shown = frame_at(out, timing.start + 0.1).astype(int)
        expected = np.asarray(Image.open(result.frames[i]).convert("RGB")).astype(int)
        assert np.abs(shown - expected).mean() < 4, f"slide {i + 1} is not on screen"
    assert not result.warnings


def test_a_charts_frame_is_recomposed_only_when_its_data_or_the_theme_changes(
    renderer, images, tmp_path
):
    deck = parse_outline(OUTLINE)
    run(renderer.render(deck, tmp_path / "a.mp4", SMALL))
    pictures = images.calls
    renderer.cache.reset_stats()
    run(renderer.render(deck, tmp_path / "b.mp4", SMALL))
    assert renderer.cache.misses["frame"] == 0  # nothing changed: every frame from the cache

    edited = parse_outline(to_markdown(deck).replace("| 2022 | 45 |", "| 2022 | 50 |"))
    assert edited.slides[1].element != deck.slides[1].element
    renderer.cache.reset_stats()
    run(renderer.render(edited, tmp_path / "c.mp4", SMALL))
    assert renderer.cache.misses["frame"] == 1  # the chart's frame only
    assert images.calls == pictures  # and no picture was made for it

    renderer.cache.reset_stats()
    run(renderer.render(apply(deck, [SetTheme(name="dark")]), tmp_path / "d.mp4", SMALL))
    assert renderer.cache.misses["frame"] == len(deck.slides)  # a new theme: every frame


def test_no_picture_is_made_for_an_element_that_covers_its_place(renderer, images, tmp_path):
    """A chart beside bullets shows no picture, so none is asked of the (costly) picture
    backend; full-frame code and equations keep theirs as a soft background."""
    deck = parse_outline(OUTLINE)
    result = run(renderer.render(deck, tmp_path / "a.mp4", SMALL))
    assert images.calls == len(deck.slides) - 1
    assert deck.slides[1].image_prompt not in images.prompts
    shown = frame_at(result.video, result.timings[1].start + 0.1).astype(int)
    expected = np.asarray(Image.open(result.frames[1]).convert("RGB")).astype(int)
    assert np.abs(shown - expected).mean() < 4  # the chart slide is drawn all the same


def test_the_pdf_has_a_page_per_slide_with_the_titles_as_text(renderer, tmp_path):
    deck = parse_outline(OUTLINE)
    target = tmp_path / "teaching.pdf"
    run(export_deck(renderer, deck, pdf=target, options=SMALL))
    reader = PdfReader(target)
    assert len(reader.pages) == 4
    for page, slide in zip(reader.pages, deck.slides, strict=True):
        assert slide.title in " ".join(page.extract_text().split())
        assert len(page.images) >= 1  # the frame under the text: chart, code, equation


LIBREOFFICE_OUTLINE = """\
# Teaching

## Cases by year
```chart
type: bar
| Year | Cases |
| 2021 | 80 |
| 2022 | 45 |
```

## Kingdoms
```diagram
type: table
| | Plants | Animals |
| Energy | Sunlight | Food |
```

## The loop
```python
for year in years:
    print(year)
```
"""


@pytest.mark.slow
@pytest.mark.skipif(not _soffice(), reason="LibreOffice is not installed (make system)")
def test_libreoffice_draws_the_native_chart_table_and_code(renderer, tmp_path):
    """LibreOffice opens the .pptx and draws the chart (its category labels and title come out
    as text of its own), the table's cells and the code as text."""
    deck = parse_outline(LIBREOFFICE_OUTLINE)
    target = tmp_path / "teaching.pptx"
    run(export_deck(renderer, deck, pptx=target, options=SMALL))
    reader = PdfReader(to_pdf_with_libreoffice(target, tmp_path / "lo"))
    assert len(reader.pages) == 4
    chart, table, code = (" ".join(page.extract_text().split()) for page in reader.pages[1:])
    assert "2021" in chart and "2022" in chart and "Year" in chart
    assert all(cell in table for cell in ("Plants", "Animals", "Energy", "Sunlight", "Food"))
    assert "for year in years:" in code and "print(year)" in code
