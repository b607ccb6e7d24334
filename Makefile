# One task runner: `make site` builds the site from the shipped data, `make test`
# runs the linters and every test (what CI runs), `make test-quick` the tests that
# need no browser or LibreOffice and take well under a second each (under a minute
# in all).  Each sets up what it needs first (a virtualenv in .venv with the pinned
# packages), so they work on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup system-deps site check test test-quick goldens lint bench bench-history clean

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

# The markers are declared in pyproject.toml; system packages are not installed (PDF tests skip without
# pdftotext, outside CI).
test-quick: setup
	$(PY) -m pytest -m "not browser and not libreoffice and not slow"

goldens: setup
	$(PY) -m pytest tests/test_golden.py tests/test_matrix.py --update-goldens

bench: setup
	$(PY) scripts/bench.py $(SCHOOLS)

# What approved versions cost an unchanged rebuild: 10 per document at 500 schools (issue 18)
bench-history: setup
	$(PY) scripts/bench_history.py $(SCHOOLS) $(APPROVALS)

lint: setup
	$(VENV)/bin/ruff check policies tests scripts
	$(VENV)/bin/ruff format --check policies tests scripts
	$(VENV)/bin/mypy

clean:
	rm -rf site docs .site-new .site-old .policies-cache
