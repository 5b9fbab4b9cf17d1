# deckcast: `make demo` renders the example video, `make test` runs every test. Both set up
# everything first (system packages via apt-get when missing, a .venv with all extras).
VENV ?= .venv
PY := $(VENV)/bin/python
# A CPU build of torch: on the project's build machines this version installs from local disk.
TORCH_SPEC ?= torch==2.13.0
EXTRAS ?= dev,diffusion,discord,slack,export,postgres,ray
# The lowest versions pyproject.toml allows, in a venv of their own: proves its lower bounds.
# (Not diffusion or ray: torch is pinned to the local build, ray's tests skip without it.)
# (--tb=native: the old pytest it resolves crashes printing some tracebacks on Python 3.11.7.)
LOWEST ?= .venv-lowest
LOWEST_EXTRAS ?= dev,discord,slack,export,postgres

.PHONY: setup system venv demo test test-fast test-lowest lint format bench clean

setup: system venv

system:
	@scripts/system-deps.sh $(SYSTEM_EXTRA)

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "$(TORCH_SPEC)"
	$(PY) -m pip install -q -e ".[$(EXTRAS)]"
	@touch $@

demo: setup
	$(VENV)/bin/deckcast render examples/photosynthesis.md

test: setup lint
	$(PY) -m pytest

test-fast: venv
	$(PY) -m pytest -m "not slow" -q

test-lowest: venv
	$(PY) -m pip install -q "uv>=0.5"
	rm -rf $(LOWEST)
	$(VENV)/bin/uv venv -q --python $(PY) $(LOWEST)
	$(VENV)/bin/uv pip install -q --python $(LOWEST)/bin/python --resolution lowest-direct \
		-e ".[$(LOWEST_EXTRAS)]"
	$(LOWEST)/bin/python -m pytest -m "not slow" -q -p no:cacheprovider --tb=native

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) -m benchmarks

clean:
	rm -rf out .pytest_cache $(LOWEST)
