"""Query-string secrets some documented endpoints require never reach httpx's request log."""

from __future__ import annotations

import logging

import httpx
import pytest

from connecteurs.redaction import QueryRedactor, redact_query_parameters


def record(*args: object) -> logging.LogRecord:
    return logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", args, None)


def test_registered_parameters_are_blanked_in_urls_and_strings() -> None:
    redact_query_parameters("input_token", "secret")
    url = httpx.URL("https://graph.example/v21.0/debug_token?input_token=EAAtoken123&fields=x")
    line = record("GET", url)
    assert QueryRedactor().filter(line) is True
    message = line.getMessage()
    assert "EAAtoken123" not in message
    assert "input_token=redacted" in message and "fields=x" in message
    text = record("GET", "https://api.example/list/?app_id=1&secret=s3cr3t-value")
    QueryRedactor().filter(text)
    assert "s3cr3t-value" not in text.getMessage() and "app_id=1" in text.getMessage()


@pytest.mark.parametrize(
    "arg", ["no url here", "https://api.example/path", httpx.URL("https://api.example/p?a=1"), 42]
)
def test_other_arguments_are_left_alone(arg: object) -> None:
    redact_query_parameters("secret")
    line = record("GET", arg)
    QueryRedactor().filter(line)
    assert line.args == ("GET", arg)


def test_the_filter_is_installed_once_on_the_httpx_logger() -> None:
    redact_query_parameters("input_token")
    redact_query_parameters("input_token")
    filters = [f for f in logging.getLogger("httpx").filters if isinstance(f, QueryRedactor)]
    assert len(filters) == 1
