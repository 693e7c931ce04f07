"""Structured logs: JSON when not on a terminal, and secrets never printed."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from temporalio.runtime import Runtime

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
            add_temporal_ids,
            redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )


def add_temporal_ids(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Inside an activity, every line names its workflow, run and activity, so a line in a
    log search leads to the history that explains it."""
    from temporalio import activity

    if activity.in_activity():
        info = activity.info()
        event.setdefault("workflow_id", info.workflow_id)
        event.setdefault("run_id", info.workflow_run_id)
        event.setdefault("activity", info.activity_type)
    return event


def temporal_runtime(level: str = "WARN", metrics_address: str | None = None) -> Runtime:
    """A Temporal runtime whose core logs go through Python logging (Temporal's Rust core logs
    to stdout by default; ``--json`` output must stay clean and every line look the same),
    serving Prometheus metrics on ``metrics_address`` when given."""
    from temporalio.runtime import (
        LogForwardingConfig,
        LoggingConfig,
        PrometheusConfig,
        Runtime,
        TelemetryConfig,
        TelemetryFilter,
    )

    forwarding = LogForwardingConfig(logger=logging.getLogger("temporalio.core"))
    return Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level=level, other_level="ERROR"),
                forwarding=forwarding,
            ),
            metrics=PrometheusConfig(bind_address=metrics_address) if metrics_address else None,
        )
    )


def route_temporal_core_logs(level: str = "WARN") -> None:
    from temporalio.runtime import Runtime

    Runtime.set_default(temporal_runtime(level), error_if_already_set=False)
