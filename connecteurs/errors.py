"""Typed connector errors (DESIGN §3).

ConnecteurError
├── RetryableError            the activity is retried with backoff
│   ├── RateLimited           the platform said when to come back (retry_after seconds)
│   └── TransientError        5xx, timeouts, connection resets
└── PermanentError            retrying cannot help: the step is parked visibly
    ├── AuthError             expired or revoked token, missing permission
    ├── NotFound              the comment or thread is gone (deleted by its author)
    ├── InvalidRequest        the platform refused the request as malformed
    └── UnsupportedAction     the connector does not declare this capability
InboundError                  a webhook delivery refused at the door (never retried by us)
├── InvalidSignature          missing or wrong signature → 401
├── MalformedPayload          not the platform's documented shape → 400
└── HandshakeRefused          verification handshake with a wrong token → 403

Messages never contain secrets or full URLs (query strings can carry tokens): they name the
method, the path and the platform's own error text.
"""

from __future__ import annotations


class ConnecteurError(Exception):
    """Base of every error a connector raises."""

    code = "connecteur_error"


class RetryableError(ConnecteurError):
    code = "retryable"


class RateLimited(RetryableError):
    code = "rate_limited"

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(f"{message} (retry after {retry_after:g}s)")
        self.retry_after = retry_after


class TransientError(RetryableError):
    code = "transient"


class PermanentError(ConnecteurError):
    code = "permanent"


class AuthError(PermanentError):
    code = "auth"


class NotFound(PermanentError):
    code = "not_found"


class InvalidRequest(PermanentError):
    code = "invalid_request"


class UnsupportedAction(PermanentError):
    code = "unsupported_action"


class InboundError(ConnecteurError):
    """A webhook delivery the gateway must refuse; ``status`` is the HTTP answer."""

    code = "inbound"
    status = 400


class InvalidSignature(InboundError):
    code = "invalid_signature"
    status = 401


class MalformedPayload(InboundError):
    code = "malformed_payload"
    status = 400


class HandshakeRefused(InboundError):
    code = "handshake_refused"
    status = 403
