"""What every HTTP connector shares: one request path, and HTTP failures turned into the
typed errors of :mod:`connecteurs.errors` without a secret in any message.

Platforms disagree on how they say "slow down" (Retry-After, ``x-rate-limit-reset`` as Unix
seconds, ``X-RateLimit-Reset`` as an ISO time, a JSON error code with HTTP 200): a connector
overrides :meth:`HttpConnecteur.error_for` for its own shapes and falls back to
:func:`error_for_status` for the rest.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from connecteurs.base import Connecteur
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    NotFound,
    RateLimited,
    TransientError,
)

#: When a platform throttles without saying for how long.
DEFAULT_RETRY_AFTER = 60.0
#: Never wait less: a zero or past reset would retry in a tight loop.
MIN_RETRY_AFTER = 1.0
MAX_RETRY_AFTER = 24 * 3600.0


def parse_reset(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds until ``value``, which platforms send as delta-seconds, an HTTP date, Unix
    seconds or an ISO 8601 time; ``None`` when it is absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    moment = now or datetime.now(UTC)
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if not math.isfinite(number):
            return None
        # Large numbers are epochs (x-rate-limit-reset), small ones are deltas (Retry-After).
        seconds = number - moment.timestamp() if number > 1e9 else number
        return min(max(seconds, MIN_RETRY_AFTER), MAX_RETRY_AFTER)
    when: datetime | None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - moment).total_seconds(), MIN_RETRY_AFTER), MAX_RETRY_AFTER)


def retry_after(headers: Mapping[str, str], *names: str) -> float:
    """The first readable wait among ``Retry-After`` and the platform's reset headers."""
    for name in ("retry-after", *names):
        seconds = parse_reset(headers.get(name))
        if seconds is not None:
            return seconds
    return DEFAULT_RETRY_AFTER


def describe(response: httpx.Response) -> str:
    """``POST /path → 404`` without the host or query string (tokens travel there)."""
    request = response.request
    return f"{request.method} {request.url.path} → {response.status_code}"


def error_for_status(response: httpx.Response, detail: str = "") -> ConnecteurError:
    """The typed error HTTP semantics imply, for platforms that follow them."""
    status = response.status_code
    message = describe(response) + (f": {detail}" if detail else "")
    if status == 429:
        return RateLimited(retry_after(response.headers), message)
    if status in (401, 403):
        return AuthError(message)
    if status in (404, 410):
        return NotFound(message)
    if status in (408, 409, 425) or status >= 500:
        return TransientError(message)
    return InvalidRequest(message)


class HttpConnecteur(Connecteur):
    """A connector that talks to a JSON HTTP API rooted at :attr:`default_base_url` (or the
    account's ``base_url``, which is how tests point it at a fake platform)."""

    default_base_url: ClassVar[str]

    @property
    def base_url(self) -> str:
        return (self.context.base_url or self.default_base_url).rstrip("/")

    def auth_headers(self) -> dict[str, str]:
        """Headers that authenticate every call (most platforms: a bearer token)."""
        return {}

    def error_for(self, response: httpx.Response) -> ConnecteurError | None:
        """The typed error a response means, or ``None`` when it is a success. Override to
        read the platform's error body; call :func:`error_for_status` for the rest."""
        if response.is_success:
            return None
        return error_for_status(response, _platform_message(response))

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        url: str | None = None,
    ) -> httpx.Response:
        """One call to the platform; raises the typed error a failure means.

        Args:
            path: appended to the base URL (ignored when ``url`` is given).
            content: a raw body, for requests signed over their exact bytes.
            url: a full URL, for platforms that hand out absolute ``next`` links.
        """
        target = url or f"{self.base_url}{path}"
        try:
            response = await self.http.request(
                method,
                target,
                params=params,
                json=json,
                data=data,
                content=content,
                headers={**self.auth_headers(), **(headers or {})},
            )
        except httpx.TimeoutException:
            raise TransientError(f"{method} {httpx.URL(target).path}: timed out") from None
        except httpx.TransportError as err:
            raise TransientError(
                f"{method} {httpx.URL(target).path}: {type(err).__name__}"
            ) from None
        error = self.error_for(response)
        if error is not None:
            raise error
        return response


def _platform_message(response: httpx.Response) -> str:
    """A short error text from a JSON error body, if there is one."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in ("error_description", "message", "error", "detail", "title"):
            value = body.get(key)
            if isinstance(value, str):
                return value[:200]
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return str(value["message"])[:200]
    return ""
