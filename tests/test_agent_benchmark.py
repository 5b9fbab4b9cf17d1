"""The token benchmark still runs and still meets its target (token counts are deterministic;
nothing here is timed)."""

from __future__ import annotations

from benchmarks.agent import TARGET, main, measure


async def test_revision_writes_a_fraction_of_the_plans_tokens():
    medians = await measure(runs=1)
    plan_out, revise_out = medians["plan"]["out"], medians["revise"]["out"]
    assert plan_out > 800  # ten slides with narration
    assert 0 < revise_out <= TARGET * plan_out


def test_benchmark_prints_both_numbers_and_the_ratio(capsys):
    main(["--runs", "1"])
    text = capsys.readouterr().out
    assert "tokens out" in text and "revision tokens out / planning tokens out" in text
    assert "PASS" in text
