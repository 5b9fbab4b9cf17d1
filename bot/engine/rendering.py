"""One render job, end to end: render the version, report its progress, deliver the video, and
only then mark the job done.

Delivery is part of the job. The video goes to the sink of the request that queued it (or,
after a restart, to one the platform builds); when the platform refuses the file for its size
(:class:`~bot.errors.UploadTooLarge`), a smaller copy is made (720p, then 480p, bitrate capped
from the byte budget; pictures, frames and narration come from the cache) and delivered
instead, or the sink is told it is too big. A process stopped before the delivery finished
leaves the job running in the store, and the next start renders (from the cache) and delivers
it again, unless the platform already held the video (the sink said so through
:meth:`~bot.engine.replies.VideoReady.posted`): then the job is marked done and its status
finished, and nothing is posted twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from deck import Deck
from render import ProgressCallback, ProgressEvent, RenderError, RenderOptions, Stage

from ..errors import UploadFailed, UploadTooLarge
from ..execution import Executor
from ..store import ConversationRecord, JobRecord, JobState, Store
from .fitting import FIT_STEPS, fit_options
from .jobs import being_stopped
from .observer import JobEvent, JobEventKind, JobObserver, Observers
from .replies import JobUpdate, ReplySink, VideoReady
from .sinks import SinkRegistry

log = logging.getLogger(__name__)

POSTED = "engine"  # the link platform under which "posted:<job id>" marks a delivered video

MAX_FIT_ATTEMPTS = 3  # a platform may refuse a smaller copy again (its real limit is lower)


class JobRunner:
    def __init__(
        self,
        store: Store,
        executor: Executor,
        sinks: SinkRegistry,
        *,
        videos_dir: Path,
        options: Callable[[dict[str, Any]], RenderOptions],
        observer: JobObserver | None = None,
    ) -> None:
        self.store = store
        self.executor = executor
        self.sinks = sinks
        self.videos_dir = videos_dir
        self.options = options
        self.observer = observer or Observers()  # done/failed, with the render's seconds

    async def run(self, job: JobRecord) -> None:
        conversation = await self.store.conversation(job.conversation_id)
        record = await self.store.version(job.conversation_id, job.version)
        if conversation is None or record is None:
            await self.store.set_job_state(
                job.id, JobState.FAILED, error="the deck version is gone"
            )
            await self._tell(JobEventKind.FAILED, job, detail="the deck version is gone")
            self.sinks.release(job.id)
            return
        sink = await self.sinks.for_job(
            job.id, conversation.platform, conversation.id, conversation.owner
        )
        try:
            await self._render_and_deliver(job, conversation, record.deck, sink)
        finally:
            self.sinks.release(job.id)

    async def _render_and_deliver(
        self, job: JobRecord, conversation: ConversationRecord, deck: Deck, sink: ReplySink | None
    ) -> None:
        # ``job`` was read before it was marked running: attempts counts earlier starts.
        resumed = job.attempts > 0
        out = self.videos_dir / conversation.id / f"v{job.version}.mp4"
        if resumed and await self.store.linked(POSTED, f"posted:{job.id}") is not None:
            await self._posted_before_restart(job, out, sink)
            return
        await asyncio.to_thread(out.parent.mkdir, parents=True, exist_ok=True)
        events: asyncio.Queue[ProgressEvent | None] = asyncio.Queue()
        pump = asyncio.ensure_future(
            _pump(events, sink, conversation.id, job.id, job.version, "rendering", deck)
        )
        started = time.monotonic()
        try:
            result = await self.executor.render(
                deck, out, self.options(job.options), events.put_nowait
            )
        except RenderError as exc:
            events.put_nowait(None)
            if being_stopped():  # it failed on its way out of a stop: a stopped render
                await _cancelled(pump)
                raise asyncio.CancelledError from exc
            await pump
            await self.store.set_job_state(
                job.id, JobState.FAILED, error=str(exc), only_from=[JobState.RUNNING]
            )
            await self._tell(JobEventKind.FAILED, job, time.monotonic() - started, str(exc))
            if sink is not None:
                await sink.failed(
                    f"The render of version {job.version} failed: {exc}. Your deck is safe; "
                    'change something or say "render" to try again.',
                    version=job.version,
                )
            return
        except BaseException:
            events.put_nowait(None)
            await _cancelled(pump)
            raise
        events.put_nowait(None)
        await pump
        rendered_in = time.monotonic() - started
        ready = VideoReady(
            conversation_id=conversation.id,
            job_id=job.id,
            version=job.version,
            deck=deck,
            video=result.video,
            duration=result.duration,
            size_bytes=result.size_bytes,
            slides=result.slides,
            slides_from_cache=result.slides_from_cache,
            storyboard=result.storyboard,
            subtitles=result.srt,
            warnings=result.warnings,
            resumed=resumed,
            review=bool(conversation.review),
            on_posted=lambda: self._mark_posted(job),
        )
        if sink is not None:
            await self.deliver(ready, sink)
        else:
            log.warning("job %s: nobody to deliver version %s to", job.id, job.version)
        await self.store.set_job_state(
            job.id,
            JobState.DONE,
            only_from=[JobState.RUNNING],
            result={
                "video": str(result.video),
                "duration": result.duration,
                "size": result.size_bytes,
                "storyboard": str(result.storyboard) if result.storyboard else None,
                "from_cache": result.slides_from_cache,
                "warnings": result.warnings,
            },
        )
        await self._tell(JobEventKind.DONE, job, rendered_in)

    async def _mark_posted(self, job: JobRecord) -> None:
        await self.store.link(POSTED, f"posted:{job.id}", job.conversation_id, {})

    async def _posted_before_restart(
        self, job: JobRecord, out: Path, sink: ReplySink | None
    ) -> None:
        """The last process posted this job's video and stopped before marking it done."""
        log.info("job %s: version %s was posted before the restart", job.id, job.version)
        if sink is not None:  # first: a stop before this edit leaves it to the next start
            await sink.progress(JobUpdate(job.conversation_id, job.id, job.version, "delivered"))
        await self.store.set_job_state(
            job.id, JobState.DONE, only_from=[JobState.RUNNING], result={"video": str(out)}
        )
        await self._tell(JobEventKind.DONE, job)

    async def _tell(
        self, kind: JobEventKind, job: JobRecord, seconds: float | None = None, detail: str = ""
    ) -> None:
        """Tell the observers how the job ended and how long its render took."""
        await self.observer.job_event(
            JobEvent(
                kind,
                job.conversation_id,
                job.id,
                job.version,
                job.workspace,
                seconds=seconds,
                detail=detail,
            )
        )

    async def deliver(self, ready: VideoReady, sink: ReplySink) -> None:
        """Hand ``ready`` to ``sink``; when the platform refuses it for its size, a smaller
        copy that fits (or, when none can, ``sink.too_big``)."""
        current = ready
        for _attempt in range(MAX_FIT_ATTEMPTS):
            try:
                await sink.video(current)
                return
            except UploadFailed as refused:  # the person was told; the operator sees it counted
                await self.observer.job_event(
                    JobEvent(
                        JobEventKind.UPLOAD_FAILED,
                        ready.conversation_id,
                        ready.job_id,
                        ready.version,
                        detail=refused.detail,
                        platform=refused.platform,
                    )
                )
                return
            except UploadTooLarge as refused:
                limit = min(refused.limit, current.size_bytes - 1)
            log.info(
                "job %s: %s bytes is over the upload limit of %s; making a smaller copy",
                ready.job_id,
                current.size_bytes,
                limit,
            )
            await sink.progress(
                JobUpdate(ready.conversation_id, ready.job_id, ready.version, "fitting")
            )
            events: asyncio.Queue[ProgressEvent | None] = asyncio.Queue()
            pump = asyncio.ensure_future(
                _pump(events, sink, ready.conversation_id, ready.job_id, ready.version, "fitting")
            )
            try:
                fitted = await self.fit_video(ready, limit, progress=events.put_nowait)
            finally:
                events.put_nowait(None)
                await pump
            if fitted is None:
                await sink.too_big(ready, limit)
                return
            current = fitted
        await sink.too_big(ready, current.size_bytes - 1)

    async def fit_video(
        self, ready: VideoReady, max_bytes: int, *, progress: ProgressCallback | None = None
    ) -> VideoReady | None:
        """``ready`` when its video fits in ``max_bytes`` (a platform's upload limit); else a
        smaller encode of the same version that fits (720p, then 480p, bitrate capped from the
        byte budget; pictures, frames and narration come from the cache), or None when even
        that is too big."""
        if ready.size_bytes <= max_bytes:
            return ready
        job = await self.store.job(ready.job_id)
        base = self.options(job.options if job else {})
        for side, share in FIT_STEPS:
            options = fit_options(base, ready.duration, max_bytes * share, side)
            if options is None:
                break
            out = ready.video.with_name(f"{ready.video.stem}.{options.resolution}p.mp4")
            result = await self.executor.render(ready.deck, out, options, progress)
            log.info(
                "fitting %s under %d bytes: %dp at %s is %d bytes",
                ready.video.name,
                max_bytes,
                options.resolution,
                options.max_video_bitrate,
                result.size_bytes,
            )
            if result.size_bytes <= max_bytes:
                return replace(
                    ready,
                    video=result.video,
                    size_bytes=result.size_bytes,
                    duration=result.duration,
                    subtitles=result.srt,
                    smaller_copy=True,
                )
        return None


async def _cancelled(pump: asyncio.Future[None]) -> None:
    pump.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await pump


async def _pump(
    events: asyncio.Queue[ProgressEvent | None],
    sink: ReplySink | None,
    conversation_id: str,
    job_id: str,
    version: int,
    state: str,
    deck: Deck | None = None,
) -> None:
    """Forward render progress to the sink in order, without holding up the render."""
    while (event := await events.get()) is not None:
        if sink is None:
            continue
        try:
            if event.stage is Stage.STORYBOARD and event.artifact is not None and deck:
                await sink.storyboard(event.artifact, deck, version)
            else:
                await sink.progress(JobUpdate(conversation_id, job_id, version, state, event=event))
        except Exception:
            log.exception("a front-end failed to show progress for job %s", job_id)
