# Two commands: `make run` serves the dashboard, `make test` runs the whole suite
# (`make test-fast` skips the browser tests, for the inner loop).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/indicators.duckdb
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages. Serving: chromium renders static figures (kaleido) and a CJK font makes
# Chinese show as text, not boxes. Tests add postgresql for a throwaway server (started and
# stopped by the test session itself); chromium also drives the browser tests.
APT_RUN := chromium fonts-wqy-microhei
APT_TEST := $(APT_RUN) postgresql
# Every transitive version as tested (pip freeze of the test venv): requirements*.txt pin what
# we import, this pins what they pull in. Refresh with `make constraints` after a bump.
CONSTRAINTS := constraints.txt

.PHONY: run test test-fast lint bench system-deps system-deps-test constraints clean

$(VENV)/.installed: requirements.txt $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c $(CONSTRAINTS)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt $(CONSTRAINTS)
	$(PY) -m pip install --quiet -r requirements-test.txt -c $(CONSTRAINTS)
	touch $@

# Installs the Debian packages in $(1) that are missing.
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

system-deps:
	$(call apt_install,$(APT_RUN))

system-deps-test:
	$(call apt_install,$(APT_TEST))

# The app's own bytecode, written here: where the environment sets PYTHONDONTWRITEBYTECODE
# (CI machines and this one do), every process would otherwise compile our modules as it
# starts (~0.25 s of a command-line ingest, and the server's first page run).
BYTECODE := $(PY) -m compileall -q indicators pages dashboard.py serve.py

run: $(VENV)/.installed system-deps
	$(BYTECODE)
	$(PY) -m indicators init-db --if-absent --db $(DB)
	$(PY) -m indicators ensure-planner --db $(DB)
	INDICATORS_DB=$(DB) $(PY) serve.py \
	  --server.address 127.0.0.1 --server.port $(PORT) --browser.gatherUsageStats false

test: $(VENV)/.installed-test system-deps-test
	$(BYTECODE)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy indicators
	$(PY) -m mypy pages ui dashboard.py serve.py
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# The inner loop: lint, types and every test but the browser ones.
test-fast: $(VENV)/.installed-test system-deps-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy indicators
	$(PY) -m mypy pages ui dashboard.py serve.py
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -m "not browser"

constraints: $(VENV)/.installed-test
	{ echo "# pip freeze of the tested venv (make constraints); used with -c by make."; \
	  $(PY) -m pip freeze --exclude-editable | grep -v '^-e '; } > $(CONSTRAINTS)

bench: $(VENV)/.installed
	$(BYTECODE)
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
