# arsip: `make demo` and `make test` work on a fresh clone (Python 3.11+ and make).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYWB := $(VENV)/pywb/bin/wayback
# The versions the suite passed with; `make upgrade` refreshes them.
LOCK := constraints.txt
# uv installs what pip would, from the same index and the same lock, in a fraction of
# the time (the test venv and pywb's from a fresh clone, uv's cache empty, bytecode
# compiled, on a quiet 2-core machine: pip 52 s, uv 28 s). uv is pinned in the lock.
UV := $(BIN)/uv pip install --quiet --constraint $(LOCK)
UV_PYWB := $(BIN)/uv pip install --quiet --constraint constraints-pywb.txt
# arsip installed for development as a path in a .pth file (setuptools' "compat"
# editable mode), not through the import finder of its default mode: the finder is
# imported by every Python process of the venv, 25-30 ms of each `arsip` command's
# start (`python -c pass`: 40 ms with it, 10 ms without), as a regular install has none.
EDITABLE := -C editable_mode=compat

.PHONY: demo test test-fast bytecode lint format docs bench upgrade clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --constraint $(LOCK) uv

$(VENV)/.demo-installed: pyproject.toml $(LOCK) | $(BIN)/uv
	$(UV) --python $(BIN)/python $(EDITABLE) -e .
	touch $@

# The suite starts about 400 Python processes: bytecode is compiled for the whole venv
# on both cores, what `make demo` installed before included (uv's --compile-bytecode
# compiles only what that install adds; where PYTHONDONTWRITEBYTECODE is set, each
# process would compile Scrapy and the rest anew: make demo then make test on a fresh
# clone, 6m43s without, 4m23s with).
$(VENV)/.test-installed: pyproject.toml $(LOCK) | $(BIN)/uv
	$(UV) --python $(BIN)/python $(EDITABLE) -e '.[test]'
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib/python3*/site-packages > /dev/null
	touch $@ $(VENV)/.demo-installed

# pywb, the web-archive replay server the WARC export is tested against, in a venv of
# its own: it pins Werkzeug, redis and gevent, and requires brotlipy, whose `brotli`
# module would shadow the Brotli that Scrapy decodes `br` answers with.
$(PYWB): constraints-pywb.txt | $(BIN)/uv
	$(PYTHON) -m venv --without-pip $(VENV)/pywb
	$(UV_PYWB) --python $(VENV)/pywb/bin/python pywb setuptools
	touch $@

demo: $(VENV)/.demo-installed
	$(BIN)/arsip demo

# Three workers on two cores: crawl tests spend part of their time waiting on processes
# and sockets (pytest on a quiet 2-core machine, bytecode compiled: 2 workers 4m55s,
# 3 workers 4m38s; 4 workers were slower than 3 in a paired run, 4m32s against 3m49s).
# loadfile keeps each module's fixtures (archives built by a crawl) on one worker.
test: $(VENV)/.test-installed $(PYWB) lint bytecode
	$(BIN)/python -m pytest -n 3 --dist loadfile

# The pure tests: extraction, cleaning, dates, the store's API; no crawl, no CLI process.
test-fast: $(VENV)/.test-installed bytecode
	$(BIN)/python -m pytest -n 2 -m "not crawl"

# The suite starts about 400 Python processes (arsip, scrapy). Where bytecode is not
# written on import (PYTHONDONTWRITEBYTECODE, read-only checkouts) each of them would
# compile arsip's modules anew: 0.3 s of CPU a crawl (pytest 5m08s without, 4m38s with).
bytecode: $(VENV)/.test-installed
	$(BIN)/python -m compileall -q arsip crawler archive tests > /dev/null

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# docs/cli.md from every command's --help; tests/test_docs.py fails when it is stale.
docs: $(VENV)/.test-installed
	$(BIN)/cog -r docs/cli.md

# bytecode first: where bytecode is not written on import (PYTHONDONTWRITEBYTECODE), each
# timed `arsip` command would compile arsip's modules anew, about 50 ms of each (arsip
# releases at 100,000 articles: 302 ms p50 without, 229 ms with).
bench: $(VENV)/.test-installed bytecode
	$(UV) --python $(BIN)/python $(EDITABLE) -e '.[test,bench]'
	$(BIN)/python bench/run_all.py

# Newest releases within pyproject.toml's bounds, in a venv of their own; the lock is
# rewritten only when the whole suite passes with them.
UPGRADE_VENV := .venv-upgrade
upgrade:
	rm -rf $(UPGRADE_VENV)
	$(PYTHON) -m venv $(UPGRADE_VENV)
	$(UPGRADE_VENV)/bin/python -m pip install --quiet --upgrade uv
	$(UPGRADE_VENV)/bin/uv pip install --quiet --python $(UPGRADE_VENV)/bin/python \
	    --upgrade $(EDITABLE) -e '.[test,bench,parquet,plot,node,warc]'
	$(PYTHON) -m venv --without-pip $(UPGRADE_VENV)/pywb
	$(UPGRADE_VENV)/bin/uv pip install --quiet --python $(UPGRADE_VENV)/pywb/bin/python \
	    --constraint constraints-pywb.txt pywb setuptools
	$(UPGRADE_VENV)/bin/ruff check .
	$(UPGRADE_VENV)/bin/python -m pytest -n 3 --dist loadfile
	{ grep '^#' $(LOCK); \
	  $(UPGRADE_VENV)/bin/uv pip freeze --python $(UPGRADE_VENV)/bin/python --exclude-editable \
	    | grep -vi '^arsip=='; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf $(UPGRADE_VENV)
	@echo "constraints.txt rewritten; reinstall with: rm -rf $(VENV) && make test"

clean:
	rm -rf $(VENV) $(UPGRADE_VENV) demo.db demo.db-wal demo.db-shm .pytest_cache .ruff_cache
