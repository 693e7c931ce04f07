"""Graph API error bodies turned into the typed errors of :mod:`connecteurs.errors`.

Graph answers every failure with ``{"error": {"message", "type", "code", "error_subcode",
"fbtrace_id"}}`` (https://developers.facebook.com/docs/graph-api/guides/error-handling) and
the HTTP status says little (throttling and expired tokens both come back as 400 or 403), so
the code decides. Throttling codes and the ``X-Business-Use-Case-Usage`` header are from
https://developers.facebook.com/docs/graph-api/overview/rate-limiting.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    NotFound,
    RateLimited,
    TransientError,
)
from connecteurs.http import DEFAULT_RETRY_AFTER, MAX_RETRY_AFTER, MIN_RETRY_AFTER, describe

#: 4 app-level, 17 account-level, 32 page-level, 613 custom throttling; 341 "application
#: limit reached" (error-handling guide: "wait and retry").
THROTTLING_CODES = frozenset({4, 17, 32, 341, 613})
#: Business Use Case throttling: 80001 pages, 80002 Instagram, … 80014 catalog batch.
BUC_CODES = range(80001, 80015)
#: 190 expired/invalid token, 102 API session, 10 and 200-299 permissions, 3 capability.
AUTH_CODES = frozenset({3, 10, 102, 190, *range(200, 300)})
#: Code 10 subcodes about one message, not the token: 2018278 "This message is sent outside
#: of allowed window" (Messenger's 24-hour rule, Send API error codes). Parking it as a broken
#: channel would page on-call for a rule of the platform.
MESSAGE_RULE_SUBCODES = frozenset({2018278})
#: 1 "API Unknown" and 2 "API Service": temporary downtime, wait and retry.
TRANSIENT_CODES = frozenset({1, 2})
#: Code 100 (invalid parameter) with subcode 33 means the object does not exist.
NOT_FOUND_SUBCODE = 33

BUC_HEADER = "x-business-use-case-usage"


class GraphError(BaseModel):
    """The ``error`` object of a Graph error body."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    message: str = ""
    type: str = ""
    code: int | None = None
    error_subcode: int | None = None
    is_transient: bool = False
    fbtrace_id: str | None = None


def graph_error(response: httpx.Response) -> GraphError | None:
    """The Graph error in ``response``'s body, if it has one."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return None
    try:
        return GraphError.model_validate(body["error"])
    except ValidationError:
        return None


def buc_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds until access is regained, from ``X-Business-Use-Case-Usage``.

    The header is JSON: ``{"<business-object-id>": [{"type", "call_count", "total_cputime",
    "total_time", "estimated_time_to_regain_access"}]}`` with the estimate in minutes. The
    longest estimate wins (every throttled use case must have recovered).
    """
    raw = headers.get(BUC_HEADER)
    if not raw:
        return None
    try:
        usage: Any = json.loads(raw)
    except ValueError:
        return None
    minutes: list[float] = []
    if isinstance(usage, dict):
        for entries in usage.values():
            for item in entries if isinstance(entries, list) else ():
                if not isinstance(item, dict):
                    continue
                value = item.get("estimated_time_to_regain_access")
                if isinstance(value, int | float) and not isinstance(value, bool):
                    minutes.append(float(value))
    if not minutes or max(minutes) <= 0:
        return None
    return min(max(max(minutes) * 60.0, MIN_RETRY_AFTER), MAX_RETRY_AFTER)


def error_for_graph(
    response: httpx.Response, error: GraphError, secrets: tuple[str, ...] = ()
) -> ConnecteurError:
    """The typed error a Graph error code means."""
    message = f"{describe(response)}: {_scrub(error, secrets)}"
    code = error.code
    if code in THROTTLING_CODES or (code is not None and code in BUC_CODES):
        wait = buc_retry_after(response.headers) or DEFAULT_RETRY_AFTER
        return RateLimited(wait, message)
    if code == 10 and error.error_subcode in MESSAGE_RULE_SUBCODES:
        return InvalidRequest(message)
    if code in AUTH_CODES:
        return AuthError(message)
    if code == 100 and (
        error.error_subcode == NOT_FOUND_SUBCODE or "does not exist" in error.message.lower()
    ):
        return NotFound(message)
    if code in TRANSIENT_CODES or error.is_transient or response.status_code >= 500:
        return TransientError(message)
    return InvalidRequest(message)


def _scrub(error: GraphError, secrets: tuple[str, ...]) -> str:
    """``(#code/subcode) message`` cut short, with any secret value blanked out."""
    text = error.message[:200]
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    subcode = f"/{error.error_subcode}" if error.error_subcode is not None else ""
    trace = f" [fbtrace_id {error.fbtrace_id}]" if error.fbtrace_id else ""
    return f"(#{error.code}{subcode}) {text}{trace}"
