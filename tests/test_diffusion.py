"""The diffusers picture backend with a real (tiny) Stable Diffusion pipeline built from config,
saved with save_pretrained and loaded by deckcast's own loading code, on this CPU."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.backends import MEMORY_HINT, MODEL_HINTS, build_image_backend
from bot.errors import SettingsError
from bot.settings import Settings
from deck import NewImage, apply, build_deck
from render import (
    AssetCache,
    ImageError,
    ModelNotFoundError,
    PartialBatchError,
    Renderer,
    RenderOptions,
    SilentBackend,
)
from render.frame import FrameSpec
from render.images.base import ImageRequest
from render.images.models import locate
from render.images.presets import generation_size

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from render.images.diffusion import FLAGGED, NAN_IMAGE, DiffusersBackend  # noqa: E402
from render.images.loading import LoadOptions  # noqa: E402
from render.layout import auto_layout, image_size  # noqa: E402

from .fakes.tiny_diffusion import save_single_file, save_tiny_pipeline  # noqa: E402

COMMIT = "a" * 40
FAST = {"native": 64, "steps": 2}


def requests(n: int, *, size: tuple[int, int] = (64, 64), seed0: int = 0) -> list[ImageRequest]:
    return [ImageRequest(f"slide {i}: a green leaf", seed0 + i, size) for i in range(n)]


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def install_in_cache(folder: Path, cache: Path, repo_id: str) -> Path:
    """Lay ``folder`` out as the Hugging Face cache does (snapshots/<commit>, refs/main)."""
    base = cache / ("models--" + repo_id.replace("/", "--"))
    shutil.copytree(folder, base / "snapshots" / COMMIT)
    (base / "refs").mkdir(parents=True)
    (base / "refs" / "main").write_text(COMMIT)
    return base / "snapshots" / COMMIT


class Injected:
    """Stands in front of the loaded pipeline to inject failures: an out-of-memory error for
    batches larger than ``oom_above``, or NaN pixels for prompts containing ``nan_word``."""

    def __init__(self, pipe, *, oom_above: int | None = None, nan_word: str | None = None):
        self.pipe = pipe
        self.oom_above = oom_above
        self.nan_word = nan_word
        self.sizes: list[int] = []

    def __call__(self, **kwargs):
        n = len(kwargs["prompt"])
        self.sizes.append(n)
        if self.oom_above is not None and n > self.oom_above:
            raise torch.OutOfMemoryError(f"CUDA out of memory. Tried to allocate {n} GiB")
        output = self.pipe(**kwargs)
        for i, prompt in enumerate(kwargs["prompt"]):
            if self.nan_word and self.nan_word in prompt:
                output.images[i][:] = np.nan
        return output


@pytest.fixture(scope="module")
def backend(tiny_sd: Path) -> DiffusersBackend:
    source = locate(str(tiny_sd), cache_dir=tiny_sd.parent / "no-cache")
    return DiffusersBackend(source, **FAST, batch_size=4)


# -- loading -------------------------------------------------------------------------------


def test_a_folder_loads_once_and_paints_at_the_generation_size(backend):
    loaded = backend.load()
    assert backend.load() is loaded and backend.stats.loads == 1  # warm: loaded once
    assert loaded.device == "cpu" and loaded.dtype == "float32"
    assert type(loaded.pipe).__name__ == "StableDiffusionPipeline"
    wide, tall = (640, 360), (288, 360)
    images = backend.generate([ImageRequest("a", 1, wide), ImageRequest("b", 2, tall)])
    assert [im.size for im in images] == [generation_size(wide, 64), generation_size(tall, 64)]
    assert images[0].size == (80, 48) and images[1].size == (64, 64)
    assert backend.stats.loads == 1


def test_seeded_batches_are_deterministic_and_independent_of_batching(backend):
    batch = requests(6)
    first = backend.generate(batch)
    again = backend.generate(batch)
    for a, b in zip(first, again, strict=True):
        assert np.array_equal(pixels(a), pixels(b))
    alone = backend.generate([batch[3]])[0]
    assert np.abs(pixels(alone) - pixels(first[3])).max() <= 1  # same picture outside a batch
    other_seed = backend.generate([ImageRequest(batch[3].prompt, 999, batch[3].size)])[0]
    assert np.abs(pixels(other_seed) - pixels(first[3])).mean() > 5
    assert np.abs(pixels(first[0]) - pixels(first[1])).mean() > 5  # slides differ
    assert all(pixels(im).std() > 1 for im in first)  # a picture, not a flat fill


def test_batch_size_bounds_each_pipeline_call(tiny_sd):
    backend = DiffusersBackend(locate(str(tiny_sd), cache_dir=tiny_sd), **FAST, batch_size=4)
    spy = Injected(backend.load().pipe)
    backend.loaded.pipe = spy
    backend.generate(requests(10))
    assert spy.sizes == [4, 4, 2]


def test_without_a_setting_the_batch_size_fits_the_device(tiny_sd):
    backend = DiffusersBackend(locate(str(tiny_sd), cache_dir=tiny_sd), **FAST)
    assert backend.batch_size == 16  # before the load: an upper bound, no torch import needed
    loaded = backend.load()
    assert backend.batch_size == 4  # on a CPU
    loaded.pipe = spy = Injected(loaded.pipe)
    backend.generate(requests(10))  # the renderer may send a whole deck: split here
    assert spy.sizes == [4, 4, 2]


def test_cache_id_covers_model_size_steps_and_guidance(tiny_sd, tmp_path):
    source = locate(str(tiny_sd), cache_dir=tmp_path)
    base = DiffusersBackend(source, **FAST)
    req = ImageRequest("a leaf", 1, (640, 360))
    key = base.cache_id(req)
    assert key["steps"] == 2 and key["size"] == [80, 48] and key["model"]["path"] == str(tiny_sd)
    assert (
        base.cache_id(ImageRequest("other prompt", 7, (640, 360))) == key
    )  # request is keyed apart
    assert base.cache_id(ImageRequest("a leaf", 1, (288, 360)))["size"] == [64, 64]
    for changed in (
        DiffusersBackend(source, native=64, steps=3),
        DiffusersBackend(source, native=64, steps=2, guidance=1.0),
        DiffusersBackend(source, native=128, steps=2),
    ):
        assert changed.cache_id(req) != key
    copy = shutil.copytree(tiny_sd, tmp_path / "copy")
    assert DiffusersBackend(locate(str(copy), cache_dir=tmp_path), **FAST).cache_id(req) != key


def test_guidance_free_models_say_no_text_in_the_prompt(tiny_sd):
    source = locate(str(tiny_sd), cache_dir=tiny_sd)
    cfg = DiffusersBackend(source, **FAST)  # SD family default guidance 7.5: negative prompt
    turbo = DiffusersBackend(source, **FAST, guidance=0.0)
    req = ImageRequest("a leaf, watercolor", 1, (64, 64))
    assert cfg.prompt_for(req) == "a leaf, watercolor" and "text" in cfg.negative_prompt
    assert turbo.prompt_for(req).startswith("a leaf, watercolor, ") and "text" in turbo.prompt_for(
        req
    )
    assert turbo.cache_id(req)["negative"] is None


def test_a_model_id_in_the_hub_cache_loads_through_the_same_code(tiny_sd, tmp_path):
    cache = tmp_path / "hub"
    install_in_cache(tiny_sd, cache, "deckcast/tiny-sd")
    source = locate("deckcast/tiny-sd", cache_dir=cache)
    assert source.kind == "hub-cache" and source.revision == COMMIT
    cached = DiffusersBackend(source, **FAST)
    direct = DiffusersBackend(locate(str(tiny_sd), cache_dir=cache), **FAST)
    req = requests(2)
    for a, b in zip(cached.generate(req), direct.generate(req), strict=True):
        assert np.array_equal(pixels(a), pixels(b))
    assert cached.cache_id(req[0])["model"] == {"repo": "deckcast/tiny-sd", "revision": COMMIT}


def test_a_single_file_checkpoint_loads_with_configs_from_a_folder_or_the_cache(tiny_sd, tmp_path):
    checkpoint = save_single_file(tiny_sd, tmp_path / "tiny.safetensors")
    direct = DiffusersBackend(locate(str(tiny_sd), cache_dir=tmp_path), **FAST)
    expected = direct.generate(requests(2))

    with_config = locate(str(checkpoint), cache_dir=tmp_path, config=str(tiny_sd))
    assert with_config.kind == "file" and with_config.config == tiny_sd
    # No config given: the architecture's configs come from the hub cache (never downloaded).
    cache = tmp_path / "hub"
    with pytest.raises(ModelNotFoundError, match="models pull stable-diffusion-v1-5/"):
        locate(str(checkpoint), cache_dir=cache, hints=MODEL_HINTS)
    install_in_cache(tiny_sd, cache, "stable-diffusion-v1-5/stable-diffusion-v1-5")
    from_cache = locate(str(checkpoint), cache_dir=cache)
    for source in (with_config, from_cache):
        images = DiffusersBackend(source, **FAST).generate(requests(2))
        for a, b in zip(images, expected, strict=True):
            assert np.abs(pixels(a) - pixels(b)).max() <= 1


def test_a_single_file_checkpoint_uses_its_models_safety_checker(tmp_path):
    folder = save_tiny_pipeline(tmp_path / "checked", safety_checker=True)  # flags everything
    checkpoint = save_single_file(folder, tmp_path / "checked.safetensors")
    backend = DiffusersBackend(
        locate(str(checkpoint), cache_dir=tmp_path, config=str(folder)), **FAST
    )
    with pytest.raises(PartialBatchError) as caught:
        backend.generate(requests(1))
    assert caught.value.reasons == {0: FLAGGED} and backend.loaded.safety_checker


# -- resilience ----------------------------------------------------------------------------


def test_out_of_memory_halves_the_batch_until_it_fits(tiny_sd):
    backend = DiffusersBackend(locate(str(tiny_sd), cache_dir=tiny_sd), **FAST, batch_size=8)
    expected = DiffusersBackend(backend.source, **FAST, batch_size=1).generate(requests(10))
    spy = Injected(backend.load().pipe, oom_above=2)
    backend.loaded.pipe = spy
    images = backend.generate(requests(10))
    assert spy.sizes == [8, 4, 2, 2, 2, 2, 2]  # 8 fails, 4 fails, then pairs
    assert backend.batch_size == 2 and backend.stats.halvings == 2
    for a, b in zip(images, expected, strict=True):
        assert np.abs(pixels(a) - pixels(b)).max() <= 1
    spy.sizes.clear()
    backend.generate(requests(3))  # the smaller size is kept for later calls
    assert spy.sizes == [2, 1]


def test_out_of_memory_for_one_picture_is_a_clear_error(tiny_sd):
    source = locate(str(tiny_sd), cache_dir=tiny_sd)
    backend = DiffusersBackend(source, **FAST, batch_size=2, memory_hint=MEMORY_HINT)
    loaded = backend.load()
    loaded.pipe = Injected(loaded.pipe, oom_above=0)
    with pytest.raises(PartialBatchError) as caught:
        backend.generate(requests(2))
    assert caught.value.images == [None, None]
    assert "out of memory even for one picture at 64x64 on cpu" in caught.value.reasons[0]
    assert "DECKCAST_IMAGE_CPU_OFFLOAD" in caught.value.reasons[1]


def test_a_nan_picture_fails_alone(tiny_sd):
    backend = DiffusersBackend(locate(str(tiny_sd), cache_dir=tiny_sd), **FAST, batch_size=4)
    loaded = backend.load()
    loaded.pipe = Injected(loaded.pipe, nan_word="broken")
    batch = [*requests(2), ImageRequest("a broken slide", 5, (64, 64))]
    with pytest.raises(PartialBatchError) as caught:
        backend.generate(batch)
    assert caught.value.reasons == {2: NAN_IMAGE}
    assert [im is not None for im in caught.value.images] == [True, True, False]


# -- through the renderer ------------------------------------------------------------------

DECK = {
    "title": "Leaves",
    "theme": {"name": "light", "style": "watercolor"},
    "slides": [
        {"title": "Leaves", "bullets": ["Why they are green"], "image_prompt": "a green leaf"},
        {"title": "Chlorophyll", "bullets": ["It absorbs red and blue"], "image_prompt": "cells"},
        {"title": "Sunlight", "image_prompt": "the sun over a field"},
    ],
}
SMALL = RenderOptions(resolution=360, voice="silent", storyboard=False, subtitles=False)


def render(renderer: Renderer, deck, out: Path):
    # Still pictures: a new picture then re-encodes its slide alone (with motion, the next
    # slide's move may change too, to stay unlike its neighbour's: tests/test_motion.py).
    return asyncio.run(renderer.render(deck, out, replace(SMALL, motion="none")))


def test_a_rendered_deck_shows_the_models_pictures_and_rerenders_from_cache(tiny_sd, tmp_path):
    backend = DiffusersBackend(locate(str(tiny_sd), cache_dir=tmp_path), **FAST)
    deck = build_deck(DECK)
    voices = {"silent": SilentBackend()}
    with Renderer(backend, voices, AssetCache(tmp_path / "cache")) as renderer:
        first = render(renderer, deck, tmp_path / "a.mp4")
        assert not first.warnings and backend.stats.images == 3 and backend.stats.loads == 1
        spec = FrameSpec.of(deck.aspect, 360)
        for i, slide in enumerate(deck.slides):
            region = image_size(auto_layout(slide, i), spec)
            req = ImageRequest(f"{slide.image_prompt}, watercolor", slide.image_seed, region)
            made = backend.generate([req])[0]
            assert np.abs(pixels(Image.open(first.pictures[i])) - pixels(made)).max() <= 1
        calls = backend.stats.calls
        second = render(renderer, deck, tmp_path / "b.mp4")
        assert backend.stats.calls == calls  # zero generate calls
        assert second.slides_from_cache == 3
        # "A new picture for slide 2": one new seed, one new picture, same warm model.
        third = render(renderer, apply(deck, [NewImage(slide=2)]), tmp_path / "c.mp4")
        assert backend.stats.calls == calls + 1 and backend.stats.images == 3 + 3 + 1
        assert backend.stats.loads == 1
        assert third.slides_from_cache == 2
        assert third.pictures[1] is not None and third.pictures[1] != first.pictures[1]


def test_the_safety_checker_is_on_by_default_and_a_flagged_slide_falls_back(tmp_path):
    folder = save_tiny_pipeline(tmp_path / "checked", safety_checker=True)  # flags everything
    source = locate(str(folder), cache_dir=tmp_path)
    assert source.has_safety_checker
    backend = DiffusersBackend(source, **FAST)
    with pytest.raises(PartialBatchError) as caught:
        backend.generate(requests(2))
    assert caught.value.reasons == {0: FLAGGED, 1: FLAGGED}
    assert backend.loaded.safety_checker

    deck = build_deck({**DECK, "slides": DECK["slides"][:2]})
    with Renderer(backend, {"silent": SilentBackend()}, AssetCache(tmp_path / "c")) as renderer:
        result = render(renderer, deck, tmp_path / "flagged.mp4")
    assert len(result.warnings) == 2
    for number, warning in zip((1, 2), result.warnings, strict=True):
        assert warning.startswith(f"slide {number}: the picture could not be made ({FLAGGED})")
    assert all(p is not None and p.exists() for p in result.pictures)

    off = DiffusersBackend(source, **FAST, load=LoadOptions(safety_checker=False))
    assert len(off.generate(requests(2))) == 2 and not off.loaded.safety_checker


def test_one_failed_picture_keeps_the_others(tiny_sd, tmp_path):
    backend = DiffusersBackend(locate(str(tiny_sd), cache_dir=tmp_path), **FAST)
    loaded = backend.load()
    loaded.pipe = Injected(loaded.pipe, nan_word="cells")
    deck = build_deck(DECK)
    with Renderer(backend, {"silent": SilentBackend()}, AssetCache(tmp_path / "c")) as renderer:
        result = render(renderer, deck, tmp_path / "one.mp4")
    assert result.warnings == [
        f"slide 2: the picture could not be made ({NAN_IMAGE}); "
        "a generated background was used instead"
    ]
    assert backend.stats.images == 2  # slides 1 and 3 kept the model's pictures


# -- finding models, and errors a person can fix -------------------------------------------


def test_out_of_memory_is_recognised_on_every_device():
    from render.images.loading import is_out_of_memory

    assert is_out_of_memory(torch.OutOfMemoryError("CUDA out of memory. Tried to allocate"))
    assert is_out_of_memory(RuntimeError("MPS backend out of memory (MPS allocated: 9 GB)"))
    assert is_out_of_memory(RuntimeError("DefaultCPUAllocator: can't allocate memory: 9 GB"))
    assert not is_out_of_memory(RuntimeError("expected scalar type Half but found Float"))
    assert not is_out_of_memory(ValueError("out of memory"))


def test_a_configs_only_download_is_reported_as_incomplete(tiny_sd, tmp_path):
    snapshot = install_in_cache(tiny_sd, tmp_path, "deckcast/tiny-sd")
    for weights in snapshot.rglob("*.safetensors"):
        weights.unlink()
    with pytest.raises(ModelNotFoundError) as caught:
        locate("deckcast/tiny-sd", cache_dir=tmp_path, hints=MODEL_HINTS)
    assert "incomplete: no weights for text_encoder, unet, vae" in str(caught.value)
    assert "deckcast models pull deckcast/tiny-sd" in str(caught.value)


def test_fp16_only_weights_are_loaded_as_their_variant(tiny_sd, tmp_path):
    folder = shutil.copytree(tiny_sd, tmp_path / "fp16")
    for weights in folder.rglob("*.safetensors"):
        weights.rename(weights.with_name(weights.name.replace(".safetensors", ".fp16.safetensors")))
    source = locate(str(folder), cache_dir=tmp_path)
    assert source.variant == "fp16" and source.only_variant
    assert len(DiffusersBackend(source, **FAST).generate(requests(1))) == 1


def test_a_broken_model_fails_once_with_a_clear_message(tiny_sd, tmp_path):
    folder = shutil.copytree(tiny_sd, tmp_path / "broken")
    (folder / "unet" / "diffusion_pytorch_model.safetensors").write_bytes(b"garbage")
    backend = DiffusersBackend(locate(str(folder), cache_dir=tmp_path), **FAST)
    with pytest.raises(ImageError, match="cannot load the model broken"):
        backend.generate(requests(1))
    with pytest.raises(ImageError, match="cannot load the model broken"):
        backend.generate(requests(1))  # remembered: no second attempt per slide
    assert backend.stats.loads == 0


def test_settings_build_the_diffusers_backend(tiny_sd, tmp_path, monkeypatch):
    monkeypatch.setenv("DECKCAST_HF_CACHE_DIR", str(tmp_path / "hub"))
    monkeypatch.setenv("DECKCAST_IMAGE_MODEL", str(tiny_sd))
    monkeypatch.setenv("DECKCAST_IMAGE_STEPS", "3")
    monkeypatch.setenv("DECKCAST_IMAGE_NATIVE_SIZE", "64")
    monkeypatch.setenv("DECKCAST_IMAGE_BATCH_SIZE", "5")
    monkeypatch.setenv("DECKCAST_IMAGE_DEVICE", "cpu")
    backend = build_image_backend(Settings(), "diffusers")
    assert isinstance(backend, DiffusersBackend)
    assert (backend.steps, backend.native, backend.batch_size) == (3, 64, 5)
    assert backend.load_options.device == "cpu" and backend.concurrency == 1
    monkeypatch.setenv("DECKCAST_IMAGE_MODEL", "sd-turbo")
    with pytest.raises(ModelNotFoundError, match="deckcast models pull sd-turbo"):
        build_image_backend(Settings(), "diffusers")
    monkeypatch.delenv("DECKCAST_IMAGE_MODEL")
    with pytest.raises(ModelNotFoundError, match="sd-turbo"):  # the default preset
        build_image_backend(Settings(), "diffusers")
    with pytest.raises(SettingsError, match="unknown picture backend 'dalle'"):
        build_image_backend(Settings(), "dalle")


def test_a_cuda_device_on_a_machine_without_one_is_a_clear_error(tiny_sd):
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    backend = DiffusersBackend(
        locate(str(tiny_sd), cache_dir=tiny_sd), **FAST, load=LoadOptions(device="cuda")
    )
    with pytest.raises(ImageError, match="'cuda' but torch sees no CUDA GPU"):
        backend.generate(requests(1))


def test_importing_the_app_does_not_import_torch():
    code = (
        "import sys, bot.backends, bot.cli, render;"
        "print(sorted(m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.replace("'", '"')) == []


def test_the_bot_loads_the_model_at_start_up(tiny_sd, tmp_path, monkeypatch):
    from bot.services import Services

    for name, value in {
        "DECKCAST_DATA_DIR": str(tmp_path / "data"),
        "DECKCAST_CACHE_DIR": str(tmp_path / "cache"),
        "DECKCAST_HF_CACHE_DIR": str(tmp_path / "hub"),
        "DECKCAST_IMAGE_BACKEND": "diffusers",
        "DECKCAST_IMAGE_MODEL": str(tiny_sd),
        "DECKCAST_IMAGE_NATIVE_SIZE": "64",
    }.items():
        monkeypatch.setenv(name, value)

    async def start_and_stop():
        services = await Services.open(Settings())
        try:
            assert services.warmup is not None
            await services.warmup
            return services.renderer.images
        finally:
            await services.close()

    backend = asyncio.run(start_and_stop())
    assert isinstance(backend, DiffusersBackend) and backend.stats.loads == 1
    assert backend.stats.calls == 0  # loaded, nothing painted yet: the first deck starts warm


@pytest.mark.real_models
@pytest.mark.parametrize("preset", ["sd-turbo", "sdxl-turbo", "flux-schnell", "sd15", "sdxl"])
def test_a_real_checkpoint_paints_seeded_pictures(preset):
    """Opt-in (pytest -m real_models) on a machine whose Hugging Face cache holds the model."""
    try:
        source = locate(preset, cache_dir=Settings().hf_cache_dir)
    except ModelNotFoundError as exc:
        pytest.skip(str(exc))
    backend = DiffusersBackend(source, batch_size=2)
    region = (1920, 1080)
    images = backend.generate(
        [ImageRequest("a red fox in a snowy forest, watercolor", seed, region) for seed in (1, 2)]
    )
    size = generation_size(region, backend.native)
    assert [im.size for im in images] == [size, size]
    assert all(pixels(im).std() > 10 for im in images)  # a picture, not a blank
    assert np.abs(pixels(images[0]) - pixels(images[1])).mean() > 5  # seeds differ
    again = backend.generate([ImageRequest("a red fox in a snowy forest, watercolor", 1, region)])
    assert np.abs(pixels(again[0]) - pixels(images[0])).mean() < 2  # and repeat
