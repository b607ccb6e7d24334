# One task runner: `make site` builds the site from the shipped data, `make test`
# runs every test.  Both set up what they need first (a virtualenv in .venv with
# the pinned packages), so they work on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup system-deps site check test goldens lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $(STAMP)

site: setup
	$(VENV)/bin/policies build

check: setup
	$(VENV)/bin/policies check

system-deps:
	scripts/install-system-deps

test: lint system-deps
	$(PY) -m pytest

goldens: setup
	$(PY) -m pytest tests/test_golden.py tests/test_matrix.py --update-goldens

bench: setup
	$(PY) scripts/bench.py $(SCHOOLS)

lint: setup
	$(VENV)/bin/ruff check policies tests scripts
	$(VENV)/bin/ruff format --check policies tests scripts
	$(VENV)/bin/mypy

clean:
	rm -rf site docs .site-new .site-old .policies-cache
