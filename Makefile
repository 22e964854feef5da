# The fostering hub site. `make` or `make help` lists the targets.
# Two commands do everything on a fresh machine: `make run` and `make test`.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# uv is run as a module of the system Python, so a fresh machine needs only Python and pip.
UV := $(PYTHON) -m uv
UV_PYTHON := $(shell $(PYTHON) -c 'import sys; print(sys.executable)')

.DEFAULT_GOAL := help
.PHONY: help install messages run worker bench bench-reports bench-pages bench-campaign bench-render serve-prod serve migrate demo test test-fast test-browser lint format lock clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen --python "$(UV_PYTHON)"
	@touch $@

# The interface translations, compiled from locale/<language>/LC_MESSAGES/django.po.
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGUES:.po=.mo)

$(COMPILED): $(VENV)/.installed $(CATALOGUES)
	$(MANAGE) compile_catalogues

install: $(VENV)/.installed $(COMPILED) ## Install the locked dependencies into .venv (uv) and compile the translations

# --ignore=tests leaves out every <app>/tests/ (Django matches a folder's name as well as its path).
messages: install ## Extract new interface strings into every language's catalogue (needs GNU gettext), then compile
	$(MANAGE) makemessages --all --no-obsolete --add-location file --ignore=.venv --ignore=var --ignore=tests --ignore=journeys --ignore=testkit --ignore=bench
	$(MANAGE) compile_catalogues

migrate: install ## Apply database migrations (SQLite by default, or DATABASE_URL)
	$(MANAGE) migrate --no-input -v0

demo: migrate ## Load the demo content and demo users (safe to run again), served at 127.0.0.1:$(PORT)
	$(MANAGE) load_demo_content --site-address http://127.0.0.1:$(PORT)

run: demo ## Install, migrate, load demo content, start the worker and serve http://127.0.0.1:8000/ (PORT=... overrides)
	@echo "Serving the hub site on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/). Ctrl+C stops it."
	@echo "The background worker sends the outbox's emails (printed here, by the console mail backend)."
	@$(MANAGE) db_worker --backend outbox --queue-name outbox --interval 2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  PORT=$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)

worker: migrate ## Run only the background worker that sends emails and webhooks (the outbox)
	$(MANAGE) db_worker --backend outbox --queue-name outbox

test: install lint ## Install and run the whole suite: lint, unit and browser tests on PostgreSQL
	$(PY) -m pytest

test-fast: install ## Run the suite without the browser tests
	$(PY) -m pytest -m "not browser"

test-browser: install ## Run only the browser tests (headless Chromium, axe-core)
	$(PY) -m pytest -m browser

bench: install ## Run the benchmarks (bench/): enquiries under load, reports at 1,000,000 enquiries, pages vs nginx, render cost
	$(PY) bench/enquiry_load.py
	$(PY) bench/attribution_reports.py
	$(PY) bench/pages.py
	$(PY) bench/campaign_traffic.py
	$(PY) bench/render.py

# --- Serving: the production stack on 127.0.0.1 (bench/stack.py) ---------------------------------
bench-campaign: install ## An advert spike through the front door: nginx cache, tagged landings, random strings, a publish mid-spike, uncached vs the previous commit
	$(PY) bench/campaign_traffic.py

bench-pages: install ## Requests/s and p50/p99 of five pages (cached, uncached, nginx), page weight, third parties before consent
	$(PY) bench/pages.py

serve-prod: install ## The production stack on 127.0.0.1: PostgreSQL, Redis, gunicorn, the outbox worker, nginx (Ctrl+C stops it)
	$(PY) bench/serve_prod.py
# --- end of the serving block ---------------------------------------------------------------------

bench-render: install ## In-process render time (median, p90) and SQL queries of each page type of the demo
	$(PY) bench/render.py

bench-reports: install ## Time every attribution report and attribution_report at 1,000,000 enquiries
	$(PY) bench/attribution_reports.py

lint: install ## Check code style (ruff) and the layers: import-linter's contract, no app imported inside a function
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/hidden_imports.py

format: install ## Fix code style (ruff)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock: ## Re-resolve the dependencies after editing pyproject.toml
	$(UV) lock --python "$(UV_PYTHON)"

clean: ## Remove the virtualenv, the SQLite database and generated files
	rm -rf $(VENV) db.sqlite3 var
