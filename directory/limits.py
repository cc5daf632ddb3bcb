"""Bounds on what one client, or all of them at once, can make the site do.

Two kinds, both counted in the shared cache (Redis in production, so that every app process and
host agrees; the local memory cache when REDIS_URL is unset):

- **Rate limits per client address** (``settings.RATE_LIMITS``): CSV exports, permanent shortlist
  links, applications to be listed. Past a limit the answer is a 429 page that says when to try
  again, with ``Retry-After``. Sign-in and password reset have allauth's own limits
  (``ACCOUNT_RATE_LIMITS``). Addresses are read as sign-in reads them (``TRUSTED_PROXY_COUNT``).
- **Export slots per app host** (``settings.EXPORT_CONCURRENCY``): a search export is the one
  request that costs seconds of CPU, so only that many stream at once on one host; the next waits
  a few seconds for a slot, then gets a 503 page with ``Retry-After``. Without it six exports at
  once made an ordinary search take seconds.

When the cache cannot be reached the limits let requests through (and log it): the directory
staying up matters more than a limit missed for a while.
"""

from __future__ import annotations

import datetime
import functools
import logging
import math
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Concatenate, cast

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

type View[**P] = Callable[Concatenate[HttpRequest, P], HttpResponseBase]

# What the 429 page calls each limited action: "You have made too many ... from your connection".
DOING = {
    "export": "downloads",
    "share": "permanent links",
    "apply": "applications",
}


def client_ip(_group: str, request: HttpRequest) -> str:
    """The visitor's address as sign-in's limits see it: behind proxies, the one
    TRUSTED_PROXY_COUNT hops back in X-Forwarded-For, not the proxy's own."""
    address: str = get_adapter(request).get_client_ip(request)
    return address


def wait_seconds(request: HttpRequest, action: str) -> int:
    """Count this request against the action's limits; how many seconds until the client may try
    again (0: go ahead). Each limit is a fixed window in django-ratelimit's terms."""
    wait = 0
    for rate in settings.RATE_LIMITS[action].split(","):
        try:
            usage = get_usage(
                request, group=f"limit-{action}", key=client_ip, rate=rate, increment=True
            )
        except Exception:  # the cache is down: let it through, and say so in the log
            logger.warning("Rate limit %s not counted: the cache did not answer", action)
            continue
        if usage is not None and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    return wait


def too_many(request: HttpRequest, *, action: str, wait: int) -> HttpResponse:
    """The 429 page: what was limited and when to try again."""
    retry_at = timezone.localtime() + datetime.timedelta(seconds=wait)
    context = {"doing": DOING[action], "wait_minutes": math.ceil(wait / 60), "retry_at": retry_at}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def rate_limited[**P](
    action: str, *, methods: Iterable[str] = ("GET", "HEAD", "POST")
) -> Callable[[View[P]], View[P]]:
    """Decorate a view: requests by these methods count against ``RATE_LIMITS[action]``."""
    counted = frozenset(methods)

    def decorate(view: View[P]) -> View[P]:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if request.method in counted:
                wait = wait_seconds(request, action)
                if wait:
                    return too_many(request, action=action, wait=wait)
            return view(request, *args, **kwargs)

        return limited

    return decorate


# Export slots ----------------------------------------------------------------------------------

# A slot is held at most this long, so a process killed mid-export gives its slot back.
SLOT_SECONDS = 300
SLOT_POLL_SECONDS = 0.2
PLACE_GRACE_SECONDS = 5  # a waiting place outlives its wait by this much, then frees itself
BUSY_RETRY_SECONDS = 30


class ExportSlot:
    """One of this host's ``EXPORT_CONCURRENCY`` export slots.

    Released by ``release()``, which the streamed response calls when it is closed: after the
    last row, or when the client goes away.
    """

    def __init__(self) -> None:
        self.key = ""
        self.token = secrets.token_hex(8)

    def acquire(self, wait: float) -> bool:
        """Take a free slot, or wait up to ``wait`` seconds for one. Only as many requests wait
        as there are slots, each in a place of its own: a waiting request holds a server thread,
        and threads held by a queue of exports would keep searches waiting instead. Any further
        request is refused at once."""
        host = socket.gethostname()
        slots = [f"export-slot:{host}:{n}" for n in range(_slots())]
        places = [f"export-queue:{host}:{n}" for n in range(_slots())]
        try:
            self.key = _take(slots, self.token, SLOT_SECONDS)
            if self.key or wait <= 0:
                return bool(self.key)
            place = _take(places, self.token, math.ceil(wait) + PLACE_GRACE_SECONDS)
            if not place:
                return False
            try:
                deadline = time.monotonic() + wait
                while not self.key and time.monotonic() < deadline:
                    time.sleep(SLOT_POLL_SECONDS)
                    self.key = _take(slots, self.token, SLOT_SECONDS)
            finally:
                _give_back(place, self.token)
            return bool(self.key)
        except Exception:  # the cache is down: export without a slot
            logger.warning("Export slot not taken: the cache did not answer")
            return True

    def release(self) -> None:
        key, self.key = self.key, ""
        if key:
            _give_back(key, self.token)


def _take(keys: list[str], token: str, seconds: int) -> str:
    """The first of these keys this token could claim (an atomic add), or ""."""
    return next((key for key in keys if cache.add(key, token, timeout=seconds)), "")


def _give_back(key: str, token: str) -> None:
    try:
        if cache.get(key) == token:  # not one that timed out and passed to somebody else
            cache.delete(key)
    except Exception:
        logger.warning("Export slot %s not released: the cache did not answer", key)


def _slots() -> int:
    return max(1, settings.EXPORT_CONCURRENCY)


def busy(request: HttpRequest) -> HttpResponse:
    """Every export slot stayed taken: a 503 that says when to try again."""
    response = render(request, "503_busy.html", {"wait_seconds": BUSY_RETRY_SECONDS}, status=503)
    response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response


class ReleasingIterator:
    """A streamed response's content that gives the slot back when the response is closed.

    Django closes a streamed response's content (its ``close()``) when the server is done with it:
    after the last row, or when the client went away, whether or not iteration ever started (a
    generator's own ``finally`` would not run if it never started).
    """

    def __init__(self, rows: Iterable[Any], slot: ExportSlot) -> None:
        self.rows, self.slot = rows, slot

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def close(self) -> None:
        self.slot.release()


def export_slot[**P](view: View[P]) -> View[P]:
    """Decorate a streaming export view: it runs, and its rows stream, only in an export slot."""

    @functools.wraps(view)
    def in_slot(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        slot = ExportSlot()
        if not slot.acquire(wait=settings.EXPORT_QUEUE_SECONDS):
            return busy(request)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            slot.release()
            raise
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            rows = cast(Iterator[bytes], response.streaming_content)
            response.streaming_content = ReleasingIterator(rows, slot)
        else:
            slot.release()
        return response

    return in_slot
