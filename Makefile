# Quick start: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-sqlite test-postgres upgrade-db demo lint clean messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/activate requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Local use runs in debug mode: the secret key is generated once into instance/ (production must set SECRET_KEY).
run: export FLASK_DEBUG = 1
run: $(VENV)/.runtime
	$(FLASK) upgrade-db
	$(FLASK) load-demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL names a database.
test: test-sqlite test-postgres

test-sqlite: $(VENV)/.dev
	TEST_DATABASE_URL= $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		$(BIN)/python -m pytest $(PYTEST_ARGS); \
	else \
		echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped (.ci/run always sets it)."; \
	fi

upgrade-db: $(VENV)/.runtime
	$(FLASK) upgrade-db

demo: $(VENV)/.runtime
	$(FLASK) load-demo

lint: $(VENV)/.dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# Extract every string marked for translation (the Indonesian catalog builds on this).
messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _ -k _n:1,2 -k lazy_gettext -o translations/messages.pot .
