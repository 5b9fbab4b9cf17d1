"""The OpenAI Images backend: gpt-image-1, dall-e-3 or any OpenAI-compatible images endpoint.

One request per picture (the API takes one prompt per call), several in flight at once
(``concurrency``, bounded by the renderer's thread pool). The official ``openai`` client does
the HTTP work and retries rate limits (429, honouring ``Retry-After``), timeouts and server
errors itself. A refusal by the content policy fails only that slide (the renderer falls back
to a procedural background and says which slide); the other slides keep their pictures.

The API has no seed: the cache is what makes a re-render show the same picture, and "a new
picture for slide 3" (a new seed) is a new cache key, hence a new request.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx
from PIL import Image, UnidentifiedImageError

from ..errors import ImageError
from .base import ImageRequest, PartialBatchError

log = logging.getLogger(__name__)

NO_TEXT = "Do not put any text, letters, numbers, captions or labels anywhere in the image."
REFUSED = "refused by the content policy"
_REFUSAL_CODES = {"content_policy_violation", "moderation_blocked", "content_filter"}
# The sizes each model family can paint: (square, landscape, portrait).
_SIZES = {
    "dall-e-3": ("1024x1024", "1792x1024", "1024x1792"),
    "dall-e-2": ("1024x1024", "1024x1024", "1024x1024"),
    "gpt-image": ("1024x1024", "1536x1024", "1024x1536"),
}


class OpenAIImagesBackend:
    """Pictures from an OpenAI-compatible ``/images/generations`` endpoint."""

    name = "openai"
    version = 1
    batch_size = 1

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        model: str = "gpt-image-1",
        size: str | None = None,
        quality: str | None = None,
        concurrency: int = 4,
        max_retries: int = 2,
        timeout: float = 120.0,
    ) -> None:
        import openai  # a core dependency; imported here so importing render stays light

        self.model = model
        self.size = size
        self.quality = quality
        self.concurrency = max(1, concurrency)
        self.base_url = base_url
        self._openai = openai
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout
        )

    def close(self) -> None:
        self._client.close()

    def api_size(self, request: ImageRequest) -> str:
        """The API size closest in shape to the picture's region (or the configured one)."""
        if self.size:
            return self.size
        family = next((k for k in _SIZES if self.model.startswith(k)), "gpt-image")
        square, wide, tall = _SIZES[family]
        width, height = request.size
        ratio = width / max(1, height)
        return wide if ratio > 1.2 else tall if ratio < 1 / 1.2 else square

    def prompt_for(self, request: ImageRequest) -> str:
        return f"{request.prompt.rstrip('. ')}. {NO_TEXT}"

    def cache_id(self, request: ImageRequest) -> dict[str, object]:
        return {
            "backend": self.name,
            "version": self.version,
            "model": self.model,
            "size": self.api_size(request),
            "quality": self.quality,
            "endpoint": _host(self.base_url),
        }

    def generate(self, requests: Sequence[ImageRequest]) -> list[Image.Image]:
        images: list[Image.Image | None] = []
        reasons: dict[int, str] = {}
        for i, request in enumerate(requests):
            try:
                images.append(self._one(request))
            except _Refused as exc:
                log.warning("images API refused a prompt: %s", exc)
                images.append(None)
                reasons[i] = REFUSED
        if reasons:
            raise PartialBatchError(images, reasons)
        return [image for image in images if image is not None]

    def _one(self, request: ImageRequest) -> Image.Image:
        openai = self._openai
        params: dict[str, Any] = {
            "model": self.model,
            "prompt": self.prompt_for(request),
            "n": 1,
            "size": self.api_size(request),
        }
        if self.quality:
            params["quality"] = self.quality
        if not self.model.startswith("gpt-image"):
            params["response_format"] = "b64_json"  # gpt-image models always answer so
        try:
            answer = self._client.images.generate(**params)
        except openai.BadRequestError as exc:
            if _is_refusal(exc):
                raise _Refused(_api_message(exc)) from None
            raise ImageError(f"the images API rejected the request: {_api_message(exc)}") from None
        except openai.AuthenticationError:
            raise ImageError(
                "the images API rejected the API key (401); check DECKCAST_OPENAI_API_KEY"
            ) from None
        except openai.PermissionDeniedError as exc:
            raise ImageError(f"the images API refused access (403): {_api_message(exc)}") from None
        except openai.RateLimitError as exc:
            raise ImageError(
                f"the images API is rate limiting us (429) even after retries: {_api_message(exc)}"
            ) from None
        except openai.APIStatusError as exc:
            raise ImageError(
                f"the images API failed ({exc.status_code}): {_api_message(exc)}"
            ) from None
        except openai.APITimeoutError:
            raise ImageError("the images API did not answer in time") from None
        except openai.APIConnectionError:
            raise ImageError(f"cannot reach the images API at {_host(self.base_url)}") from None
        data = answer.data[0] if answer.data else None
        if data is None:
            raise ImageError("the images API answered without a picture")
        if data.b64_json:
            blob = base64.b64decode(data.b64_json)
        elif data.url:
            blob = self._download(data.url)
        else:
            raise ImageError("the images API answered without a picture")
        try:
            with Image.open(io.BytesIO(blob)) as picture:
                return picture.convert("RGB")
        except (UnidentifiedImageError, OSError):
            raise ImageError("the images API sent something that is not a picture") from None

    def _download(self, url: str) -> bytes:
        try:
            response = httpx.get(url, timeout=60.0, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise ImageError(f"cannot download the picture from {_host(url)}: {exc}") from None
        return response.content


class _Refused(Exception):
    """The content policy refused a prompt."""


def _error_body(exc: Any) -> dict[str, Any]:
    """The API's error object (the client keeps either it or the whole answer)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    inner = body.get("error")
    return inner if isinstance(inner, dict) else body


def _is_refusal(exc: Any) -> bool:
    error = _error_body(exc)
    code = str(getattr(exc, "code", None) or error.get("code") or "")
    text = str(error.get("message") or exc.message or "").lower()
    return code in _REFUSAL_CODES or "safety system" in text or "content policy" in text


def _api_message(exc: Any) -> str:
    """The API's own one-line explanation (never the request, so never the key)."""
    message = _error_body(exc).get("message")
    text = str(message or getattr(exc, "message", "") or type(exc).__name__).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _host(url: str | None) -> str:
    if not url:
        return "api.openai.com"
    parts = urlsplit(url)
    return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else url
