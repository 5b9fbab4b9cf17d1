"""``deckcast`` driven as a person would: a subprocess, its exit code and its output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.probe import probe

EXAMPLE = Path(__file__).parent.parent / "examples" / "photosynthesis.md"


def deckcast(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "deckcast"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    env = {**os.environ, "DECKCAST_CACHE_DIR": str(cache), "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run(
        [*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_help_lists_every_command_and_option(tmp_path):
    top = deckcast("--help", cwd=tmp_path, cache=tmp_path / "c")
    assert top.returncode == 0 and "render" in top.stdout
    sub = deckcast("render", "--help", cwd=tmp_path, cache=tmp_path / "c")
    for option in (
        "--output",
        "--theme",
        "--aspect",
        "--resolution",
        "--voice",
        "--images",
        "--captions",
        "--transition",
        "--motion",
    ):
        assert option in sub.stdout


def test_render_then_render_again_from_cache(tmp_path):
    out = tmp_path / "talk.mp4"
    first = deckcast(
        "render",
        str(EXAMPLE),
        "-o",
        str(out),
        "--resolution",
        "720p",
        "--voice",
        "silent",
        cwd=tmp_path,
        cache=tmp_path / "c",
    )
    assert first.returncode == 0, first.stderr
    assert f"✓ {out}" in first.stdout and "6 slides (0 from cache)" in first.stdout
    assert probe(out).video_size == (1280, 720)
    assert out.with_suffix(".srt").exists() and out.with_suffix(".storyboard.png").exists()
    second = deckcast(
        "render",
        str(EXAMPLE),
        "-o",
        str(out),
        "--resolution",
        "720p",
        "--voice",
        "silent",
        cwd=tmp_path,
        cache=tmp_path / "c",
    )
    assert second.returncode == 0 and "6 slides (6 from cache)" in second.stdout


def test_default_output_goes_to_out_folder(tmp_path):
    outline = tmp_path / "deck.md"
    outline.write_text("## Hello\n- world\n", encoding="utf-8")
    result = deckcast(
        "render",
        str(outline),
        "--voice",
        "silent",
        "--resolution",
        "720p",
        "--aspect",
        "1:1",
        "--theme",
        "chalkboard",
        cwd=tmp_path,
        cache=tmp_path / "c",
    )
    assert result.returncode == 0, result.stderr
    assert probe(tmp_path / "out" / "deck.mp4").video_size == (720, 720)


@pytest.mark.parametrize(
    ("outline", "args", "message"),
    [
        (None, [], "error: no such file"),
        ("", [], "error: the outline has no slides"),
        ("intro text\n## a\n", [], "error: line 1: text before the first slide"),
        ("## " + "x" * 95 + "\n", [], "slide 1 title: is too long (95 characters, at most 90)"),
        (
            "## a\n",
            ["--theme", "neon"],
            "error: deck theme: unknown theme 'neon'; choose one of: light, dark",
        ),
        (
            "## a\n",
            ["-o", "/nonexistent-dir/x.mp4"],
            "error: the folder /nonexistent-dir does not exist",
        ),
        ("## a\n", ["--images", "magic"], "error: unknown picture backend 'magic'"),
        ("## a\n", ["--voice", "robot"], "error: unknown voice 'robot'"),
        (
            "---\nmotion: wobbly\n---\n## a\n",
            [],
            "error: deck motion: must be one of 'none', 'gentle' or 'kenburns', not 'wobbly'",
        ),
    ],
)
def test_bad_input_gives_one_clear_line_and_no_output(tmp_path, outline, args, message):
    path = tmp_path / "deck.md"
    if outline is not None:
        path.write_text(outline, encoding="utf-8")
    target = tmp_path / "deck.mp4"
    extra = [] if "-o" in args else ["-o", str(target)]
    result = deckcast("render", str(path), *extra, *args, cwd=tmp_path, cache=tmp_path / "c")
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".deck")]


def test_binary_junk_is_refused(tmp_path):
    path = tmp_path / "junk.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    result = deckcast("render", str(path), cwd=tmp_path, cache=tmp_path / "c")
    assert result.returncode == 1 and "is not a text file" in result.stderr
