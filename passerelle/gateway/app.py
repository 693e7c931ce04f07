"""The gateway's ASGI app: authenticate, read, durably start, and only then acknowledge.

For each delivery, in this order: route (404), method (405), content type (415), size (413,
before the body is read past the limit), signature over the raw bytes (401), parse (400 with a
JSON reason), then every interaction is handed to Temporal (a workflow started, or a duplicate
recognised by its workflow id) and only then 200. When Temporal cannot be reached the answer
is 503, so the platform delivers again later; a batch is acknowledged only when all of its
interactions were accepted, and a retried batch starts nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connecteurs.base import Capability, Connecteur, WebhookRequest
from connecteurs.errors import (
    ConnecteurError,
    HandshakeRefused,
    InboundError,
    InvalidSignature,
    RateLimited,
)
from connecteurs.models import Interaction, ThreadEvent
from passerelle.deliver import Delivery
from passerelle.gateway.directory import Directory, UnknownRoute
from passerelle.gateway.metrics import GatewayMetrics

log = structlog.get_logger("passerelle.gateway")

DEFAULT_MAX_BODY = 1024 * 1024
#: Seconds a platform is asked to wait when Passerelle cannot accept now.
RETRY_AFTER_UNAVAILABLE = 5


class Refused(Exception):
    """An answer other than 200, with the reason the platform (or its operator) will read."""

    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = headers or {}


@dataclass
class Gateway:
    """What the app needs, injected so tests and benchmarks build it around a real server.

    Attributes:
        directory: connector instances by name and account.
        deliver: hands one interaction to Temporal; raises when Temporal is unreachable.
        ready: whether Temporal answers (``/readyz``).
    """

    directory: Directory
    deliver: Callable[[Interaction], Awaitable[Delivery]]
    ready: Callable[[], Awaitable[bool]]
    # Signals a thread event (own reply, edit, deletion) to its workflow; None: dropped.
    deliver_event: Callable[[ThreadEvent], Awaitable[Delivery]] | None = None
    max_body: int = DEFAULT_MAX_BODY
    metrics: GatewayMetrics = field(default_factory=GatewayMetrics)

    # -- the webhook route ---------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        name = str(request.path_params["connector"])
        account = request.path_params.get("account")
        label = name if self.directory.knows(name) else "unknown"
        started = time.perf_counter()
        try:
            if request.method in ("GET", "HEAD"):
                response = await self._handshake(request, name, account)
            else:
                response = await self._accept(request, name, account, label)
                self.metrics.accept_seconds.labels(label).observe(time.perf_counter() - started)
        except Refused as refused:
            response = JSONResponse(
                {"error": refused.reason}, status_code=refused.status, headers=refused.headers
            )
            log.info(
                "webhook refused", connector=label, status=refused.status, reason=refused.reason
            )
        self.metrics.requests.labels(label, str(response.status_code)).inc()
        return response

    async def _accept(
        self, request: Request, name: str, account: str | None, label: str
    ) -> Response:
        self._check_route(name)
        self._check_content_type(request, name)
        body = await self._read_body(request)
        delivery = WebhookRequest.make(
            body,
            dict(request.headers),
            method="POST",
            path=request.url.path,
            query=dict(request.query_params),
        )
        try:
            resolved = self.directory.resolve(name, account, delivery)
        except UnknownRoute as err:
            raise Refused(404, str(err)) from None
        except Exception as err:  # reading account ids from an unverified body
            reason = f"cannot tell which account this is for ({type(err).__name__})"
            raise Refused(400, reason) from None
        if resolved.unknown_accounts:
            # Read from a body not yet verified: counted and logged briefly, never echoed.
            unknown = resolved.unknown_accounts
            self.metrics.unknown_accounts.labels(label).inc(len(unknown))
            log.warning(
                "events for accounts not in the config were refused",
                connector=label,
                count=len(unknown),
                accounts=[a[:64] for a in unknown[:5]],
            )
        if not resolved.connectors:
            raise Refused(404, f"the payload names no account configured for {name!r}")
        interactions: list[Interaction] = []
        events: list[ThreadEvent] = []
        for connector in resolved.connectors:
            await self._verify(connector, delivery, label)
            interactions.extend(await self._parse(connector, delivery))
            events.extend(await self._parse(connector, delivery, events=True))
        outcomes = await self._deliver_all(interactions, label)
        # After the interactions: an own reply in the same batch finds its thread started.
        event_outcomes = await self._deliver_events(events, label)
        document: dict[str, object] = {
            "accepted": len(interactions),
            "outcomes": outcomes,
            "refused_accounts": list(resolved.unknown_accounts),
        }
        if events:
            document["events"] = event_outcomes
        return JSONResponse(document)

    def _check_route(self, name: str) -> None:
        if not self.directory.knows(name):
            raise Refused(404, f"no account uses connector {name!r}")
        if Capability.WEBHOOK not in self.directory.all_for(name)[0].manifest.capabilities:
            raise Refused(404, f"connector {name!r} receives no webhooks (Passerelle polls it)")

    def _check_content_type(self, request: Request, name: str) -> None:
        accepted = self.directory.all_for(name)[0].manifest.content_types
        given = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if given not in accepted:
            raise Refused(
                415, f"content type {given or 'missing'!r}; {name} sends {', '.join(accepted)}"
            )

    async def _read_body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None:
            if not (declared.isascii() and declared.isdigit() and len(declared) < 20):
                raise Refused(400, "Content-Length is not a number")
            if int(declared) > self.max_body:
                raise Refused(413, f"body over the {self.max_body}-byte limit")
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > self.max_body:  # chunked bodies have no declared length
                    raise Refused(413, f"body over the {self.max_body}-byte limit")
                chunks.append(chunk)
        except ClientDisconnect:
            raise Refused(400, "the client disconnected before the body ended") from None
        return b"".join(chunks)

    async def _verify(self, connector: Connecteur, delivery: WebhookRequest, label: str) -> None:
        try:
            await connector.verify(delivery)
        except InvalidSignature as err:
            self.metrics.signature_failures.labels(label).inc()
            raise Refused(401, str(err)) from None
        except InboundError as err:
            raise Refused(err.status, str(err)) from None
        except Exception as err:  # a missing secret, a connector bug: ours to fix, not lost
            log.error("verify failed", connector=label, error=type(err).__name__)
            raise Refused(503, "cannot check signatures now", self._retry_header()) from None

    @overload
    async def _parse(
        self, connector: Connecteur, delivery: WebhookRequest, *, events: Literal[False] = False
    ) -> list[Interaction]: ...

    @overload
    async def _parse(
        self, connector: Connecteur, delivery: WebhookRequest, *, events: Literal[True]
    ) -> list[ThreadEvent]: ...

    async def _parse(
        self, connector: Connecteur, delivery: WebhookRequest, *, events: bool = False
    ) -> list[Interaction] | list[ThreadEvent]:
        try:
            if events:
                return await connector.parse_events(delivery)
            return await connector.parse(delivery)
        except InboundError as err:
            raise Refused(err.status, str(err)) from None
        except RateLimited as err:
            # Parsing had to read from the platform (LinkedIn's comment text): come back later.
            wait = str(max(1, int(min(err.retry_after, 86400.0))))
            raise Refused(503, str(err), {"retry-after": wait}) from None
        except ConnecteurError as err:
            raise Refused(503, f"could not read the event: {err}", self._retry_header()) from None

    async def _deliver_all(self, interactions: list[Interaction], label: str) -> list[str]:
        # In order: a reply in the same batch must find its root's workflow started.
        outcomes: list[str] = []
        for interaction in interactions:
            try:
                delivery = await self.deliver(interaction)
            except Exception as err:  # unreachable server, timeout: the platform must retry
                log.warning(
                    "temporal did not accept a delivery",
                    connector=label,
                    error=type(err).__name__,
                    accepted_before=len(outcomes),
                )
                raise Refused(
                    503, "Temporal is unavailable; deliver again later", self._retry_header()
                ) from None
            self.metrics.interactions.labels(label, delivery.outcome.value).inc()
            outcomes.append(delivery.outcome.value)
        return outcomes

    async def _deliver_events(self, events: list[ThreadEvent], label: str) -> list[str]:
        outcomes: list[str] = []
        if self.deliver_event is None:
            return ["ignored"] * len(events)
        for event in events:
            try:
                delivery = await self.deliver_event(event)
            except Exception as err:  # the platform delivers again; events are deduped
                log.warning(
                    "temporal did not accept a thread event",
                    connector=label,
                    error=type(err).__name__,
                )
                raise Refused(
                    503, "Temporal is unavailable; deliver again later", self._retry_header()
                ) from None
            self.metrics.interactions.labels(label, delivery.outcome.value).inc()
            outcomes.append(delivery.outcome.value)
        return outcomes

    @staticmethod
    def _retry_header() -> dict[str, str]:
        return {"retry-after": str(RETRY_AFTER_UNAVAILABLE)}

    async def _handshake(self, request: Request, name: str, account: str | None) -> Response:
        self._check_route(name)
        challenge = WebhookRequest.make(
            b"",
            dict(request.headers),
            method="GET",
            path=request.url.path,
            query=dict(request.query_params),
        )
        if account is not None:
            candidates = self.directory.by_name[name].get(account)
            if candidates is None:
                raise Refused(404, f"account {account!r} is not configured for {name!r}")
            connectors: tuple[Connecteur, ...] = (candidates,)
        else:
            connectors = self.directory.all_for(name)
        refusal = ""
        for connector in connectors:  # one app, several accounts: any may hold the token
            try:
                answer = await connector.handshake(challenge)
            except HandshakeRefused as err:
                refusal = str(err)
                continue
            except Exception as err:
                log.error("handshake failed", connector=name, error=type(err).__name__)
                raise Refused(
                    503, "cannot answer the handshake now", self._retry_header()
                ) from None
            if answer is None:
                raise Refused(405, f"{name} has no verification handshake; POST deliveries")
            return Response(answer.body, status_code=answer.status, media_type=answer.content_type)
        raise Refused(403, refusal or "handshake refused")

    # -- service routes ------------------------------------------------------------------

    async def healthz(self, _: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(self, _: Request) -> Response:
        if await self.ready():
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "temporal unreachable"}, status_code=503)

    async def prometheus(self, _: Request) -> Response:
        return Response(generate_latest(self.metrics.registry), media_type=CONTENT_TYPE_LATEST)


def build_app(gateway: Gateway, **starlette_options: Any) -> Starlette:
    methods = ["GET", "POST"]
    return Starlette(
        routes=[
            Route("/webhooks/{connector}", gateway.webhook, methods=methods),
            Route("/webhooks/{connector}/{account:path}", gateway.webhook, methods=methods),
            Route("/healthz", gateway.healthz, methods=["GET"]),
            Route("/readyz", gateway.readyz, methods=["GET"]),
            Route("/metrics", gateway.prometheus, methods=["GET"]),
        ],
        **starlette_options,
    )
