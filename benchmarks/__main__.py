"""Run every benchmark module in turn (python -m benchmarks [name ...])."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def main() -> None:
    wanted = set(sys.argv[1:])
    names = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_")
    )
    for name in names:
        if wanted and name not in wanted:
            continue
        print(f"\n=== benchmarks.{name} ===", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"benchmarks.{name}").main([])
        print(f"(benchmarks.{name} took {time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
