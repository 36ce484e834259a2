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
RUN_PROCESSES := $(if $(filter 1 true yes,$(TASKMANAGER_STRIPE_FAKE)),,web worker beat banner)

.PHONY: install run stack load test lint fmt system-deps services bench bench-layers compare fuzz verify clean

# Two install levels: `make run` needs only the app (a newcomer's first start stays
# short); the tests, linters and the comparison's three frameworks come with `make test`.
$(VENV)/.installed-app: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@echo "Installing TaskManager into $(VENV) (first run only)..."
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed: $(VENV)/.installed-app $(wildcard comparison/requirements.txt)
	$(PY) -m pip install --quiet -e '.[dev]' $(if $(wildcard comparison/requirements.txt),-r comparison/requirements.txt)
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed-app
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask demo > instance/demo-login.txt
	PATH="$(CURDIR)/$(BIN):$$PATH" RUN_PORT=$(PORT) TASKMANAGER_BASE_URL=http://127.0.0.1:$(PORT) \
		$(BIN)/honcho --procfile Procfile.dev start --port $(PORT) $(RUN_PROCESSES)

# The production topology without Docker (deploy/README.md): nginx on STACK_PORT in
# front of gunicorn and granian, a Celery worker and beat, production settings.
STACK_PORT ?= 8080

stack: $(VENV)/.installed-app system-deps services
	$(PY) -m deploy.stack --port $(STACK_PORT)

# quality.md R19 and P1: wrk through nginx on gunicorn, granian and both (not in make test).
LOAD_ARGS ?= --duration 60 --rounds 3

load: install system-deps services
	$(PY) scripts/load.py $(LOAD_ARGS)

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

# The 30 slowest tests are listed at the end of every run: where the suite's time goes.
test: install system-deps services lint
	$(BIN)/pytest -n 2 --dist loadgroup --durations=30 $(PYTEST_ARGS)

# The long schemathesis campaign (quality.md R1): in-process, then over HTTP through
# gunicorn, each on a fresh tm_fuzz database. Fails on any failure or < 10,000 requests.
FUZZ_ARGS ?= --max-examples 25 --max-steps 10 --min-requests 10000

fuzz: install services
	$(PY) scripts/fuzz.py $(FUZZ_ARGS)

# quality.md R1-R20: the static checks (bandit, local semgrep rules) run here, in their
# own venv so semgrep's pins stay out of the app's; verify/RESULTS.md names, for every
# R id, its figures and command, or the tests of `make test` that prove it. R1 (the long
# schemathesis run) and R19 (60 s of wrk through nginx) run here too.
VERIFY_VENV ?= .venv-verify

$(VERIFY_VENV)/.installed:
	python3 -m venv $(VERIFY_VENV)
	$(VERIFY_VENV)/bin/pip install --quiet "bandit>=1.7" "semgrep>=1.50"
	touch $@

verify: install system-deps services $(VERIFY_VENV)/.installed
	$(PY) scripts/verify.py --tools $(VERIFY_VENV)/bin

# quality.md P1-P10: the product against bench/baseline/ (raw WSGI + psycopg 3), side by
# side, then P5's pg_stat_statements check (a throw-away cluster), P6 (1k against 1M), P7
# (open loop at 80%), P8 (upload RSS), P9 (Celery email), P10 (the comparison's results);
# writes bench/RESULTS.md and its charts. ARGS=--quick: 1k tasks, one short run;
# ARGS="--only P6,P9": only those targets (the other figures stay).
bench: install system-deps services
	$(PY) -m bench $(ARGS)

bench-layers: install
	$(PY) -m foundations.bench

compare: install system-deps services
	$(PY) -m comparison.bench

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
