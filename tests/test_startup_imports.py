"""``deckcast`` commands that need no language model, chat platform or GPU do not load their
libraries: checked on the modules each command really imports (``python -X importtime``), not
on a clock. (The times themselves: ``python -m benchmarks.startup``.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from bot.cli.app import COMMANDS, app

EXAMPLE = Path(__file__).parent.parent / "examples" / "photosynthesis.md"
HEAVY = ("langchain", "langchain_core", "langchain_openai", "openai", "torch", "diffusers",
         "transformers", "discord", "slack_bolt", "slack_sdk", "aiohttp", "prometheus_client",
         "ray")  # fmt: skip
IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", re.MULTILINE)


def imported_by(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    env = {
        **os.environ,
        "DECKCAST_CACHE_DIR": str(cwd / "cache"),
        "DECKCAST_DATA_DIR": str(cwd / "data"),
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, {name.split(".")[0] for name in IMPORTED.findall(done.stderr)}


def outline(tmp_path: Path) -> Path:
    path = tmp_path / "one.md"
    path.write_text("# One slide\n- a point\n> Said once.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["render", "--help"],
        ["status"],
        ["render", "{outline}", "-o", "{tmp}/one.mp4", "--voice", "silent", "--resolution", "720p"],
        ["export", "{outline}", "--pdf", "{tmp}/one.pdf"],
    ],
    ids=["help", "version", "render-help", "status", "render", "export"],
)
def test_commands_without_a_model_or_a_platform_do_not_load_their_libraries(tmp_path, args):
    args = [a.format(outline=outline(tmp_path), tmp=tmp_path) for a in args]
    done, modules = imported_by(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "bot" in modules or args[0].startswith("--")
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    if args[0] in ("--help", "--version", "render", "export"):
        assert "sqlalchemy" not in modules  # the store is for the commands that keep state
    if args[0] in ("--help", "--version"):
        assert not modules & {"deck", "render", "numpy", "PIL", "pydantic_settings"}
    if args[0] == "render" and "--help" not in args:
        assert (tmp_path / "one.mp4").stat().st_size > 0


def test_a_command_that_plans_does_load_langchain(tmp_path):
    """(So the check above can fail: the same probe sees LangChain where it is used.)"""
    done, modules = imported_by("plan", "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert {"langchain_core", "openai"} & modules or "agent" in modules


def test_the_command_list_matches_the_commands():
    """``deckcast --help`` shows COMMANDS' lines without importing the commands: each line is
    the start of that command's own help, and every command is listed."""
    group = typer.main.get_group(app)
    assert list(group.list_commands(None)) == list(COMMANDS)
    for name, (_module, line) in COMMANDS.items():
        command = group.get_command(None, name)
        assert command is not None and command.name == name
        help_text = " ".join((command.help or "").split())
        assert help_text.startswith(line.removesuffix("...").removesuffix(".")), name
