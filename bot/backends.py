"""Building the render backends from settings (the one place that maps names to classes)."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from agent import build_chat_model
from render import (
    AssetCache,
    EspeakBackend,
    ImageBackend,
    OpenAISpeechBackend,
    ProceduralBackend,
    Renderer,
    SilentBackend,
    VoiceBackend,
)

from .errors import SettingsError
from .settings import Settings

IMAGE_BACKENDS = ("procedural", "diffusers", "openai")


def build_image_backend(settings: Settings, name: str | None = None) -> ImageBackend:
    name = name or settings.image_backend
    if name == "procedural":
        return ProceduralBackend(concurrency=settings.render_workers)
    if name in IMAGE_BACKENDS:
        raise SettingsError(
            f"the '{name}' picture backend is not available in this build yet; "
            "use --images procedural"
        )
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
        "silent": SilentBackend(),
        "openai": build_speech_backend(settings),
    }


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
        AssetCache(settings.cache_dir),
        workers=settings.render_workers,
    )


def build_llm(settings: Settings) -> BaseChatModel | None:
    """The chat model the settings name, or ``None`` when no model is configured."""
    if not settings.llm_model:
        return None
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return build_chat_model(
        model=settings.llm_model,
        base_url=settings.openai_base_url,
        api_key=key,
        timeout=settings.llm_timeout,
    )
