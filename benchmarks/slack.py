"""The Slack front-end's cost: how fast a request is acknowledged, and what the whole Slack
round trip adds to the render itself. Baselines are built in the same run.

Compared (medians of ``--runs`` runs):
  ack, bare aiohttp   a signed POST to an aiohttp handler that only answers 200
  ack, deckcast       the same POST to deckcast's bolt app (signature check, dispatch, ack)
  render only         the example deck rendered by the Renderer, empty cache
  /deck to video      the same deck pasted into /deck: ack, plan, store, progress edits,
                      storyboard and video uploaded (files_upload_v2) to a local fake Slack,
                      empty cache; and of that, the time outside the render job (from the
                      job's start and end in the store): what the Slack front-end adds

Slack wants an answer within 3 s; the ratio that matters is the second pair: the front-end
should add little to the render.

Run: python -m benchmarks.slack [--runs 5] [--acks 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).parent.parent / "examples" / "photosynthesis.md"


async def _bare_ack_ms(acks: int) -> float:
    from aiohttp import web

    from tests.fakes.slack_events import SlackDelivery

    async def answer(_request: web.Request) -> web.Response:
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/slack/events", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    try:
        return await _time_acks(SlackDelivery(url), acks)
    finally:
        await runner.cleanup()


async def _time_acks(deliver: Any, acks: int) -> float:
    times = []
    for _ in range(acks):
        body = deliver.command_body("help")
        started = time.perf_counter()
        response = await deliver.send(body, "application/x-www-form-urlencoded")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, response.status
    return statistics.median(times)


async def _slack_world(tmp: Path, edit_interval: float = 1.5) -> Any:
    from agent import Planner, Reviser
    from bot.engine import ConversationEngine
    from bot.slack import HttpServer, build_app, build_client
    from bot.store import Store
    from render import AssetCache, EspeakBackend, ProceduralBackend, Renderer, SilentBackend
    from tests.fakes.slack_api import BOT_TOKEN, FakeSlack
    from tests.fakes.slack_events import SIGNING_SECRET, SlackDelivery

    slack = await FakeSlack().start()
    store = await Store.open(f"sqlite:///{tmp / 'deckcast.db'}")
    renderer = Renderer(
        ProceduralBackend(),
        {"espeak": EspeakBackend(), "silent": SilentBackend()},
        AssetCache(tmp / "cache"),
    )
    engine = ConversationEngine(
        store, Planner(None), Reviser(None), renderer, videos_dir=tmp / "videos"
    )
    client = build_client(BOT_TOKEN, api_url=slack.api_url)
    bot = build_app(engine, client, signing_secret=SIGNING_SECRET, edit_interval=edit_interval)
    server = HttpServer(bot, host="127.0.0.1", port=0)
    url = await server.start()

    async def close() -> None:
        await server.close()
        await bot.close()
        await engine.close()
        renderer.close()
        store.close()
        await slack.close()

    return slack, SlackDelivery(url, on_message=slack.person_wrote), close, store


async def _deckcast_ack_ms(acks: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        _slack, deliver, close, _store = await _slack_world(Path(tmp))
        try:
            return await _time_acks(deliver, acks)
        finally:
            await close()


async def _render_only_s() -> float:
    from deck import parse_outline
    from render import AssetCache, EspeakBackend, ProceduralBackend, Renderer, SilentBackend

    deck = parse_outline(EXAMPLE.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        renderer = Renderer(
            ProceduralBackend(),
            {"espeak": EspeakBackend(), "silent": SilentBackend()},
            AssetCache(Path(tmp) / "cache"),
        )
        try:
            started = time.perf_counter()
            await renderer.render(deck, Path(tmp) / "v.mp4")
            return time.perf_counter() - started
        finally:
            renderer.close()


async def _deck_to_video_s() -> tuple[float, float]:
    """Seconds from /deck to the video in the thread, and of those, outside the render job."""
    from bot.store import JobState

    outline = EXAMPLE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        slack, deliver, close, store = await _slack_world(Path(tmp))
        try:
            started = time.perf_counter()
            await deliver.command(f"```\n{outline}```", user="U1", channel="C1")
            await slack.wait_for(
                lambda: [u for u in slack.completed_uploads() if u.filename.endswith(".mp4")],
                within=600,
            )
            total = time.perf_counter() - started
            [job] = await store.jobs_in(tuple(JobState))
            assert job.started_at is not None and job.finished_at is not None
            return total, total - (job.finished_at - job.started_at)
        finally:
            await close()


async def _run(runs: int, acks: int) -> list[tuple[str, float, str]]:
    bare = statistics.median([await _bare_ack_ms(acks) for _ in range(runs)])
    bolt = statistics.median([await _deckcast_ack_ms(acks) for _ in range(runs)])
    await _render_only_s()  # warm-up (imports, fonts, thread pools), not counted
    renders, totals, outside = [], [], []
    for _ in range(runs):  # interleaved, so a busy moment of the machine hits both alike
        renders.append(await _render_only_s())
        total, extra = await _deck_to_video_s()
        totals.append(total)
        outside.append(extra)
    return [
        ("ack, bare aiohttp", bare, "ms"),
        ("ack, deckcast", bolt, "ms"),
        ("render only", statistics.median(renders), "s"),
        ("/deck to video", statistics.median(totals), "s"),
        ("  outside the render", statistics.median(outside) * 1000, "ms"),
    ]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.slack")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--acks", type=int, default=30, help="requests per ack measurement")
    args = parser.parse_args(argv)
    rows = asyncio.run(_run(args.runs, args.acks))
    (_, bare, _), (_, bolt, _), (_, render, _), (_, slack, _), (_, outside, _) = rows
    print(f"{'':<20} {'median':>10}")
    for name, value, unit in rows:
        print(f"{name:<20} {value:>8.{1 if unit == 's' else 2}f} {unit}")
    print(f"ack: deckcast / bare aiohttp = {bolt / bare:.1f}x (Slack's limit: 3000 ms)")
    print(f"/deck to video / render only = {slack / render:.2f}x")
    print(f"time outside the render job / render only = {outside / 1000 / render:.3f}x")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
