"""How long ``deckcast`` takes to start, per command, against ``python -c pass``.

Each command runs in a fresh process, several times, interleaved with the baseline (so a busy
machine slows both alike); the table shows medians. What each row runs:

- ``--help``, ``render --help``: print the help;
- ``render``, ``export``: an outline that does not exist (every module the command needs is
  imported before it looks at the file, so this is the command's start without the work);
- ``status``: a real ``deckcast status`` over an empty database in a temporary data dir;
- ``import bot.services`` (for reference): what every command loaded before issue 14, when the
  CLI imported all the commands, LangChain and the OpenAI client up front.

Target: every command starts in <= 0.6 s.

    python -m benchmarks.startup [--runs N] [--root CHECKOUT]

``--root`` measures another checkout (e.g. the main branch before this change) with the same
interpreter.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.6
ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "deckcast --help": ["-m", "bot", "--help"],
    "deckcast render --help": ["-m", "bot", "render", "--help"],
    "deckcast render (start)": ["-m", "bot", "render", "missing.md"],
    "deckcast export (start)": ["-m", "bot", "export", "missing.md"],
    "deckcast status": ["-m", "bot", "status"],
}
BASELINE = "python -c pass (baseline)"
REFERENCE = {"import bot.services": ["-c", "import bot.services"]}
EXPECTED_RC = {"deckcast render (start)": 1, "deckcast export (start)": 1}


def timed(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the process: on a machine busy with
    other work the wall time grows, the CPU time much less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deckcast-startup-") as tmp:
        work = Path(tmp)
        env = {
            **os.environ,
            "PYTHONPATH": str(args.root.resolve()),
            "DECKCAST_DATA_DIR": str(work / "data"),
            "DECKCAST_CACHE_DIR": str(work / "cache"),
            "COLUMNS": "100",
        }
        for name, command in COMMANDS.items():  # each once, unmeasured: warm the disk cache
            rc = subprocess.run(
                [sys.executable, *command], env=env, cwd=work, capture_output=True, check=False
            ).returncode
            if rc != EXPECTED_RC.get(name, 0):
                raise SystemExit(f"{name} exited with {rc}")
        rows = {**COMMANDS, **REFERENCE}
        walls: dict[str, list[float]] = {name: [] for name in [BASELINE, *rows]}
        cpus: dict[str, list[float]] = {name: [] for name in [BASELINE, *rows]}
        for _ in range(args.runs):
            for name, command in rows.items():
                for label, run in ((BASELINE, ["-c", "pass"]), (name, command)):
                    wall, cpu = timed(run, env, work)
                    walls[label].append(wall)
                    cpus[label].append(cpu)
    base = statistics.median(walls[BASELINE])
    print(f"{args.root}; median of {args.runs} runs, a fresh process each")
    print(f"{'':<28}{'wall s':>8}{'x baseline':>12}{'CPU s':>8}")
    for name in [BASELINE, *rows]:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        mark = ""
        if name in COMMANDS:
            mark = "  ok" if wall <= TARGET_SECONDS else "  SLOW"
        print(f"{name:<28}{wall:>8.3f}{wall / base:>12.1f}{cpu:>8.3f}{mark}")
    worst = max(statistics.median(walls[name]) for name in COMMANDS)
    verdict = "PASS" if worst <= TARGET_SECONDS else "FAIL"
    print(f"slowest command {worst:.3f} s wall (target <= {TARGET_SECONDS} s): {verdict}")


if __name__ == "__main__":
    main()
