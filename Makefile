# credstack: `make demo` serves a demo instance (the main job), `make test` runs the whole
# test suite. Both install what they need first (a virtualenv in .venv, Node packages for
# the interoperability tests), so they work on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: install install-test demo demo-offline test lint format messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Translations (docs/translation.md): each language's catalogue is
# src/credstack/locale/<language>/LC_MESSAGES/django.po. The compiled .mo files are built
# here and never committed; English, the language of the code, needs none.
LOCALE_DIR := src/credstack/locale
COMPILED_MESSAGES := $(patsubst %.po,%.mo,$(filter-out $(LOCALE_DIR)/en/%, \
	$(wildcard $(LOCALE_DIR)/*/LC_MESSAGES/django.po)))

install: $(VENV)/.installed $(COMPILED_MESSAGES)

# GNU gettext extracts and compiles the messages; install it when it is missing.
MSGFMT ?= /usr/bin/msgfmt
$(MSGFMT):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext

$(LOCALE_DIR)/%/LC_MESSAGES/django.mo: $(LOCALE_DIR)/%/LC_MESSAGES/django.po | $(MSGFMT)
	$(MSGFMT) --check -o $@ $<

# Refreshes every language's catalogue from the code and the templates (new messages
# added, vanished ones dropped), then compiles the translations. ADD_LANGUAGE=fr starts
# a catalogue for a new language.
ADD_LANGUAGE ?=
messages: $(VENV)/.installed $(MSGFMT)
	cd src/credstack && CREDSTACK_DEBUG=true $(abspath $(BIN))/django-admin makemessages \
		--settings=credstack.config.settings --no-obsolete --add-location=file \
		--ignore=standards --ignore=migrations \
		$(addprefix --locale=,$(sort $(ADD_LANGUAGE) $(notdir $(wildcard $(LOCALE_DIR)/*))))
	$(MAKE) install

interop/node_modules/.installed: interop/package.json interop/package-lock.json
	npm ci --prefix interop --no-audit --no-fund --loglevel=error
	touch $@

tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

# Browser tests drive Debian's Chromium with Playwright (Playwright's own browser
# download cannot be used); install it when the machine does not have it.
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# WeasyPrint (PDF certificates) loads Debian's Pango; install it when it is missing.
.PHONY: pango
pango:
	@ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0; }

# benchmarks/verify_load.py loads the verification endpoint with Debian's wrk.
WRK ?= /usr/bin/wrk
$(WRK):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk

install-test: install pango interop/node_modules/.installed tests/browser/node_modules/.installed \
	$(CHROMIUM) $(WRK) $(MSGFMT)

# A local instance seeded with demo data at http://127.0.0.1:8000/, served until Ctrl-C
# (docs/demo.md). DEMO_ARGS passes options, e.g. DEMO_ARGS="--reset --port 8001".
DEMO_ARGS ?=
demo: install
	$(BIN)/credstack demo $(DEMO_ARGS)

# The trust core's story offline: sign, verify, tamper, bake, revoke (no server).
demo-offline: install
	$(BIN)/python examples/demo.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The tests that use the database run a second time on PostgreSQL when one answers.
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

# In make test the browser tests must run: a missing browser fails them instead of skipping.
export CREDSTACK_BROWSER_TESTS = required
# Likewise the checks of the translation catalogues, which need GNU gettext.
export CREDSTACK_GETTEXT_TESTS = required

test: install-test lint
	$(BIN)/pytest $(PYTEST_ARGS)
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" \
		"$(POSTGRES_TEST_URL)" 2>/dev/null; then \
		echo "Django tests again on PostgreSQL at $(POSTGRES_TEST_URL)"; \
		DATABASE_URL="$(POSTGRES_TEST_URL)" CREDSTACK_DATABASE_TESTS_ONLY=1 \
			$(BIN)/pytest $(PYTEST_ARGS); \
	else \
		echo "skipped: no PostgreSQL at $(POSTGRES_TEST_URL)"; \
	fi
