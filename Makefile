# Two commands do all the set-up on a fresh machine with Python 3.11 and git:
#   make run    serve the dashboard (demo mode when no Cloudbeds credentials are stored)
#   make test   run the whole test suite
#   make soak   the reliability suite's heavy variants (PMS_SOAK=1); updates docs/reliability.md
#   make lint   ruff's linter and formatter check (CI runs it before the tests)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PMS_PORT ?= 8501
# Both cores: the suite is mostly waiting on sandboxes, servers and databases.
PYTEST_ARGS ?= -n 2

.PHONY: run test lint soak bench venv clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files re-run pip only when a requirements file changed.
$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime

run: $(VENV)/.runtime
	PMS_PORT=$(PMS_PORT) $(PY) -m pms serve

test: $(VENV)/.dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Kill points, hypothesis examples and fault rounds scaled up (see tests/reliability/conftest.py),
# then the measured figures rendered into docs/reliability.md.
soak: $(VENV)/.dev
	PMS_SOAK=1 $(PY) -m pytest tests/reliability --timeout 3600 $(PYTEST_ARGS)
	$(PY) tests/reliability/report.py --write

bench: $(VENV)/.dev
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
