"""Building the render backends from settings (the one place that maps names to classes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from agent import SetupHints, build_chat_model
from render import (
    AssetCache,
    EspeakBackend,
    IllustratedBackend,
    ImageBackend,
    OpenAISpeechBackend,
    ProceduralBackend,
    Renderer,
    SilentBackend,
    VoiceBackend,
)
from render.errors import ImageError
from render.images.models import ModelHints, locate
from render.images.presets import DEFAULT_PRESET
from render.voice.kokoro import KokoroBackend
from render.voice.kokoro_model import KokoroHints

from .errors import SettingsError
from .settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agent import StructuredChat
    from render.images.diffusion import DiffusersBackend
    from render.images.openai_images import OpenAIImagesBackend

# The diffusion and Images API backends (and httpx) are imported by their builders, when chosen.

IMAGE_BACKENDS = ("illustrated", "procedural", "diffusers", "openai")

# What agent/ and render/ tell a person to change, in the names of these settings and commands
# (those packages know neither).
LLM_HINTS = SetupHints(
    model="DECKCAST_LLM_MODEL",
    base_url="OPENAI_BASE_URL",
    api_key="OPENAI_API_KEY",
    timeout="DECKCAST_LLM_TIMEOUT",
)
MODEL_HINTS = ModelHints(
    pull="deckcast models pull {model}",
    pull_configs="deckcast models pull {model} --configs-only",
    model_setting="DECKCAST_IMAGE_MODEL",
    config_setting="DECKCAST_IMAGE_MODEL_CONFIG",
    catalogue="deckcast models list",
)
MEMORY_HINT = (
    "try DECKCAST_IMAGE_CPU_OFFLOAD=true, a smaller DECKCAST_IMAGE_NATIVE_SIZE or a smaller model"
)
IMAGES_KEY_HINT = "check DECKCAST_OPENAI_API_KEY (or OPENAI_API_KEY)"


def build_image_backend(settings: Settings, name: str | None = None) -> ImageBackend:
    name = name or settings.image_backend
    if name == "illustrated":
        return IllustratedBackend(concurrency=settings.render_workers)
    if name == "procedural":
        return ProceduralBackend(concurrency=settings.render_workers)
    if name == "diffusers":
        return build_diffusers(settings)
    if name == "openai":
        return build_openai_images(settings)
    raise SettingsError(
        f"unknown picture backend '{name}'; choose one of: {', '.join(IMAGE_BACKENDS)}"
    )


SPEECH_SETUP_HINT = (
    "set DECKCAST_OPENAI_API_KEY (or OPENAI_API_KEY) for OpenAI, or DECKCAST_TTS_BASE_URL "
    "for an OpenAI-compatible speech server of your own"
)


def build_voices(settings: Settings) -> dict[str, VoiceBackend]:
    return {
        "espeak": EspeakBackend(),
        "kokoro": build_kokoro(settings),
        "silent": SilentBackend(),
        "openai": build_speech_backend(settings),
    }


KOKORO_HINTS = KokoroHints(
    pull="deckcast voices pull kokoro",
    model_setting="DECKCAST_KOKORO_MODEL",
    voices_setting="DECKCAST_KOKORO_VOICES",
    voice_option="one with --voice kokoro:VOICE",
    catalogue="deckcast voices list",
)


def build_kokoro(settings: Settings) -> KokoroBackend:
    """The in-process ``kokoro`` voice; finds its files when asked, loads them once, lazily."""
    return KokoroBackend(
        folder=settings.kokoro_folder,
        model=settings.kokoro_model,
        voices=settings.kokoro_voices,
        concurrency=settings.kokoro_concurrency,
        hints=KOKORO_HINTS,
    )


def build_speech_backend(settings: Settings) -> OpenAISpeechBackend:
    """The ``openai`` voice: OpenAI's speech API, or the server at DECKCAST_TTS_BASE_URL."""
    key = settings.tts_api_key or settings.openai_api_key
    return OpenAISpeechBackend(
        base_url=settings.tts_base_url or settings.openai_base_url,
        api_key=key.get_secret_value() if key else None,
        model=settings.tts_model,
        default_voice=settings.tts_voice,
        voices_by_language=settings.tts_voices,
        style=settings.tts_style,
        response_format=settings.tts_format,
        concurrency=settings.tts_concurrency,
        retries=settings.tts_retries,
        timeout_seconds=settings.tts_timeout,
        setup_hint=SPEECH_SETUP_HINT,
    )


def build_renderer(settings: Settings, *, images: str | None = None) -> Renderer:
    return Renderer(
        build_image_backend(settings, images),
        build_voices(settings),
        AssetCache(settings.cache_dir, max_bytes=settings.cache_max_bytes),
        workers=settings.render_workers,
    )


def build_llm(settings: Settings, *, callbacks: Sequence[Any] = ()) -> BaseChatModel | None:
    """The chat model the settings name, or ``None`` when no model is configured.
    ``callbacks``: LangChain callback handlers told of every call (the bots' metrics)."""
    if not settings.llm_model:
        return None
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return build_chat_model(
        model=settings.llm_model,
        base_url=settings.openai_base_url,
        api_key=key,
        timeout=settings.llm_timeout,
        hints=LLM_HINTS,
        callbacks=callbacks,
    )


def build_structured_chat(
    settings: Settings, *, callbacks: Sequence[Any] = ()
) -> StructuredChat | None:
    """The chat model the settings name, asking for structured answers the way that worked
    for this server before (remembered in the data dir), or ``None`` without a model.
    ``callbacks``: as for :func:`build_llm`."""
    model = build_llm(settings, callbacks=callbacks)
    if model is None:
        return None
    from agent import MethodsFile, StructuredChat  # LangChain: loaded when a model is used

    return StructuredChat(model, hints=LLM_HINTS, methods=MethodsFile(settings.llm_methods_file))


def build_diffusers(settings: Settings) -> DiffusersBackend:
    """The local diffusion backend. Finds the model on disk now (a clear error if it is not
    there, before any work); loads it on first use, once per process."""
    from render.images.diffusion import DiffusersBackend
    from render.images.loading import INSTALL_HINT, LoadOptions, diffusion_available

    if not diffusion_available():
        raise ImageError(INSTALL_HINT)
    source = locate(
        settings.image_model or DEFAULT_PRESET,
        cache_dir=settings.hf_cache_dir,
        config=settings.image_model_config,
        preset=settings.image_preset,
        hints=MODEL_HINTS,
    )
    return DiffusersBackend(
        source,
        steps=settings.image_steps,
        guidance=settings.image_guidance,
        native=settings.image_native_size,
        negative_prompt=settings.image_negative_prompt,
        batch_size=settings.image_batch_size,
        load=LoadOptions(
            device=settings.image_device,
            dtype=settings.image_dtype,
            cpu_offload=settings.image_cpu_offload,
            memory_saving=settings.image_memory_saving,
            safety_checker=settings.image_safety_checker,
        ),
        memory_hint=MEMORY_HINT,
    )


def build_openai_images(settings: Settings) -> OpenAIImagesBackend:
    from render.images.openai_images import OpenAIImagesBackend

    base_url = settings.openai_images_base_url or settings.openai_base_url
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    if not key and not base_url:
        raise SettingsError(
            "--images openai needs an API key: set DECKCAST_OPENAI_API_KEY (or OPENAI_API_KEY), "
            "or DECKCAST_OPENAI_BASE_URL for a local OpenAI-compatible server"
        )
    return OpenAIImagesBackend(
        api_key=key or "unused",  # local compatible servers often need none
        base_url=base_url,
        model=settings.openai_image_model,
        size=settings.openai_image_size,
        quality=settings.openai_image_quality,
        concurrency=settings.openai_image_concurrency,
        max_retries=settings.openai_image_retries,
        timeout=settings.openai_image_timeout,
        setup_hint=IMAGES_KEY_HINT,
    )
