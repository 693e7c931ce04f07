"""Keeping secrets that a platform wants in the query string out of httpx's request log.

Connectors send tokens in headers or bodies, but a few documented endpoints only take them in
the URL: Meta's ``GET /debug_token?input_token=…``, TikTok's ``GET /business/webhook/list/
?secret=…``. httpx logs every request at INFO as ``HTTP Request: GET <full URL> …``, and
Passerelle's logging runs at INFO: without this filter such a token would be printed in
clear. Error messages never show a query string anyway (:func:`connecteurs.http.describe`).
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

REDACTED = "redacted"

_names: set[str] = set()


class QueryRedactor(logging.Filter):
    """Blanks the values of the registered query parameters in httpx's log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _names and isinstance(record.args, tuple):
            record.args = tuple(_redact(arg) for arg in record.args)
        return True


def _redact(value: Any) -> Any:
    url = value if isinstance(value, httpx.URL) else None
    if url is None and isinstance(value, str) and "?" in value and "://" in value:
        try:
            url = httpx.URL(value)
        except (httpx.InvalidURL, TypeError):
            return value
    if url is None or not url.query or not any(name in url.params for name in _names):
        return value
    params = [(k, REDACTED if k in _names else v) for k, v in url.params.multi_items()]
    return str(url.copy_with(params=params))


_FILTER = QueryRedactor()


def redact_query_parameters(*names: str) -> None:
    """Have httpx's request log show the values of ``names`` as ``redacted`` (idempotent)."""
    _names.update(names)
    logger = logging.getLogger("httpx")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
