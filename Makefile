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
	$(UV) pip install --python $(BIN)/python -q -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)
	@mkdir -p var

run: install assets
	$(BIN)/lianxin migrate --noinput
	$(BIN)/lianxin demo
	$(BIN)/lianxin collectstatic --noinput -v 0
	$(BIN)/lianxin serve --host $(HOST) --port $(PORT)

test: install
	@mkdir -p var
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy lianxin config

browser-deps:
	apt-get update -qq && apt-get install -y -qq chromium

clean:
	rm -rf $(VENV) var/*.sqlite3

ECHARTS_VERSION ?= 6.1.0
ASSETS := var/assets/vendor/echarts/echarts.min.js

# ECharts comes from the npm registry at setup (never a CDN at run time); see docs/adr/0005.
assets: $(ASSETS)

$(ASSETS):
	@mkdir -p var/assets/vendor/echarts var/npm
	@command -v npm >/dev/null 2>&1 || { echo "npm 未安装：图表将以表格显示"; exit 0; }
	cd var/npm && npm pack echarts@$(ECHARTS_VERSION) --silent >/dev/null && tar xzf echarts-$(ECHARTS_VERSION).tgz package/dist/echarts.min.js package/LICENSE
	cp var/npm/package/dist/echarts.min.js var/npm/package/LICENSE var/assets/vendor/echarts/
