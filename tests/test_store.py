"""The store: versions, undo/redo pointers, jobs, links and duplicate events, on SQLite (and
on PostgreSQL when the suite is given one)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from bot.store import JobState, Store
from bot.store.schema import MIGRATIONS
from deck import build_deck


def deck(title: str):
    return build_deck({"title": title, "slides": [{"title": title}]})


@pytest.fixture
def store(database_url):
    store = Store.open_sync(database_url)
    yield store
    store.close()


async def test_versions_undo_redo_and_branching(store):
    conv = await store.create_conversation(platform="terminal", owner="ana", workspace="w")
    assert await store.add_version(conv.id, deck("one"), "planned") == 1
    assert await store.add_version(conv.id, deck("two"), "edit") == 2
    assert await store.add_version(conv.id, deck("three"), "edit") == 3
    back = await store.move_to_version(conv.id, 2)
    assert back is not None and back.deck.title == "two"
    assert (await store.conversation(conv.id)).current_version == 2
    # A new version after an undo gets a new number: no number is ever reused (v3.mp4 stays
    # version 3), and the undone version is still there.
    assert await store.add_version(conv.id, deck("four"), "edit", author="ana") == 4
    titles = [v.deck.title for v in await store.versions(conv.id)]
    assert titles == ["one", "two", "three", "four"]
    assert [(v.number, v.parent) for v in await store.versions(conv.id)] == [
        (1, None),
        (2, 1),
        (3, 2),
        (4, 2),
    ]
    assert (await store.version(conv.id, 4)).author == "ana"
    # Undo goes to the version a change was made from; redo to the newest made from it.
    assert await store.undo_target(conv.id, 4) == 2
    assert await store.undo_target(conv.id, 1) is None
    assert await store.redo_target(conv.id, 2) == 4
    assert await store.redo_target(conv.id, 1) == 2
    assert await store.redo_target(conv.id, 4) is None
    assert await store.move_to_version(conv.id, 9) is None
    assert (await store.conversation(conv.id)).title == "four"


async def test_jobs_supersede_queued_ones_and_move_atomically(store):
    conv = await store.create_conversation(platform="discord", owner="ana", workspace="guild")
    first = await store.add_job(conv.id, 1, owner="ana", workspace="guild")
    second = await store.add_job(conv.id, 2, owner="ana", workspace="guild")
    assert (await store.job(first.id)).state is JobState.SUPERSEDED
    assert await store.set_job_state(second.id, JobState.RUNNING, only_from=[JobState.QUEUED])
    assert not await store.set_job_state(second.id, JobState.RUNNING, only_from=[JobState.QUEUED])
    assert (await store.job(second.id)).attempts == 1
    await store.set_job_state(second.id, JobState.DONE, result={"video": "v2.mp4"})
    done = await store.job(second.id)
    assert done.state is JobState.DONE and done.result == {"video": "v2.mp4"} and done.finished_at
    assert await store.job_counts() == {("guild", "superseded"): 1, ("guild", "done"): 1}


async def test_links_messages_and_duplicate_events(store):
    conv = await store.create_conversation(platform="slack", owner="u1")
    await store.link("slack", "C1:1700000000.1", conv.id, {"channel": "C1"})
    assert await store.linked("slack", "C1:1700000000.1") == (conv.id, {"channel": "C1"})
    assert await store.linked("slack", "nope") is None
    for text in ("a", "b", "c"):
        await store.add_message(conv.id, "user", text)
    assert await store.recent_messages(conv.id, limit=2) == [("user", "b"), ("user", "c")]
    assert await store.first_sighting("slack", "Ev1")
    assert not await store.first_sighting("slack", "Ev1")
    results = await asyncio.gather(*(store.first_sighting("slack", "Ev2") for _ in range(5)))
    assert results.count(True) == 1


def test_schema_is_migrated_once_and_uses_wal(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    latest = MIGRATIONS[-1][0]
    first = Store.open_sync(url)
    assert first.migrate() == latest
    first.close()
    again = Store.open_sync(url)
    assert again.migrate() == latest
    again.close()
    with sqlite3.connect(tmp_path / "x.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


async def test_a_database_of_schema_1_gets_version_parents(tmp_path):
    """A database made before versions had parents: migration 2 adds them (each version made
    from the one before, as undo/redo treated them then) without losing a version."""
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(
            """
            CREATE TABLE schema_version (version INTEGER NOT NULL);
            INSERT INTO schema_version VALUES (1);
            CREATE TABLE conversations (id VARCHAR(32) PRIMARY KEY, platform VARCHAR(32) NOT NULL,
                owner VARCHAR(128) NOT NULL, workspace VARCHAR(128) NOT NULL DEFAULT '',
                title TEXT NOT NULL DEFAULT '', current_version INTEGER NOT NULL DEFAULT 0,
                options TEXT NOT NULL DEFAULT '{}', created_at FLOAT NOT NULL,
                updated_at FLOAT NOT NULL);
            CREATE TABLE versions (conversation_id VARCHAR(32) NOT NULL, number INTEGER NOT NULL,
                deck TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', created_at FLOAT NOT NULL,
                PRIMARY KEY (conversation_id, number));
            """
        )
        conn.execute("INSERT INTO conversations VALUES ('c1', 't', 'ana', 'w', 'x', 2, '{}', 0, 0)")
        for number, title in ((1, "one"), (2, "two")):
            conn.execute(
                "INSERT INTO versions VALUES ('c1', ?, ?, 'n', 0)",
                (number, deck(title).model_dump_json()),
            )
    store = await Store.open(f"sqlite:///{db}")
    assert store.migrate() == MIGRATIONS[-1][0]
    assert [(v.number, v.parent, v.author) for v in await store.versions("c1")] == [
        (1, None, ""),
        (2, 1, ""),
    ]
    assert await store.add_version("c1", deck("three"), "edit") == 3
    store.close()


def test_a_killed_writer_never_corrupts_the_database(tmp_path):
    """SIGKILL a process in the middle of writing versions; the database opens, passes an
    integrity check and holds every committed version."""
    db = tmp_path / "kill.db"
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from bot.store import Store
        from deck import build_deck
        async def main():
            store = Store.open_sync("sqlite:///{db}")
            conv = await store.create_conversation(platform="t", owner="o")
            print(conv.id, flush=True)
            i = 0
            while True:
                i += 1
                new = build_deck({{"title": f"v{{i}}", "slides": [{{"title": "s"}}]}})
                await store.add_version(conv.id, new, "e")
                print(i, flush=True)
        asyncio.run(main())
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=os.getcwd()
    )
    conv_id = process.stdout.readline().strip()
    written = 0
    while written < 30:
        written = int(process.stdout.readline())
    process.kill()
    process.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = Store.open_sync(f"sqlite:///{db}")
    try:
        versions = asyncio.run(store.versions(conv_id))
        assert len(versions) >= written
        assert [v.number for v in versions] == list(range(1, len(versions) + 1))
    finally:
        store.close()


async def test_a_dropped_postgresql_connection_is_retried(postgres_url):
    import sqlalchemy as sa

    store = Store.open_sync(postgres_url)
    try:
        conv = await store.create_conversation(platform="t", owner="o")
        with store.engine.connect() as conn:  # kill every other session, as a server restart would
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        assert await store.add_version(conv.id, deck("after"), "edit") == 1
        assert (await store.conversation(conv.id)).title == "after"
    finally:
        store.close()


async def test_the_queue_full_estimate_comes_from_measured_render_times(store):
    import sqlalchemy as sa

    from bot.engine import JobLimits
    from bot.engine.jobs import RenderQueue
    from bot.errors import QueueFull
    from bot.store.schema import jobs

    conv = await store.create_conversation(platform="t", owner="ana", workspace="w")
    for seconds in (500, 600, 700):  # three renders here took about ten minutes each
        job = await store.add_job(conv.id, 1, owner="ana", workspace="w")
        await store.set_job_state(job.id, JobState.RUNNING)
        await store.set_job_state(job.id, JobState.DONE)
        with store.engine.begin() as conn:
            conn.execute(
                sa.update(jobs)
                .where(jobs.c.id == job.id)
                .values(started_at=1000.0, finished_at=1000.0 + seconds)
            )
    assert sorted(await store.recent_render_seconds()) == [500, 600, 700]
    other = await store.create_conversation(platform="t", owner="bo", workspace="w")
    await store.add_job(other.id, 1, owner="bo", workspace="w")  # the queue holds one

    async def never(_job) -> None:
        raise AssertionError("nothing runs here")

    queue = RenderQueue(store, never, JobLimits(per_workspace=1, typical_render_seconds=60))
    with pytest.raises(QueueFull, match="about 10 minutes"):  # measured, not the 60 s guess
        await queue.check(owner="cy", workspace="w")


async def test_reviewers_and_approvals_are_kept_once(store):
    conv = await store.create_conversation(platform="slack", owner="ana", workspace="w")
    await store.add_version(conv.id, deck("one"), "planned", author="ana")
    await store.add_version(conv.id, deck("two"), "edit", author="bob")
    assert (await store.conversation(conv.id)).review == ""
    assert await store.add_reviewer(conv.id, "bob", added_by="ana")
    assert not await store.add_reviewer(conv.id, "bob", added_by="ana")  # already one
    assert await store.add_reviewer(conv.id, "cy", added_by="ana")
    assert await store.reviewers(conv.id) == ["bob", "cy"]
    await store.set_review(conv.id, review="script", open_review=True)
    record = await store.conversation(conv.id)
    assert (record.review, record.open_review, record.script_first) == ("script", True, True)
    results = await asyncio.gather(*(store.approve(conv.id, 1, "bob") for _ in range(4)))
    assert results.count(True) == 1  # duplicate deliveries at once: counted once
    assert await store.approve(conv.id, 1, "cy")
    assert not await store.approve(conv.id, 1, "bob")
    assert [v.approved_by for v in await store.versions(conv.id)] == [("bob", "cy"), ()]
    assert (await store.version(conv.id, 1)).approved_by == ("bob", "cy")


async def test_a_database_of_schema_2_gets_review_tables(tmp_path):
    """A database made before review in the thread: migration 3 adds the review columns and
    the reviewers and approvals tables, and keeps every conversation and version."""
    db = tmp_path / "old.db"
    old = Store.open_sync(f"sqlite:///{db}")
    conv = await old.create_conversation(platform="t", owner="ana")
    await old.add_version(conv.id, deck("one"), "planned", author="ana")
    old.close()
    with sqlite3.connect(db) as conn:  # back to schema 2, as a release before this one left it
        conn.execute("DROP TABLE approvals")
        conn.execute("DROP TABLE reviewers")
        conn.execute("ALTER TABLE conversations DROP COLUMN review")
        conn.execute("ALTER TABLE conversations DROP COLUMN open_review")
        conn.execute("DROP TABLE workspace_settings")
        conn.execute("DELETE FROM schema_version WHERE version >= 3")
    store = await Store.open(f"sqlite:///{db}")
    try:
        assert store.migrate() == MIGRATIONS[-1][0]
        assert await store.workspace_review("discord", "g1") is None
        record = await store.conversation(conv.id)
        assert (record.review, record.open_review) == ("", False)
        assert await store.approve(conv.id, 1, "bob")
        assert await store.add_reviewer(conv.id, "bob", added_by="ana")
        assert [v.approved_by for v in await store.versions(conv.id)] == [("bob",)]
    finally:
        store.close()


async def test_an_admins_review_mode_is_kept_per_platform_and_workspace(tmp_path):
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        assert await store.workspace_review("discord", "g1") is None
        await store.set_workspace_review("discord", "g1", "script", by="ana")
        await store.set_workspace_review("slack", "g1", "off", by="bo")
        assert await store.workspace_review("discord", "g1") == "script"
        assert await store.workspace_review("slack", "g1") == "off"
        assert await store.workspace_review("discord", "g2") is None
        await store.set_workspace_review("discord", "g1", "off", by="cy")  # changed, not added
        assert await store.workspace_review("discord", "g1") == "off"
    finally:
        store.close()


async def test_a_conversation_s_render_options_can_be_replaced(store):
    conv = await store.create_conversation(platform="test", owner="u1", options={"voice": "x"})
    await store.set_options(conv.id, {"voice": "x", "music": "/data/m.mp3", "music_level_db": -4})
    again = await store.conversation(conv.id)
    assert again.options == {"voice": "x", "music": "/data/m.mp3", "music_level_db": -4}
    assert again.updated_at >= conv.updated_at
