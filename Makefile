# Everything a newcomer needs: `make run` and `make test` create .venv and install the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run try test lint bench fuzz format clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# With TELEGRAM_BOT_TOKEN (environment or .env) the bot; without it the offline sandbox (a page).
run: $(STAMP)
	$(BIN)/frontdesk run

# The whole front desk against a local Bot API emulator: no Telegram account, no token.
try: $(STAMP)
	$(BIN)/frontdesk run --emulator 8081

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench

# Random update sequences: 10,000 through the engine, then thousands to the real bot on both
# adapters over the emulator; prints sequences, updates, crashes, leaks, wedges, unanswered.
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
