"""The generic ``webhook`` connector against its documented contract (the module docstring of
connecteurs/webhook/connecteur.py and the README section "The generic webhook connector")."""

from __future__ import annotations

import json
import time

import pytest

from connecteurs.base import AccountContext, WebhookRequest
from connecteurs.errors import (
    AuthError,
    InvalidRequest,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RateLimited,
)
from connecteurs.signatures import SIGNATURE_HEADER, sign, verify_signature
from connecteurs.testing import Failure, body_json
from connecteurs.webhook import WebhookConnecteur, WebhookOptions
from connecteurs.webhook.conformite import ACCOUNT, BATCH, SECRET, SINGLE, signed, target
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
