# Two commands matter to users: `make play` and `make test`. Both build the
# local virtualenv from pyproject.toml when it is missing or stale.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: play plain test test-slow check lint types contracts bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

play: $(STAMP)
	$(BIN)/summit-game play

plain: $(STAMP)
	$(BIN)/summit-game play --plain

test: $(STAMP)
	$(BIN)/python -m pytest -q -x --no-header -p no:cacheprovider

# The slow tier: hundreds of kill -9s during saves, thousands of fuzz cases.
# -s shows the figures the tests print (kills and saves lost, cases per kind).
test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -s --no-header -p no:cacheprovider -m slow --hypothesis-show-statistics

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

types: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

check: lint types contracts test

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
