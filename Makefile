# quyhoach: `make run` serves the demo, `make test` runs every check. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint schema bench bench-peer bench-live clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/quyhoach serve --demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

schema: $(STAMP)
	$(BIN)/quyhoach print-schema > schema.graphql

bench: $(STAMP)
	$(BIN)/python -m bench.run

# Side by side with PostGraphile v5 (the kit in ../shared/peer-bench; needs node >= 20, wrk).
bench-peer: $(STAMP)
	$(BIN)/python -m bench.peer

# Live updates on one worker (issue 15): memory per idle subscription, commit-to-delivery latency.
bench-live: $(STAMP)
	$(BIN)/python -m bench.live

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
