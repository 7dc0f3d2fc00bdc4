# CoachLab: `make run` serves the app with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
VENDOR := static/vendor/.stamp

.PHONY: run test test-fast lint vendor system-deps demo-media bench bench-load bench-pages clean

run: $(STAMP_RUN) $(VENDOR)
	$(BIN)/coachlab db upgrade
	$(BIN)/coachlab seed-demo --if-empty
	$(BIN)/coachlab serve

test: $(STAMP_DEV) $(VENDOR) system-deps
	$(BIN)/ruff check .
	bash scripts/test-all.sh

test-fast: $(STAMP_DEV) $(VENDOR)
	$(BIN)/pytest -q -m "not browser"

lint: $(STAMP_DEV)
	$(BIN)/ruff check .

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(STAMP_RUN)

# Front-end packages come from npm at setup time and are served from static/vendor.
vendor: $(VENDOR)
$(VENDOR): package.json package-lock.json scripts/vendor.sh
	bash scripts/vendor.sh
	touch $@

# Debian's Chromium (browser tests), espeak-ng and sox (synthetic speech). Installed when
# missing and we are root (as on CI); otherwise the tests that need them say they skipped.
system-deps:
	@bash scripts/system-deps.sh

demo-media: $(STAMP_DEV)
	$(BIN)/python scripts/make_demo_media.py

bench: $(STAMP_DEV)
	$(BIN)/python benchmarks/transcription.py
	$(BIN)/python benchmarks/clips.py
	$(BIN)/python benchmarks/microskills.py
	$(BIN)/python benchmarks/memory.py

# Needs Debian's wrk (apt-get install wrk): 20 clients for 60 s against a served demo instance.
bench-load: $(STAMP_RUN)
	$(BIN)/python benchmarks/load.py

# Pages that read many calls, at 1,000 and 10,000 calls, on SQLite and (when it answers at
# 127.0.0.1:5432, database test, in a schema of its own) PostgreSQL: p50/p95 and SQL statements.
bench-pages: $(STAMP_DEV)
	$(BIN)/python benchmarks/pages.py

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
