"""How many chat videos are kept: the last ``keep`` versions of each conversation, under the
data dir's ``videos/<conversation>/`` folder (``DECKCAST_KEEP_VIDEOS``).

A version's files are everything named ``v<N>.*`` there: the video, its smaller copies
(``v3.720p.mp4``), storyboard, subtitles, the exported ``.pptx``/``.pdf``. The versions kept are
the ``keep`` delivered most recently (by their files' times: an undo that delivers version 2
again makes it recent), plus, whatever their age, the conversation's current version and every
version with a job queued or running (a video not delivered yet is never deleted). Pruning
runs when a job is done (as an engine observer) and with ``deckcast cache prune``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .engine import JobEvent, JobEventKind
from .store import JobState, Store

log = logging.getLogger(__name__)

VERSION_FILE = re.compile(r"^v(\d+)\.")


@dataclass(frozen=True)
class PruneReport:
    versions: int = 0
    files: int = 0
    bytes: int = 0

    def __add__(self, other: PruneReport) -> PruneReport:
        return PruneReport(
            self.versions + other.versions, self.files + other.files, self.bytes + other.bytes
        )


class VideoRetention:
    def __init__(self, videos_dir: Path, store: Store, *, keep: int) -> None:
        self.videos_dir = Path(videos_dir)
        self.store = store
        self.keep = keep

    async def job_event(self, event: JobEvent) -> None:
        """(An engine observer.) A delivered job's conversation is pruned."""
        if event.kind is JobEventKind.DONE and event.conversation_id:
            await self.prune(event.conversation_id)

    async def prune(self, conversation_id: str) -> PruneReport:
        """Delete the versions of one conversation beyond the last ``keep``."""
        if self.keep <= 0:
            return PruneReport()
        folder = self.videos_dir / conversation_id
        protected = await self._protected(conversation_id)
        report = await asyncio.to_thread(_prune_folder, folder, self.keep, protected)
        if report.versions:
            log.info(
                "removed %d old version(s) of conversation %s (%.1f MB); keeping the last %d",
                report.versions,
                conversation_id,
                report.bytes / 1e6,
                self.keep,
                extra={"conversation_id": conversation_id},
            )
        return report

    async def prune_all(self) -> PruneReport:
        """Prune every conversation folder."""
        total = PruneReport()
        if self.keep <= 0 or not self.videos_dir.is_dir():
            return total
        for folder in sorted(p for p in self.videos_dir.iterdir() if p.is_dir()):
            total += await self.prune(folder.name)
        return total

    async def _protected(self, conversation_id: str) -> set[int]:
        versions = {
            job.version
            for job in await self.store.jobs_in([JobState.QUEUED, JobState.RUNNING])
            if job.conversation_id == conversation_id
        }
        conversation = await self.store.conversation(conversation_id)
        if conversation is not None:
            versions.add(conversation.current_version)
        return versions


def _prune_folder(folder: Path, keep: int, protected: set[int]) -> PruneReport:
    files: dict[int, list[Path]] = defaultdict(list)
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return PruneReport()
    for path in entries:
        match = VERSION_FILE.match(path.name)
        if match and path.is_file():
            files[int(match.group(1))].append(path)

    def last_written(version: int) -> float:
        return max(p.stat().st_mtime for p in files[version])

    by_recency = sorted(files, key=lambda v: (last_written(v), v), reverse=True)
    doomed = [v for v in by_recency[keep:] if v not in protected]
    removed = PruneReport()
    for version in doomed:
        size = 0
        for path in files[version]:
            size += path.stat().st_size
            path.unlink(missing_ok=True)
        removed += PruneReport(1, len(files[version]), size)
    return removed


def folder_bytes(folder: Path) -> tuple[int, int]:
    """(files, bytes) under ``folder``."""
    count = size = 0
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file():
                count += 1
                size += path.stat().st_size
    return count, size
