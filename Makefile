# The two commands of the README. Both create .venv and install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint demo

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

.env:
	cp .env.example .env
	@echo "created .env from .env.example: set TELEGRAM_BOT_TOKEN, FRONTLINE_SECRET and FRONTLINE_ADMINS, then run make run again"

run: $(STAMP) .env
	$(BIN)/frontline run

demo: $(STAMP) .env
	$(BIN)/frontline migrate && $(BIN)/frontline demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n auto

bench: $(STAMP)
	$(BIN)/python -m bench
