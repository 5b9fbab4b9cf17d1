"""The content-addressed asset cache.

Every render step stores its output under the hash of exactly the inputs that decide it
(``kind/ab/abcdef....ext``): pictures, composed frames, narration audio, encoded segments.
A step whose key is present is skipped. Files are written to a temporary name and renamed
(:func:`render.output.replacing`), so a crash never leaves a half-written asset that a later
render would trust.

The cache can be capped (``max_bytes``): least recently used entries are deleted past the cap,
never one that a running render uses (:mod:`render.eviction` says how, across processes too).
A render works through :meth:`AssetCache.pinning`, a view that pins every entry it looks up
or writes until the render ends.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image

from deck import content_hash

from .eviction import CacheLock, Entry, KindUsage, PinFile, TrimReport, scan, trim, usage_by_kind
from .output import replacing

log = logging.getLogger(__name__)

# What each kind of entry holds (the folders under the cache root).
KINDS = {
    "image": "pictures",
    "frame": "frames",
    "caption": "captioned frames",
    "layer": "motion layers",
    "narration": "narration",
    "track": "audio tracks",
    "segment": "segments",
    "thumb": "thumbnails",
    "storyboard": "storyboards",
}
RESCAN_SECONDS = 60.0  # how stale this process's idea of the cache's size may get
TRIM_TO = 0.9  # a trim past the cap leaves this share of it, so the next write does not trim


def asset_key(**parts: Any) -> str:
    """The cache key of a step: a hash of the named inputs (JSON-serialisable values)."""
    return content_hash(parts)


def vars_of(obj: Any) -> dict[str, Any]:
    """The fields of a slotted dataclass as a dict (for cache keys)."""
    return {name: getattr(obj, name) for name in obj.__slots__}


class AssetCache:
    """Files by (kind, key), at most ``max_bytes`` of them once renders end (None: no cap).
    ``hits``/``misses`` count lookups per kind (summaries, metrics, tests)."""

    def __init__(self, root: Path, *, max_bytes: int | None = None) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self.evicted_entries = 0
        self.evicted_bytes = 0
        self.lock = CacheLock(self.root)
        self._state = threading.Lock()
        self._pins: Counter[Entry] = Counter()
        self._known_bytes: int | None = None  # at the last walk of the folder
        self._added_bytes = 0  # written by this process since
        self._scanned_at = 0.0
        self._trim_thread: threading.Thread | None = None
        self._trimming = threading.Lock()

    # -- files --------------------------------------------------------------------------------

    def path(self, kind: str, key: str, ext: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.{ext}"

    def lookup(self, kind: str, key: str, ext: str) -> Path | None:
        path = self.path(kind, key, ext)
        if path.is_file():
            self.hits[kind] += 1
            with contextlib.suppress(OSError):  # the LRU clock (a read-only cache keeps none)
                os.utime(path)
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
        with contextlib.suppress(OSError):
            self._grew(final.stat().st_size)

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

    # -- pins, size and trimming ------------------------------------------------------------

    def pinning(self) -> CacheView:
        """A view for one render (use it as a context manager): every entry it looks up or
        writes is kept until the view is closed, whatever the cap."""
        return CacheView(self)

    def pin(self, entry: Entry) -> None:
        with self._state:
            self._pins[entry] += 1

    def unpin(self, entries: list[Entry]) -> None:
        with self._state:
            self._pins.subtract(entries)
            self._pins += Counter()  # drop the zeros

    def pinned(self) -> set[Entry]:
        with self._state:
            return set(self._pins)

    @property
    def size_estimate(self) -> int | None:
        """Bytes in the cache as this process last saw them (None before the first walk)."""
        with self._state:
            if self._known_bytes is None:
                return None
            return self._known_bytes + self._added_bytes

    def usage(self) -> dict[str, KindUsage]:
        """Entries, files and bytes per kind (a walk of the folder)."""
        entries = scan(self.root).values()
        total = sum(info.bytes for info in entries)
        self._walked(total)
        return usage_by_kind(entries)

    def trim(self, max_bytes: int | None = None) -> TrimReport:
        """Delete least recently used entries that no render uses until at most ``max_bytes``
        (default: the cap) are left."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        if limit is None:
            raise ValueError("no cap to trim to: give max_bytes")
        with self._trimming:
            report = trim(self.root, limit, self.lock, self.pinned())
        with self._state:
            self.evicted_entries += report.removed_entries
            self.evicted_bytes += report.removed_bytes
        self._walked(report.kept_bytes)
        if report.removed_entries:
            log.info(
                "asset cache: removed %d least recently used entries (%.1f MB); %.1f MB left",
                report.removed_entries,
                report.removed_bytes / 1e6,
                report.kept_bytes / 1e6,
            )
        return report

    def settle(self) -> TrimReport | None:
        """After a render: when the cache is over its cap, trim it (blocking: run it in a
        thread). Walks the folder when this process has not looked for a while, so the writes
        of other processes sharing it are counted too."""
        if self.max_bytes is None:
            return None
        thread = self._trim_thread
        if thread is not None:
            thread.join()
        with self._state:
            known = self._known_bytes
            stale = time.monotonic() - self._scanned_at > RESCAN_SECONDS
        if known is None or stale:
            total = sum(info.bytes for info in scan(self.root).values())
            self._walked(total)
        estimate = self.size_estimate or 0
        if estimate <= self.max_bytes:
            return None
        return self.trim(int(self.max_bytes * TRIM_TO))

    def _walked(self, total: int) -> None:
        with self._state:
            self._known_bytes = total
            self._added_bytes = 0
            self._scanned_at = time.monotonic()

    def _grew(self, nbytes: int) -> None:
        """Count a write; past the cap (by a tenth of it since the last look), trim in the
        background, so a long render does not wait for the walk."""
        with self._state:
            self._added_bytes += nbytes
            if self.max_bytes is None or self._known_bytes is None:
                return
            over = self._known_bytes + self._added_bytes - self.max_bytes
            if over <= 0 or self._added_bytes < self.max_bytes * (1 - TRIM_TO):
                return
            if self._trim_thread is not None and self._trim_thread.is_alive():
                return
            self._trim_thread = threading.Thread(
                target=self._trim_quietly, name="deckcast-cache-trim", daemon=True
            )
            self._trim_thread.start()

    def _trim_quietly(self) -> None:
        try:
            self.trim(int((self.max_bytes or 0) * TRIM_TO))
        except Exception:  # never let the cache's housekeeping break a render
            log.exception("could not trim the asset cache in %s", self.root)


class CacheView:
    """The cache as one render sees it: the same calls as :class:`AssetCache`, and every entry
    looked up or written stays pinned (not evicted, by this process or any other sharing the
    folder) until :meth:`close`. Safe to use from the render's threads."""

    def __init__(self, cache: AssetCache) -> None:
        self.cache = cache
        self.root = cache.root
        self._pins = PinFile(cache.root)
        self._held: set[Entry] = set()
        self._lock = threading.Lock()

    def __enter__(self) -> CacheView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            held, self._held = list(self._held), set()
        self.cache.unpin(held)
        self._pins.close()

    def _pin(self, kind: str, key: str) -> None:
        entry = (kind, key)
        with self._lock:
            if entry in self._held:
                return
            self._held.add(entry)
        self.cache.pin(entry)
        try:
            self._pins.add(entry)
        except OSError as exc:  # a read-only cache: nothing can evict from it either
            log.debug("could not record a pin in %s: %s", self.root, exc)

    def path(self, kind: str, key: str, ext: str) -> Path:
        return self.cache.path(kind, key, ext)

    def lookup(self, kind: str, key: str, ext: str) -> Path | None:
        with self.cache.lock.held(exclusive=False):  # no eviction between the pin and the look
            self._pin(kind, key)
            return self.cache.lookup(kind, key, ext)

    def exists(self, kind: str, key: str, ext: str) -> bool:
        return self.cache.exists(kind, key, ext)

    @contextlib.contextmanager
    def writing(self, kind: str, key: str, ext: str) -> Iterator[Path]:
        self._pin(kind, key)
        with self.cache.writing(kind, key, ext) as tmp:
            yield tmp

    def store_image(self, kind: str, key: str, image: Image.Image) -> Path:
        self._pin(kind, key)
        return self.cache.store_image(kind, key, image)

    def read_meta(self, kind: str, key: str) -> dict[str, Any] | None:
        return self.cache.read_meta(kind, key)

    def write_meta(self, kind: str, key: str, meta: dict[str, Any]) -> None:
        self._pin(kind, key)
        self.cache.write_meta(kind, key, meta)
