# The two set-up commands (README): `make demo` and `make test`. Everything else here serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

# pytest-xdist: one worker a core, each with its own test database and live server; the tests that share a
# Redis database keep to one worker (xdist_group). PARALLEL= runs everything in one process.
PARALLEL ?= -n auto --dist loadgroup

.PHONY: demo test check install chromium lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[test]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# Installs and runs the app with demo data on SQLite at http://127.0.0.1:8000
demo: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# Debian's Chromium for the browser tests (Playwright's own download is not used).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else echo "Install Debian's chromium package (sudo apt-get install chromium) for the browser tests" >&2; exit 1; fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=knowsley_sv.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# The inner loop while you work, in a few minutes: lint and the migrations check, then every test but the
# browser ones, on SQLite whatever DATABASE_URL says. Not a set-up command: `make test` is what CI runs.
check: lint
	env -u DATABASE_URL $(BIN)/pytest -m "not browser" -q $(PARALLEL)

# Installs everything and runs the whole suite: lint, migrations check, unit, view and browser tests.
# Uses SQLite unless DATABASE_URL names PostgreSQL (CI sets it).
test: install chromium lint
	$(BIN)/pytest $(PARALLEL)
