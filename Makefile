# Two commands do all the set-up on a fresh machine with Python 3.11 and git:
#   make run    serve the dashboard (demo mode when no Cloudbeds credentials are stored)
#   make test   run the whole test suite
#   make soak   the reliability suite's heavy variants (PMS_SOAK=1); updates docs/reliability.md
#   make lint   ruff's linter and formatter check (CI runs it before the tests)
#   make lock   regenerate requirements.lock / requirements-dev.lock after a pin changed
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PMS_PORT ?= 8501
# Both cores: the suite is mostly waiting on sandboxes, servers and databases.
PYTEST_ARGS ?= -n 2

.PHONY: run test lint lock soak bench venv clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Installs come from the lock files only: every package, the ones pulled in too (and pip itself),
# at one version whose download must match a recorded hash. Stamp files re-run pip only when a
# lock file changed.
$(VENV)/.runtime: requirements.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

venv: $(VENV)/.runtime

run: $(VENV)/.runtime
	PMS_PORT=$(PMS_PORT) $(PY) -m pms serve

test: $(VENV)/.dev
	$(PY) -m pytest $(PYTEST_ARGS)

# The lock files, from the pins in requirements.txt and requirements-dev.txt (PyPI's hashes for every
# file of each version, so any machine of the same kind installs them). The dev lock keeps the
# runtime lock's versions. Procedure: docs/operations.md, "Updating dependencies".
LOCK = $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 --custom-compile-command "make lock"
lock: $(VENV)/.dev
	$(LOCK) requirements.txt -o requirements.lock
	$(LOCK) requirements-dev.txt -c requirements.lock -o requirements-dev.lock

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
