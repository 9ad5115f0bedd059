# Everything a newcomer needs: `make run` and `make test` create .venv and install the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run try test test-clocks lint bench fuzz format clean

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

# The suite must not care when it runs. FRONTDESK_CLOCK starts the practice's clock (the tests'
# and every bot's they start) at each of these moments: 03:00 on a Sunday, 12:50 on a weekday
# (lunch closure), 23:30 on a weekday (quiet hours, closed), 10:00 on 8 December (a holiday), a
# minute before the clocks go forward (28 March 2027) and inside the repeated hour when they go
# back (31 October 2027, the second 02:30). Every test but those marked slow, CLOCK_JOBS moments
# side by side (tests/clock_matrix.sh); a moment that fails or collects nothing fails the target.
CLOCKS := 2026-12-06T03:00:00+01:00 2026-12-02T12:50:00+01:00 2026-12-02T23:30:00+01:00 \
	2026-12-08T10:00:00+01:00 2027-03-28T01:59:00+01:00 2027-10-31T02:30:00+01:00
CLOCK_JOBS ?= 3

test-clocks: $(STAMP)
	@CLOCK_JOBS=$(CLOCK_JOBS) PYTHON=$(BIN)/python bash tests/clock_matrix.sh $(CLOCKS)

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
