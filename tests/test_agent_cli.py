"""``deckcast plan`` and ``deckcast revise`` as a person runs them: subprocesses talking to a
local OpenAI-compatible server over real HTTP, configured by environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deck import parse_outline, to_markdown
from tests.agent_helpers import deck_draft, deck_in
from tests.fakes.openai_chat import FakeOpenAI, Reply, edits_reply

SECRET = "sk-test-NeverPrintThisKey0123456789"
TITLES = ["How vaccines work", "Germs", "The immune system", "Training", "Memory", "Herd immunity"]


def deckcast(
    *args: str,
    cwd: Path,
    server: FakeOpenAI | None = None,
    stdin: str | None = None,
    base_url: str | None = None,
) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "deckcast"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DECKCAST_", "OPENAI_"))}
    env.update(
        {
            "DECKCAST_CACHE_DIR": str(cwd / "cache"),
            "DECKCAST_DATA_DIR": str(cwd / "data"),
            "COLUMNS": "200",
            "NO_COLOR": "1",
        }
    )
    if server is not None:
        env.update(
            {
                "DECKCAST_LLM_MODEL": "fake-model",
                "OPENAI_BASE_URL": base_url or server.base_url,
                "OPENAI_API_KEY": SECRET,
            }
        )
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def server():
    with FakeOpenAI(api_key=SECRET) as fake:
        yield fake


def test_plan_writes_an_outline_and_prints_the_titles(tmp_path, server):
    server.script(deck_draft(TITLES, theme="dark"))
    request = "explain how vaccines work, 6 slides, for teenagers, dark theme"
    result = deckcast("-v", "plan", request, "-o", "deck.md", cwd=tmp_path, server=server)
    assert result.returncode == 0, result.stderr
    assert "How vaccines work · 6 slides · theme dark · 16:9 · en" in result.stdout
    for number, title in enumerate(TITLES, 1):
        assert f"{number:>2}. {title}" in result.stdout
    assert "✓ wrote deck.md" in result.stdout
    deck = parse_outline((tmp_path / "deck.md").read_text(encoding="utf-8"))
    assert [s.title for s in deck.slides] == TITLES and deck.theme.name == "dark"
    (exchange,) = server.exchanges
    assert request in exchange.user_text
    assert exchange.headers["Authorization"] == f"Bearer {SECRET}"
    # Even with -v (debug logging of the HTTP client), the key is never printed.
    assert "HTTP Request: POST" in result.stderr or "Sending HTTP Request" in result.stderr
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.slow
def test_plan_without_output_prints_markdown(tmp_path, server):
    server.script(deck_draft(TITLES[:2]))
    result = deckcast("plan", "vaccines, two slides", cwd=tmp_path, server=server)
    assert result.returncode == 0, result.stderr
    assert [s.title for s in parse_outline(result.stdout).slides] == TITLES[:2]
    assert "1. How vaccines work" in result.stderr


def test_plan_tells_the_person_while_the_model_is_busy(tmp_path, server):
    server.script(Reply.rate_limited(retry_after=0), deck_draft(TITLES))
    result = deckcast("plan", "vaccines", "-o", "d.md", cwd=tmp_path, server=server)
    assert result.returncode == 0, result.stderr
    assert "the model is busy, retrying (2/3)" in result.stderr


@pytest.mark.slow
def test_plan_options_override(tmp_path, server):
    server.script(deck_in("es", 3, label="en") | {"theme": "dark"})
    result = deckcast(
        "plan",
        "vaccines",
        "--slides",
        "3",
        "--theme",
        "ocean",
        "--aspect",
        "9:16",
        "--language",
        "es",
        "-o",
        "d.md",
        cwd=tmp_path,
        server=server,
    )
    assert result.returncode == 0, result.stderr
    assert "3 slides · theme ocean · 9:16 · es" in result.stdout
    assert "Make exactly 3 slides." in server.exchanges[0].user_text


def test_plan_without_a_model_explains_how_to_configure_one(tmp_path):
    result = deckcast("plan", "explain how vaccines work", cwd=tmp_path)
    assert result.returncode == 1
    assert "error:" in result.stderr and "DECKCAST_LLM_MODEL" in result.stderr
    assert "OPENAI_BASE_URL" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_plan_an_outline_from_stdin_without_a_model(tmp_path, example_deck):
    result = deckcast("plan", "-", "-o", "d.md", cwd=tmp_path, stdin=to_markdown(example_deck))
    assert result.returncode == 0, result.stderr
    assert parse_outline((tmp_path / "d.md").read_text(encoding="utf-8")) == example_deck


@pytest.mark.slow
@pytest.mark.parametrize(
    ("request_text", "message"),
    [("", "the request is empty"), ("y" * 50_000, "the limit is 20,000")],
)
def test_plan_bad_requests(tmp_path, server, request_text, message):
    result = deckcast("plan", "-", cwd=tmp_path, server=server, stdin=request_text)
    assert result.returncode == 1 and message in result.stderr
    assert server.exchanges == []


@pytest.mark.slow
def test_plan_with_an_unreachable_model_is_a_short_error(tmp_path):
    gone = FakeOpenAI().start()
    gone.close()
    result = deckcast("plan", "vaccines", cwd=tmp_path, server=gone)
    assert result.returncode == 1
    assert "cannot reach the model server" in result.stderr
    assert "Traceback" not in result.stderr and SECRET not in result.stderr


def test_revise_with_the_model(tmp_path, server, example_deck):
    from deck import EditSlide

    path = tmp_path / "deck.md"
    path.write_text(to_markdown(example_deck), encoding="utf-8")
    server.script(
        edits_reply(
            [EditSlide(slide=3, narration="A plant needs water, air and light.")],
            "slide 3: simpler narration",
        )
    )
    result = deckcast("revise", "deck.md", "make slide 3 simpler", cwd=tmp_path, server=server)
    assert result.returncode == 0, result.stderr
    assert "slide 3: simpler narration" in result.stdout
    assert "✓ wrote deck.md (6 slides, 1 with new content)" in result.stdout
    revised = parse_outline(path.read_text(encoding="utf-8"))
    assert revised.slides[2].narration == "A plant needs water, air and light."
    assert [s for i, s in enumerate(revised.slides) if i != 2] == [
        s for i, s in enumerate(example_deck.slides) if i != 2
    ]
    assert "[3] The ingredients" in server.exchanges[0].user_text


def test_revise_structural_without_a_model_to_another_file(tmp_path, example_deck):
    path = tmp_path / "deck.md"
    path.write_text(to_markdown(example_deck), encoding="utf-8")
    result = deckcast("revise", "deck.md", "swap 2 and 3", "-o", "new.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "slides 2 and 3 swapped" in result.stdout
    revised = parse_outline((tmp_path / "new.md").read_text(encoding="utf-8"))
    assert [s.title for s in revised.slides][1:3] == ["The ingredients", "Leaves are solar panels"]
    assert parse_outline(path.read_text(encoding="utf-8")) == example_deck  # untouched


@pytest.mark.slow
def test_revise_missing_slide_lists_the_slides(tmp_path, example_deck):
    path = tmp_path / "deck.md"
    path.write_text(to_markdown(example_deck), encoding="utf-8")
    result = deckcast("revise", "deck.md", "delete slide 9", cwd=tmp_path)
    assert result.returncode == 1
    assert "there is no slide 9; the deck has 6 slides: 1. How plants eat sunlight" in (
        " ".join(result.stderr.split())
    )


@pytest.mark.slow
def test_help_lists_plan_and_revise(tmp_path):
    result = deckcast("--help", cwd=tmp_path)
    assert "plan" in result.stdout and "revise" in result.stdout
    plan_help = deckcast("plan", "--help", cwd=tmp_path)
    for option in ("--output", "--outline", "--slides", "--theme", "--aspect", "--language"):
        assert option in plan_help.stdout


def test_the_method_that_worked_is_remembered_across_runs(tmp_path):
    """A server without strict schemas or tools (older llama.cpp) is probed once, not on every
    run: the second process starts with JSON mode and warns about nothing."""
    with FakeOpenAI(api_key=SECRET, unsupported={"json_schema", "function_calling"}) as server:
        server.script(deck_draft(TITLES[:2]), deck_draft(TITLES[:3]))
        first = deckcast("plan", "vaccines, 2 slides", "-o", "a.md", cwd=tmp_path, server=server)
        assert first.returncode == 0, first.stderr
        assert [e.method for e in server.exchanges] == [
            "json_schema",
            "function_calling",
            "json_mode",
        ]
        assert "rejected json_schema" in first.stderr
        second = deckcast("plan", "vaccines, 3 slides", "-o", "b.md", cwd=tmp_path, server=server)
        assert second.returncode == 0, second.stderr
        assert [e.method for e in server.exchanges][3:] == ["json_mode"]
        assert "rejected" not in second.stderr and "WARNING" not in second.stderr
    remembered = (tmp_path / "data" / "llm-methods.json").read_text(encoding="utf-8")
    assert '"method": "json_mode"' in remembered and SECRET not in remembered


def test_verbose_logs_never_show_credentials_in_the_base_url(tmp_path):
    with FakeOpenAI(api_key=None) as server:
        server.script(deck_draft(TITLES[:2]))
        url = server.base_url.replace("http://", "http://alice:Hunter2Password@")
        result = deckcast(
            "-v", "plan", "vaccines, 2 slides", "-o", "d.md", cwd=tmp_path, server=server,
            base_url=url,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "HTTP Request: POST http://[redacted]@127.0.0.1" in result.stderr
    assert "Hunter2Password" not in result.stderr + result.stdout
    assert "alice" not in result.stderr + result.stdout
    assert SECRET not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("instruction", "message"),
    [
        ("delete slide 0", "there is no slide 0; slides are numbered from 1: 1. How plants"),
        ("swap 0 and 2", "there is no slide 0; slides are numbered from 1"),
        ("slide 0", "there is no slide 0; slides are numbered from 1"),
        ("delete slide 99", "there is no slide 99; the deck has 6 slides: 1. How plants"),
    ],
)
def test_revise_bad_slide_numbers_are_one_sentence(tmp_path, example_deck, instruction, message):
    path = tmp_path / "deck.md"
    path.write_text(to_markdown(example_deck), encoding="utf-8")
    result = deckcast("revise", "deck.md", instruction, cwd=tmp_path)
    assert result.returncode == 1
    text = " ".join(result.stderr.split())
    assert message in text
    assert "Traceback" not in result.stderr and "ValidationError" not in result.stderr
    assert "validation error" not in result.stderr.lower()
