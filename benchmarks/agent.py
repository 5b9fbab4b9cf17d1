"""What a revision costs in tokens, and how well real-shaped answers are read.

1. **Tokens out**: a revision sends the current deck and gets back only edits, so what the
   model writes (the slow and costly part of an answer) is a small fraction of what planning
   the deck took. Target: revision tokens out <= 20% of planning tokens out, 10-slide deck.
2. **Tokens in per revision** of that deck ("make slide 3 simpler"): the edit schema is compact
   and only the slide the instruction names is shown whole. Target: <= 2,200 (main before
   issue 13: 3,697). The baseline measured in the same run is the same request built the old
   way: the whole deck shown and the schema with every description.
3. **Parse success** on the corpus of recorded, realistically shaped answers in
   ``tests/data/model_answers.yaml`` (prose around the JSON, fences, trailing commas, wrappers,
   cut-offs with finish_reason ``length`` and ``stop``, prose that is not JSON): every complete
   answer accepted, every cut-off and every non-JSON answer rejected with the right reason.

The planner and reviser run for real: LangChain's ChatOpenAI and HTTP to the local fake
OpenAI-compatible server (tests/fakes/openai_chat.py), whose answers are what a model writes
for ``examples/vaccines.md`` (the plan) and for "make slide 3 simpler" (one edit_slide with new
bullets and narration). Tokens are counted with OpenAI's o200k_base encoding, from the
server's record. Counts are deterministic; the table shows medians of several runs, with the
wall time of each call.

    python -m benchmarks.agent [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

from agent import Method, Planner, Reviser, StructuredChat, build_chat_model
from agent.answers import read_answer
from agent.reviser import _edits_spec
from agent.schemas import RevisionDraft, strict_schema
from agent.structured import OutputSpec
from deck import EditSlide, apply, parse_outline
from tests.fakes.openai_chat import FakeOpenAI, count_tokens, edits_reply, plan_reply

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "vaccines.md"
CORPUS = ROOT / "tests" / "data" / "model_answers.yaml"
TARGET = 0.20
TARGET_TOKENS_IN = 2200
MAIN_BEFORE = 3697  # tokens in per revision on main before issue 13, same deck and instruction
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
    # Every slide travels by title; only the one the instruction names with its narration.
    text = revise_call.user_text
    assert all(f"[{n}] {s.title}" in text for n, s in enumerate(planned.slides, 1))
    assert [text.count(s.narration) for s in planned.slides] == [int(i == 2) for i in range(10)]
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
        "old_way": {"in": old_way_tokens(planned)},
    }


def old_way_tokens(deck) -> int:
    """The same revision request built as before: the whole deck, the described schema
    (counted as the fake server counts a request)."""
    messages = Reviser._messages(deck, INSTRUCTION, [])  # no focus: every slide whole
    spec = _edits_spec()
    full = OutputSpec(spec.name, spec.description, strict_schema(RevisionDraft))
    body = {"type": "json_schema", "json_schema": full.for_method(Method.JSON_SCHEMA)}
    prompt = sum(4 + count_tokens(str(message.content)) for message in messages)
    return prompt + count_tokens(json.dumps(body))


def parse_corpus() -> dict[str, list[str]]:
    """Each answer of the corpus read as the agent reads it: names by outcome, and misses."""
    import yaml

    entries = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    outcome: dict[str, list[str]] = {
        "accepted": [],
        "cut_off": [],
        "not_json": [],
        "empty": [],
        "missed": [],
    }
    for entry in entries:
        answer = read_answer(
            entry["text"],
            finish_reason=entry.get("finish_reason"),
            expected=("title", "slides") if entry["kind"] == "plan" else ("summary", "edits"),
        )
        got = "accepted" if answer.ok else answer.verdict.value
        if got != entry["expect"]:
            outcome["missed"].append(f"{entry['name']}: expected {entry['expect']}, got {got}")
        else:
            outcome[got].append(entry["name"])
    return outcome


async def measure(runs: int) -> dict[str, dict[str, float]]:
    results = []
    with FakeOpenAI(api_key="bench") as server:
        for _ in range(runs):
            results.append(await one_run(server))
    return {
        step: {key: statistics.median(r[step][key] for r in results) for key in results[0][step]}
        for step in ("plan", "revise", "old_way")
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.agent", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs to take the median of")
    args = parser.parse_args(argv)
    medians = asyncio.run(measure(args.runs))
    plan, revise, old = medians["plan"], medians["revise"], medians["old_way"]
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
    print(f"{'revise, built the old way':<34}{old['in']:>10.0f}")
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(
        f"revision tokens out / planning tokens out = {ratio:.3f} "
        f"(target <= {TARGET:.2f}): {verdict}"
    )
    verdict = "PASS" if revise["in"] <= TARGET_TOKENS_IN else "FAIL"
    print(
        f"tokens in per revision = {revise['in']:.0f}, {revise['in'] / old['in']:.2f} of the old "
        f"way's {old['in']:.0f} in this run (main before: {MAIN_BEFORE:,}; target <= "
        f"{TARGET_TOKENS_IN:,}): {verdict}"
    )
    corpus = parse_corpus()
    complete = len(corpus["accepted"])
    rejected = len(corpus["cut_off"]) + len(corpus["not_json"]) + len(corpus["empty"])
    total = complete + rejected + len(corpus["missed"])
    verdict = "PASS" if not corpus["missed"] else "FAIL"
    print(
        f"parse corpus ({CORPUS.name}, {total} answers): {complete} complete accepted, "
        f"{len(corpus['cut_off'])} cut-off rejected, {len(corpus['not_json'])} not-JSON and "
        f"{len(corpus['empty'])} empty rejected, {len(corpus['missed'])} read wrong: {verdict}"
    )
    for miss in corpus["missed"]:
        print(f"  {miss}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
