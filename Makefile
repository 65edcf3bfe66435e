# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := run

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
UV_VERSION := 0.13.9
UV := python3 -m uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py
GOVUK := node_modules/govuk-frontend/dist/govuk
AUTOCOMPLETE := node_modules/accessible-autocomplete/dist
STATIC_GOVUK := registry/static/govuk

# Local defaults: debug mode on SQLite with no broker. Anything set in the environment wins.
export DEBUG ?= true

.PHONY: run test install python-deps assets migrate demo serve lint unit system-deps clean \
	bench-api bench-export bench-label bench-log schema

run: install migrate demo serve

install: python-deps assets

python-deps:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --locked

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# GOV.UK Frontend's precompiled CSS points at /assets/…; rewrite to paths relative to the CSS so that
# WhiteNoise's manifest storage can hash them like everything else. GOV.UK's accessible
# autocomplete (for country and language selects, js/autocomplete.js) goes beside it.
assets: node_modules/.package-lock.json
	rm -rf $(STATIC_GOVUK) && mkdir -p $(STATIC_GOVUK)
	cp $(GOVUK)/govuk-frontend.min.js $(GOVUK)/govuk-frontend.min.js.map $(STATIC_GOVUK)/
	sed 's#url(/assets/#url(assets/#g' $(GOVUK)/govuk-frontend.min.css > $(STATIC_GOVUK)/govuk-frontend.min.css
	cp $(GOVUK)/govuk-frontend.min.css.map $(STATIC_GOVUK)/
	cp -r $(GOVUK)/assets $(STATIC_GOVUK)/assets
	cp $(AUTOCOMPLETE)/accessible-autocomplete.min.js $(AUTOCOMPLETE)/accessible-autocomplete.min.js.map \
		$(AUTOCOMPLETE)/accessible-autocomplete.min.css $(AUTOCOMPLETE)/accessible-autocomplete.min.css.map \
		$(STATIC_GOVUK)/
	$(MANAGE) collectstatic --noinput --verbosity 0

# The transparency log's signing key: created once for a new local register, and its public key
# printed (production sets TRANSPARENCY_LOG_KEY instead).
migrate:
	$(MANAGE) migrate --noinput
	$(MANAGE) log_key --create

demo:
	$(MANAGE) load_demo_data

serve:
	$(MANAGE) runserver 127.0.0.1:8000

test: install system-deps lint unit

lint:
	$(PY) -m ruff format --check registry tests benchmarks client
	$(PY) -m ruff check registry tests benchmarks client
	$(PY) -m mypy registry client/provenance_client

unit:
	$(PY) -m pytest

# The API's OpenAPI schema, committed so that a change to the contract shows in review: run this
# after changing an endpoint, then read the diff (tests/api/test_schema.py fails until you do).
schema:
	$(MANAGE) spectacular --file registry/api/openapi.yaml --validate --fail-on-warn

# The tests' system tools, from Debian: browser tests drive its Chromium (Playwright may not
# download its own), and the PDF tests read labels back with poppler's pdftotext.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	[ -z "$$missing" ] || (apt-get update -qq && apt-get install -y -qq $$missing)

# Benchmarks need the local PostgreSQL (see README, Benchmarks).
bench-api:
	$(PY) benchmarks/api_submit.py

# The open-data export's peak memory at 100,000 models against 1,000 (building them takes minutes).
bench-export:
	$(PY) benchmarks/open_data_export.py

# The label page under load at 10,000 models against 100, then the label PDF's render time at 10,
# 200 and 2,000 sources.
bench-label:
	$(PY) benchmarks/label_load.py
	$(PY) benchmarks/label_pdf.py

# The transparency log: proofs at 1,000,000 leaves against 1,000, the sequencer against bulk_create,
# the tiles' size on disk. On a throwaway database beside DATABASE_URL's (SQLite unless it is set;
# PostgreSQL is the one that matters).
bench-log:
	$(PY) benchmarks/log_scale.py

clean:
	rm -rf .venv node_modules staticfiles $(STATIC_GOVUK) db.sqlite3
