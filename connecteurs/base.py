"""The connector contract (DESIGN §3): one class per platform, registered under the
``passerelle.connecteurs`` entry-point group, described by a :class:`Manifest`.

A connector instance serves one account. Inbound, it checks and reads webhook deliveries
(:meth:`Connecteur.verify`, :meth:`Connecteur.handshake`, :meth:`Connecteur.parse`) or
polls (:meth:`Connecteur.poll`); outbound, it acts on an interaction (reply, hide, …).
Every method a connector does not declare in its manifest raises
:class:`~connecteurs.errors.UnsupportedAction`; every failure is one of the typed errors of
:mod:`connecteurs.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field

from connecteurs.errors import UnsupportedAction
from connecteurs.models import (
    ActionResult,
    Author,
    ChannelCheck,
    Interaction,
    ModerationAction,
    Platform,
    ThreadEvent,
    ThreadEventKind,
)


class Capability(StrEnum):
    WEBHOOK = "webhook"
    POLL = "poll"
    REPLY = "reply"
    HIDE = "hide"
    UNHIDE = "unhide"
    DELETE = "delete"
    BLOCK = "block"
    DIRECT_MESSAGE = "direct_message"
    PUBLISH = "publish"
    METRICS = "metrics"


#: The capability each method needs, so the kit and ``supports`` agree on one table.
METHOD_OF: Mapping[Capability, str] = {
    Capability.WEBHOOK: "parse",
    Capability.POLL: "poll",
    Capability.REPLY: "reply",
    Capability.HIDE: "hide",
    Capability.UNHIDE: "unhide",
    Capability.DELETE: "delete",
    Capability.BLOCK: "block",
    Capability.DIRECT_MESSAGE: "send_direct_message",
    Capability.PUBLISH: "publish",
    Capability.METRICS: "fetch_metrics",
}


class ConnecteurOptions(BaseModel):
    """Base of a connector's own settings (the ``options`` table of an account)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Manifest(BaseModel):
    """What a connector is and can do; ``passerelle plugins list`` shows it as is.

    Attributes:
        name: the entry-point name (``connector = "…"`` in the config).
        platform: the platform it speaks; ``also_platforms`` lists others served by the same
            API (Meta's Graph API serves Facebook pages and Instagram accounts).
        capabilities: only what the platform really offers; the rest raises
            ``UnsupportedAction`` and the policy falls back to a human.
        secrets: the secret names the connector reads (``app_secret``, ``access_token``…).
        reply_lookup: whether a retried reply finds its own earlier post instead of posting
            again. When ``False``, ``reply_lookup_note`` says why the platform cannot.
        documentation: the platform pages the connector was written from.
        content_types: the media types its webhook deliveries come as; the gateway answers
            415 to any other.
        reauthorize: what an operator does when the platform refuses the credentials:
            which token or secret to renew, which permissions it needs and on which console
            page. Shown with every "channel down" alert; never holds a secret.
    """

    model_config = ConfigDict(frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    platform: Platform
    version: str = Field(pattern=r"^\d+\.\d+\.\d+")
    capabilities: frozenset[Capability]
    options_model: type[ConnecteurOptions] = ConnecteurOptions
    also_platforms: frozenset[Platform] = frozenset()
    secrets: tuple[str, ...] = ()
    reply_lookup: bool = False
    reply_lookup_note: str = ""
    documentation: tuple[str, ...] = ()
    content_types: tuple[str, ...] = ("application/json",)
    reauthorize: str = ""

    @property
    def platforms(self) -> frozenset[Platform]:
        return frozenset({self.platform, *self.also_platforms})


class AccountContext(BaseModel):
    """What a connector instance is given: its account, resolved secrets and options."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    account: str
    platform: Platform | None = None
    secrets: Mapping[str, str] = {}
    options: ConnecteurOptions = ConnecteurOptions()
    base_url: str | None = None

    def secret(self, name: str) -> str:
        """A required secret; the error names it, never its value."""
        try:
            value = self.secrets[name]
        except KeyError:
            raise KeyError(
                f"secret {name!r} is not configured for account {self.account}"
            ) from None
        if not value:
            raise KeyError(f"secret {name!r} is empty for account {self.account}")
        return value


class WebhookRequest(BaseModel):
    """One HTTP delivery as the gateway received it; header names are lower-cased."""

    model_config = ConfigDict(frozen=True)

    method: str = "POST"
    path: str = "/"
    query: dict[str, str] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def make(
        cls,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        *,
        method: str = "POST",
        path: str = "/",
        query: Mapping[str, str] | None = None,
    ) -> WebhookRequest:
        return cls(
            method=method.upper(),
            path=path,
            query=dict(query or {}),
            headers={k.lower(): v for k, v in (headers or {}).items()},
            body=body,
        )

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class WebhookResponse(BaseModel):
    """The answer to a verification handshake (Meta's challenge echo, X's CRC…)."""

    model_config = ConfigDict(frozen=True)

    status: int = 200
    content_type: str = "text/plain"
    body: bytes = b""


class PollResult(BaseModel):
    """A page of new interactions and the cursor to pass to the next poll.

    The cursor is opaque to Passerelle and stored in the poller's workflow state: keep it
    small (an id, a timestamp, a bounded set of recently seen ids).
    """

    model_config = ConfigDict(frozen=True)

    interactions: tuple[Interaction, ...] = ()
    cursor: str | None = None
    events: tuple[ThreadEvent, ...] = ()


class Connecteur:
    """Base class of every connector.

    Subclasses set :attr:`manifest` and override the methods of the capabilities they
    declare. Every action receives an ``idempotency_key`` (workflow id + step) so that a
    retried activity can find its own earlier post instead of posting twice.

    Args:
        context: the account, its resolved secrets and validated options.
        http: the client every HTTP call goes through; tests inject one whose transport is a
            fake platform. The connector makes its own when none is given.
    """

    manifest: ClassVar[Manifest]

    def __init__(self, context: AccountContext, *, http: httpx.AsyncClient | None = None) -> None:
        self.context = context
        self._owns_http = http is None
        self.http = http if http is not None else httpx.AsyncClient(timeout=httpx.Timeout(20.0))

    @property
    def platform(self) -> Platform:
        return self.context.platform or self.manifest.platform

    def supports(self, capability: Capability) -> bool:
        return capability in self.manifest.capabilities

    def _unsupported(self, capability: Capability) -> UnsupportedAction:
        return UnsupportedAction(
            f"connector {self.manifest.name!r} does not support {capability.value!r} "
            f"(declared: {sorted(c.value for c in self.manifest.capabilities)})"
        )

    # -- inbound -------------------------------------------------------------------------

    @classmethod
    def accounts_in(cls, request: WebhookRequest) -> tuple[str, ...]:
        """The accounts a delivery is for, read without trusting it, for platforms that send
        every account's events to one URL (Meta's ``entry[].id``). Empty: the URL says."""
        return ()

    async def verify(self, request: WebhookRequest) -> None:
        """Check the delivery's signature over the raw body.

        Raises:
            InvalidSignature: missing, malformed or wrong signature, or outside the
                platform's replay window.
        """
        raise self._unsupported(Capability.WEBHOOK)

    async def handshake(self, request: WebhookRequest) -> WebhookResponse | None:
        """Answer a verification GET (``None``: this platform has none).

        Raises:
            HandshakeRefused: the request does not carry this account's verify token.
        """
        return None

    async def parse(self, request: WebhookRequest) -> list[Interaction]:
        """Interactions in a verified delivery; events that are not interactions (edits,
        deletions, the account's own posts) are skipped, not errors.

        Raises:
            MalformedPayload: the body is not the platform's documented shape.
        """
        raise self._unsupported(Capability.WEBHOOK)

    async def parse_events(self, request: WebhookRequest) -> list[ThreadEvent]:
        """What a verified delivery says happened to messages already tracked: the account's
        own replies (never an interaction: the team would be answering itself), edits and
        deletions by their authors, moderation on the platform. Default: none.

        Raises:
            MalformedPayload: the body is not the platform's documented shape.
        """
        return []

    async def poll(self, cursor: str | None) -> PollResult:
        """New interactions since ``cursor`` (``None``: start from now or a short backfill),
        and in ``PollResult.events`` what the listing shows happened to tracked messages."""
        raise self._unsupported(Capability.POLL)

    def thread_event(
        self,
        kind: ThreadEventKind,
        *,
        subject: str,
        at: datetime | None,
        detail: str,
        thread: str | None = None,
        ref: str | None = None,
        author: Author | None = None,
        text: str = "",
        fallback: Interaction | None = None,
    ) -> ThreadEvent:
        """A :class:`ThreadEvent` of this account, for ``parse_events`` and ``poll``.

        ``at`` is the platform's time of the event; ``None`` (a delivery with no time at all)
        becomes now, which a redelivery will not share, so pass the platform's time."""
        return ThreadEvent(
            kind=kind,
            platform=self.platform,
            account=self.context.account,
            subject_id=subject,
            thread_id=thread,
            ref=ref,
            author=author,
            text=text,
            at=at or datetime.now(UTC),
            detail=detail,
            fallback=fallback,
        )

    # -- outbound ------------------------------------------------------------------------

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        raise self._unsupported(Capability.REPLY)

    async def send_direct_message(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        raise self._unsupported(Capability.DIRECT_MESSAGE)

    async def hide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        raise self._unsupported(Capability.HIDE)

    async def unhide(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        raise self._unsupported(Capability.UNHIDE)

    async def delete(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        raise self._unsupported(Capability.DELETE)

    async def block(self, interaction: Interaction, *, idempotency_key: str) -> ActionResult:
        """Block or ban the interaction's author from the account."""
        raise self._unsupported(Capability.BLOCK)

    async def publish(self, text: str, *, idempotency_key: str) -> ActionResult:
        raise self._unsupported(Capability.PUBLISH)

    async def fetch_metrics(self, post_id: str) -> dict[str, float]:
        raise self._unsupported(Capability.METRICS)

    async def moderate(
        self, interaction: Interaction, action: ModerationAction, *, idempotency_key: str
    ) -> ActionResult:
        """Dispatch a policy's moderation action to the matching method."""
        capability = Capability(action.value)
        if not self.supports(capability):
            raise self._unsupported(capability)
        method = getattr(self, METHOD_OF[capability])
        result: ActionResult = await method(interaction, idempotency_key=idempotency_key)
        return result

    # -- health --------------------------------------------------------------------------

    async def check_health(self) -> ChannelCheck:
        """Ask the platform whether this account's channel works: token validity and expiry,
        missing permissions, webhook subscription. Cheap read-only calls only: it runs every
        few minutes for every account.

        The default knows nothing (every field ``None``): a connector overrides it with what
        its platform can tell.

        Raises:
            AuthError: the platform refused the credentials (expired or revoked token).
            RetryableError: the platform could not be asked right now.
        """
        return ChannelCheck()

    async def aclose(self) -> None:
        """Release connections; called when the worker stops."""
        if self._owns_http:
            await self.http.aclose()


def options_for(manifest: Manifest, raw: Mapping[str, Any]) -> ConnecteurOptions:
    return manifest.options_model.model_validate(dict(raw))
