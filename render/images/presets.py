"""Diffusion model presets: the right steps, guidance and size for the common models.

Pure data, no torch. A preset is found by its short name (``sd-turbo``) or by its Hugging Face
model id; a model with no preset (a local folder, a single-file checkpoint, an unknown id) gets
the defaults of its pipeline family, and every value can be overridden in the settings.
"""

from __future__ import annotations

from dataclasses import dataclass

# deckcast sets a slide's words itself, so the model must paint none. Models with
# classifier-free guidance get a negative prompt; guidance-free ones (the turbo and schnell
# distillations ignore negative prompts) get the wish in the prompt's own words.
NO_TEXT_NEGATIVE = (
    "text, letters, words, writing, caption, label, watermark, signature, logo, typography, "
    "blurry, low quality"
)
NO_TEXT_SUFFIX = "clean image without any text or lettering"


@dataclass(frozen=True, slots=True)
class Defaults:
    """How a model paints by default (the values a preset or a pipeline family fixes)."""

    steps: int
    guidance: float
    native: int  # the side of the square it was trained at; other shapes keep that area
    half: str = "float16"  # the half-precision type to use on a GPU


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    repo_id: str
    family: str  # "sd", "sdxl" or "flux"
    defaults: Defaults
    download: str  # rough size of what a download of the model fetches
    note: str
    aliases: tuple[str, ...] = ()


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "sd-turbo",
            "stabilityai/sd-turbo",
            "sd",
            Defaults(steps=1, guidance=0.0, native=512),
            "2.6 GB",
            "fastest; one step at 512 px (CPU-friendly)",
            ("sdturbo",),
        ),
        Preset(
            "sdxl-turbo",
            "stabilityai/sdxl-turbo",
            "sdxl",
            Defaults(steps=1, guidance=0.0, native=512),
            "7 GB",
            "one step at 512 px, better pictures than sd-turbo",
            ("sdxlturbo",),
        ),
        Preset(
            "flux-schnell",
            "black-forest-labs/FLUX.1-schnell",
            "flux",
            Defaults(steps=4, guidance=0.0, native=1024, half="bfloat16"),
            "34 GB",
            "best pictures of the fast ones; needs a large GPU",
            ("flux", "schnell", "flux.1-schnell"),
        ),
        Preset(
            "sd15",
            "stable-diffusion-v1-5/stable-diffusion-v1-5",
            "sd",
            Defaults(steps=25, guidance=7.5, native=512),
            "2.7 GB",
            "classic Stable Diffusion 1.5 (ships a safety checker)",
            ("sd1.5", "sd-1.5", "sd-v1-5", "stable-diffusion-1.5"),
        ),
        Preset(
            "sdxl",
            "stabilityai/stable-diffusion-xl-base-1.0",
            "sdxl",
            Defaults(steps=30, guidance=6.0, native=1024),
            "7 GB",
            "Stable Diffusion XL base, 30 steps at 1024 px (GPU)",
            ("sdxl-base", "sdxl-1.0"),
        ),
    )
}
DEFAULT_PRESET = "sd-turbo"

# The defaults of a model that matches no preset, by its pipeline class.
FAMILY_OF_PIPELINE = {
    "StableDiffusionPipeline": "sd",
    "StableDiffusionXLPipeline": "sdxl",
    "FluxPipeline": "flux",
}
FAMILY_DEFAULTS = {
    "sd": Defaults(steps=25, guidance=7.5, native=512),
    "sdxl": Defaults(steps=30, guidance=6.0, native=1024),
    "flux": Defaults(steps=28, guidance=3.5, native=1024, half="bfloat16"),
}
GENERIC_DEFAULTS = Defaults(steps=25, guidance=7.0, native=512)


def find_preset(name_or_id: str) -> Preset | None:
    """The preset called ``name_or_id`` (a short name, an alias or its model id), if any."""
    key = name_or_id.strip().lower()
    for preset in PRESETS.values():
        if key in (preset.name, preset.repo_id.lower(), *preset.aliases):
            return preset
    return None


def defaults_for(preset: Preset | None, pipeline_class: str | None) -> Defaults:
    if preset is not None:
        return preset.defaults
    family = FAMILY_OF_PIPELINE.get(pipeline_class or "")
    return FAMILY_DEFAULTS.get(family or "", GENERIC_DEFAULTS)


def generation_size(region: tuple[int, int], native: int) -> tuple[int, int]:
    """The size to paint a picture shown in ``region`` at: the model's native pixel count in
    the region's shape (clamped to 1:2 .. 2:1), in multiples of 64 (16 for tiny test models)
    so that slides of one layout share a size and can be batched together."""
    width, height = region
    ratio = min(2.0, max(0.5, width / max(1, height)))
    step = 64 if native >= 256 else 16
    area = native * native
    w = max(step, round((area * ratio) ** 0.5 / step) * step)
    h = max(step, round((area / ratio) ** 0.5 / step) * step)
    return w, h
