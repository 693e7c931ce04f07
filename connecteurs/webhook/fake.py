"""A receiver of the ``webhook`` connector's outbound actions, as the README describes it."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field

import httpx

from connecteurs.signatures import SIGNATURE_HEADER, verify_signature
from connecteurs.testing import FakePlatform

ACTIONS = {"reply", "direct_message", "hide", "unhide", "delete", "block"}


@dataclass
class FakeReceiver(FakePlatform):
    secret: str = ""
    handled: dict[str, dict[str, object]] = field(default_factory=dict)
    known: set[str] = field(default_factory=lambda: {"evt-1"})

    def __post_init__(self) -> None:
        self.route("POST", "/passerelle/actions", self.action)

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
