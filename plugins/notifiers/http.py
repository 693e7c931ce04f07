"""POST a JSON notification and turn the answer into a typed connector error.

Shared by the ``slack``, ``teams`` and ``webhook`` notifiers. An incoming-webhook URL *is*
the credential (whoever holds it can post to the channel), so nothing built here ever
contains it: messages name the channel (``slack webhook``), quote at most a short excerpt
of the response body with every secret-looking part of the URL redacted, and are raised
``from None`` so the original httpx exception (which holds the request and its URL) does
not travel to Temporal or to the logs as a cause.

Mapping: 2xx ok; 429 → RateLimited (``Retry-After`` in seconds or as an HTTP date,
default 30 s); 408, 5xx, timeouts and connection errors → TransientError; 401/403 →
AuthError; 404/410 → NotFound; any other status → InvalidRequest.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any, ClassVar, Generic, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx
import structlog
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from connecteurs.errors import AuthError, InvalidRequest, NotFound, RateLimited, TransientError
from connecteurs.models import ActionResult
from plugins.notifiers import render
from plugins.notifiers.base import Notification

log = structlog.get_logger("passerelle.notify")

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_RETRY_AFTER_SECONDS = 30.0
BODY_EXCERPT_CHARS = 200
REDACTED = "[redacted]"
# Path segments and query values this long are tokens (Slack's is 24 chars, Teams' sig 43).
SECRET_PART_MIN_CHARS = 16


def check_url(value: str) -> str:
    """An absolute http(s) URL; the error never repeats the value (it may be a secret)."""
    try:
        parsed = urlsplit(value)
        httpx.URL(value)  # what httpx would refuse at send time, with the URL in its message
        _ = parsed.port  # raises for a port out of range
        valid = parsed.scheme in ("http", "https") and bool(parsed.hostname)
    except (ValueError, httpx.InvalidURL):
        valid = False
    if not valid:
        raise ValueError("must be an absolute http:// or https:// URL")
    return value


def _check_secret_url(value: SecretStr) -> SecretStr:
    check_url(value.get_secret_value())
    return value


PlainUrl = Annotated[str, AfterValidator(check_url)]
SecretUrl = Annotated[SecretStr, AfterValidator(_check_secret_url)]


class HttpOptions(BaseModel):
    """Plain options every HTTP notifier accepts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_seconds: float = Field(default=DEFAULT_TIMEOUT_SECONDS, gt=0, le=120)


class UrlSecrets(BaseModel):
    """The secrets of a Slack or Teams target: the webhook URL alone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: SecretUrl


def dumps(payload: Any) -> bytes:
    """Compact UTF-8 JSON: the exact bytes sent (and, for the webhook, signed)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


async def post_json(
    url: str,
    body: bytes,
    *,
    idempotency_key: str,
    label: str,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    headers: Mapping[str, str] | None = None,
    client: httpx.AsyncClient | None = None,
) -> httpx.Response:
    """POST ``body`` as JSON; return the 2xx response or raise a typed error.

    Args:
        url: where to post; treated as a secret and never put in a message.
        body: the JSON document, already encoded.
        idempotency_key: sent as ``Idempotency-Key`` so a receiver can drop a retry.
        label: how messages name the destination, e.g. ``slack webhook``.
        timeout: seconds for connect, write and read each.
        headers: extra headers (a signature).
        client: a client to reuse (tests); by default one is opened for this call.
    """
    sent = {
        "Content-Type": "application/json",
        "Idempotency-Key": idempotency_key,
        **(headers or {}),
    }
    try:
        if client is not None:
            response = await client.post(url, content=body, headers=sent, timeout=timeout)
        else:
            async with httpx.AsyncClient(timeout=timeout) as own:
                response = await own.post(url, content=body, headers=sent)
    except httpx.TimeoutException:
        raise TransientError(f"{label}: no answer within {timeout:g}s") from None
    except httpx.RequestError as err:
        raise TransientError(f"{label}: {_describe(err, url)}") from None
    raise_for_status(response, label=label, url=url)
    log.info("notification delivered", channel=label, status=response.status_code)
    return response


def raise_for_status(
    response: httpx.Response, *, label: str, url: str, now: datetime | None = None
) -> None:
    """Nothing for a 2xx; otherwise the typed error the status calls for."""
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = f"{label} answered {status}"
    excerpt = redact(render.truncate(" ".join(response.text.split()), BODY_EXCERPT_CHARS), url)
    if excerpt:
        detail += f": {excerpt}"
    if status == 429:
        header = response.headers.get("Retry-After")
        raise RateLimited(retry_after_seconds(header, now=now), message=detail)
    if status >= 500 or status == 408:
        raise TransientError(detail)
    if status in (401, 403):
        raise AuthError(detail)
    if status in (404, 410):
        raise NotFound(detail)
    raise InvalidRequest(detail)


def retry_after_seconds(
    value: str | None, *, now: datetime | None = None, default: float = DEFAULT_RETRY_AFTER_SECONDS
) -> float:
    """``Retry-After`` as seconds from ``now``: delay-seconds or an HTTP date (RFC 9110)."""
    if value is None or not value.strip():
        return default
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return default
    return max(seconds, 0.0)


def redact(text: str, url: str) -> str:
    """``text`` with the URL and each of its token-like parts replaced by ``[redacted]``."""
    for secret in _secret_parts(url):
        text = text.replace(secret, REDACTED)
    return text


def _secret_parts(url: str) -> list[str]:
    parts = {url, str(httpx.URL(url))}
    parsed = urlsplit(url)
    if parsed.path.strip("/"):
        parts.add(parsed.path)
    if parsed.query:
        parts.add(parsed.query)
    if parsed.password:
        parts.add(parsed.password)
    parts.update(s for s in parsed.path.split("/") if len(s) >= SECRET_PART_MIN_CHARS)
    raw_values = [pair.partition("=")[2] for pair in parsed.query.split("&")]
    decoded_values = [v for _, v in parse_qsl(parsed.query)]
    parts.update(v for v in raw_values + decoded_values if len(v) >= SECRET_PART_MIN_CHARS)
    # Longest first, so a whole URL is replaced before its pieces leave fragments behind.
    return sorted((p for p in parts if p), key=len, reverse=True)


def _describe(err: httpx.RequestError, url: str) -> str:
    return redact(str(err) or type(err).__name__, url)


OptionsT = TypeVar("OptionsT", bound=HttpOptions)
SecretsT = TypeVar("SecretsT", bound=BaseModel)


class SecretUrlNotifier(Generic[OptionsT, SecretsT]):
    """A notifier that POSTs one JSON document to a webhook, by default at its secret
    ``url``; subclasses name themselves, shape the document, and may take their URL or
    extra headers elsewhere (the generic webhook signs its body)."""

    name: ClassVar[str]
    options_model: type[OptionsT]
    secrets_model: type[SecretsT]

    def __init__(
        self,
        target: str,
        options: Mapping[str, Any],
        secrets: Mapping[str, str],
        *,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.target = target
        self.options = render.load(
            self.options_model, options, target=target, notifier=self.name, kind="option"
        )
        self._secrets = render.load(
            self.secrets_model, secrets, target=target, notifier=self.name, kind="secret"
        )
        self._client = client

    def payload(self, notification: Notification) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def label(self) -> str:
        """How errors name the receiver (never by its URL, which is a secret)."""
        return f"{self.name} webhook"

    def url(self) -> str:
        if isinstance(self._secrets, UrlSecrets):
            return self._secrets.url.get_secret_value()
        raise NotImplementedError(f"{type(self).__name__} must say where it posts")

    def headers(self, body: bytes) -> dict[str, str]:
        return {}

    async def notify(self, notification: Notification) -> ActionResult:
        body = dumps(self.payload(notification))
        await post_json(
            self.url(),
            body,
            idempotency_key=notification.idempotency_key,
            label=self.label,
            timeout=self.options.timeout_seconds,
            headers=self.headers(body),
            client=self._client,
        )
        return ActionResult(action="notify", ok=True, at=datetime.now(UTC))
