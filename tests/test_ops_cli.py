"""Operating deckcast from the command line: ``--version``, ``doctor``, ``cache`` and
``cache prune``, a tiny ``DECKCAST_CACHE_MAX_GB`` during real renders, JSON log lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from render import AssetCache
from tests.probe import probe

EXAMPLE = Path(__file__).parent.parent / "examples" / "photosynthesis.md"


def deckcast(*args: str, cwd: Path, stdin: str | None = None, **env: str):
    script = Path(sys.executable).parent / "deckcast"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    full = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DECKCAST_", "OPENAI_"))},
        "DECKCAST_CACHE_DIR": str(cwd / "cache"),
        "DECKCAST_DATA_DIR": str(cwd / "data"),
        "DECKCAST_VOICE": "silent",
        "DECKCAST_RESOLUTION": "720p",
        "COLUMNS": "200",
        "NO_COLOR": "1",
        **env,
    }
    return subprocess.run(
        [*command, *args], cwd=cwd, env=full, input=stdin, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def cache_bytes(folder: Path) -> int:
    return sum(u.bytes for u in AssetCache(folder).usage().values())


def test_version(tmp_path):
    done = deckcast("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("deckcast ")
    assert done.stdout.split()[1][0].isdigit()


def test_doctor_passes_here_and_names_each_thing_it_checked(tmp_path):
    done = deckcast("doctor", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("ffmpeg", "espeak-ng", "fonts", "raqm", "torch / GPU", "picture models",
                 "voice", "language model", "asset cache", "store"):  # fmt: skip
        assert any(line.split()[1:2] == name.split()[:1] for line in done.stdout.splitlines()), name
    assert "everything this setup needs is here" in done.stdout
    assert "Latin, Greek, Cyrillic: NotoSans-Regular.ttf" in done.stdout
    # The natural offline voice: the PyPI model parts and Japanese voices are installed here.
    (kokoro,) = [line for line in done.stdout.splitlines() if "kokoro voice" in line]
    assert kokoro.startswith("ok") and "Japanese" in kokoro, kokoro


def test_doctor_says_when_the_kokoro_voice_asked_for_is_not_there(tmp_path):
    done = deckcast(
        "doctor",
        cwd=tmp_path,
        DECKCAST_VOICE="kokoro",
        DECKCAST_KOKORO_MODEL=str(tmp_path / "nowhere.onnx"),
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    i = next(i for i, line in enumerate(lines) if "kokoro voice" in line)
    assert lines[i].startswith("MISSING") and "nowhere.onnx" in lines[i]
    assert "deckcast voices pull kokoro" in lines[i + 1]


def test_doctor_fails_with_the_fix_for_what_the_setup_needs(tmp_path):
    bare = tmp_path / "bin"  # a PATH without espeak-ng
    bare.mkdir()
    done = deckcast(
        "doctor",
        cwd=tmp_path,
        PATH=str(bare),
        DECKCAST_VOICE="espeak",
        DECKCAST_IMAGE_BACKEND="diffusers",
        DECKCAST_IMAGE_MODEL="sd-turbo",
        DECKCAST_HF_CACHE_DIR=str(tmp_path / "hub"),
        DECKCAST_DATABASE_URL="postgresql://deckcast:pw-in-url@127.0.0.1:1/none",
        DECKCAST_LLM_MODEL="gpt-4o-mini",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()

    def finding(name: str) -> tuple[str, str]:
        i = next(i for i, line in enumerate(lines) if line[8:].startswith(name))
        fix = lines[i + 1].strip() if i + 1 < len(lines) else ""
        return lines[i], fix

    line, fix = finding("espeak-ng")
    assert line.startswith("MISSING") and "apt-get install espeak-ng" in fix
    line, fix = finding("configured model")
    assert line.startswith("MISSING") and "deckcast models pull sd-turbo" in fix
    line, fix = finding("store")
    assert line.startswith("MISSING") and "DECKCAST_DATABASE_URL" in fix
    line, fix = finding("language model")
    assert line.startswith("MISSING") and "OPENAI_API_KEY" in fix
    assert "pw-in-url" not in done.stdout + done.stderr
    (summary,) = [line for line in lines if line.startswith("missing for this setup: ")]
    for name in ("espeak-ng", "configured model", "language model", "store"):
        assert name in summary  # (and torch, where the diffusion extra is not installed)
    assert "Traceback" not in done.stderr


def test_cache_shows_each_kind_and_prune_trims_it(tmp_path):
    first = deckcast("render", str(EXAMPLE), "-o", str(tmp_path / "a.mp4"), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    shown = deckcast("cache", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    for kind in ("pictures", "frames", "narration", "segments", "audio tracks", "storyboards"):
        row = next(line for line in shown.stdout.splitlines() if f" {kind} " in line)
        assert row.split("│")[2].strip() == "6" or kind in ("audio tracks", "storyboards"), row
    assert "total (cap 10 GB)" in shown.stdout
    assert "chat videos:" in shown.stdout and "keeping the last 5 versions" in shown.stdout

    before = cache_bytes(tmp_path / "cache")
    pruned = deckcast("cache", "prune", "--max-gb", "0.0005", cwd=tmp_path)
    assert pruned.returncode == 0, pruned.stderr
    after = cache_bytes(tmp_path / "cache")
    assert after <= 500_000 < before
    assert "asset cache: removed" in pruned.stdout and "chat videos: removed 0" in pruned.stdout

    everything = deckcast("cache", "prune", "--max-gb", "0", cwd=tmp_path)
    assert everything.returncode == 0 and cache_bytes(tmp_path / "cache") == 0


def test_renders_under_a_tiny_cap_work_and_leave_the_cache_under_it(tmp_path):
    cap = {"DECKCAST_CACHE_MAX_GB": "0.0003"}  # 300 KB: less than one render's own assets
    for target in ("a.mp4", "b.mp4"):
        done = deckcast("render", str(EXAMPLE), "-o", str(tmp_path / target), cwd=tmp_path, **cap)
        assert done.returncode == 0, done.stderr
        info = probe(tmp_path / target)
        assert info.stream("video") and info.stream("audio") and info.duration > 30
        assert cache_bytes(tmp_path / "cache") <= 300_000


@pytest.mark.slow
def test_json_log_lines_follow_a_job_through_its_life(tmp_path):
    done = deckcast(
        "chat",
        "--outline",
        str(EXAMPLE),
        cwd=tmp_path,
        stdin="quit\n",
        DECKCAST_LOG_FORMAT="json",
        OPENAI_API_KEY="sk-never-in-the-logs",
    )
    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    jobs = [e for e in entries if e.get("logger") == "bot.jobs"]
    assert [e["event"] for e in jobs] == ["queued", "started", "done"]
    assert len({e["job_id"] for e in jobs}) == 1 and len({e["conversation_id"] for e in jobs}) == 1
    assert jobs[-1]["seconds"] > 0 and jobs[-1]["version"] == 1
    assert "sk-never-in-the-logs" not in done.stderr + done.stdout
