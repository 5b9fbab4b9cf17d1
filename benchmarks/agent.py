"""Tokens the model writes for a one-slide revision, against planning the whole deck.

A revision sends the model the current deck once and gets back only edits, so what the model
writes (tokens out, the slow and costly part of an answer) is a small fraction of what planning
the deck took. Target: revision tokens out <= 20% of planning tokens out, for a 10-slide deck.

Both requests go through the real planner and reviser, LangChain's ChatOpenAI and HTTP to the
local fake OpenAI-compatible server (tests/fakes/openai_chat.py). Its answers are what a model
writes for ``examples/vaccines.md`` (the plan) and for "make slide 3 simpler" (one edit_slide
with new bullets and narration). Tokens are counted from the server's recorded requests and
responses with OpenAI's o200k_base encoding. Counts are deterministic; the table shows medians
of several runs all the same, with the wall time of each call.

    python -m benchmarks.agent [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from agent import Planner, Reviser, StructuredChat, build_chat_model
from deck import EditSlide, apply, parse_outline
from tests.fakes.openai_chat import FakeOpenAI, edits_reply, plan_reply

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "vaccines.md"
TARGET = 0.20
REQUEST = "explain how vaccines work, 10 slides, for teenagers, dark theme"
INSTRUCTION = "make slide 3 simpler"
SIMPLER = EditSlide(
    slide=3,
    bullets=["White blood cells guard your body", "Antibodies stick to germs"],
    narration=(
        "Your body has its own guards, called white blood cells. When they find a germ, some "
        "of them make antibodies, tiny sticky markers that tell the rest of the team what to "
        "destroy."
    ),
)


async def one_run(server: FakeOpenAI) -> dict[str, dict[str, float]]:
    deck = parse_outline(EXAMPLE.read_text(encoding="utf-8"))
    server.reset()
    server.script(
        plan_reply(deck), edits_reply([SIMPLER], "slide 3: simpler bullets and narration")
    )
    chat = StructuredChat(
        build_chat_model(model="fake-model", base_url=server.base_url, api_key="bench", timeout=30)
    )
    started = time.perf_counter()
    planned = await Planner(chat).plan(REQUEST)
    plan_seconds = time.perf_counter() - started
    started = time.perf_counter()
    revision = await Reviser(chat).revise(planned, INSTRUCTION)
    revise_seconds = time.perf_counter() - started
    revised = apply(planned, revision.edits)

    assert planned == deck and len(planned.slides) == 10, "the plan did not round-trip"
    changed = [a != b for a, b in zip(planned.slide_hashes(), revised.slide_hashes(), strict=True)]
    assert changed == [i == 2 for i in range(10)], "the revision touched other slides"
    plan_call, revise_call = server.completions
    # The deck travels once in the revision request: every slide's narration appears once.
    assert all(revise_call.user_text.count(s.narration) == 1 for s in planned.slides)
    return {
        "plan": {
            "in": plan_call.usage["prompt_tokens"],
            "out": plan_call.usage["completion_tokens"],
            "seconds": plan_seconds,
        },
        "revise": {
            "in": revise_call.usage["prompt_tokens"],
            "out": revise_call.usage["completion_tokens"],
            "seconds": revise_seconds,
        },
    }


async def measure(runs: int) -> dict[str, dict[str, float]]:
    results = []
    with FakeOpenAI(api_key="bench") as server:
        for _ in range(runs):
            results.append(await one_run(server))
    return {
        step: {key: statistics.median(r[step][key] for r in results) for key in results[0][step]}
        for step in ("plan", "revise")
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.agent", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs to take the median of")
    args = parser.parse_args(argv)
    medians = asyncio.run(measure(args.runs))
    plan, revise = medians["plan"], medians["revise"]
    ratio = revise["out"] / plan["out"]
    print(f"10-slide deck ({EXAMPLE.name}); tokens: o200k_base; median of {args.runs} runs")
    print(f"{'':<34}{'tokens in':>10}{'tokens out':>12}{'call ms':>10}")
    print(
        f"{'plan: ' + REQUEST[:26] + '…':<34}{plan['in']:>10.0f}{plan['out']:>12.0f}"
        f"{plan['seconds'] * 1000:>10.1f}"
    )
    print(
        f"{'revise: ' + INSTRUCTION:<34}{revise['in']:>10.0f}{revise['out']:>12.0f}"
        f"{revise['seconds'] * 1000:>10.1f}"
    )
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(
        f"revision tokens out / planning tokens out = {ratio:.3f} "
        f"(target <= {TARGET:.2f}): {verdict}"
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
