"""The store: conversations, their deck versions, messages, render jobs and chat links.

::

    store.py                Store: the async API over SQLAlchemy Core (SQLite by default,
                            PostgreSQL by URL): opening, migrating, messages, chat links
    conversation_queries.py conversations, their deck versions and options
    review_queries.py       review stage, reviewers, approvals, workspace settings
    job_queries.py          render jobs and their states
    transactions.py         one transaction per call, in a worker thread, retried
    schema.py               tables and the numbered migrations that create and upgrade them
    records.py              the plain records the store hands out (conversations, versions,
                            jobs)

Only the conversation engine (:mod:`bot.engine`) and the wiring use it; chat adapters reach
what they need through the engine.
"""

from .records import ConversationRecord, JobRecord, JobState, VersionRecord, new_id
from .store import Store

__all__ = ["ConversationRecord", "JobRecord", "JobState", "Store", "VersionRecord", "new_id"]
