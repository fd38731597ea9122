# Two commands: `make run` serves the dashboard, `make test` runs lint and every test tier.
# Tiers (rules in tests/tiers.py, docs/testing.md): `make test-unit` pure tests only (seconds);
# `make test-fast` lint and all but the browser tier, without installing chromium.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/indicators.duckdb
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages. Serving: chromium renders static figures (kaleido) and a CJK font makes
# Chinese show as text, not boxes. Tests add postgresql for a throwaway server (started and
# stopped by the test session itself); chromium also drives the browser tests; poppler-utils
# (pdftoppm) renders the briefing pack's pages as a reader sees them.
APT_RUN := chromium fonts-wqy-microhei
# nginx: a real one runs in front of two replicas (tests/test_nginx.py).
APT_TEST := $(APT_RUN) postgresql nginx poppler-utils
APT_FAST := postgresql poppler-utils
# Every transitive version as tested (pip freeze of the test venv): requirements*.txt pin what
# we import, this pins what they pull in. Refresh with `make constraints` after a bump.
CONSTRAINTS := constraints.txt
# pytest-xdist workers for the tests that can share the machine (the CI machine has 2 cores).
WORKERS ?= 2
# Files whose [[[cog ]]] blocks write examples and --help output from the code itself.
COG_FILES := README.md $(wildcard docs/*.md)

.PHONY: run test test-fast test-unit lint bench system-deps system-deps-test system-deps-fast \
	constraints clean docs

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

system-deps-fast:
	$(call apt_install,$(APT_FAST))

# The app's own bytecode, written here: where the environment sets PYTHONDONTWRITEBYTECODE
# (CI machines and this one do), every process would otherwise compile our modules as it
# starts (~0.25 s of a command-line ingest, and the server's first page run).
BYTECODE := $(PY) -m compileall -q indicators pages ui dashboard.py serve.py

run: $(VENV)/.installed system-deps
	$(BYTECODE)
	$(PY) -m indicators init-db --if-absent --db $(DB)
	$(PY) -m indicators ensure-planner --db $(DB)
	INDICATORS_DB=$(DB) $(PY) serve.py \
	  --server.address 127.0.0.1 --server.port $(PORT) --browser.gatherUsageStats false

# Lint, types, layers and the docs' generated parts (`make docs` regenerates those).
lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy indicators
	$(PY) -m mypy pages ui dashboard.py serve.py
	$(VENV)/bin/lint-imports
	$(PY) -m cogapp --check --verbosity=1 $(COG_FILES)

docs: $(VENV)/.installed-test
	$(PY) -m cogapp -r $(COG_FILES)

# pytest on a tier: $(1) names it, $(2) are pytest's arguments. pytest exits 5 when the
# selection holds no test; that fails too, said in words: an empty tier is a broken rule.
define pytest_tier
	@echo '== $(1): pytest $(2)'
	@$(PY) -m pytest $(2); rc=$$?; \
	if [ $$rc = 5 ]; then echo "tier '$(1)' selected no test: see tests/tiers.py" >&2; fi; \
	exit $$rc
endef

# Tests that can share the machine run in $(WORKERS) pytest-xdist workers (each with its own
# PostgreSQL server, database template and ports); those marked `serial` run after, alone.
test: $(VENV)/.installed-test system-deps-test
	$(BYTECODE)
	$(MAKE) --no-print-directory lint
	$(call pytest_tier,parallel,-m "not serial" -n $(WORKERS))
	$(call pytest_tier,serial,-m serial)

# The inner loop: lint and every tier but the browser one (no chromium installed).
test-fast: $(VENV)/.installed-test system-deps-fast
	$(BYTECODE)
	$(MAKE) --no-print-directory lint
	$(call pytest_tier,parallel,-m "not serial and not browser" -n $(WORKERS))
	$(call pytest_tier,serial,-m "serial and not browser")

# Pure tests only: no database server, app, process or browser (about 10 s).
test-unit: $(VENV)/.installed-test
	$(call pytest_tier,unit,-q -m unit)

constraints: $(VENV)/.installed-test
	{ echo "# pip freeze of the tested venv (make constraints); used with -c by make."; \
	  $(PY) -m pip freeze --exclude-editable | grep -v '^-e '; } > $(CONSTRAINTS)

bench: $(VENV)/.installed
	$(BYTECODE)
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache test-artifacts
