# The single entry point. `make run` and `make test` are the README's two commands.
SHELL := /bin/bash
# uv runs as a module of the machine's Python, so it needs no PATH set-up after installing it.
PYTHON ?= python3  # the machine's Python (the project's own lives in .venv)
UV := $(PYTHON) -m uv
VENV := .venv/bin

.PHONY: run test install python-deps pwa system-deps browser lint check-api pytest bench screenshots

run: install ## install everything, seed the demo, serve on http://127.0.0.1:8000
	$(VENV)/strang demo
	$(VENV)/strang serve --host 127.0.0.1 --port 8000

test: install browser lint pytest ## install everything and run the whole suite

install: system-deps python-deps pwa

system-deps:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv \
	  || $(PYTHON) -m pip install --quiet --break-system-packages uv \
	  || { apt-get update -qq && apt-get install -y -qq python3-pip && $(PYTHON) -m pip install --quiet --break-system-packages uv; }
	@dpkg -s libpq5 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libpq5; }

python-deps:
	$(UV) sync --locked --quiet

pwa:
	cd pwa && npm ci --no-audit --no-fund --loglevel=error && npm run build

browser: ## Debian's chromium for the browser tests
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

lint:
	$(VENV)/ruff check app tests bench
	$(VENV)/ruff format --check app tests bench
	$(VENV)/mypy
	$(VENV)/lint-imports --no-logo --no-cache  # the package graph's contracts: .importlinter
	$(VENV)/python -m app.openapi > pwa/openapi.json.new && mv pwa/openapi.json.new pwa/openapi.json
	cd pwa && npm run check:api && npm run check:layers && npm run typecheck && npm test

pytest:
	STRANG_REQUIRE_BROWSER=1 $(VENV)/pytest -n 2 --dist loadfile --durations=20

bench: install
	$(VENV)/python -m bench

screenshots: install browser
	$(VENV)/python -m scripts.screenshots
