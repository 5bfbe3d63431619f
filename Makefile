# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
SWAGGER_VERSION := 5.35.0
LEAFLET_VERSION := 1.9.4
MARKERCLUSTER_VERSION := 1.5.3
AXE_VERSION := 4.14.1
VENDOR := api/static/vendor/swagger-ui-dist
WEB_VENDOR := api/static/vendor

.PHONY: run test test-reliability install assets browser migrate seed territories lint bench wrk synthetic evaluate stripe-dev reconcile admin clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed assets

$(VENDOR)/swagger-ui-bundle.js:
	npm install --silent --no-save --no-audit --no-fund --prefix var/npm swagger-ui-dist@$(SWAGGER_VERSION)
	mkdir -p $(VENDOR)
	cp var/npm/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	   var/npm/node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js \
	   var/npm/node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/

# The web client's assets, from the npm registry at pinned versions, served by the app (no CDN).
$(WEB_VENDOR)/leaflet/leaflet.js:
	npm install --silent --no-save --no-audit --no-fund --prefix var/npm leaflet@$(LEAFLET_VERSION) \
	  leaflet.markercluster@$(MARKERCLUSTER_VERSION) axe-core@$(AXE_VERSION)
	mkdir -p $(WEB_VENDOR)/leaflet/images $(WEB_VENDOR)/markercluster $(WEB_VENDOR)/axe-core
	cp var/npm/node_modules/leaflet/dist/leaflet.js var/npm/node_modules/leaflet/dist/leaflet.css $(WEB_VENDOR)/leaflet/
	cp var/npm/node_modules/leaflet/dist/images/*.png $(WEB_VENDOR)/leaflet/images/
	cp var/npm/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	   var/npm/node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	   var/npm/node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(WEB_VENDOR)/markercluster/
	cp var/npm/node_modules/axe-core/axe.min.js $(WEB_VENDOR)/axe-core/

assets: $(VENDOR)/swagger-ui-bundle.js $(WEB_VENDOR)/leaflet/leaflet.js

migrate: install
	mkdir -p var
	$(BIN)/alembic upgrade head

seed: migrate
	$(BIN)/python -m seeds all

run: seed
	$(BIN)/uvicorn --factory api.app:create_app --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

# The suite, then the bounded schemathesis pass on the embedded SQLite (`make test-reliability` runs
# it on PostgreSQL with the fault tests).
test: install browser
	$(BIN)/python -m pytest -q
	RELIABILITY_ON_SQLITE=1 DATABASE_URL= $(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability/test_schemathesis.py

# Schemathesis, database faults, bad input at scale and the earlier security checks, on PostgreSQL
# (RELIABILITY.md). DATABASE_URL names a throw-away database: its public schema is dropped.
RELIABILITY_DB ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
EARLIER_CHECKS := tests/test_access_matrix.py tests/test_safety.py tests/test_pledges_webhooks.py \
  tests/test_pledges.py::test_logs_carry_no_email_card_or_secret
test-reliability: install
	DATABASE_URL=$${DATABASE_URL:-$(RELIABILITY_DB)} $(BIN)/python -m pytest -q -p no:cacheprovider \
	  $(EARLIER_CHECKS) tests/reliability

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

territories: install
	$(BIN)/python scripts/build_territories.py

# wrk from Debian's packages drives the HTTP load (benchmarks/load.py); installed here when it can be.
wrk:
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  apt-get install -y --no-install-recommends wrk >/dev/null; } || \
	  { echo "wrk est introuvable : installez le paquet Debian wrk (apt-get install wrk)"; exit 1; }

bench: seed wrk
	$(BIN)/python benchmarks/territory_search.py
	$(BIN)/python benchmarks/matching.py
	$(BIN)/python benchmarks/pages.py
	$(BIN)/python benchmarks/load.py

# National scale: 100,000 candidates and 20,000 initiatives (SCALE=0.01 for a quick check).
synthetic: migrate
	$(BIN)/python -m seeds territories
	$(BIN)/python benchmarks/synthetic.py --scale $${SCALE:-1}

# The judged data lives outside the project: EVAL=path/to/shared/eval (default ../shared/eval).
EVAL ?= ../shared/eval
evaluate: install
	$(BIN)/python -m matching.evaluate --data $(EVAL)/dev.json --territories $(EVAL)/territories.json --skills $(EVAL)/skills.json

# Pledges in development: localstripe (a fake Stripe) on 127.0.0.1:8420, in memory, posting the events
# it emits, signed with the development STRIPE_WEBHOOK_SECRET, to the app that `make run` serves.
stripe-dev: install
	$(BIN)/python scripts/fake_stripe.py --port $${STRIPE_PORT:-8420} \
	  --webhook-url http://$${HOST:-127.0.0.1}:$${PORT:-8000}/api/stripe/webhook

reconcile: install
	$(BIN)/python -m market.cli reconcile

# The first admin: `make admin EMAIL=you@example.org` asks the password twice (or reads BOURSE_ADMIN_PASSWORD).
admin: migrate
	@test -n "$(EMAIL)" || { echo "usage: make admin EMAIL=you@example.org" >&2; exit 2; }
	$(BIN)/python -m market.cli create-admin "$(EMAIL)"

clean:
	rm -rf $(VENV) var $(WEB_VENDOR)

# The browser tests drive Debian's Chromium (never a downloaded build): install it when missing.
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Chromium is missing: run 'sudo apt-get install -y chromium' (Debian), then make test" >&2; exit 1; fi; }
