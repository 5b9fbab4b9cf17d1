"""``/metrics`` (Prometheus text format) and ``/healthz`` over HTTP, for the chat bots.

``deckcast discord`` and ``deckcast slack`` in Socket Mode serve them on
``DECKCAST_METRICS_HOST:DECKCAST_METRICS_PORT`` (unset port: not served); Slack's HTTP mode
adds them to its own server (:func:`add_routes`), and to the metrics port too when one is set.
``/healthz`` answers 200 and ``ok`` with one line per check when every check passes, 503 and
``unhealthy`` otherwise; ``/healthz?format=json`` answers the same as JSON.
"""

from __future__ import annotations

import logging

from aiohttp import web

from .errors import SettingsError
from .health import Health, Probe, store_probe
from .metrics import CONTENT_TYPE, Metrics
from .settings import Settings
from .store import Store

log = logging.getLogger(__name__)


class Monitor:
    """What the two endpoints answer from: the metrics, and the health checks."""

    def __init__(self, store: Store, metrics: Metrics | None, probes: dict[str, Probe]) -> None:
        self.store = store
        self.metrics = metrics
        self.health = Health({"store": store_probe(store), **probes})

    async def metrics_page(self, _request: web.Request) -> web.Response:
        if self.metrics is None:
            return web.Response(status=404, text="metrics are not collected in this process\n")
        try:
            await self.metrics.refresh(self.store)
        except Exception as exc:  # the store is down: say so in /healthz, still serve the rest
            log.warning("metrics: could not read the job counts from the store: %s", exc)
        return web.Response(body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})

    async def health_page(self, request: web.Request) -> web.Response:
        checks = await self.health.checks()
        ok = all(check.ok for check in checks)
        status = 200 if ok else 503
        if request.query.get("format") == "json":
            body = {
                "status": "ok" if ok else "unhealthy",
                "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
            }
            return web.json_response(body, status=status)
        lines = [f"{c.name}: {'ok' if c.ok else 'FAILING'} ({c.detail})" for c in checks]
        text = "\n".join(["ok" if ok else "unhealthy", *lines]) + "\n"
        return web.Response(status=status, text=text)


def add_routes(app: web.Application, monitor: Monitor) -> None:
    app.router.add_get("/metrics", monitor.metrics_page)
    app.router.add_get("/healthz", monitor.health_page)


class MonitorServer:
    """A small aiohttp server with only the two endpoints."""

    def __init__(self, monitor: Monitor, *, host: str, port: int) -> None:
        app = web.Application()
        add_routes(app, monitor)
        self.runner = web.AppRunner(app, handle_signals=False, access_log=None)
        self.host = host
        self.port = port

    async def start(self) -> str:
        """Listen; returns the base URL (with the bound port when ``port`` was 0)."""
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        self.port = self.runner.addresses[0][1]
        return f"http://{self.host}:{self.port}"

    async def close(self) -> None:
        await self.runner.cleanup()


async def serve_monitor(settings: Settings, monitor: Monitor) -> MonitorServer | None:
    """Serve ``monitor`` on the metrics port, when one is set (else None)."""
    if settings.metrics_port is None:
        return None
    server = MonitorServer(monitor, host=settings.metrics_host, port=settings.metrics_port)
    try:
        url = await server.start()
    except OSError as exc:
        await server.close()
        raise SettingsError(
            f"cannot serve metrics on {settings.metrics_host}:{settings.metrics_port} "
            f"({exc.strerror or exc}); set DECKCAST_METRICS_PORT to a free port"
        ) from None
    log.info("serving %s/metrics and %s/healthz", url, url)
    return server
