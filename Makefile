# The two commands of the README: `make run` (the designer with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install run test lint benchmark

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[test]"
	touch $@

install: $(VENV)/.installed

# The development server, with DEBUG (and its development secret key): never how production runs (README: Production).
run: export DEBUG := 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py seed_demo_segments
	$(PY) manage.py ensure_demo_user
	$(PY) manage.py runserver $(HOST)

lint: install
	$(VENV)/bin/ruff check .

# The whole suite on PostgreSQL and Redis when they answer (CI requires them), then what runs on the
# embedded default (the `make run` path) once more on SQLite.
test: lint
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)
	DATABASE_URL=sqlite:///$(CURDIR)/test-embedded.sqlite3 SEGMENT_DESIGNER_REQUIRE_SERVICES=0 \
		$(PY) -m pytest -n 2 -q -p no:cacheprovider tests/segments tests/interactions tests/designer/test_views.py \
			tests/designer/test_round_trip.py tests/designer/api tests/designer/console
