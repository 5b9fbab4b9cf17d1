"""Markdown outlines: the human way to write a deck, read and written back the same way.

The format::

    ---
    title: How plants eat sunlight      (optional front matter: title, language, theme,
    theme: light                          style, aspect, voice, music, motion: none |
    ---                                   gentle | kenburns)

    # How plants eat sunlight            a '#' heading is a title slide
    - A five minute tour                 list items are bullets (a title slide's subtitle)

    ## Leaves are solar panels           a '##' heading starts a slide
    Image: a green leaf in sunlight      the picture prompt (or ![prompt](any.png))
    Seed: 1234                           optional: the picture's seed
    Layout: full_image                   optional: title | image_bullets | full_image
    - Chlorophyll absorbs light          bullets
    > Leaves catch sunlight with ...     narration ('> quote', 'Note: ...' or plain text)

    ```chart / ```python / $$ ... $$       one element: a chart, code, an equation or a diagram (the
                                         formats are in :mod:`deck.outline_blocks`)

:func:`to_markdown` writes a deck back in exactly this form, so that
``parse_outline(to_markdown(deck)) == deck`` for every deck.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import DeckValidationError, OutlineError
from .model import Deck, Layout, Motion, article, build_deck, default_seed, spoken_text
from .outline_blocks import (
    element_markdown,
    read_chart,
    read_code,
    read_diagram,
    read_equation,
)

_FRONT_KEYS = {
    "title": "title",
    "language": "language",
    "lang": "language",
    "theme": "theme",
    "style": "style",
    "aspect": "aspect",
    "voice": "voice",
    "music": "music",
    "motion": "motion",
}
_VERBATIM_FRONT = ("language", "aspect", "theme", "voice", "music", "motion")  # names, not Markdown
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_DIRECTIVE = re.compile(
    r"^\s*(?:[-*+•]\s+(?=[*_]{1,2}\s*(?:image|picture|visual|illustration|narration|narrator|"
    r"voice[- ]?over|speaker notes|script)))?([*_]{0,2})\s*(image prompt|image|picture|visual|"
    r"illustration|seed|layout|note|notes|narration|narrator|voice[- ]?over|script|say|"
    r"speaker notes|title)\s*[*_]{0,2}\s*:\s*[*_]{0,2}\s*(.*)$",
    re.IGNORECASE,
)
_DIRECTIVE_KEYS = {  # the names chat assistants give these lines, as the outline's own
    "image prompt": "image", "visual": "image", "illustration": "image", "narrator": "narration",
    "voiceover": "narration", "voice-over": "narration", "voice over": "narration",
    "script": "narration", "speaker notes": "narration",
}  # fmt: skip
# A slide as chat assistants write one: "**Slide 1: What is it?**", "Slide 2 – The parts",
# "## Slide 3: Roots", also in the languages the voices speak ("Diapositive 2 :", "Folie 3 –").
# (to_markdown escapes the sign after the number of a title that really reads "Slide 3: …".)
# The word for a slide in those marks; a line that lost its break is only cut before the
# unambiguous ones ("dia 3." is also a day in Portuguese).
_SLIDE_WORD = r"(?:slide|diapositiva|diapositive|diapo|folie|слайд)"
_SLIDE_MARK = re.compile(
    rf"^\s*(?:#{{2,6}}\s+)?[*_]{{0,2}}\s*(?:{_SLIDE_WORD}|dia|スライド|幻灯片)\s*(?P<n>\d{{1,2}})"
    r"\s*(?:[:.)\-–—]|(?=[*_]{0,2}\s*$))(?P<title>.*)$",
    re.IGNORECASE,
)
_IMAGE_MD = re.compile(r"^\s*!\[(.*)\]\([^)]*\)\s*$")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^`\s]*)[^`]*$")
_MATH = re.compile(r"^\s*\$\$(.*)$")

# Inline Markdown that is stripped on import (the text is what the slide shows).
_INLINE_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_STAR = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")
_EMPHASIS_UNDER = re.compile(r"(?<![\w\\])_(?=\S)(.+?)(?<=\S)_(?!\w)")
_CODE = re.compile(r"`([^`]*)`")
_ESCAPABLE = "\\`*_[]#"
_PLACEHOLDER = "\uf8ff"  # private-use: stands for an escaped character while inline rules run


@dataclass
class _SlideDraft:
    heading_level: int
    title: str
    line: int
    bullets: list[str] = field(default_factory=list)
    narration: list[str] = field(default_factory=list)
    image_prompt: str = ""
    seed: int | None = None
    layout: str | None = None
    element: dict[str, Any] | None = None
    element_line: int = 0


def parse_outline(text: str, *, defaults: dict[str, Any] | None = None) -> Deck:
    """Read a Markdown outline into a validated :class:`Deck`.

    ``defaults`` supplies deck fields (theme, aspect, voice, ...) that the outline's front
    matter does not set. Raises :class:`OutlineError` for unreadable structure and
    :class:`DeckValidationError` for limits, each naming the line or slide.
    """
    if "\x00" in text:
        raise OutlineError("the outline contains binary data; send a plain-text Markdown file")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    front, body_start = _read_front_matter(lines)
    slides = _read_slides(lines, body_start)
    if not slides:
        raise OutlineError(
            "the outline has no slides; start each slide with a heading such as '## Photosynthesis'"
        )
    data: dict[str, Any] = dict(defaults or {})
    theme = dict(data.pop("theme", None) or {})
    if "theme" in front:
        theme = {"name": front.pop("theme")}
    if "style" in front:
        theme["style"] = front.pop("style")
    if theme:
        data["theme"] = theme
    data.update(front)
    data.setdefault("title", slides[0].title)
    data["slides"] = [_slide_data(draft) for draft in slides]
    try:
        return build_deck(data)
    except DeckValidationError as exc:
        # Point at the outline's lines where we can.
        problems = [_with_line(problem, slides) for problem in exc.problems]
        raise DeckValidationError(problems) from None


def to_markdown(deck: Deck) -> str:
    """Write ``deck`` as a Markdown outline that :func:`parse_outline` reads back unchanged."""
    out = ["---", f"title: {_escape(deck.title)}", f"language: {deck.language}"]
    out += [f"theme: {deck.theme.name}", f"style: {_escape(deck.theme.style)}"]
    out.append(f"aspect: {deck.aspect.value}")
    if deck.voice:
        out.append(f"voice: {deck.voice}")
    if deck.music:
        out.append(f"music: {deck.music}")
    if deck.motion is not Motion.GENTLE:  # the default is not written: older outlines stay
        out.append(f"motion: {deck.motion.value}")
    out.append("---")
    for slide in deck.slides:
        out.append("")
        level = "#" if slide.layout is Layout.TITLE else "##"
        out.append(f"{level} {_escape_title(slide.title)}")
        if slide.image_prompt != slide.title:
            out.append(f"Image: {_escape(slide.image_prompt)}")
        if slide.image_seed != default_seed(slide.image_prompt):
            out.append(f"Seed: {slide.image_seed}")
        if slide.layout is not None and slide.layout is not Layout.TITLE:
            out.append(f"Layout: {slide.layout.value}")
        out.extend(f"- {_escape(bullet)}" for bullet in slide.bullets)
        if slide.element is not None:
            out.extend(element_markdown(slide.element))
        if slide.narration != spoken_text(slide.title, slide.bullets, slide.element, deck.language):
            out.append(f"> {_escape(slide.narration)}")
    return "\n".join(out) + "\n"


def _read_front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != "---":
        return {}, 0
    front: dict[str, str] = {}
    for i in range(first + 1, len(lines)):
        raw = lines[i].strip()
        if raw == "---":
            return front, i + 1
        if not raw or raw.startswith("#"):
            continue
        key, sep, value = raw.partition(":")
        key = key.strip().lower()
        if not sep or key not in _FRONT_KEYS:
            known = ", ".join(sorted(set(_FRONT_KEYS.values())))
            raise OutlineError(f"unknown front-matter setting '{key}'; known: {known}", line=i + 1)
        field_name = _FRONT_KEYS[key]
        value = value.strip()
        front[field_name] = value if field_name in _VERBATIM_FRONT else _inline(value)
    raise OutlineError("the front matter opened with '---' is never closed", line=first + 1)


def _read_slides(lines: list[str], start: int) -> list[_SlideDraft]:
    slides: list[_SlideDraft] = []
    current: _SlideDraft | None = None
    in_note = False
    index = start
    while index < len(lines):
        number = index + 1
        line = lines[index]
        stripped = line.strip()
        index += 1
        fence = _FENCE.match(line)
        math = None if fence else _MATH.match(line)
        if fence or math:
            if current is None:
                raise OutlineError(
                    "a block before the first slide; start each slide with a heading such as "
                    "'## Why leaves are green'",
                    line=number,
                )
            if fence:
                index, element = _read_fence(lines, index, fence, current, len(slides))
            else:
                index, element = _read_math(lines, index, stripped, len(slides))
            if current.element is not None:
                raise OutlineError(
                    f"slide {len(slides)} already has {article(current.element['kind'])} (line "
                    f"{current.element_line}); a slide shows one chart, code block or equation",
                    line=number,
                )
            current.element, current.element_line = element, number
            in_note = False
            continue
        if not stripped:
            in_note = False
            continue
        mark = _SLIDE_MARK.match(stripped)
        if mark:
            title = _inline(mark.group("title").strip(" *_")) or _inline(stripped.strip("#*_ "))
            current = _SlideDraft(heading_level=2, title=title, line=number)
            slides.append(current)
            in_note = False
            continue
        heading = _HEADING.match(stripped)
        if heading and len(heading.group(1)) <= 2:
            title = _inline(heading.group(2))
            current = _SlideDraft(heading_level=len(heading.group(1)), title=title, line=number)
            slides.append(current)
            in_note = False
            continue
        if current is None:
            raise OutlineError(
                "text before the first slide; start each slide with a heading such as "
                "'## Why leaves are green'",
                line=number,
            )
        if heading:  # '###' and deeper: a sub-heading reads as a bullet
            current.bullets.append(_inline(heading.group(2)))
            continue
        directive = _DIRECTIVE.match(line)
        if directive:
            marks, key, value = directive.group(1), directive.group(2).lower(), directive.group(3)
            key = _DIRECTIVE_KEYS.get(key, key)
            value = value.strip()
            if marks and value.endswith(marks) and not value.endswith("\\" + marks):
                value = value[: -len(marks)]  # "**Image: a leaf**": the line was bold
            _apply_directive(current, key, value, number)
            in_note = key not in ("image", "picture", "seed", "layout", "title")
            continue
        image = _IMAGE_MD.match(line)
        if image:
            current.image_prompt = _inline(image.group(1))
            continue
        bullet = _BULLET.match(line)
        if bullet and not in_note:
            current.bullets.append(_inline(bullet.group(1)))
            continue
        quote = _QUOTE.match(line)
        if quote:
            current.narration.append(_inline(quote.group(1)))
            continue
        current.narration.append(_inline(stripped))
    return slides


def _read_fence(
    lines: list[str], index: int, fence: re.Match[str], slide: _SlideDraft, number: int
) -> tuple[int, dict[str, Any]]:
    """The fenced block opened by ``fence`` (on the line before ``index``): its element, and
    the index of the line after its closing fence."""
    indent, marks, info = len(fence.group(1)), fence.group(2), fence.group(3).lower()
    body: list[tuple[int, str]] = []
    for i in range(index, len(lines)):
        raw = lines[i]
        closing = raw.strip()
        if closing and set(closing) == {marks[0]} and len(closing) >= len(marks):
            break
        cut = len(raw) - len(raw.lstrip(" "))
        body.append((i + 1, raw[min(indent, cut) :]))
    else:
        kind = info if info in ("chart", "diagram") else "equation" if info == "math" else "code"
        raise OutlineError(
            f"slide {number}: the {kind} block opened here with {marks} is never closed; "
            f"end it with a line of {marks}",
            line=index,
        )
    end = index + len(body) + 1
    if info == "chart":
        return end, read_chart(body, number)
    if info == "diagram":
        return end, read_diagram(body, number)
    if info in ("math", "latex"):
        return end, read_equation([raw for _, raw in body])
    return end, read_code(info, body)


def _read_math(
    lines: list[str], index: int, stripped: str, number: int
) -> tuple[int, dict[str, Any]]:
    """A ``$$ ... $$`` equation starting on the line before ``index`` (on one line, or
    over several up to the line that ends with ``$$``)."""
    rest = stripped[2:]
    if rest.rstrip().endswith("$$") and rest.strip() != "":
        return index, read_equation([rest.rstrip()[:-2]])
    body = [rest]
    for i in range(index, len(lines)):
        text = lines[i].strip()
        if text.endswith("$$"):
            body.append(text[:-2])
            return i + 1, read_equation(body)
        body.append(text)
    raise OutlineError(
        f"slide {number}: the equation opened here with $$ is never closed; end it with $$",
        line=index,
    )


def _apply_directive(slide: _SlideDraft, key: str, value: str, line: int) -> None:
    value = value.strip()
    if key in ("image", "picture"):
        slide.image_prompt = _inline(value)
    elif key == "title":
        if value:
            slide.title = _inline(value)
    elif key == "seed":
        if not value.isdigit():
            raise OutlineError(f"the seed must be a whole number, not '{value}'", line=line)
        slide.seed = int(value)
    elif key == "layout":
        layout = value.lower().replace("-", "_").replace(" ", "_")
        if layout not in {item.value for item in Layout}:
            choices = ", ".join(item.value for item in Layout)
            raise OutlineError(f"unknown layout '{value}'; choose one of: {choices}", line=line)
        slide.layout = layout
    elif value:
        slide.narration.append(_inline(value))


def _slide_data(draft: _SlideDraft) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": draft.title,
        "bullets": draft.bullets,
        "narration": " ".join(part for part in draft.narration if part),
        "image_prompt": draft.image_prompt,
    }
    if draft.seed is not None:
        data["image_seed"] = draft.seed
    if draft.heading_level == 1:
        data["layout"] = Layout.TITLE.value
    elif draft.layout is not None:
        data["layout"] = draft.layout
    if draft.element is not None:
        data["element"] = draft.element
    return data


def _with_line(problem: str, slides: list[_SlideDraft]) -> str:
    match = re.match(r"slide (\d+)( (?:chart|code|equation|diagram)\b)?", problem)
    if match and 0 < int(match.group(1)) <= len(slides):
        draft = slides[int(match.group(1)) - 1]
        line = draft.element_line if match.group(2) and draft.element_line else draft.line
        return f"line {line}: {problem}"
    return problem


def _inline(text: str) -> str:
    """Plain text of one line of Markdown: escapes resolved, emphasis/code/link marks gone."""
    escaped: list[str] = []

    def hold(match: re.Match[str]) -> str:
        escaped.append(match.group(1) or match.group(2))
        return _PLACEHOLDER

    text = re.sub(r"\\([\\`*_\[\]#:.)\-–—])|(" + _PLACEHOLDER + ")", hold, text)
    text = _INLINE_IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS_STAR.sub(r"\1", text)
    text = _EMPHASIS_UNDER.sub(r"\1", text)
    pieces = iter(escaped)
    return re.sub(_PLACEHOLDER, lambda _m: next(pieces), text)


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in _ESCAPABLE else ch for ch in text)


def _escape_title(title: str) -> str:
    """A heading's text; a title that reads like a chat assistant's slide mark ("Slide 3:
    Roots") gets the sign after its number escaped, so it is read back whole."""
    text = _escape(title)
    mark = _SLIDE_MARK.match(text)
    if mark and mark.group("title") and mark.start("title") > 0:
        sign = mark.start("title") - 1
        text = text[:sign] + "\\" + text[sign:]
    return text


_LINE_STARTS = re.compile(
    r"(?<!speaker)\s+(?="  # ("speaker notes:" is one directive, not "notes:")
    r"---(?:\s|$)"  # front matter fences
    r"|#{1,6}\s"  # headings
    r"|[-*+•]\s"  # bullets
    r"|>\s?"  # narration
    r"|(?:" + "|".join(sorted(_FRONT_KEYS)) + r")\s*:\s"  # front matter keys
    r"|[*_]{0,2}(?:image(?: prompt)?|picture|visual|illustration|seed|layout|notes?|narration|"
    r"narrator|voice[- ]?over|speaker notes|script|say)\s*[*_]{0,2}\s*:[*_]{0,2}\s"  # directives
    rf"|(?:#{{2,6}}\s+)?[*_]{{0,2}}{_SLIDE_WORD}\s*\d{{1,2}}\s*[:.)\-–—]"  # chat assistants' marks
    r")",
    re.IGNORECASE,
)


def one_line_outline(text: str) -> str | None:
    """A message of one line that is an outline whose line breaks were lost (a Discord slash
    option carries it so) unfolded, or None when it is not one. It must start as an outline
    does (front matter, a heading or "Slide 1") and hold two slides once unfolded, so a
    request that merely names slides ("make slide 1: … and slide 2: …") stays a request."""
    stripped = text.strip()
    if "\n" in stripped or not _OUTLINE_START.match(stripped):
        return None
    unfolded = unfold_outline(stripped)
    return unfolded if looks_like_outline(unfolded) else None


_OUTLINE_START = re.compile(
    rf"(?:---\s|#{{1,2}}\s|(?:#{{2,6}}\s+)?[*_]{{0,2}}\s*{_SLIDE_WORD}\s*(?:1|01)\s*[:.)\-–—])",
    re.IGNORECASE,
)


def looks_like_outline(text: str) -> bool:
    """Whether a message is an outline pasted as it is (no code block, no file): two or more
    lines that start slides, as '## …' headings or a chat assistant's "**Slide 1: …**"."""
    starts = 0
    for line in text.splitlines():
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if (heading and len(heading.group(1)) <= 2) or _SLIDE_MARK.match(stripped):
            starts += 1
            if starts >= 2:
                return True
    return False


def unfold_outline(text: str) -> str:
    """An outline whose line breaks were lost (a one-line chat option carries it so: Discord's
    slash options are single lines) with them put back before every front-matter fence and
    key, heading, bullet, narration line and directive. Text with line breaks is unchanged."""
    if "\n" in text.strip():
        return text
    return _LINE_STARTS.sub("\n", text.strip()) + "\n"
