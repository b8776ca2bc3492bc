# Qibu — the two commands: `make run` starts the product, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test venv assets lint types test-sqlite test-postgres test-browser bench messages check-deploy clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Qibu needs Python 3.11 or newer"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Front-end assets come from the npm registry at build time and are served by Qibu itself (no CDN).
# package-lock.json pins them; axe-core is installed for the browser tests only, which put it into the page
# themselves: it is not copied into static/vendor, so Qibu never serves it.
assets: static/vendor/htmx.min.js

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

run: venv assets
	$(BIN)/python scripts/run.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: venv
	$(BIN)/mypy qibu tests bench scripts

# The suite runs on SQLite, then the same suite on PostgreSQL (DATABASE_URL_PG), then the browser tests.
DATABASE_URL_PG ?= postgres://postgres@127.0.0.1:5432/qibu
PYTEST_ARGS ?=

test-sqlite: venv assets
	env -u DATABASE_URL $(BIN)/pytest -q -m "not browser" -n 2 $(PYTEST_ARGS)

test-postgres: venv assets
	DATABASE_URL=$(DATABASE_URL_PG) $(BIN)/pytest -q -m "not browser" -n 2 $(PYTEST_ARGS)

test-browser: venv assets
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q -m browser -p no:xdist $(PYTEST_ARGS)

test: lint types messages-check test-sqlite test-postgres test-browser

MAKEMESSAGES = $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --no-location \
	-i ".venv/*" -i "node_modules/*" -i "tests/*" -i "bench/*" -i "var/*" -i "scripts/*"

# Refresh the Chinese catalogue from the code and compile it (the .mo is committed, so a machine
# without gettext can still run Qibu).
messages: venv
	$(MAKEMESSAGES)
	$(BIN)/python manage.py compilemessages -l zh_Hans -i ".venv" -i "node_modules"

# Extract again and fail on any string without a Chinese translation or a stale .mo.
messages-check: venv
	$(MAKEMESSAGES) -v 0
	$(BIN)/python scripts/check_messages.py

bench: venv assets
	$(BIN)/python bench/run.py
	$(BIN)/python bench/publish_mail.py
	$(BIN)/python bench/workshop_load.py

check-deploy: venv
	SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-secret-value-for-the-check QIBU_SECURE=1 ALLOWED_HOSTS=okr.example.com \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules static/vendor var/staticfiles
