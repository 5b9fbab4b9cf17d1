"""Downloading a file a person asked for (a model or voices file), checked as it arrives.

The bytes are hashed while they are written to a hidden ``.part`` file beside the target; only
a file of the expected size and SHA-256 is renamed into place, so an interrupted or wrong
download never leaves a file that a render would trust. Renders never download.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import DownloadError

BLOCK = 1 << 20  # bytes per read, and per progress report
Progress = Callable[[int, int | None], None]  # (bytes so far, bytes in all when known)


@dataclass(frozen=True, slots=True)
class Asset:
    """A file known by name, size and SHA-256 (a model's official release file)."""

    name: str
    size: int
    sha256: str

    def describe(self) -> str:
        return f"{self.name} ({self.size / 1e6:.1f} MB)"


def first_line(exc: BaseException) -> str:
    """An exception's first line, short enough for a one-line message."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def download(
    url: str,
    target: Path,
    asset: Asset,
    *,
    progress: Progress | None = None,
    timeout: float = 60.0,
) -> Path:
    """Fetch ``url`` (following redirects) to ``target`` when it is exactly ``asset``.

    Raises :class:`DownloadError` when the server cannot be reached or answers with an error,
    when the transfer stops short, or when the bytes are not the asset's.
    """
    import httpx

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    digest = hashlib.sha256()
    done = 0
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise DownloadError(
                    f"{url} answered HTTP {response.status_code}: check the address "
                    "(or the mirror you set) and try again"
                )
            header = response.headers.get("content-length")
            sent = int(header) if header and header.isdigit() else None
            total = sent or asset.size
            with partial.open("wb") as f:
                for block in response.iter_bytes(BLOCK):
                    f.write(block)
                    digest.update(block)
                    done += len(block)
                    if progress is not None:
                        progress(done, total)
    except httpx.HTTPError as exc:
        partial.unlink(missing_ok=True)
        raise DownloadError(f"cannot download {url}: {first_line(exc)}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if done < (sent or 0):
        partial.unlink(missing_ok=True)
        raise DownloadError(
            f"{asset.name}: the download stopped at {done:,} of {sent:,} bytes; "
            "nothing was kept, run the command again"
        )
    got = digest.hexdigest()
    if got != asset.sha256 or done != asset.size:
        partial.unlink(missing_ok=True)
        size = "" if done == asset.size else f"{done:,} bytes, not {asset.size:,}; "
        raise DownloadError(
            f"{asset.name} from {url} is not the official file ({size}SHA-256 {got[:16]}…, "
            f"expected {asset.sha256[:16]}…); nothing was kept"
        )
    os.replace(partial, target)
    return target
