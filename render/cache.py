"""The content-addressed asset cache.

Every render step stores its output under the hash of exactly the inputs that decide it
(``kind/ab/abcdef....ext``): pictures, composed frames, narration audio, encoded segments.
A step whose key is present is skipped. Files are written to a temporary name and renamed
(:func:`render.output.replacing`), so a crash never leaves a half-written asset that a later
render would trust.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image

from deck import content_hash

from .output import replacing


def asset_key(**parts: Any) -> str:
    """The cache key of a step: a hash of the named inputs (JSON-serialisable values)."""
    return content_hash(parts)


def vars_of(obj: Any) -> dict[str, Any]:
    """The fields of a slotted dataclass as a dict (for cache keys)."""
    return {name: getattr(obj, name) for name in obj.__slots__}


class AssetCache:
    """Files by (kind, key). ``hits``/``misses`` count lookups per kind, for summaries/tests."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()

    def path(self, kind: str, key: str, ext: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.{ext}"

    def lookup(self, kind: str, key: str, ext: str) -> Path | None:
        path = self.path(kind, key, ext)
        if path.is_file():
            self.hits[kind] += 1
            return path
        self.misses[kind] += 1
        return None

    def exists(self, kind: str, key: str, ext: str) -> bool:
        return self.path(kind, key, ext).is_file()

    @contextlib.contextmanager
    def writing(self, kind: str, key: str, ext: str) -> Iterator[Path]:
        """A temporary path to write an asset to; renamed into place if the block succeeds.
        The writer creates the file (so it gets the permissions of any new file: cached assets
        are shareable), and a file system error is an :class:`OutputError` naming the asset."""
        final = self.path(kind, key, ext)
        final.parent.mkdir(parents=True, exist_ok=True)
        with replacing(final) as tmp:
            yield tmp

    def store_image(self, kind: str, key: str, image: Image.Image) -> Path:
        with self.writing(kind, key, "png") as tmp:
            image.save(tmp, format="PNG", compress_level=1)
        return self.path(kind, key, "png")

    def read_meta(self, kind: str, key: str) -> dict[str, Any] | None:
        path = self.path(kind, key, "json")
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write_meta(self, kind: str, key: str, meta: dict[str, Any]) -> None:
        with self.writing(kind, key, "json") as tmp:
            tmp.write_text(json.dumps(meta), encoding="utf-8")

    def reset_stats(self) -> None:
        self.hits.clear()
        self.misses.clear()
