# The commands people type. Every target creates the virtualenv when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) backend/manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve client test lint schema roles-doc install migrate demo worker bench loadtest mutants clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

run: demo
	@echo ""
	@echo "Parcours is starting on http://$(HOST):$(PORT)/"
	@echo "  API docs (Swagger UI): http://$(HOST):$(PORT)/api/docs/"
	@echo "  API docs (Redoc):      http://$(HOST):$(PORT)/api/redoc/"
	@echo "  OpenAPI schema:        http://$(HOST):$(PORT)/api/schema/"
	@echo "  Admin:                 http://$(HOST):$(PORT)/admin/"
	@$(MANAGE) demo_logins
	@echo ""
	$(MANAGE) runserver $(HOST):$(PORT)

worker: migrate
	$(MANAGE) db_worker

# Production mode on this machine (docs/operations.md): gunicorn, DEBUG off, static files
# served by whitenoise, settings read from the environment. Without SECRET_KEY, one is
# made once in var/secret_key. Over plain HTTP on 127.0.0.1, SECURE_SSL_REDIRECT is off
# unless set; behind an HTTPS proxy, set it to 1.
WORKERS ?= 2
SERVE_ENV = DEBUG=0 SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} \
	SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" DB_CONN_MAX_AGE=$${DB_CONN_MAX_AGE:-600}

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

serve: install var/secret_key
	$(SERVE_ENV) $(MANAGE) migrate --noinput
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput -v0
	$(SERVE_ENV) $(VENV)/bin/gunicorn config.wsgi:application --chdir backend \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

# TypeScript types from the schema (api_schema/parcours.d.ts), with the example app's
# packages as its lock file pins them (docs/examples/provider-app/). Needs Node.js and npm.
client:
	cd docs/examples/provider-app && npm ci --no-audit --no-fund && npm run generate

# Load and fault tests (not part of `make test`): see docs/reliability.md.
$(VENV)/.installed-load: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev,load]'
	touch $@

loadtest: $(VENV)/.installed-load
	$(PY) bench/loadtest.py

# The benchmark (not part of `make test`): see docs/performance.md.
bench: install
	$(PY) bench/run.py

# Mutation testing of the rules' modules (docs/testing.md); MUTANTS names some apps only
# (training progress integrations privacy audit reports), all of them by default.
MUTANTS ?=
mutants: install
	$(PY) bench/mutants.py run $(MUTANTS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	cd backend && ../$(VENV)/bin/mypy --config-file ../pyproject.toml .
	PYTHONPATH=backend $(VENV)/bin/lint-imports --no-cache

# The suite on both cores of the machine (pytest-xdist); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
test: lint
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)

schema: install
	$(MANAGE) spectacular --lang en --validate --fail-on-warn --file api_schema/openapi.yaml

roles-doc: install
	DJANGO_SETTINGS_MODULE=config.settings PYTHONPATH=backend:. $(PY) -m tests.authz.render

clean:
	rm -rf $(VENV) var src mutants .pytest_cache .mypy_cache .ruff_cache
