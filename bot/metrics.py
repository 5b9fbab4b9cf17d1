"""The bots' metrics, in Prometheus' text format: one :class:`Metrics` per process, built by
the wiring around its own ``CollectorRegistry`` (no global registry) and passed to who reports.

- jobs: ``deckcast_jobs{state}`` (in the store, read at each scrape), ``deckcast_queue_depth``
  (queued jobs), ``deckcast_job_events_total{event}`` (what this process saw happen);
- ``deckcast_render_seconds{outcome}``: a histogram of render times (done / failed);
- ``deckcast_llm_calls_total`` and ``deckcast_llm_failures_total{reason}``: every model call,
  through a LangChain callback handler on the chat model;
- the asset cache: ``deckcast_cache_lookups_total{kind,result}``, ``deckcast_cache_hit_ratio``,
  ``deckcast_cache_bytes``, ``deckcast_cache_max_bytes``, ``deckcast_cache_evictions_total``;
- ``deckcast_upload_failures_total{platform}``: uploads a platform refused (adapters report
  them through the engine, when a sink raises :class:`bot.errors.UploadFailed`).

The engine reports through the observer seam (:meth:`job_event`); nothing here is called from
``render`` or ``agent``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from render import AssetCache

from .engine import JobEvent, JobEventKind
from .store import JobState, Store

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
RENDER_BUCKETS = (1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.jobs = Gauge(
            "deckcast_jobs", "Render jobs in the store, by state", ["state"], registry=r
        )
        self.queue_depth = Gauge("deckcast_queue_depth", "Render jobs waiting to start", registry=r)
        self.events = Counter(
            "deckcast_job_events",
            "Job lifecycle events seen by this process",
            ["event"],
            registry=r,
        )
        self.render_seconds = Histogram(
            "deckcast_render_seconds",
            "How long renders took (rendering only, not the upload)",
            ["outcome"],
            buckets=RENDER_BUCKETS,
            registry=r,
        )
        self.llm_calls = Counter("deckcast_llm_calls", "Calls to the language model", registry=r)
        self.llm_failures = Counter(
            "deckcast_llm_failures", "Language model calls that failed", ["reason"], registry=r
        )
        self.upload_failures = Counter(
            "deckcast_upload_failures",
            "Uploads a chat platform refused (other than for size)",
            ["platform"],
            registry=r,
        )
        for state in JobState:
            self.jobs.labels(state.value)
        for outcome in ("done", "failed"):
            self.render_seconds.labels(outcome)

    # -- what reports -----------------------------------------------------------------------

    async def job_event(self, event: JobEvent) -> None:
        """(An engine observer.)"""
        self.events.labels(event.kind.value).inc()
        if event.kind is JobEventKind.UPLOAD_FAILED:
            self.upload_failures.labels(event.platform or "unknown").inc()
        elif event.seconds is not None and event.kind in (JobEventKind.DONE, JobEventKind.FAILED):
            self.render_seconds.labels(event.kind.value).observe(event.seconds)

    def watch_cache(self, cache: AssetCache) -> None:
        """Report the asset cache's lookups, size and evictions at each scrape."""
        self.registry.register(CacheCollector(cache))

    def llm_callbacks(self) -> list[BaseCallbackHandler]:
        """LangChain callback handlers for the chat model (``build_llm(callbacks=...)``)."""
        return [LlmCalls(self)]

    # -- scraping -----------------------------------------------------------------------------

    async def refresh(self, store: Store) -> None:
        """Read the job counts from the store (every process's jobs, not only this one's)."""
        counts: dict[str, int] = {state.value: 0 for state in JobState}
        for (_workspace, state), n in (await store.job_counts()).items():
            counts[state] = counts.get(state, 0) + n
        for state, n in counts.items():
            self.jobs.labels(state).set(n)
        self.queue_depth.set(counts[JobState.QUEUED.value])

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class LlmCalls(BaseCallbackHandler):
    """Counts every chat model call and every failed one (by the exception's name)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.metrics.llm_calls.inc()

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self.metrics.llm_failures.labels(failure_reason(error)).inc()


def failure_reason(error: BaseException) -> str:
    """The failure's name as the ``openai`` SDK calls it (``RateLimitError``,
    ``APITimeoutError``...), the same whichever LangChain wraps it (newer versions raise their
    own subclasses, e.g. ``OpenAIRateLimitError``); another error's own class name."""
    for cls in type(error).__mro__:
        if cls.__module__.split(".")[0] == "openai":
            return cls.__name__
    return type(error).__name__


class CacheCollector(Collector):
    def __init__(self, cache: AssetCache) -> None:
        self.cache = cache

    def collect(self) -> Iterator[Any]:
        cache = self.cache
        lookups = CounterMetricFamily(
            "deckcast_cache_lookups", "Asset cache lookups by kind", labels=["kind", "result"]
        )
        hits, misses = dict(cache.hits), dict(cache.misses)
        for kind in sorted(set(hits) | set(misses)):
            lookups.add_metric([kind, "hit"], hits.get(kind, 0))
            lookups.add_metric([kind, "miss"], misses.get(kind, 0))
        yield lookups
        total = sum(hits.values()) + sum(misses.values())
        yield GaugeMetricFamily(
            "deckcast_cache_hit_ratio",
            "Share of asset cache lookups found, since this process started",
            value=sum(hits.values()) / total if total else 0.0,
        )
        size = cache.size_estimate
        if size is not None:
            yield GaugeMetricFamily(
                "deckcast_cache_bytes", "Bytes in the asset cache (last seen)", value=size
            )
        if cache.max_bytes is not None:
            yield GaugeMetricFamily(
                "deckcast_cache_max_bytes", "The asset cache's cap", value=cache.max_bytes
            )
        yield CounterMetricFamily(
            "deckcast_cache_evictions",
            "Asset cache entries removed to stay under the cap",
            value=cache.evicted_entries,
        )
