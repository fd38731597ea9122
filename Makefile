# Two commands: `make run` serves the dashboard, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/indicators.duckdb
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages: chromium renders static figures (kaleido) and runs browser tests;
# a CJK font makes Chinese show as text, not boxes, in both; postgresql gives the tests a
# throwaway server (started and stopped by the test session itself).
APT_PACKAGES := chromium fonts-wqy-microhei postgresql

.PHONY: run test lint bench system-deps clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

run: $(VENV)/.installed system-deps
	$(PY) -m indicators init-db --if-absent --db $(DB)
	$(PY) -m indicators ensure-planner --db $(DB)
	INDICATORS_DB=$(DB) $(PY) serve.py \
	  --server.address 127.0.0.1 --server.port $(PORT) --browser.gatherUsageStats false

test: $(VENV)/.installed-test system-deps
	$(PY) -m ruff check .
	$(PY) -m pytest

bench: $(VENV)/.installed
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
