"""The OpenAI Images backend: the real ``openai`` client against a local images endpoint."""

from __future__ import annotations

import asyncio
import logging

import numpy as np
import pytest
from PIL import Image

from bot.backends import build_image_backend
from bot.errors import SettingsError
from bot.settings import Settings
from deck import build_deck
from render import AssetCache, ImageError, PartialBatchError, Renderer, RenderOptions, SilentBackend
from render.images.base import ImageRequest
from render.images.openai_images import NO_TEXT, REFUSED, OpenAIImagesBackend

from .fakes.openai_images import FakeImagesAPI, prompt_color

KEY = "sk-test-0123456789abcdef"
DECK = {
    "title": "Volcanoes",
    "theme": {"name": "dark", "style": "flat vector illustration"},
    "slides": [
        {"title": "Volcanoes", "bullets": ["How they work"], "image_prompt": "a volcano"},
        {"title": "Magma", "bullets": ["Molten rock"], "image_prompt": "forbidden magma"},
        {"title": "Ash", "bullets": ["It travels far"], "image_prompt": "an ash cloud"},
        {"title": "Lava", "image_prompt": "a lava flow at night"},
    ],
}
SMALL = RenderOptions(resolution=360, voice="silent", storyboard=False, subtitles=False)


def backend_for(api: FakeImagesAPI, **kwargs) -> OpenAIImagesBackend:
    return OpenAIImagesBackend(api_key=KEY, base_url=api.base_url, **kwargs)


def color_of(image: Image.Image) -> tuple[int, ...]:
    return tuple(int(c) for c in np.asarray(image.convert("RGB"))[0, 0])


def test_a_picture_comes_back_at_the_api_size_nearest_the_layout():
    with FakeImagesAPI() as api:
        backend = backend_for(api)
        wide, tall, square = backend.generate(
            [
                ImageRequest("a volcano, flat vector illustration", 1, (1920, 1080)),
                ImageRequest("a lava flow", 2, (864, 1080)),
                ImageRequest("ash", 3, (1000, 1000)),
            ]
        )
    assert (wide.size, tall.size, square.size) == ((1536, 1024), (1024, 1536), (1024, 1024))
    sent = api.requests[0]
    assert sent["model"] == "gpt-image-1" and sent["n"] == 1 and sent["size"] == "1536x1024"
    assert sent["prompt"] == f"a volcano, flat vector illustration. {NO_TEXT}"
    assert "response_format" not in sent  # gpt-image models always answer in base64
    assert color_of(wide) == prompt_color(sent["prompt"])
    assert api.headers[0]["Authorization"] == f"Bearer {KEY}"


def test_dall_e_3_sizes_and_base64_answers():
    with FakeImagesAPI() as api:
        backend = backend_for(api, model="dall-e-3", quality="hd")
        (image,) = backend.generate([ImageRequest("a volcano", 1, (1920, 1080))])
    assert image.size == (1792, 1024)
    assert api.requests[0]["response_format"] == "b64_json"
    assert api.requests[0]["quality"] == "hd"


def test_a_429_is_retried_by_the_client_then_succeeds():
    with FakeImagesAPI(rate_limit_first=1) as api:
        (image,) = backend_for(api).generate([ImageRequest("a volcano", 1, (512, 512))])
    assert api.statuses == [429, 200] and image.size == (1024, 1024)


def test_rate_limits_that_never_end_are_a_clear_error():
    with FakeImagesAPI(rate_limit_first=10) as api:
        backend = backend_for(api, max_retries=1)
        with pytest.raises(ImageError, match=r"rate limiting us \(429\) even after retries"):
            backend.generate([ImageRequest("a volcano", 1, (512, 512))])
    assert api.statuses == [429, 429]


def test_a_refused_prompt_fails_alone():
    pair = [ImageRequest("a volcano", 1, (64, 64)), ImageRequest("forbidden", 2, (64, 64))]
    with FakeImagesAPI(refuse=("forbidden",)) as api, pytest.raises(PartialBatchError) as caught:
        backend_for(api).generate(pair)
    assert caught.value.reasons == {1: REFUSED}
    assert caught.value.images[0] is not None and caught.value.images[1] is None
    assert api.statuses == [200, 400]  # a refusal is final: not retried


def test_servers_that_answer_with_a_url_work_too():
    with FakeImagesAPI(urls=True) as api:
        (image,) = backend_for(api, model="local-sdxl").generate(
            [ImageRequest("a volcano", 1, (64, 64))]
        )
    assert image.size == (1024, 1024)
    assert color_of(image) == prompt_color(api.requests[0]["prompt"])


def test_a_bad_key_is_reported_without_the_key(caplog):
    from aiohttp import web

    with FakeImagesAPI() as api:
        api._answer = lambda body, number: web.json_response(  # type: ignore[method-assign]
            {"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}},
            status=401,
        )
        caplog.set_level(logging.DEBUG)
        with pytest.raises(ImageError) as caught:
            backend_for(api).generate([ImageRequest("a volcano", 1, (64, 64))])
    assert "rejected the API key (401)" in str(caught.value)
    assert KEY not in str(caught.value) and KEY not in caplog.text


def test_concurrency_is_bounded(tmp_path):
    deck = build_deck(
        {
            "title": "Many",
            "slides": [
                {"title": f"Slide {i}", "bullets": ["x"], "image_prompt": f"p{i}"} for i in range(8)
            ],
        }
    )
    with FakeImagesAPI(delay=0.15) as api:
        backend = backend_for(api, concurrency=3)
        with Renderer(backend, {"silent": SilentBackend()}, AssetCache(tmp_path / "c")) as r:
            pictures = asyncio.run(r.pictures(deck, SMALL))
    assert len(pictures) == 8 and len(api.requests) == 8
    assert api.max_in_flight == 3  # in parallel, never more than asked


def test_a_refused_slide_falls_back_and_the_others_keep_their_pictures(tmp_path):
    deck = build_deck(DECK)
    with FakeImagesAPI(refuse=("forbidden",), rate_limit_first=1) as api:
        backend = backend_for(api)
        with Renderer(backend, {"silent": SilentBackend()}, AssetCache(tmp_path / "c")) as r:
            result = asyncio.run(r.render(deck, tmp_path / "v.mp4", SMALL))
            assert result.warnings == [
                f"slide 2: the picture could not be made ({REFUSED}); "
                "a generated background was used instead"
            ]
            for i in (0, 2, 3):
                picture = Image.open(result.pictures[i])
                wanted = DECK["slides"][i]["image_prompt"]
                sent = next(q["prompt"] for q in api.requests if q["prompt"].startswith(wanted))
                assert color_of(picture) == prompt_color(sent)
            fallback = np.asarray(Image.open(result.pictures[1]).convert("RGB"))
            assert fallback.std() > 5  # the procedural background, not a flat API colour
            asked = len(api.requests)
            again = asyncio.run(r.render(deck, tmp_path / "w.mp4", SMALL))
    assert len(api.requests) == asked + 1  # only the refused slide is asked again
    # The refused slide's frame was kept with its fallback picture, so every slide is reused.
    assert again.slides_from_cache == 4 and len(again.warnings) == 1


def test_settings_build_the_openai_backend(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(SettingsError, match="DECKCAST_OPENAI_API_KEY"):
        build_image_backend(Settings(), "openai")
    monkeypatch.setenv("DECKCAST_OPENAI_API_KEY", KEY)
    monkeypatch.setenv("DECKCAST_OPENAI_IMAGE_MODEL", "dall-e-3")
    monkeypatch.setenv("DECKCAST_OPENAI_IMAGE_CONCURRENCY", "6")
    monkeypatch.setenv("DECKCAST_OPENAI_IMAGES_BASE_URL", "http://127.0.0.1:9/v1")
    backend = build_image_backend(Settings(), "openai")
    assert isinstance(backend, OpenAIImagesBackend)
    assert (backend.model, backend.concurrency, backend.batch_size) == ("dall-e-3", 6, 1)
    assert backend.cache_id(ImageRequest("x", 1, (64, 64)))["endpoint"] == "127.0.0.1:9"
    assert KEY not in repr(Settings())


def test_the_command_line_renders_with_the_images_api(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    outline = tmp_path / "talk.md"
    outline.write_text("# Volcanoes\n\n## Magma\n\n- Molten rock\n\n## Ash\n\n- It travels far\n")
    script = Path(sys.executable).parent / "deckcast"
    with FakeImagesAPI(refuse=("ash",)) as api:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DECKCAST_", "OPENAI_"))}
        env |= {
            "DECKCAST_CACHE_DIR": str(tmp_path / "cache"),
            "DECKCAST_OPENAI_API_KEY": KEY,
            "DECKCAST_OPENAI_IMAGES_BASE_URL": api.base_url,
            "DECKCAST_OPENAI_IMAGE_MODEL": "dall-e-3",
            "COLUMNS": "200",
        }
        result = subprocess.run(
            [str(script), "render", str(outline), "-o", str(tmp_path / "v.mp4"),
             "--images", "openai", "--voice", "silent", "--resolution", "720p"],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(api.requests) == 3 and {r["model"] for r in api.requests} == {"dall-e-3"}
    assert "warning: slide 3: the picture could not be made (refused by the content policy)" in (
        result.stderr
    )
    assert KEY not in result.stdout + result.stderr
