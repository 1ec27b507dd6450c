# Each target sets up what it needs: a virtual environment in .venv with the project installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint typecheck check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## set up and chat with the bot offline, with Kupang sample data
	$(BIN)/asn-bot demo

test: $(STAMP)  ## set up and run the whole test suite
	$(BIN)/pytest

bench: $(STAMP)  ## the benchmarks at small sizes (about a minute); FULL=1 for issue #6's sizes
	$(BIN)/python -m bench $(if $(FULL),--full,--quick)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict bot db messages tests bench

check: lint typecheck test

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
