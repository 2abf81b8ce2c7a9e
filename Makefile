# Quick start: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run worker serve install test browser-notice oidc-provider test-sqlite test-postgres screenshots upgrade-db demo lint clean messages translations bench

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
# A worker for background jobs (large exports) runs beside the server, on the queue in instance/; Ctrl-C stops both.
# The reloader restarts on changes to the project's files, not the installed packages' (it polls every file it
# watches once a second: 1,725 with the venv's modules, 394 without).
run: export FLASK_DEBUG = 1
run: $(VENV)/.runtime translations
	$(FLASK) upgrade-db
	$(FLASK) load-demo --if-empty
	$(FLASK) jobs-worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
		$(FLASK) run --host $(HOST) --port $(PORT) --exclude-patterns '$(abspath $(VENV))/*'

# The background jobs' worker alone (`make run` starts one), e.g. beside `make serve`.
worker: $(VENV)/.runtime
	$(FLASK) jobs-worker

# The production server, gunicorn with deploy/gunicorn.conf.py, on HOST:PORT as `make run`: SECRET_KEY must be set;
# workers and timeouts come from TRACKER_WORKERS, TRACKER_THREADS, TRACKER_TIMEOUT (README "Deploying"). It serves the
# database as it is: run `make upgrade-db` first.
serve: $(VENV)/.runtime translations
	TRACKER_BIND=$(HOST):$(PORT) PYTHONFAULTHANDLER=1 $(BIN)/gunicorn -c deploy/gunicorn.conf.py app:app

# What a server needs in the checkout: .venv with the pinned requirements, and the compiled catalogs.
install: $(VENV)/.runtime translations

# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL names a database.
# Both include the browser tests (tests/browser), which need Debian's Chromium at $(CHROMIUM).
test: browser-notice test-sqlite test-postgres

CHROMIUM ?= $(or $(TRACKER_CHROMIUM),/usr/bin/chromium)
browser-notice:
	@[ -x "$(CHROMIUM)" ] || echo "Chromium is not installed at $(CHROMIUM): the browser tests (tests/browser) are" \
		"skipped (apt-get install chromium; .ci/run installs it and makes a skip a failure)."

# The real OpenID provider of the single sign-on tests (tests/oidc_provider: oidc-provider under Node), installed
# from its committed lock file; the tests then start it on 127.0.0.1 and reach no network.
OIDC_PROVIDER := tests/oidc_provider
oidc-provider: $(OIDC_PROVIDER)/node_modules/.installed

$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is not installed: the single sign-on tests need Node.js 20.19 or later" \
		"(apt-get install nodejs npm)." >&2; exit 1; }
	cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Each pass runs on TEST_WORKERS pytest-xdist workers (TEST_WORKERS=0: one process), each worker on a database of its
# own (tests/conftest.py). Work stealing, not --dist loadscope/loadfile: those drop the API fuzz tests' operations,
# which share one test id (tests/api/test_fuzz.py). PYTEST_ARGS adds pytest's own options, e.g. PYTEST_ARGS=tests/unit.
TEST_WORKERS ?= 2
XDIST_ARGS := $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist worksteal)

test-sqlite: $(VENV)/.dev translations oidc-provider
	TEST_DATABASE_URL= $(BIN)/python -m pytest $(XDIST_ARGS) $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev translations oidc-provider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		$(BIN)/python -m pytest $(XDIST_ARGS) $(PYTEST_ARGS); \
	else \
		echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped (.ci/run always sets it)."; \
	fi

# Refresh the README's pictures in docs/screenshots/ from the demo story (tests/browser/test_screenshots.py, on
# SQLite); `make test` takes the same pictures into a temporary folder and leaves these alone.
screenshots: $(VENV)/.dev translations
	TEST_DATABASE_URL= TRACKER_REQUIRE_BROWSER=1 TRACKER_SCREENSHOTS_DIR=docs/screenshots \
		$(BIN)/python -m pytest -q tests/browser/test_screenshots.py

upgrade-db: $(VENV)/.runtime
	$(FLASK) upgrade-db

demo: $(VENV)/.runtime
	$(FLASK) load-demo

lint: $(VENV)/.dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# Extract every string marked for translation (and WTForms' own messages) into translations/messages.pot, update
# both catalogs, give English entries their msgid, and list what the Indonesian catalog still lacks: fill those
# msgstr in translations/id/LC_MESSAGES/messages.po; tests/web/test_i18n.py fails until none is empty or fuzzy.
messages: $(VENV)/.runtime
	$(BIN)/pybabel -q extract -F babel.cfg -k _ -k _n:1,2 -k lazy_gettext --project "Cooperation Tracker" \
		-o translations/messages.pot .
	$(BIN)/python -m tracker.catalogs wtforms translations/messages.pot
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m tracker.catalogs english
	$(BIN)/pybabel -q compile -d translations
	-$(BIN)/python -m tracker.catalogs missing

# Compile the catalogs (.mo files are built, not kept in git); `make run` and `make test` do this first.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
translations: $(MO_FILES)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(BIN)/pybabel -q compile -d translations -l $*

# The benchmark of issue 6 (docs/benchmarks.md): databases of BENCH_SIZES agreements on SQLite and PostgreSQL,
# latency, throughput against Datasette, import against sqlite-utils. Quick try: make bench BENCH_SIZES=2000
BENCH_SIZES ?= 10000 100000
bench/.venv/.installed: bench/requirements.txt
	$(PYTHON) -m venv bench/.venv
	bench/.venv/bin/python -m pip install --quiet --upgrade pip
	bench/.venv/bin/pip install --quiet -r bench/requirements.txt
	touch $@

$(VENV)/.bench: $(VENV)/.runtime bench/requirements-app.txt
	$(BIN)/pip install --quiet -r bench/requirements-app.txt
	touch $@

bench: $(VENV)/.bench bench/.venv/.installed
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null || { echo "Install wrk (apt-get install wrk)."; exit 1; }
	@[ -x /usr/bin/time ] || apt-get install -y time >/dev/null || { echo "Install GNU time (apt-get install time)."; exit 1; }
	BENCH_SIZES="$(BENCH_SIZES)" PYTHONPATH=. $(BIN)/python -m bench.run
