# Two commands a newcomer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test test-postgres lint format install messages bench bench-full clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## make run: fresh machine → venv, install, migrate, load units and demo data, serve.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_admin_units
	$(BIN)/python manage.py seed_demo
	@echo "Serving at http://127.0.0.1:$(PORT)/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: ruff (lint + format check), then the whole suite on SQLite.
test: install lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

## The same suite on PostgreSQL: make test-postgres DATABASE_URL=postgres://user@127.0.0.1:5432/test
test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make messages: refresh every app's Vietnamese catalogue and compile it (needs GNU gettext).
messages: install
	for app in ishc/*/; do if [ -d $$app/locale ]; then (cd $$app && ../../$(BIN)/django-admin makemessages -l vi --no-obsolete --no-location); fi; done
	$(BIN)/python manage.py compilemessages -l vi --ignore=.venv

## make bench: every benchmark at about 1,000 clubs, each in a fresh database, on SQLite and on the
## PostgreSQL server of DATABASE_URL when set; writes docs/benchmarks.md. make bench-full: 10,000.
BENCH_CLUBS ?= 1000
bench: install
	$(BIN)/python bench/run_all.py --clubs $(BENCH_CLUBS)

bench-full: install
	$(BIN)/python bench/run_all.py --clubs 10000

clean:
	rm -rf $(VENV) staticfiles
