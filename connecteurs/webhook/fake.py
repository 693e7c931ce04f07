"""A receiver of the ``webhook`` connector's outbound actions, as the README describes it,
with the signed ``GET`` health probe.

The channel's state, as tests set it (the names every fake shares, where a generic receiver
has them):

- ``token_revoked``: the receiver no longer accepts the signing secret: every request
  answers 401 ``{"error": "bad signature"}``.
- ``token_expires_at``: from then on it answers the same (a shared secret never announces
  an expiry: the connector cannot report it beforehand).

A generic receiver has no scopes and no subscription: there is no ``missing_scopes`` or
``subscription_active`` here.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from connecteurs.signatures import SIGNATURE_HEADER, verify_signature
from connecteurs.testing import FakePlatform

ACTIONS = {"reply", "direct_message", "hide", "unhide", "delete", "block"}


@dataclass
class FakeReceiver(FakePlatform):
    secret: str = ""
    handled: dict[str, dict[str, object]] = field(default_factory=dict)
    known: set[str] = field(default_factory=lambda: {"evt-1"})
    #: The channel's state (see the module docstring).
    token_revoked: bool = False
    token_expires_at: datetime | None = None

    def __post_init__(self) -> None:
        self.route("POST", "/passerelle/actions", self.action)
        self.route("GET", "/passerelle/actions", self.probe)

    def secret_works(self) -> bool:
        if self.token_revoked:
            return False
        return self.token_expires_at is None or datetime.now(UTC) < self.token_expires_at

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if not self.pending and not self.secret_works():
            self.requests.append(request)
            return httpx.Response(401, json={"error": "bad signature"})
        return await super().handle(request)

    def probe(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        """The health probe: does the signature over the empty body check out?"""
        header = request.headers.get(SIGNATURE_HEADER, "")
        if request.content:
            return httpx.Response(400, json={"error": "the probe has no body"})
        if self.secret and not verify_signature(self.secret, header, b"", time.time()):
            return httpx.Response(401, json={"error": "bad signature"})
        return httpx.Response(200, json={"ok": True})

    def action(self, request: httpx.Request, _: re.Match[str]) -> httpx.Response:
        header = request.headers.get(SIGNATURE_HEADER, "")
        if self.secret and not verify_signature(self.secret, header, request.content, time.time()):
            return httpx.Response(401, json={"error": "bad signature"})
        key = request.headers.get("idempotency-key")
        document = json.loads(request.content)
        if (
            not key
            or key != document.get("idempotency_key")
            or document.get("action") not in ACTIONS
        ):
            return httpx.Response(400, json={"error": "missing idempotency key or unknown action"})
        if document["external_id"] not in self.known:
            return httpx.Response(404, json={"error": "no such item"})
        if key not in self.handled:  # a receiver drops keys it has handled
            self.handled[key] = {"ref": f"r-{len(self.handled) + 1}", **document}
        return httpx.Response(200, json={"ref": self.handled[key]["ref"]})
