"""``deckcast status`` reads the jobs of every workspace from the store."""

from __future__ import annotations

import asyncio

from bot.store import JobState, Store
from deck import build_deck

from .test_cli import deckcast


def test_status_lists_jobs_per_workspace_and_the_workers(tmp_path, monkeypatch):
    async def fill() -> str:
        store = await Store.open(f"sqlite:///{tmp_path / 'data' / 'deckcast.db'}")
        try:
            deck = build_deck({"title": "t", "slides": [{"title": "s"}]})
            ids = []
            for workspace, owner in (("guild-1", "ana"), ("guild-1", "bob"), ("T0123", "cy")):
                conv = await store.create_conversation(
                    platform="x", owner=owner, workspace=workspace
                )
                await store.add_version(conv.id, deck, "planned")
                ids.append((await store.add_job(conv.id, 1, owner=owner, workspace=workspace)).id)
            await store.set_job_state(ids[0], JobState.RUNNING)
            await store.set_job_state(ids[2], JobState.FAILED, error="ffmpeg failed while joining")
            return ids[0]
        finally:
            store.close()

    running = asyncio.run(fill())
    monkeypatch.setenv("DECKCAST_DATA_DIR", str(tmp_path / "data"))
    result = deckcast("status", cwd=tmp_path, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("guild-1" in line and "│      1 │       1 │      0 │    0" in line for line in lines)
    assert any("T0123" in line and "│      0 │       0 │      1 │    0" in line for line in lines)
    assert f"running  job {running}" in result.stdout
    assert "ffmpeg failed while joining" in result.stdout
    assert "bot process" in result.stdout and "up" in result.stdout
