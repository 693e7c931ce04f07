"""The generic ``webhook`` connector against its documented contract (the module docstring of
connecteurs/webhook/connecteur.py and the README section "The generic webhook connector",
which also describes the signed GET health probe and the ``thread_event`` items)."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connecteurs.base import AccountContext, WebhookRequest
from connecteurs.errors import (
    AuthError,
    InvalidRequest,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
)
from connecteurs.models import ThreadEventKind
from connecteurs.signatures import SIGNATURE_HEADER, sign, verify_signature
from connecteurs.testing import Failure, Route, body_json
from connecteurs.webhook import WebhookConnecteur, WebhookOptions
from connecteurs.webhook.conformite import (
    ACCOUNT,
    BATCH,
    MIXED,
    SECRET,
    SINGLE,
    signed,
    target,
)
from connecteurs.webhook.fake import FakeReceiver


@pytest.fixture
def fake() -> FakeReceiver:
    return FakeReceiver(secret=SECRET)


@pytest.fixture
def connector(fake: FakeReceiver) -> WebhookConnecteur:
    context = AccountContext(
        account=ACCOUNT,
        secrets={"signing_secret": SECRET},
        options=WebhookOptions(),
        base_url=fake.base_url,
    )
    return WebhookConnecteur(context, http=fake.client())


async def test_a_batch_becomes_one_interaction_per_event(connector: WebhookConnecteur) -> None:
    found = await connector.parse(signed(BATCH))
    assert [i.id for i in found] == ["webhook:crm:evt-2", "webhook:crm:evt-3"]
    reply = found[1]
    assert (reply.kind, reply.parent_id, reply.thread_id) == ("reply", "evt-2", "evt-2")
    assert reply.workflow_id == "interaction/webhook/crm/evt-3"


async def test_a_signature_older_than_the_window_is_refused(connector: WebhookConnecteur) -> None:
    body = json.dumps(SINGLE).encode()
    old = sign(SECRET, body, int(time.time()) - 301)
    with pytest.raises(InvalidSignature, match="too old"):
        await connector.verify(WebhookRequest.make(body, {SIGNATURE_HEADER: old}))


async def test_an_event_without_author_names_the_field(connector: WebhookConnecteur) -> None:
    with pytest.raises(MalformedPayload, match="author"):
        await connector.parse(signed({"external_id": "e", "text": "hi"}))


async def test_reply_posts_a_signed_json_action_with_its_idempotency_key(
    connector: WebhookConnecteur, fake: FakeReceiver
) -> None:
    result = await connector.reply(target(), "Yes, 6 pm.", idempotency_key="wf-1/reply-1")
    [sent] = fake.sent("POST", "/passerelle/actions")
    assert body_json(sent) == {
        "action": "reply",
        "interaction_id": "webhook:crm:evt-1",
        "external_id": "evt-1",
        "account": "crm",
        "idempotency_key": "wf-1/reply-1",
        "text": "Yes, 6 pm.",
    }
    assert sent.headers["idempotency-key"] == "wf-1/reply-1"
    assert verify_signature(SECRET, sent.headers[SIGNATURE_HEADER], sent.content, time.time())
    assert result.ok and result.platform_ref == "r-1"


async def test_a_retry_sends_the_same_key_and_the_receiver_returns_the_same_ref(
    connector: WebhookConnecteur, fake: FakeReceiver
) -> None:
    first = await connector.reply(target(), "Yes.", idempotency_key="k")
    again = await connector.reply(target(), "Yes.", idempotency_key="k")
    assert first.platform_ref == again.platform_ref == "r-1"
    assert len(fake.handled) == 1


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (Failure.RATE_LIMITED, RateLimited),
        (Failure.EXPIRED_TOKEN, AuthError),
        (Failure.NOT_FOUND, NotFound),
    ],
)
async def test_receiver_failures_are_typed(
    connector: WebhookConnecteur, fake: FakeReceiver, failure: Failure, error: type[Exception]
) -> None:
    fake.fail_next(failure)
    with pytest.raises(error) as raised:
        await connector.hide(target(), idempotency_key="k")
    assert "127.0.0.1" not in str(raised.value)  # no host or query string in messages
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == 30


async def test_an_unknown_item_is_not_found(connector: WebhookConnecteur) -> None:
    gone = target().model_copy(update={"external_id": "evt-404"})
    with pytest.raises(NotFound, match="POST /passerelle/actions → 404"):
        await connector.delete(gone, idempotency_key="k")


async def test_no_base_url_is_a_clear_configuration_error() -> None:
    connector = WebhookConnecteur(AccountContext(account=ACCOUNT, options=WebhookOptions()))
    with pytest.raises(InvalidRequest, match="set base_url"):
        await connector.block(target(), idempotency_key="k")
    await connector.aclose()


# -- channel health: the signed GET probe ------------------------------------------------


async def test_health_probe_is_a_signed_get_that_does_nothing(
    connector: WebhookConnecteur, fake: FakeReceiver
) -> None:
    check = await connector.check_health()
    assert check.token_valid is True
    # A shared secret has no expiry and senders of deliveries cannot be asked.
    assert check.token_expires_at is None and check.subscription_active is None
    assert check.scopes_missing == ()
    assert check.detail == "the receiver answered GET /passerelle/actions → 200"
    [probe] = fake.requests
    assert probe.method == "GET" and probe.content == b""
    assert verify_signature(SECRET, probe.headers[SIGNATURE_HEADER], b"", time.time())
    assert fake.handled == {}


@pytest.mark.parametrize("how", ["revoked", "past its end"])
async def test_health_of_a_refused_secret_is_an_auth_error(
    connector: WebhookConnecteur, fake: FakeReceiver, how: str
) -> None:
    if how == "revoked":
        fake.token_revoked = True
    else:
        fake.token_expires_at = datetime.now(UTC) - timedelta(seconds=1)
    with pytest.raises(AuthError, match="GET /passerelle/actions → 401") as raised:
        await connector.check_health()
    assert SECRET not in f"{raised.value!s} {raised.value!r}"
    # Actions are refused the same way.
    with pytest.raises(AuthError):
        await connector.reply(target(), "x", idempotency_key="k")


async def test_health_of_a_secret_the_receiver_does_not_share(fake: FakeReceiver) -> None:
    context = AccountContext(
        account=ACCOUNT,
        secrets={"signing_secret": "test-some-other-secret-0000"},
        options=WebhookOptions(),
        base_url=fake.base_url,
    )
    async with fake.client() as client:
        with pytest.raises(AuthError, match="bad signature"):
            await WebhookConnecteur(context, http=client).check_health()


async def test_health_cannot_see_an_expiry_coming(
    connector: WebhookConnecteur, fake: FakeReceiver
) -> None:
    fake.token_expires_at = datetime.now(UTC) + timedelta(days=3)
    check = await connector.check_health()
    assert (check.token_valid, check.token_expires_at) == (True, None)


async def test_health_injected_expired_token_is_an_auth_error(
    connector: WebhookConnecteur, fake: FakeReceiver
) -> None:
    fake.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError):
        await connector.check_health()


@pytest.mark.parametrize("status", [404, 405])
async def test_a_receiver_without_the_probe_is_reachable_but_unchecked(
    connector: WebhookConnecteur, fake: FakeReceiver, status: int
) -> None:
    fake.routes.insert(
        0,
        Route(
            "GET",
            re.compile("/passerelle/actions"),
            lambda request, m: httpx.Response(status, json={"error": "Method Not Allowed"}),
        ),
    )
    check = await connector.check_health()
    assert check.token_valid is None
    assert f"→ {status}" in check.detail and "no signed GET probe" in check.detail


@pytest.mark.parametrize(
    ("failure", "error"),
    [(Failure.RATE_LIMITED, RateLimited), (Failure.SERVER_ERROR, TransientError)],
)
async def test_health_failures_are_typed(
    connector: WebhookConnecteur, fake: FakeReceiver, failure: Failure, error: type[Exception]
) -> None:
    fake.fail_next(failure)
    with pytest.raises(error) as raised:
        await connector.check_health()
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == 30


async def test_health_without_base_url_asks_nothing() -> None:
    connector = WebhookConnecteur(AccountContext(account=ACCOUNT, options=WebhookOptions()))
    check = await connector.check_health()
    assert check.token_valid is None and "no base_url" in check.detail
    await connector.aclose()


def test_reauthorize_names_the_secret_and_both_sides() -> None:
    guidance = WebhookConnecteur.manifest.reauthorize
    assert "signing_secret" in guidance and "both sides" in guidance
    assert SECRET not in guidance


# -- thread events (README, "The generic webhook connector") --------------------------------


async def test_an_answer_reported_by_the_sender_is_a_thread_event_not_an_interaction(
    connector: WebhookConnecteur,
) -> None:
    answered = MIXED["events"][1]
    request = signed(answered)
    assert await connector.parse(request) == []
    [event] = await connector.parse_events(request)
    assert event.kind is ThreadEventKind.ANSWERED
    assert (event.platform, event.account) == ("webhook", ACCOUNT)
    assert (event.subject_id, event.thread_id, event.ref) == ("evt-1", "evt-1", "crm-msg-5521")
    assert event.author is not None and event.author.handle == "camille"
    assert event.text == "Yes, every Thursday at 6 pm."
    assert event.at == datetime(2026, 11, 3, 15, 20, tzinfo=UTC)
    assert event.detail == "reported by the sender (answered)"
    [question] = await connector.parse(signed(SINGLE))
    assert event.workflow_id == question.workflow_id
    [again] = await connector.parse_events(signed(answered))
    assert again.key == event.key


async def test_a_batch_mixes_interactions_and_thread_events(connector: WebhookConnecteur) -> None:
    request = signed(MIXED)
    assert [i.external_id for i in await connector.parse(request)] == ["evt-4"]
    answered, edited = await connector.parse_events(request)
    assert answered.kind is ThreadEventKind.ANSWERED
    assert edited.kind is ThreadEventKind.EDITED and edited.text == "Et le samedi matin ?"
    # Léa's follow-up evt-3 lives in the workflow of evt-2, its thread.
    root, follow_up = await connector.parse(signed(BATCH))
    assert follow_up.external_id == edited.subject_id
    assert edited.workflow_id == root.workflow_id


@pytest.mark.parametrize("kind", [k.value for k in ThreadEventKind])
async def test_every_kind_is_accepted_and_a_naive_time_is_utc(
    connector: WebhookConnecteur, kind: str
) -> None:
    document = {"thread_event": kind, "subject_id": "evt-1", "at": "2026-11-03T15:20:00"}
    [event] = await connector.parse_events(signed(document))
    assert event.kind.value == kind and event.thread_id is None and event.author is None
    assert event.at == datetime(2026, 11, 3, 15, 20, tzinfo=UTC)
    assert event.workflow_id == "interaction/webhook/crm/evt-1"


@pytest.mark.parametrize(
    ("document", "where"),
    [
        (
            {"thread_event": "liked", "subject_id": "evt-1", "at": "2026-11-03T15:20:00Z"},
            "thread_event",
        ),
        ({"thread_event": "deleted", "at": "2026-11-03T15:20:00Z"}, "subject_id"),
        ({"thread_event": "deleted", "subject_id": "evt-1"}, "at"),
        ({"thread_event": "edited", "subject_id": "", "at": "2026-11-03T15:20:00Z"}, "subject_id"),
        (
            {"events": [SINGLE, {"thread_event": "deleted", "at": "2026-11-03T15:20:00Z"}]},
            "events.1.subject_id",
        ),
        ({"events": [SINGLE, 7]}, "events.1"),
    ],
)
async def test_a_wrong_thread_event_names_the_field(
    connector: WebhookConnecteur, document: dict[str, object], where: str
) -> None:
    for parse in (connector.parse, connector.parse_events):
        with pytest.raises(MalformedPayload, match=f"^{re.escape(where)}"):
            await parse(signed(document))
