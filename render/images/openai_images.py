"""The OpenAI Images backend: gpt-image-1, dall-e-3 or any OpenAI-compatible images endpoint.

One request per picture (the API takes one prompt per call), several in flight at once
(``concurrency``, bounded by the renderer's thread pool), all through one ``openai`` client
that the backend keeps until :meth:`OpenAIImagesBackend.close`. The client retries rate limits
(429, honouring ``retry-after-ms`` and ``Retry-After``), timeouts and server errors itself, with
jittered backoff (``max_retries``): that suffices here, as the calls are synchronous, one per
picture, and nobody is told anything while they wait (the agent and the speech voice retry
with :mod:`openai_http.retry` instead). A refusal by the content policy fails only that slide
(the renderer falls back to a procedural background and says which slide); the other slides
keep their pictures. The server's explanations are quoted without the key
(:mod:`openai_http.failures`).

The API has no seed: the cache is what makes a re-render show the same picture, and "a new
picture for slide 3" (a new seed) is a new cache key, hence a new request.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Sequence
from typing import Any

import httpx
from PIL import Image, UnidentifiedImageError

from openai_http import Redactor, error_body, public_host, server_message

from ..errors import ImageError
from .base import ImageRequest, PartialBatchError

log = logging.getLogger(__name__)

NO_TEXT = "Do not put any text, letters, numbers, captions or labels anywhere in the image."
REFUSED = "refused by the content policy"
_REFUSAL_CODES = {"content_policy_violation", "moderation_blocked", "content_filter"}
_FAILURES = {403: "refused access (403)", 429: "is rate limiting us (429) even after retries"}
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
        setup_hint: str = "check the API key",
    ) -> None:
        import openai  # a core dependency; imported here so importing render stays light

        self.model = model
        self.size = size
        self.quality = quality
        self.concurrency = max(1, concurrency)
        self.base_url = base_url
        self.setup_hint = setup_hint
        self._openai = openai
        self._redact = Redactor.of([api_key])
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
                raise _Refused(self._said(exc)) from None
            raise ImageError(f"the images API rejected the request: {self._said(exc)}") from None
        except openai.AuthenticationError:
            raise ImageError(
                f"the images API rejected the API key (401); {self.setup_hint}"
            ) from None
        except openai.APIStatusError as exc:
            status = exc.status_code
            what = _FAILURES.get(status, f"failed ({status})")
            raise ImageError(f"the images API {what}: {self._said(exc)}") from None
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
            raise ImageError(
                f"cannot download the picture from {_host(url)}: {self._redact(str(exc))}"
            ) from None
        return response.content

    def _said(self, exc: Exception) -> str:
        """The API's own explanation, in one line and without the key."""
        return server_message(exc, self._redact) or type(exc).__name__


class _Refused(Exception):
    """The content policy refused a prompt."""


def _is_refusal(exc: Any) -> bool:
    error = error_body(exc)
    code = str(getattr(exc, "code", None) or error.get("code") or "")
    text = str(error.get("message") or exc.message or "").lower()
    return code in _REFUSAL_CODES or "safety system" in text or "content policy" in text


def _host(url: str | None) -> str:
    return public_host(url) if url else "api.openai.com"
