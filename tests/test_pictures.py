"""Picture prompts fit for diffusion models, measured with CLIP's own tokenizer
(instant-clip-tokenizer: OpenAI CLIP's byte-level BPE, 49,408 tokens): negations and words to
draw are taken out, and the prompt the renderer builds — slide prompt, deck style, no-text
suffix — stays inside CLIP's 77-token window, so the style and the no-text wish are never the
part that is cut off."""

from __future__ import annotations

import pytest
from instant_clip_tokenizer import Tokenizer

from agent import Planner
from agent.pictures import (
    CLIP_CONTENT,
    STYLE_RESERVE,
    SUFFIX_RESERVE,
    estimate_tokens,
    fit_prompt,
    pictorial,
)
from deck import THEMES
from render.images.presets import NO_TEXT_NEGATIVE, NO_TEXT_SUFFIX
from render.plan import _prompt as render_prompt
from tests.agent_helpers import chat_model, deck_draft

_TOKENIZER = Tokenizer()


def clip(text: str) -> int:
    """CLIP tokens of ``text`` without the start and end markers (CLIP lower-cases first)."""
    return len(_TOKENIZER.encode(" ".join(text.lower().split())))


# Prompts as models write them: long, subject first, and often with what the rules forbid.
PROMPTS = [
    "a vast sweeping panoramic view of an ancient volcanic island at dawn, with glowing rivers "
    "of molten lava flowing down rugged black slopes into a steaming turquoise ocean, towering "
    "plumes of ash and smoke rising into a pink and orange sky, tiny fishing boats in the "
    "foreground, seabirds circling overhead, dramatic volumetric light rays, ultra detailed",
    "white blood cells patrolling through a blood vessel like a team of guards, red blood cells "
    "drifting past, microscopic view, soft pink and red tones, shallow depth of field, no text, "
    "no labels, highly detailed scientific illustration, 4k",
    "a diagram of the water cycle labeled with the words EVAPORATION and CONDENSATION, clouds "
    "over mountains, rain falling into a river that winds to the sea, sun in the corner",
    "a chloroplast inside a plant cell, thylakoid stacks glowing green, without any writing, "
    "avoid watermarks, cinematic lighting, macro photography, photorealistic rendering",
    "children in a sunny classroom looking at a globe together, a teacher pointing at Europe, "
    "bookshelves and plants behind them, warm afternoon light through tall windows",
    "the Apollo 11 lunar module standing on the grey dusty surface of the Moon, Earth rising "
    "over the horizon, footprints in the dust, deep black sky full of stars",
]
STYLES = [spec.image_style for spec in THEMES.values()] + [
    "pencil sketch",
    "in the style of Hokusai",
    "bright watercolour illustration with soft edges and visible paper texture",  # ~14 tokens
]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("prompt", PROMPTS, ids=[p[:24] for p in PROMPTS])
def test_fitted_prompts_leave_room_for_style_and_suffix(prompt, style):
    for counter in (clip, estimate_tokens):  # with CLIP's tokenizer, and without it
        fitted = fit_prompt(prompt, style, counter)
        full = f"{render_prompt_with(fitted, style)}, {NO_TEXT_SUFFIX}"
        assert clip(full) <= CLIP_CONTENT, (counter, full)
        assert full.endswith(f"{style}, {NO_TEXT_SUFFIX}")
        assert fitted.split(",")[0] == pictorial(prompt).split(",")[0][: len(fitted.split(",")[0])]
        assert clip(fitted) >= 12  # still a picture worth drawing


def render_prompt_with(fitted: str, style: str) -> str:
    """The prompt the renderer builds for a slide (render/plan.py), style included."""
    from deck import build_deck

    deck = build_deck(
        {
            "title": "t",
            "theme": {"style": style},
            "slides": [{"title": "s", "image_prompt": fitted}],
        }
    )
    return render_prompt(deck, deck.slides[0])


def test_the_reserves_cover_what_the_renderer_adds():
    assert clip(f", {NO_TEXT_SUFFIX}") <= SUFFIX_RESERVE
    assert all(clip(f", {spec.image_style}") <= STYLE_RESERVE for spec in THEMES.values())
    # The negative prompt is encoded on its own: it fits its own window.
    assert clip(NO_TEXT_NEGATIVE) <= CLIP_CONTENT


def test_the_estimate_never_counts_fewer_tokens_than_clip():
    words = " ".join(PROMPTS + STYLES).replace(",", " ").split()
    for word in words:
        assert estimate_tokens(word) >= clip(word), word
    for text in PROMPTS + STYLES:
        assert estimate_tokens(text) >= clip(text), text


@pytest.mark.parametrize(
    ("prompt", "picture"),
    [
        ("a green leaf in sunlight, no text, no people", "a green leaf in sunlight"),
        ("a forest without people, soft light", "a forest, soft light"),
        ("a lab bench, avoid watermarks, do not include any writing", "a lab bench"),
        ("a city at night, not blurry, never cartoonish", "a city at night"),
        ("a quiet beach, free of litter", "a quiet beach"),
        ("a desert road and no cars", "a desert road"),
        ('a sign that says "OPEN" on a door', "a sign on a door"),
        ("a diagram labeled with the words ATP and NADPH, blue", "a diagram, blue"),
        ("a green leaf in sunlight", "a green leaf in sunlight"),
        ("a nobleman's portrait, oil on canvas", "a nobleman's portrait, oil on canvas"),
    ],
)
def test_negations_and_words_are_taken_out(prompt, picture):
    assert pictorial(prompt) == picture


async def test_planned_prompts_fit_with_the_decks_style(fake_openai):
    """Against the fake server: whatever the model writes, the planned deck's prompts, with its
    style and the no-text suffix appended, fit CLIP's window."""
    titles = [f"Slide {n}" for n in range(1, len(PROMPTS) + 1)]
    draft = deck_draft(titles, style="bright watercolour illustration with visible paper grain")
    for slide, prompt in zip(draft["slides"], PROMPTS, strict=True):
        slide["image_prompt"] = prompt
    fake_openai.script(draft)
    deck = await Planner(chat_model(fake_openai)).plan("six pictures of science")
    lengths = []
    for slide in deck.slides:
        full = f"{render_prompt(deck, slide)}, {NO_TEXT_SUFFIX}"
        lengths.append(clip(full))
        assert full.endswith(f", {deck.theme.style}, {NO_TEXT_SUFFIX}")
        assert "no text" not in slide.image_prompt and "EVAPORATION" not in slide.image_prompt
    assert max(lengths) <= CLIP_CONTENT
    # As the model wrote it, the first was 81 tokens with style and suffix: CLIP would have
    # dropped the end, the style and the no-text wish with it.
    assert clip(f"{PROMPTS[0]}, {deck.theme.style}, {NO_TEXT_SUFFIX}") > CLIP_CONTENT
