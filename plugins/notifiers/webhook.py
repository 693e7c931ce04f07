"""The ``webhook`` notifier: POSTs the notification as JSON to any HTTP endpoint.

Configuration: the URL either as the plain option ``url`` or, when it embeds a token, as the
secret ``url`` (exactly one of the two). Optional secret ``signing_secret``. Option
``timeout_seconds`` (default 10).

Request: ``POST`` with ``Content-Type: application/json`` and
``Idempotency-Key: <notification.idempotency_key>`` (the same on every retry of one
notification: receivers should drop a key they have already handled). The body is the
notification (``Notification.model_dump(mode="json")``) plus ``"title"``.

Signature, when ``signing_secret`` is set::

    X-Passerelle-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>

where the HMAC key is the UTF-8 secret and the signed message is the UTF-8 bytes of
``f"{t}."`` followed by the raw request body, exactly as received (verify before parsing
the JSON). To verify: recompute the HMAC for ``t``, compare it with each ``v1`` in constant
time, and refuse a ``t`` more than five minutes away from your clock (replays). A retry is
signed afresh, so its ``t`` differs while its body and ``Idempotency-Key`` do not.
:func:`verify_signature` does all this and may be copied into a receiver.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from connecteurs.signatures import SIGNATURE_TOLERANCE_SECONDS, sign, verify_signature
from plugins.notifiers import render
from plugins.notifiers.base import Notification
from plugins.notifiers.http import HttpOptions, PlainUrl, SecretUrl, SecretUrlNotifier

SIGNATURE_HEADER = "X-Passerelle-Signature"
__all__ = [
    "SIGNATURE_HEADER",
    "SIGNATURE_TOLERANCE_SECONDS",
    "WebhookNotifier",
    "sign",
    "verify_signature",
]


class WebhookOptions(HttpOptions):
    url: PlainUrl | None = None


class WebhookSecrets(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    url: SecretUrl | None = None
    signing_secret: SecretStr | None = Field(default=None, min_length=1)


class WebhookNotifier(SecretUrlNotifier[WebhookOptions, WebhookSecrets]):
    name = "webhook"
    options_model = WebhookOptions
    secrets_model = WebhookSecrets

    def __init__(
        self,
        target: str,
        options: Mapping[str, Any],
        secrets: Mapping[str, str],
        *,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(target, options, secrets, client=client)
        if (self.options.url is None) == (self._secrets.url is None):
            raise ValueError(
                f"target {target} (webhook): set the URL once, as option url or as secret url"
            )

    def payload(self, notification: Notification) -> dict[str, Any]:
        return payload(notification)

    @property
    def label(self) -> str:
        return "webhook"

    def url(self) -> str:
        if self._secrets.url is not None:
            return self._secrets.url.get_secret_value()
        return self.options.url or ""  # __init__ guarantees exactly one is set

    def headers(self, body: bytes) -> dict[str, str]:
        signing = self._secrets.signing_secret
        if signing is None:
            return {}
        return {SIGNATURE_HEADER: sign(signing.get_secret_value(), body, int(time.time()))}


def payload(notification: Notification) -> dict[str, Any]:
    """The notification as JSON, plus its rendered ``title``."""
    return notification.model_dump(mode="json") | {"title": render.title(notification)}
