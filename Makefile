# credstack: `make demo` runs the main job, `make test` runs the whole test suite.
# Both install what they need first (a virtualenv in .venv, Node packages for the
# interoperability tests), so they work on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: install install-test demo test lint format

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

interop/node_modules/.installed: interop/package.json interop/package-lock.json
	npm ci --prefix interop --no-audit --no-fund --loglevel=error
	touch $@

install-test: install interop/node_modules/.installed

demo: install
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
