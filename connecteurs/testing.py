"""Test helpers shipped with the SDK (as httpx ships ``MockTransport``): a fake platform
to point a connector at, and the failures every platform has.

A :class:`FakePlatform` answers on ``http://127.0.0.1:8099`` through an
``httpx.MockTransport``: no socket, no network, and every request the connector sends is
kept in :attr:`FakePlatform.requests` so a test can check method, path, auth header and
body the way the platform would. Subclasses register routes and say how their platform
answers each :class:`Failure` (its documented error body and headers).
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

BASE_URL = "http://127.0.0.1:8099"

Handler = Callable[[httpx.Request, re.Match[str]], Awaitable[httpx.Response] | httpx.Response]


class Failure(StrEnum):
    """The failures every connector must turn into the right typed error."""

    RATE_LIMITED = "rate_limited"  # → RateLimited(retry_after)
    EXPIRED_TOKEN = "expired_token"  # → AuthError
    NOT_FOUND = "not_found"  # the target was deleted → NotFound
    SERVER_ERROR = "server_error"  # → TransientError


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


@dataclass
class FakePlatform:
    """A platform's API in one object. Subclass it, add routes in ``__post_init__`` with
    :meth:`route`, and implement :meth:`failure` with the platform's documented shapes."""

    base_url: str = BASE_URL
    requests: list[httpx.Request] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    pending: deque[Failure] = field(default_factory=deque)

    def route(self, method: str, path: str, handler: Handler) -> None:
        """``path`` is a regular expression matched against the whole URL path."""
        self.routes.append(Route(method.upper(), re.compile(path), handler))

    def fail_next(self, failure: Failure, times: int = 1) -> None:
        """The next ``times`` requests get ``failure`` instead of their normal answer."""
        self.pending.extend([failure] * times)

    def failure(self, failure: Failure, request: httpx.Request) -> httpx.Response:
        """The platform's answer for ``failure``; plain HTTP semantics by default."""
        status = {
            Failure.RATE_LIMITED: 429,
            Failure.EXPIRED_TOKEN: 401,
            Failure.NOT_FOUND: 404,
            Failure.SERVER_ERROR: 503,
        }[failure]
        headers = {"retry-after": "30"} if failure is Failure.RATE_LIMITED else {}
        return httpx.Response(status, headers=headers, json={"error": failure.value})

    def not_routed(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            404, json={"error": f"no route for {request.method} {request.url.path}"}
        )

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.pending:
            return self.failure(self.pending.popleft(), request)
        for route in self.routes:
            if route.method != request.method:
                continue
            match = route.pattern.fullmatch(request.url.path)
            if match is None:
                continue
            answer = route.handler(request, match)
            return answer if isinstance(answer, httpx.Response) else await answer
        return self.not_routed(request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle))

    # -- for assertions ------------------------------------------------------------------

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        """Requests the connector sent with this method and a path matching ``path``."""
        pattern = re.compile(path)
        return [
            r for r in self.requests if r.method == method.upper() and pattern.fullmatch(r.url.path)
        ]

    @property
    def writes(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method in ("POST", "PUT", "PATCH", "DELETE")]


def body_json(request: httpx.Request) -> Any:
    """The JSON body of a recorded request."""
    return json.loads(request.content or b"null")


def body_form(request: httpx.Request) -> dict[str, str]:
    """The form fields of a recorded ``application/x-www-form-urlencoded`` request."""
    from urllib.parse import parse_qsl

    return dict(parse_qsl(request.content.decode()))
