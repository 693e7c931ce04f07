"""Connector errors as Temporal sees them.

A retryable error lets Temporal retry with backoff (a rate limit sets the next delay itself);
a permanent error fails the activity at once, and the workflow parks the step visibly.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.exceptions import ApplicationError

from connecteurs.errors import ConnecteurError, PermanentError, RateLimited


def to_application_error(err: ConnecteurError) -> ApplicationError:
    if isinstance(err, RateLimited):
        return ApplicationError(
            str(err),
            type=err.code,
            next_retry_delay=timedelta(seconds=max(err.retry_after, 0.0)),
        )
    return ApplicationError(str(err), type=err.code, non_retryable=isinstance(err, PermanentError))
