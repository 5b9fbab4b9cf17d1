"""How structured output is asked for, and remembering which way a server turned out to take.

OpenAI takes strict JSON schemas; many local servers (older llama.cpp, some vLLM and LM Studio
builds) reject them with HTTP 400 and take tool calls or plain JSON mode instead. Probing costs
a rejected request and a warning, so the method that worked for a server and model is kept in a
small JSON file (the application passes its path: the agent reads no settings) and the next
process starts with it.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


class Method(StrEnum):
    """How structured output is asked for, most to least precise."""

    JSON_SCHEMA = "json_schema"
    FUNCTION_CALLING = "function_calling"
    JSON_MODE = "json_mode"


class MethodMemory(Protocol):
    """Where the method that worked for a server + model is kept between requests."""

    def recall(self, key: str) -> Method | None: ...

    def remember(self, key: str, method: Method) -> None: ...


class MethodsInMemory:
    """A :class:`MethodMemory` for one process (tests, or no data dir)."""

    def __init__(self) -> None:
        self._methods: dict[str, Method] = {}

    def recall(self, key: str) -> Method | None:
        return self._methods.get(key)

    def remember(self, key: str, method: Method) -> None:
        self._methods[key] = method


class MethodsFile:
    """A :class:`MethodMemory` kept in a JSON file, shared by every process that uses it.

    The file maps ``"<model> at <server URL without credentials>"`` to the method and when it
    was learnt. A missing or unreadable file is an empty memory; writes replace the file whole
    (a temporary file renamed over it), so a reader never sees half of one.
    """

    VERSION = 1

    def __init__(self, path: Path) -> None:
        self.path = path

    def recall(self, key: str) -> Method | None:
        entry = self._read().get(key)
        if not isinstance(entry, dict):
            return None
        try:
            return Method(entry.get("method"))
        except ValueError:
            return None

    def remember(self, key: str, method: Method) -> None:
        servers = self._read()
        servers[key] = {"method": method.value, "learnt": datetime.now(UTC).isoformat()}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(
                prefix=f".{self.path.name}.", dir=self.path.parent, text=True
            )
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"version": self.VERSION, "servers": servers}, handle, indent=2)
            Path(temporary).replace(self.path)
        except OSError as exc:  # a read-only data dir costs a probe next time, nothing more
            log.debug("could not remember the structured-output method in %s: %s", self.path, exc)

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.debug("ignoring unreadable %s: %s", self.path, exc)
            return {}
        servers = data.get("servers") if isinstance(data, dict) else None
        return dict(servers) if isinstance(servers, dict) else {}
