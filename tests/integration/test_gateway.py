"""The webhook gateway against the real dev server, with every webhook connector's documented,
correctly signed deliveries (their conformance subjects): accepted once and only once,
refused with the right status and a reason otherwise."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from connecteurs.base import Capability, WebhookRequest
from connecteurs.conformite.loader import load_subject
from connecteurs.conformite.subject import ConformanceSubject
from connecteurs.conformite.suite import tamper
from connecteurs.models import Interaction
from passerelle.deliver import Delivery, deliver
from passerelle.gateway import Directory, Gateway, build_app
from tests.helpers import make_setup

pytestmark = pytest.mark.temporal

WEBHOOK_CONNECTORS = ["meta", "x", "mastodon", "linkedin", "tiktok", "email", "webhook", "jsonl"]


@asynccontextmanager
async def gateway_of(
    subjects: list[ConformanceSubject],
    client: Client,
    tmp_path: Path,
    wrap: Callable[
        [Callable[[Interaction], Awaitable[Delivery]]], Callable[..., Awaitable[Delivery]]
    ]
    | None = None,
) -> AsyncIterator[tuple[httpx.AsyncClient, Gateway]]:
    """An in-process gateway whose connectors talk to their fake platforms (LinkedIn and
    TikTok read from them while parsing) and whose deliveries go to the real dev server."""
    setup = make_setup(tmp_path)
    policy = setup.config.policy()

    async def hand_over(interaction: Interaction) -> Delivery:
        return await deliver(client, interaction, policy, setup.config.task_queue)

    async def ready() -> bool:
        return await client.service_client.check_health()

    async with AsyncExitStack() as stack:
        directory = Directory()
        for subject in subjects:
            harness = await stack.enter_async_context(subject.open(subject.context()))
            directory.by_name.setdefault(subject.name, {})[subject.account] = harness.connector
        gateway = Gateway(
            directory=directory, deliver=wrap(hand_over) if wrap else hand_over, ready=ready
        )
        transport = httpx.ASGITransport(app=build_app(gateway))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield http, gateway


async def post(
    http: httpx.AsyncClient, name: str, delivery: WebhookRequest, account: str | None = None
) -> httpx.Response:
    path = f"/webhooks/{name}" + (f"/{account}" if account else "")
    headers = {k: v for k, v in delivery.headers.items() if k not in ("content-length", "host")}
    return await http.post(path, content=delivery.body, headers=headers)


async def workflows(client: Client, workflow_id: str) -> int:
    return len([w async for w in client.list_workflows(f"WorkflowId = '{workflow_id}'")])


def route_account(subject: ConformanceSubject) -> str | None:
    """Meta and X name the account in the payload; the others are posted to their own URL."""
    return None if subject.name in ("meta", "x", "tiktok") else subject.account


@pytest.mark.parametrize("name", WEBHOOK_CONNECTORS)
async def test_documented_deliveries_start_each_workflow_once(
    client: Client, tmp_path: Path, name: str
) -> None:
    subject = load_subject(name)
    assert Capability.WEBHOOK in subject.connecteur.manifest.capabilities
    async with gateway_of([subject], client, tmp_path) as (http, _):
        first = [await post(http, name, d, route_account(subject)) for d in subject.deliveries]
        again = [await post(http, name, d, route_account(subject)) for d in subject.deliveries]
        async with subject.open(subject.context()) as harness:
            parsed = [i for d in subject.deliveries for i in await harness.connector.parse(d)]
    assert [r.status_code for r in first] == [200] * len(first), [r.text for r in first]
    assert [r.status_code for r in again] == [200] * len(again), [r.text for r in again]
    outcomes = [o for r in first for o in r.json()["outcomes"]]
    repeated = [o for r in again for o in r.json()["outcomes"]]
    assert len(outcomes) == len(parsed) > 0
    assert "started" in outcomes and "started" not in repeated
    roots = {i.workflow_id for i in parsed if not i.is_follow_up}
    for workflow_id in roots:
        assert await workflows(client, workflow_id) == 1, workflow_id


@pytest.mark.parametrize("name", WEBHOOK_CONNECTORS)
async def test_bad_deliveries_are_refused_with_a_reason_and_start_nothing(
    client: Client, tmp_path: Path, name: str
) -> None:
    subject = load_subject(name)
    handed: list[Interaction] = []

    def counting(
        inner: Callable[[Interaction], Awaitable[Delivery]],
    ) -> Callable[..., Awaitable[Delivery]]:
        async def wrapped(interaction: Interaction) -> Delivery:
            handed.append(interaction)
            return await inner(interaction)

        return wrapped

    good = subject.deliveries[0]
    account = route_account(subject)
    async with gateway_of([subject], client, tmp_path, counting) as (http, _):
        tampered = await post(http, name, tamper(good), account)
        unsigned = await post(
            http,
            name,
            good.model_copy(update={"headers": {"content-type": good.headers["content-type"]}}),
            account,
        )
        # Signed correctly but cut in half: the signature of the cut body is what a platform
        # retrying a broken upload would send; here the gateway must refuse before parsing.
        truncated = await post(
            http, name, good.model_copy(update={"body": good.body[:40]}), account
        )
        huge = await http.post(
            f"/webhooks/{name}/{subject.account}",
            content=b"x" * (2 * 1024 * 1024),
            headers={"content-type": good.headers["content-type"]},
        )
        wrong_type = await http.post(
            f"/webhooks/{name}/{subject.account}",
            content=good.body,
            headers={"content-type": "text/html"},
        )
        unknown_account = await http.post(
            f"/webhooks/{name}/no-such-account", content=good.body, headers=good.headers
        )
        unknown_connector = await http.post("/webhooks/myspace", content=b"{}")
        wrong_method = await http.put(f"/webhooks/{name}", content=good.body)
    assert tampered.status_code == 401 and tampered.json()["error"]
    assert unsigned.status_code == 401
    assert truncated.status_code in (400, 401)
    assert huge.status_code == 413 and "limit" in huge.json()["error"]
    assert wrong_type.status_code == 415 and "text/html" in wrong_type.json()["error"]
    assert (
        unknown_account.status_code == 404 and "no-such-account" in unknown_account.json()["error"]
    )
    assert unknown_connector.status_code == 404
    assert wrong_method.status_code == 405
    assert handed == []


async def test_truncated_json_with_a_valid_signature_is_a_400(
    client: Client, tmp_path: Path
) -> None:
    """The generic webhook signs whatever it sends: a signed but cut body reaches parse."""
    import time

    from connecteurs.signatures import SIGNATURE_HEADER, sign
    from connecteurs.webhook.conformite import SECRET
    from connecteurs.webhook.conformite import subject as webhook_subject

    body = b'{"external_id": "cut-1", "text": "hel'
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: sign(SECRET, body, int(time.time())),
    }
    async with gateway_of([webhook_subject()], client, tmp_path) as (http, _):
        response = await http.post("/webhooks/webhook/crm", content=body, headers=headers)
    assert response.status_code == 400
    assert "not JSON" in response.json()["error"]


@pytest.mark.parametrize("name", ["meta", "x", "linkedin"])
async def test_handshakes_are_answered_only_with_the_right_token(
    client: Client, tmp_path: Path, name: str
) -> None:
    subject = load_subject(name)
    assert subject.handshake is not None and subject.bad_handshake is not None
    async with gateway_of([subject], client, tmp_path) as (http, _):
        good = await http.get(f"/webhooks/{name}", params=subject.handshake.query)
        bad = await http.get(f"/webhooks/{name}", params=subject.bad_handshake.query)
    assert good.status_code == 200 and good.content == subject.handshake_answer
    assert bad.status_code == 403


async def test_a_platform_without_handshake_answers_405_to_get(
    client: Client, tmp_path: Path
) -> None:
    async with gateway_of([load_subject("webhook")], client, tmp_path) as (http, _):
        response = await http.get("/webhooks/webhook/crm")
    assert response.status_code == 405


async def test_meta_events_for_a_page_not_in_the_config_are_refused_and_counted(
    client: Client, tmp_path: Path
) -> None:
    subject = load_subject("meta")
    delivery = subject.deliveries[0]
    foreign = delivery.body.replace(subject.account.encode(), b"999999999")
    from connecteurs.signatures import hmac_sha256_hex

    signature = "sha256=" + hmac_sha256_hex(subject.secrets["app_secret"], foreign)
    headers = {**delivery.headers, "x-hub-signature-256": signature}
    async with gateway_of([subject], client, tmp_path) as (http, gateway):
        response = await post(
            http, "meta", delivery.model_copy(update={"body": foreign, "headers": headers})
        )
        metrics = (await http.get("/metrics")).text
    assert response.status_code == 404 and "names no account" in response.json()["error"]
    assert "999999999" not in response.text  # read from an unverified body: never echoed
    assert 'passerelle_gateway_unknown_accounts_total{connector="meta"}' in metrics
    assert gateway.metrics.unknown_accounts.labels("meta")._value.get() == 1


async def test_service_routes(client: Client, tmp_path: Path) -> None:
    subject = load_subject("webhook")
    async with gateway_of([subject], client, tmp_path) as (http, _):
        await post(http, "webhook", tamper(subject.deliveries[0]), "crm")
        health = await http.get("/healthz")
        ready = await http.get("/readyz")
        metrics = await http.get("/metrics")
    assert health.json() == {"status": "ok"} and ready.json() == {"status": "ready"}
    text = metrics.text
    assert 'passerelle_gateway_requests_total{connector="webhook",status="401"} 1.0' in text
    assert 'passerelle_gateway_signature_failures_total{connector="webhook"} 1.0' in text
    assert json.loads(json.dumps(metrics.headers["content-type"])).startswith("text/plain")


async def test_a_batch_is_acknowledged_only_when_all_of_it_is_accepted(
    client: Client, tmp_path: Path
) -> None:
    """Temporal fails on the second event of a batch: 503, and the platform's retry starts
    the second without starting the first again."""
    subject = load_subject("webhook")
    batch = subject.deliveries[1]  # {"events": [evt-2, evt-3 (a reply to evt-2)]}
    calls = 0

    def failing_once(
        inner: Callable[[Interaction], Awaitable[Delivery]],
    ) -> Callable[..., Awaitable[Delivery]]:
        async def wrapped(interaction: Interaction) -> Delivery:
            nonlocal calls
            calls += 1
            if calls == 2:
                raise ConnectionError("Temporal went away")
            return await inner(interaction)

        return wrapped

    async with gateway_of([subject], client, tmp_path, failing_once) as (http, _):
        first = await post(http, "webhook", batch, "crm")
        retried = await post(http, "webhook", batch, "crm")
    assert first.status_code == 503 and first.headers["retry-after"] == "5"
    assert retried.status_code == 200
    assert retried.json()["outcomes"] == ["duplicate", "follow_up"]
    assert await workflows(client, "interaction/webhook/crm/evt-2") == 1


async def test_a_chunked_body_over_the_limit_is_cut_off(client: Client, tmp_path: Path) -> None:
    """No Content-Length to trust: the gateway counts while reading and stops at the limit."""
    subject = load_subject("webhook")
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(64):  # 4 MiB if it were all read
            sent += 1
            yield b"x" * 65536

    async with gateway_of([subject], client, tmp_path) as (http, _):
        response = await http.post(
            "/webhooks/webhook/crm",
            content=chunks(),
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 413
    assert sent < 20  # 1 MiB is 16 chunks: the rest was never read


async def test_odd_requests_get_a_4xx_never_a_500(client: Client, tmp_path: Path) -> None:
    subjects = [load_subject("meta"), load_subject("youtube"), load_subject("webhook")]
    async with gateway_of(subjects, client, tmp_path) as (http, _):
        polled = await http.post(
            "/webhooks/youtube", content=b"{}", headers={"content-type": "application/json"}
        )
        nested = await http.post(
            "/webhooks/meta", content=b"[" * 200_000, headers={"content-type": "application/json"}
        )
        head_meta = await http.head("/webhooks/meta", params={"hub.mode": "subscribe"})
        head_webhook = await http.head("/webhooks/webhook/crm")
        odd_length = await http.post(
            "/webhooks/webhook/crm",
            content=b"{}",
            headers={"content-type": "application/json", "content-length": "9" * 30},
        )
    assert polled.status_code == 404 and "polls it" in polled.json()["error"]
    assert nested.status_code == 400
    assert head_meta.status_code == 403  # a HEAD is a GET without a body: no token, no echo
    assert head_webhook.status_code == 405
    assert odd_length.status_code in (400, 413)


async def test_a_missing_secret_is_a_503_so_nothing_is_lost(client: Client, tmp_path: Path) -> None:
    """A misconfigured account (its secret unset) must not turn deliveries into 401s the
    platform gives up on: 503 until the operator fixes it."""
    subject = load_subject("meta")
    broken = ConformanceSubject(**{**subject.__dict__, "secrets": {"verify_token": "x"}})
    async with gateway_of([broken], client, tmp_path) as (http, _):
        response = await post(http, "meta", subject.deliveries[0])
    assert response.status_code == 503 and response.headers["retry-after"]
