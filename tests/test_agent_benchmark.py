"""The agent benchmark still runs and still meets its targets (token counts and the parse corpus
are deterministic; nothing here is timed)."""

from __future__ import annotations

from benchmarks.agent import TARGET, TARGET_TOKENS_IN, main, measure, parse_corpus


async def test_revision_writes_a_fraction_of_the_plans_tokens():
    medians = await measure(runs=1)
    plan_out, revise_out = medians["plan"]["out"], medians["revise"]["out"]
    assert plan_out > 800  # ten slides with narration
    assert 0 < revise_out <= TARGET * plan_out


async def test_a_revision_reads_fewer_tokens_than_the_old_way():
    medians = await measure(runs=1)
    assert medians["revise"]["in"] <= TARGET_TOKENS_IN < medians["old_way"]["in"]


def test_every_corpus_answer_is_read_right():
    outcome = parse_corpus()
    assert outcome["missed"] == []
    assert len(outcome["accepted"]) >= 20 and len(outcome["cut_off"]) >= 10


def test_benchmark_prints_the_numbers_and_the_verdicts(capsys):
    main(["--runs", "1"])
    text = capsys.readouterr().out
    assert "revision tokens out / planning tokens out" in text
    assert "tokens in per revision" in text and "parse corpus" in text
    assert "FAIL" not in text and text.count("PASS") == 3
