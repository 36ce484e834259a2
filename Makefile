# The two commands a newcomer needs are `make run` and `make test`; everything else
# here is for developers. Every target installs what it needs first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := taskmanager
# Everything the embedded default writes (SQLite files, outbox, uploads) lives here.
export TASKMANAGER_INSTANCE_PATH ?= $(CURDIR)/instance

# TASKMANAGER_STRIPE_FAKE=1 make run also starts the local fake of Stripe, so an
# upgrade can be clicked through (billing/fake.py); otherwise billing is off.
RUN_PROCESSES := $(if $(filter 1 true yes,$(TASKMANAGER_STRIPE_FAKE)),,web worker beat)

.PHONY: install run test lint fmt system-deps services bench bench-layers compare fuzz clean

$(VENV)/.installed: pyproject.toml $(wildcard comparison/requirements.txt)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]' $(if $(wildcard comparison/requirements.txt),-r comparison/requirements.txt)
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	@echo "TaskManager: http://127.0.0.1:$(PORT)  (Ctrl-C stops web, worker and beat)"
	PATH="$(CURDIR)/$(BIN):$$PATH" TASKMANAGER_BASE_URL=http://127.0.0.1:$(PORT) \
		$(BIN)/honcho --procfile Procfile.dev start --port $(PORT) $(RUN_PROCESSES)

system-deps:
	scripts/ensure-system.sh

services:
	scripts/ensure-services.sh

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install system-deps services lint
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The long schemathesis campaign (quality.md R1): in-process, then over HTTP through
# gunicorn, each on a fresh tm_fuzz database. Fails on any failure or < 10,000 requests.
FUZZ_ARGS ?= --max-examples 100 --max-steps 10 --min-requests 10000

fuzz: install services
	$(PY) scripts/fuzz.py $(FUZZ_ARGS)

bench-layers: install
	$(PY) -m foundations.bench

compare: install system-deps services
	$(PY) -m comparison.bench

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
