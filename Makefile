# The two commands of the README. Everything runs inside .venv, made on first use.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Development defaults; production sets these in the environment instead.
export DEBUG ?= 1

.PHONY: run test install lint demo bench

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
