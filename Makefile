# The two commands a new user needs: `make run` and `make test`. `make install` is their first step.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test lint demo messages bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The app with the seed documents and demo accounts, on SQLite and the embedded broker:
# web on http://127.0.0.1:8000, a Celery worker and Celery beat.
run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo --history
	$(VENV)/bin/honcho -f Procfile.dev start

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Security review of the code (bandit: every finding fixed or marked `# nosec` with a reason)
# and of the pinned dependencies (pip-audit against PyPI's advisories).
audit: install
	$(VENV)/bin/bandit -q -r accounts clauses tracker reports -c pyproject.toml
	$(VENV)/bin/pip-audit --progress-spinner off -r requirements.txt -r requirements-dev.txt \
	  || { echo "pip-audit: the advisory service did not answer for every package (see above)"; \
	       test -z "$$PIP_AUDIT_STRICT"; }

# The whole suite: lint, security audit, migrations in sync, system checks, a warning-free
# OpenAPI schema, pytest.
test: lint audit
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check
	$(PY) manage.py spectacular --validate --fail-on-warn > /dev/null
	$(VENV)/bin/pytest

messages: install
	$(PY) manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'benchmarks/*'
	$(PY) manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

bench: install
	$(PY) -m benchmarks.intake --runs 5 --out benchmarks/results/intake.json

clean:
	rm -rf var .pytest_cache .ruff_cache
