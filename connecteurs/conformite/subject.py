"""What a connector package hands the conformance kit: how to build the connector against
its fake platform, documented deliveries, and an interaction the fake knows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from connecteurs.base import AccountContext, Connecteur, WebhookRequest
from connecteurs.models import Interaction, Platform
from connecteurs.testing import Failure, FakePlatform


@dataclass
class Harness:
    """A connector wired to its fake peer for one check.

    Attributes:
        connector: the instance under test.
        fail_next: makes the peer's next answer the platform's documented failure;
            ``None`` when the peer cannot (the checks that need it are skipped, with
            the reason given in ``ConformanceSubject.exempt``).
        writes: how many state-changing calls the peer has received so far (the
            idempotency check compares it before and after a retried reply).
    """

    connector: Connecteur
    fail_next: Callable[[Failure], None] | None = None
    writes: Callable[[], int] | None = None


Opener = Callable[[AccountContext], AbstractAsyncContextManager[Harness]]


@dataclass
class ConformanceSubject:
    """Everything the kit needs to check one connector.

    Attributes:
        name: the connector's entry-point name.
        connecteur: its class.
        account, platform, secrets, options: the account the checks run as. Secrets are
            made-up values; the kit checks none of them leaks into logs or errors.
        open: builds the connector against a fresh fake peer (see :func:`http_opener`).
        deliveries: correctly signed webhook deliveries, taken from the platform's
            documentation; together they must hold at least one interaction.
        handshake, handshake_answer: a valid verification request and the exact body the
            platform expects back. ``bad_handshake`` carries a wrong token.
        target: an interaction the fake peer knows, for the actions.
        exempt: check name → why it does not apply to this platform (shown as the skip
            reason; at ``--conformite-strict`` an exemption without a reason fails).
    """

    name: str
    connecteur: type[Connecteur]
    account: str
    open: Opener
    secrets: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    platform: Platform | None = None
    deliveries: Sequence[WebhookRequest] = ()
    handshake: WebhookRequest | None = None
    handshake_answer: bytes | None = None
    bad_handshake: WebhookRequest | None = None
    target: Interaction | None = None
    exempt: Mapping[str, str] = field(default_factory=dict)

    def context(self, secrets: Mapping[str, str] | None = None) -> AccountContext:
        return AccountContext(
            account=self.account,
            platform=self.platform,
            secrets=dict(self.secrets if secrets is None else secrets),
            options=self.connecteur.manifest.options_model.model_validate(dict(self.options)),
        )


def http_opener(connecteur: type[Connecteur], fake: Callable[[], FakePlatform]) -> Opener:
    """The usual :attr:`ConformanceSubject.open` for a connector on a :class:`FakePlatform`."""

    @asynccontextmanager
    async def open_(context: AccountContext) -> AsyncIterator[Harness]:
        platform = fake()
        client = platform.client()
        connector = connecteur(
            context.model_copy(update={"base_url": platform.base_url}), http=client
        )
        try:
            yield Harness(
                connector, fail_next=platform.fail_next, writes=lambda: len(platform.writes)
            )
        finally:
            await connector.aclose()
            await client.aclose()

    return open_
