"""A platform whose token and webhook subscription a test controls: the jsonl connector
with a health check and replies that fail the way an expired token makes them fail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from activites import Runtime
from connecteurs.base import AccountContext
from connecteurs.errors import AuthError, TransientError
from connecteurs.jsonl import JsonlConnecteur, JsonlOptions
from connecteurs.models import ActionResult, ChannelCheck, Interaction, Platform
from passerelle.worker import build_runtime
from tests.helpers import Setup

EXPIRED = "(#190) Error validating access token: Session has expired on Monday"


@dataclass
class ChannelState:
    revoked: bool = False
    expires_at: datetime | None = None
    subscribed: bool = True
    unreachable: bool = False  # the health check meets a 503


class ControlledChannel(JsonlConnecteur):
    """The jsonl connector with a platform whose token and subscription a test controls."""

    def __init__(self, context: AccountContext, state: ChannelState) -> None:
        super().__init__(context)
        self.state = state

    async def check_health(self) -> ChannelCheck:
        if self.state.unreachable:
            raise TransientError("GET /me → 503: Service Unavailable")
        if self.state.revoked:
            raise AuthError(EXPIRED)
        return ChannelCheck(
            token_valid=True,
            token_expires_at=self.state.expires_at,
            subscription_active=self.state.subscribed,
        )

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        if self.state.revoked:
            raise AuthError(EXPIRED)
        return await super().reply(interaction, text, idempotency_key=idempotency_key)

    async def send_direct_message(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        if self.state.revoked:
            raise AuthError(EXPIRED)
        return await super().send_direct_message(interaction, text, idempotency_key=idempotency_key)


def controlled(setup: Setup, state: ChannelState) -> Runtime:
    runtime = build_runtime(setup.config)
    connector = ControlledChannel(
        AccountContext(
            account=setup.account,
            platform=Platform.JSONL,
            options=JsonlOptions(outbox=setup.outbox),
        ),
        state,
    )
    runtime.connectors = {(Platform.JSONL, setup.account): connector}
    return runtime
