"""Structured logs: JSON when not on a terminal, and secrets never printed."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

SENSITIVE_KEY = re.compile(
    r"(token|secret|password|passwd|authorization|api_key|apikey|cookie)", re.IGNORECASE
)
SENSITIVE_VALUE = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+|\b(EAA[A-Za-z0-9]{10,})")
REDACTED = "[redacted]"


def redact(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Drop the values of secret-looking keys and scrub tokens out of free text."""
    for key, value in list(event.items()):
        if SENSITIVE_KEY.search(key):
            event[key] = REDACTED
        elif isinstance(value, str):
            event[key] = SENSITIVE_VALUE.sub(lambda m: (m.group(1) or "") + REDACTED, value)
    return event


def configure(*, level: str = "INFO", json: bool | None = None) -> None:
    as_json = not sys.stderr.isatty() if json is None else json
    renderer: Any = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    )
    logging.basicConfig(level=level, stream=sys.stderr, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )


def route_temporal_core_logs(level: str = "WARN") -> None:
    """Temporal's Rust core logs to stdout by default; ``--json`` output must stay clean and
    every log line should look the same, so its records go through Python logging instead."""
    from temporalio.runtime import (
        LogForwardingConfig,
        LoggingConfig,
        Runtime,
        TelemetryConfig,
        TelemetryFilter,
    )

    forwarding = LogForwardingConfig(logger=logging.getLogger("temporalio.core"))
    runtime = Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level=level, other_level="ERROR"),
                forwarding=forwarding,
            )
        )
    )
    Runtime.set_default(runtime, error_if_already_set=False)
