"""Keeping the asset cache under its cap: least recently used entries go first, never one a
render is using.

- **Entries.** An entry is one ``(kind, key)``: every file ``kind/ab/key.*`` (a narration's
  ``.wav`` and its ``.json`` go together).
- **The LRU clock is the file's mtime.** A lookup that finds an entry touches it, so the clock
  is shared by every process that uses the cache folder, and survives restarts.
- **Pins.** A render pins each entry it looks up or writes until it ends. Pins live in memory
  for this process and, for the other processes sharing the folder (a Discord and a Slack bot,
  Ray render workers), in a pin file per render under ``.pins/`` (``host-pid-token``). A pin
  file whose process is gone (same host, pid not running) or untouched for a day is stale.
- **One lock.** ``.lock`` is held shared while a render pins an entry and checks it is there,
  and exclusively while entries are deleted; the slow part (walking the folder) runs without
  it, and an entry touched since the walk is kept. So a render never finds an entry that is
  deleted under it: either its pin is seen, or it finds nothing and makes the entry again.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

try:  # POSIX; elsewhere processes sharing one cache folder are not coordinated
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

PINS_DIR = ".pins"
LOCK_FILE = ".lock"
STALE_PINS_SECONDS = 24 * 3600
STALE_PART_SECONDS = 3600  # a half-written ``.part`` file this old belongs to a dead writer

Entry = tuple[str, str]  # (kind, key)


@dataclass
class EntryInfo:
    kind: str
    key: str
    bytes: int = 0
    mtime: float = 0.0
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class KindUsage:
    """What one kind of asset takes on disk."""

    entries: int
    files: int
    bytes: int


@dataclass(frozen=True)
class TrimReport:
    """What a trim did: entries and bytes removed, bytes left, and bytes kept because a render
    was using them (a cap smaller than one render's assets is exceeded by those)."""

    removed_entries: int
    removed_bytes: int
    kept_bytes: int
    pinned_bytes: int


class CacheLock:
    """The cache folder's lock file: shared while pinning, exclusive while deleting. A fresh
    file descriptor per hold, so threads of one process exclude each other as processes do."""

    def __init__(self, root: Path) -> None:
        self.path = root / LOCK_FILE

    @contextlib.contextmanager
    def held(self, *, exclusive: bool) -> Iterator[None]:
        if fcntl is None:
            yield
            return
        with self.path.open("a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class PinFile:
    """One render's pins, written for other processes to see (one line per entry)."""

    def __init__(self, root: Path) -> None:
        self.path = root / PINS_DIR / f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
        self._handle: IO[str] | None = None
        self._lock = threading.Lock()

    def add(self, entry: Entry) -> None:
        with self._lock:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("a", encoding="utf-8")
            self._handle.write(f"{entry[0]}/{entry[1]}\n")
            self._handle.flush()

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
            self.path.unlink(missing_ok=True)


def pins_of_other_renders(root: Path) -> set[Entry]:
    """Every entry pinned in a live pin file (stale ones are removed on the way)."""
    pinned: set[Entry] = set()
    folder = root / PINS_DIR
    try:
        files = list(folder.iterdir())
    except FileNotFoundError:
        return pinned
    host = socket.gethostname()
    now = time.time()
    for path in files:
        try:
            if _stale(path, host, now):
                path.unlink(missing_ok=True)
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            kind, _, key = line.partition("/")
            if key:
                pinned.add((kind, key))
    return pinned


def _stale(path: Path, host: str, now: float) -> bool:
    """Untouched for a day, or written by a process of this host that is no longer running."""
    if now - path.stat().st_mtime > STALE_PINS_SECONDS:
        return True
    parts = path.name.rsplit("-", 2)  # host-pid-token (host names may hold dashes)
    if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
        return False
    return not _alive(int(parts[1]))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def scan(root: Path) -> dict[Entry, EntryInfo]:
    """Every entry in the cache folder, with its size and last use (stale ``.part`` files of
    dead writers are removed on the way)."""
    entries: dict[Entry, EntryInfo] = {}
    now = time.time()
    for kind_dir in _dirs(root):
        kind = kind_dir.name
        for fan in _dirs(kind_dir):
            for item in _files(fan):
                name = item.name
                try:
                    stat = item.stat()
                except OSError:
                    continue
                if name.startswith("."):
                    if name.endswith(".part") and now - stat.st_mtime > STALE_PART_SECONDS:
                        Path(item.path).unlink(missing_ok=True)
                    continue
                key = name.split(".", 1)[0]
                info = entries.setdefault((kind, key), EntryInfo(kind, key))
                info.bytes += stat.st_size
                info.mtime = max(info.mtime, stat.st_mtime)
                info.files.append(Path(item.path))
    return entries


def usage_by_kind(entries: Iterable[EntryInfo]) -> dict[str, KindUsage]:
    totals: dict[str, list[int]] = {}
    for info in entries:
        row = totals.setdefault(info.kind, [0, 0, 0])
        row[0] += 1
        row[1] += len(info.files)
        row[2] += info.bytes
    return {kind: KindUsage(*row) for kind, row in sorted(totals.items())}


def trim(root: Path, max_bytes: int, lock: CacheLock, pinned_here: Iterable[Entry]) -> TrimReport:
    """Delete least recently used, unpinned entries until the cache holds at most
    ``max_bytes``. The walk runs unlocked; deleting runs under the exclusive lock, with every
    render's pins read again and each candidate's last use checked again."""
    entries = scan(root)
    total = sum(info.bytes for info in entries.values())
    if total <= max_bytes:
        return TrimReport(0, 0, total, 0)
    removed_entries = removed_bytes = pinned_bytes = 0
    with lock.held(exclusive=True):
        pinned = pins_of_other_renders(root) | set(pinned_here)
        for info in sorted(entries.values(), key=lambda e: e.mtime):
            if total - removed_bytes <= max_bytes:
                break
            if (info.kind, info.key) in pinned:
                pinned_bytes += info.bytes
                continue
            if _touched_since(info):
                continue
            for path in info.files:
                path.unlink(missing_ok=True)
            removed_entries += 1
            removed_bytes += info.bytes
    return TrimReport(removed_entries, removed_bytes, total - removed_bytes, pinned_bytes)


def _touched_since(info: EntryInfo) -> bool:
    for path in info.files:
        try:
            if path.stat().st_mtime > info.mtime:
                return True
        except FileNotFoundError:
            continue
    return False


def _dirs(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as items:
            return [i for i in items if i.is_dir(follow_symlinks=False) and i.name[0] != "."]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _files(folder: os.DirEntry[str]) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder.path) as items:
            return [i for i in items if i.is_file(follow_symlinks=False)]
    except (FileNotFoundError, NotADirectoryError):
        return []
