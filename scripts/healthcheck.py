"""The image's HEALTHCHECK: exit 0 when /healthz on this container answers 200, 1 otherwise.

Django answers 400 to a Host header it does not know, so the request names the first concrete host
in ALLOWED_HOSTS instead of 127.0.0.1; /healthz is exempt from the HTTPS redirect.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def allowed_host() -> str:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    # ".example.org" allows example.org and its subdomains; "*" allows anything.
    concrete = [h.lstrip(".") for h in hosts if h != "*"]
    return concrete[0] if concrete else "localhost"


def main() -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    request = urllib.request.Request(url, headers={"Host": allowed_host()})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"healthcheck: {url} failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
