"""A local Hugging Face hub on 127.0.0.1 serving model repos from folders, so that
``deckcast models pull`` runs the real ``huggingface_hub`` download code end to end.

It answers the calls ``snapshot_download`` makes: the repo info
(``GET /api/models/{repo}/revision/{rev}``), the recursive tree listing
(``GET /api/models/{repo}/tree/{rev}``) and the files themselves (``HEAD``/``GET
/{repo}/resolve/{rev}/{path}``, with the ``X-Repo-Commit``, ``ETag`` and size headers the client
checks). Files larger than 100 bytes are listed as LFS files, like weights on the real hub.
Repos named in ``gated`` answer 403 as a gated repo does; unknown repos answer 404 with the
hub's ``X-Error-Code: RepoNotFound``. Every request is recorded (:attr:`FakeHub.paths`); it
runs on a thread of its own (``with FakeHub(repos) as hub:``, see ``local_server.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from .local_server import ThreadServer

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class FakeHub(ThreadServer):
    repos: dict[str, Path]  # repo id -> folder whose files the repo holds
    gated: tuple[str, ...] = ()

    thread_name = "fake-hub"

    def __post_init__(self) -> None:
        super().__init__()

    @property
    def endpoint(self) -> str:
        return self.root_url

    @property
    def paths(self) -> list[str]:
        """Every request so far, as ``METHOD /path?query``."""
        return [f"{r.method} {r.path_qs}" for r in self.log]

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/api/models/{org}/{name}/revision/{rev}", self._info)
        app.router.add_get("/api/models/{org}/{name}/tree/{rev}", self._tree)
        app.router.add_get("/api/models/{org}/{name}/tree/{rev}/{path:.*}", self._tree)
        app.router.add_get("/{org}/{name}/resolve/{rev}/{path:.*}", self._file)

    def _repo(self, request: web.Request) -> tuple[str, Path]:
        repo = f"{request.match_info['org']}/{request.match_info['name']}"
        if repo in self.gated:
            raise web.HTTPForbidden(
                headers={"X-Error-Code": "GatedRepo", "X-Error-Message": "Access restricted"},
                text='{"error": "Access to this model is restricted"}',
                content_type="application/json",
            )
        if repo not in self.repos:
            raise web.HTTPNotFound(
                headers={"X-Error-Code": "RepoNotFound", "X-Error-Message": "not found"},
                text='{"error": "Repository not found"}',
                content_type="application/json",
            )
        return repo, self.repos[repo]

    def _files(self, folder: Path) -> list[Path]:
        return sorted(f for f in folder.rglob("*") if f.is_file())

    async def _info(self, request: web.Request) -> web.Response:
        repo, folder = self._repo(request)
        siblings = [{"rfilename": str(f.relative_to(folder))} for f in self._files(folder)]
        return web.json_response(
            {"id": repo, "modelId": repo, "sha": COMMIT, "private": False, "siblings": siblings}
        )

    async def _tree(self, request: web.Request) -> web.Response:
        _repo, folder = self._repo(request)
        entries = []
        for f in self._files(folder):
            data = f.read_bytes()
            entry: dict[str, object] = {
                "type": "file",
                "oid": hashlib.sha1(data).hexdigest(),  # git's blob id
                "size": len(data),
                "path": str(f.relative_to(folder)),
            }
            if len(data) > 100:
                sha = hashlib.sha256(data).hexdigest()
                entry["lfs"] = {"oid": sha, "size": len(data), "pointerSize": 134}
            entries.append(entry)
        return web.json_response(entries)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        _repo, folder = self._repo(request)
        path = folder / request.match_info["path"]
        if not path.is_file():
            raise web.HTTPNotFound(headers={"X-Error-Code": "EntryNotFound"})
        data = path.read_bytes()
        etag = (
            hashlib.sha256(data).hexdigest() if len(data) > 100 else hashlib.sha1(data).hexdigest()
        )
        headers = {
            "X-Repo-Commit": COMMIT,
            "ETag": f'"{etag}"',
            "Content-Length": str(len(data)),
        }
        if request.method == "HEAD":
            return web.Response(headers=headers)
        return web.Response(body=data, headers=headers)
