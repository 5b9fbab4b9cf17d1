"""Benchmarks: each module measures one target as a ratio against a baseline built in the same
run (medians of several runs), and prints a table. ``python -m benchmarks`` runs them all;
``python -m benchmarks.<name>`` runs one."""
