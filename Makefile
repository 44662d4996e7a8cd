# The two commands of the README. Everything runs inside .venv, made on first use.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Development defaults; production sets these in the environment instead.
export DEBUG ?= 1

.PHONY: run test install lint demo bench serve load

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

demo: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT)/ $(if $(RESET_PASSWORD),--reset-password)

run: demo
	@echo "Serving claimsbase on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	mkdir -p var
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Working-size figures on PostgreSQL (DATABASE_URL or BENCH_DATABASE_URL); see `manage.py bench -h`.
BENCH_CLAIMS ?= 20000
bench: install
	$(BIN)/python manage.py bench --claims $(BENCH_CLAIMS) $(BENCH_ARGS)

# The production server on this machine: migrate, collectstatic, gunicorn with DEBUG off
# (claimsbase/gunicorn.conf.py). Production sets SECRET_KEY and ALLOWED_HOSTS; for a
# local try without them, a key kept in var/secret-key and HOST are used, on plain HTTP
# (no HTTPS redirect, no secure-only cookies), and the command says so.
serve: DEBUG = 0
serve: install
	mkdir -p var
	@if [ -z "$$SECRET_KEY" ]; then \
	  [ -s var/secret-key ] || (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' >var/secret-key); \
	  echo "SECRET_KEY is not set: using the key kept in var/secret-key."; \
	  export SECRET_KEY="$$(cat var/secret-key)"; \
	fi; \
	if [ -z "$$ALLOWED_HOSTS" ]; then \
	  echo "ALLOWED_HOSTS is not set: a local try, answering http://$(HOST):$(PORT)/ only, on plain HTTP."; \
	  export ALLOWED_HOSTS="$(HOST)" SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0; \
	fi; \
	set -e; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py collectstatic --noinput -v 0; \
	echo "Serving claimsbase with gunicorn on http://$${GUNICORN_BIND:-$(HOST):$(PORT)}/  (Ctrl-C to stop)"; \
	GUNICORN_BIND="$${GUNICORN_BIND:-$(HOST):$(PORT)}" exec $(BIN)/gunicorn -c claimsbase/gunicorn.conf.py

# 100 readers and 20 analysts against `make serve`'s server for two minutes, then the
# integrity check (tests/load/loadtest.py; PostgreSQL via LOAD_DATABASE_URL). Minutes
# long, so never part of `make test`.
load: install
	$(BIN)/python tests/load/loadtest.py $(LOAD_ARGS)
