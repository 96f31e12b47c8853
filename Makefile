# Every target builds the virtualenv first if it is missing or stale.
SHELL := /bin/bash
VENV := .venv
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))

# `make` alone runs the tests.
.DEFAULT_GOAL := test

# System programs the tests need (redis-server), installed when missing.
system:
	./.ci/system-packages

.PHONY: system venv test lint fmt demo cassettes bench soak docs clean

$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

$(VENV)/.synced: pyproject.toml uv.lock adapters/*/pyproject.toml sandbox/pyproject.toml testing/pyproject.toml | $(UV)
	$(UV) sync --python python3 --all-packages --locked
	touch $@

uv.lock: pyproject.toml adapters/*/pyproject.toml sandbox/pyproject.toml testing/pyproject.toml | $(UV)
	$(UV) lock --python python3
	touch $@

venv: $(VENV)/.synced

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint system
	$(VENV)/bin/pytest -q -n 2 --dist loadfile

demo: venv
	$(VENV)/bin/engage demo

cassettes: venv
	$(VENV)/bin/pytest -q -p no:xdist --record-mode=rewrite tests

bench: venv
	$(PY) -m benchmarks

# Writes under injected faults, counted afterwards (~5 min; not part of `make test`).
soak: venv
	$(PY) -m benchmarks.soak

docs: venv
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

clean:
	rm -rf $(VENV) site .mypy_cache .ruff_cache
