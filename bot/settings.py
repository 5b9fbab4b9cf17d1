"""Settings: read once at start-up from the environment (and ``.env``), then passed down.

No other module of deckcast reads ``os.environ``; everything below ``bot/`` gets the values
it needs as arguments.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deckcast"


class Settings(BaseSettings):
    """Every knob of deckcast. Environment variables are ``DECKCAST_<NAME>`` unless noted."""

    model_config = SettingsConfigDict(
        env_prefix="DECKCAST_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Rendering
    cache_dir: Path = Field(default_factory=_default_cache_dir, description="asset cache folder")
    out_dir: Path = Field(default=Path("out"), description="where videos go by default")
    image_backend: Literal["procedural", "diffusers", "openai"] = "procedural"
    image_model: str | None = Field(default=None, description="diffusers model path or id")
    voice: str = Field(
        default="espeak", description="default voice: espeak[:lang], silent, openai:<voice>"
    )
    resolution: Literal["720p", "1080p"] = "1080p"
    fps: int = Field(default=2, ge=1, le=60, description="frame rate of videos without crossfades")
    theme: str = "light"
    render_workers: int | None = Field(
        default=None, ge=1, description="threads/processes per render"
    )
    font: str | None = Field(default=None, description="an extra font file (e.g. for CJK)")

    # LLM (any OpenAI-compatible server)
    llm_model: str | None = Field(default=None, description="model name; unset = no LLM")
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DECKCAST_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DECKCAST_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout: float = Field(
        default=60.0, gt=0, le=3600, description="seconds to wait for one model answer"
    )

    # Logging
    log_level: str = "INFO"
