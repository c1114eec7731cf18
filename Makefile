# Milieu — the commands a newcomer needs. Only Python 3.12+ is required (Django 6 needs it).
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# The first interpreter that is Python 3.12 or newer (a pyenv install counts too).
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3 \
	$$HOME/.pyenv/versions/3.12*/bin/python3 $$HOME/.pyenv/versions/3.13*/bin/python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
	2>/dev/null && { echo $$p; break; }; done)
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-fast lint format messages openapi install demo worker clean bench

$(BIN)/.installed: requirements.lock
	@test -n "$(PYTHON)" || { echo "Milieu needs Python 3.12 or newer (Django 6). Install it, or set PYTHON=/path/to/python3.12." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@touch $@

install: $(BIN)/.installed

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) compile_catalogues
	$(MANAGE) load_demo

## make run: install, migrate the embedded SQLite database, load the demo, serve on 127.0.0.1:$(PORT) with the task worker.
run: demo
	@$(MANAGE) db_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

worker: install
	$(MANAGE) db_worker --queue-name '*'

## make test: the whole suite (set DATABASE_URL to run it on PostgreSQL).
test: install
	$(MANAGE) compile_catalogues
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy config milieu
	$(BIN)/djlint --lint milieu/
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(MANAGE) makemessages -l fr -l en -l es --no-obsolete --no-location \
		--ignore '.venv/*' --ignore '*/tests/*' --ignore 'staticfiles/*' --ignore 'test-results/*' \
		--ignore 'docs/*' --ignore '.ci/*'

openapi: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) export_openapi > docs/openapi.json

## make bench: the production configuration under load against the benchmark dataset (docs/performance.md).
## SCALE (1 = 300,000 residents), BACKEND (postgresql or sqlite), REUSE=1 keeps the dataset of that scale.
SCALE ?= 1
BACKEND ?= postgresql
REUSE ?=
bench: install
	$(BIN)/python bench/harness.py --scale $(SCALE) --backend $(BACKEND) \
		$(if $(filter 1 yes true,$(REUSE)),--reuse) $(BENCH_ARGS)

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 -o requirements.lock

clean:
	rm -rf $(VENV) db.sqlite3* .pytest_cache .mypy_cache .ruff_cache
