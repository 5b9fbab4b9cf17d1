"""Rendering: a deck becomes pictures, frames, narration and an MP4, step by cached step.

Knows nothing of chat platforms or LLMs; imports only ``deck``. The diffusion backend (the
only user of torch) is imported lazily by :func:`render.images.make_image_backend`. A slide's
chart, code, equation or diagram is drawn by :mod:`render.elements` (matplotlib, for
equations only, is imported on first use).
"""

from .cache import AssetCache, CacheView, asset_key
from .errors import (
    ElementError,
    EncodeError,
    ImageError,
    ModelNotFoundError,
    MusicError,
    OutputError,
    RenderError,
    VoiceError,
    VoiceSetupError,
)
from .frame import FrameSpec, Resolution
from .images.base import ImageBackend, ImageRequest, PartialBatchError
from .images.illustrated import IllustratedBackend
from .images.procedural import ProceduralBackend
from .options import CaptionMode, RenderOptions, RenderResult, SlideTiming, Transition
from .pipeline import Renderer, check_output
from .progress import ProgressCallback, ProgressEvent, Stage
from .voice.base import VoiceBackend, VoiceChoice
from .voice.espeak import EspeakBackend
from .voice.openai_speech import OpenAISpeechBackend
from .voice.silent import SilentBackend

__all__ = [
    "AssetCache",
    "CacheView",
    "CaptionMode",
    "ElementError",
    "EncodeError",
    "EspeakBackend",
    "FrameSpec",
    "IllustratedBackend",
    "ImageBackend",
    "ImageError",
    "ImageRequest",
    "ModelNotFoundError",
    "MusicError",
    "OpenAISpeechBackend",
    "OutputError",
    "PartialBatchError",
    "ProceduralBackend",
    "ProgressCallback",
    "ProgressEvent",
    "RenderError",
    "RenderOptions",
    "RenderResult",
    "Renderer",
    "Resolution",
    "SilentBackend",
    "SlideTiming",
    "Stage",
    "Transition",
    "VoiceBackend",
    "VoiceChoice",
    "VoiceError",
    "VoiceSetupError",
    "asset_key",
    "check_output",
]
