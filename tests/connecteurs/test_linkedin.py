"""The LinkedIn connector against its fake platform.

Doc pages these tests follow (read 2026-11):
- Webhook validation and signature (challengeCode handshake; ``X-LI-Signature`` = hex
  HMAC-SHA256 keyed with the client secret over ``"hmacsha256=" + body``):
  https://learn.microsoft.com/en-us/linkedin/shared/api-guide/webhook-validation
- Notification payloads, actions and the pull finder:
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-social-action-notifications
- Comments API (create with actor/object/message/parentComment, get, list, delete ?actor=):
  https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api
- Error bodies ``{status, serviceErrorCode, code, message}``:
  https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
- Rate limits (daily, reset at midnight UTC, 429):
  https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from connecteurs.base import AccountContext, Capability, WebhookRequest
from connecteurs.errors import (
    AuthError,
    HandshakeRefused,
    InvalidRequest,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
    UnsupportedAction,
)
from connecteurs.linkedin import LinkedinConnecteur, LinkedinOptions
from connecteurs.linkedin.conformite import (
    CHALLENGE_CODE,
    OPTIONS,
    challenge_answer,
    delivery,
    fixture,
    target,
)
from connecteurs.linkedin.connecteur import SEEN_LIMIT, PollCursor
from connecteurs.linkedin.fake import (
    COMMENT_ID,
    COMMENT_TEXT,
    COMMENT_URN,
    FAKE_ACCESS_TOKEN,
    FAKE_APPLICATION_ID,
    FAKE_CLIENT_SECRET,
    FAKE_ORG_ID,
    FAKE_ORG_URN,
    FAKE_SUBSCRIBER,
    MEMBER_URN,
    MENTION_POST_URN,
    MENTION_TEXT,
    OTHER_MEMBER_URN,
    POST_URN,
    REPLY_ID,
    REPLY_TEXT,
    REPLY_URN,
    LinkedinFake,
    error,
)
from connecteurs.models import (
    Author,
    Interaction,
    InteractionKind,
    Platform,
    ThreadEvent,
    ThreadEventKind,
    body_sha256,
    workflow_id_for,
)
from connecteurs.testing import Failure, body_form, body_json

SECRETS = {"client_secret": FAKE_CLIENT_SECRET, "access_token": FAKE_ACCESS_TOKEN}
NOW = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


def enc(urn: str) -> str:
    return quote(urn, safe="")


def make(
    fake: LinkedinFake,
    client: httpx.AsyncClient,
    *,
    secrets: dict[str, str] | None = None,
    clock: datetime | None = NOW,
    **options: Any,
) -> LinkedinConnecteur:
    context = AccountContext(
        account=FAKE_ORG_ID,
        secrets=SECRETS if secrets is None else secrets,
        options=LinkedinOptions(**options),
        base_url=fake.base_url,
    )
    return LinkedinConnecteur(
        context, http=client, clock=(lambda: clock) if clock is not None else None
    )


@pytest.fixture
def fake() -> LinkedinFake:
    return LinkedinFake()


@pytest.fixture
async def client(fake: LinkedinFake) -> AsyncIterator[httpx.AsyncClient]:
    async with fake.client() as http:
        yield http


@pytest.fixture
def li(fake: LinkedinFake, client: httpx.AsyncClient) -> LinkedinConnecteur:
    return make(fake, client)


def body_of(notifications: list[dict[str, Any]], kind: str | None = None) -> bytes:
    return json.dumps(
        {"type": kind or "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": notifications}
    ).encode()


def note(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "notificationId": 1,
        "organizationalEntity": FAKE_ORG_URN,
        "action": "COMMENT",
        "sourcePost": POST_URN,
        "generatedActivity": COMMENT_URN,
        "lastModifiedAt": 1691574506310,
    }
    base.update(fields)
    return base


# -- manifest ------------------------------------------------------------------------------


def test_manifest_declares_only_what_linkedin_offers() -> None:
    manifest = LinkedinConnecteur.manifest
    assert manifest.capabilities == {
        Capability.WEBHOOK,
        Capability.POLL,
        Capability.REPLY,
        Capability.DELETE,
    }
    assert manifest.secrets == ("client_secret", "access_token")
    assert manifest.reply_lookup is True
    assert any("webhook-validation" in url for url in manifest.documentation)


async def test_undeclared_actions_raise_unsupported(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    with pytest.raises(UnsupportedAction):
        await li.hide(target(), idempotency_key="k")
    with pytest.raises(UnsupportedAction):
        await li.block(target(), idempotency_key="k")
    with pytest.raises(UnsupportedAction):
        await li.send_direct_message(target(), "hi", idempotency_key="k")
    assert fake.requests == []


# -- signature -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "comment_notification.json",
        "reply_notification.json",
        "mention_notification.json",
        "admin_reply_notification.json",
        "comment_edit_notification.json",
        "comment_delete_notification.json",
    ],
)
async def test_signature_accepted(li: LinkedinConnecteur, name: str) -> None:
    await li.verify(delivery(fixture(name)))


async def test_signature_is_over_prefixed_body_with_client_secret(li: LinkedinConnecteur) -> None:
    body = fixture("comment_notification.json")
    prefixed = hmac.new(FAKE_CLIENT_SECRET.encode(), b"hmacsha256=" + body, hashlib.sha256)
    await li.verify(WebhookRequest.make(body, {"X-LI-Signature": prefixed.hexdigest()}))
    await li.verify(WebhookRequest.make(body, {"X-LI-Signature": prefixed.hexdigest().upper()}))
    await li.verify(
        WebhookRequest.make(body, {"X-LI-Signature": "hmacsha256=" + prefixed.hexdigest()})
    )
    # The body alone, without the documented prefix, is not what LinkedIn signs.
    bare = hmac.new(FAKE_CLIENT_SECRET.encode(), body, hashlib.sha256).hexdigest()
    with pytest.raises(InvalidSignature):
        await li.verify(WebhookRequest.make(body, {"X-LI-Signature": bare}))


async def test_signature_rejected_wrong_secret(li: LinkedinConnecteur) -> None:
    with pytest.raises(InvalidSignature):
        await li.verify(delivery(fixture("comment_notification.json"), secret="other-secret"))


async def test_signature_rejected_missing_header(li: LinkedinConnecteur) -> None:
    body = fixture("comment_notification.json")
    with pytest.raises(InvalidSignature, match="X-LI-Signature"):
        await li.verify(WebhookRequest.make(body, {"Content-Type": "application/json"}))


async def test_signature_rejected_tampered_body(li: LinkedinConnecteur) -> None:
    good = delivery(fixture("comment_notification.json"))
    tampered = good.model_copy(update={"body": good.body.replace(b"Sumit", b"Sumiy")})
    with pytest.raises(InvalidSignature) as caught:
        await li.verify(tampered)
    assert FAKE_CLIENT_SECRET not in str(caught.value)


async def test_signature_without_client_secret_is_refused(
    fake: LinkedinFake, client: httpx.AsyncClient
) -> None:
    li = make(fake, client, secrets={"access_token": FAKE_ACCESS_TOKEN})
    with pytest.raises(InvalidSignature, match="client_secret"):
        await li.verify(delivery(fixture("comment_notification.json")))


# -- handshake -----------------------------------------------------------------------------


async def test_handshake_answers_challenge(li: LinkedinConnecteur) -> None:
    request = WebhookRequest.make(method="GET", query={"challengeCode": CHALLENGE_CODE})
    response = await li.handshake(request)
    assert response is not None
    assert response.status == 200
    assert response.content_type == "application/json"
    answer = json.loads(response.body)
    expected = hmac.new(
        FAKE_CLIENT_SECRET.encode(), CHALLENGE_CODE.encode(), hashlib.sha256
    ).hexdigest()
    assert answer == {"challengeCode": CHALLENGE_CODE, "challengeResponse": expected}
    assert response.body == challenge_answer(CHALLENGE_CODE)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"challengeCode": ""},
        # Not a UUID: refusing it keeps the handshake from signing "hmacsha256=" + a forged
        # body with the client secret (the webhook signature's exact input).
        {"challengeCode": 'hmacsha256={"type":"ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"}'},
    ],
)
async def test_handshake_refused(li: LinkedinConnecteur, query: dict[str, str]) -> None:
    with pytest.raises(HandshakeRefused):
        await li.handshake(WebhookRequest.make(method="GET", query=query))


async def test_post_is_not_a_handshake(li: LinkedinConnecteur) -> None:
    assert await li.handshake(delivery(fixture("comment_notification.json"))) is None


# -- parse ---------------------------------------------------------------------------------


async def test_parse_decorated_comment(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    request = delivery(fixture("comment_notification.json"))
    [item] = await li.parse(request)  # LIKE, ADMIN_COMMENT and COMMENT_EDIT are skipped
    assert item.external_id == COMMENT_URN
    assert item.id == f"linkedin:{FAKE_ORG_ID}:{COMMENT_URN}"
    assert item.platform is Platform.LINKEDIN
    assert item.account == FAKE_ORG_ID
    assert item.kind is InteractionKind.COMMENT
    assert item.text == COMMENT_TEXT
    assert item.author.id == MEMBER_URN
    assert item.author.handle == "zLqTygBP8S"
    assert item.post_id == POST_URN
    assert item.thread_id is None and item.parent_id is None
    assert item.created_at == datetime.fromtimestamp(1691574506.310, UTC)
    assert item.received_at == NOW
    assert item.raw_sha256 == body_sha256(request.body)
    assert item.reply_context == {"object": POST_URN, "comment_id": COMMENT_ID}
    assert fake.requests == []  # the text came with the delivery


async def test_parse_undecorated_reply_fetches_comment(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    [item] = await li.parse(delivery(fixture("reply_notification.json")))
    [request] = fake.requests
    assert request.method == "GET"
    assert (
        request.url.raw_path.decode() == f"/rest/socialActions/{enc(POST_URN)}/comments/{REPLY_ID}"
    )
    assert request.headers["authorization"] == f"Bearer {FAKE_ACCESS_TOKEN}"
    assert request.headers["x-restli-protocol-version"] == "2.0.0"
    assert request.headers["linkedin-version"] == "202609"
    assert item.external_id == REPLY_URN
    assert item.kind is InteractionKind.REPLY
    assert item.text == REPLY_TEXT
    assert item.author.id == OTHER_MEMBER_URN
    assert item.parent_id == COMMENT_URN
    assert item.thread_id == COMMENT_URN
    assert item.root_external_id == COMMENT_URN
    assert item.created_at == datetime.fromtimestamp(1691574506.310, UTC)


async def test_parse_decorated_mention(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    [item] = await li.parse(delivery(fixture("mention_notification.json")))
    assert item.kind is InteractionKind.MENTION
    assert item.external_id == MENTION_POST_URN
    assert item.post_id == MENTION_POST_URN
    assert item.text == MENTION_TEXT
    assert item.author.id == OTHER_MEMBER_URN
    assert item.created_at == datetime.fromtimestamp(1691574700, UTC)
    assert fake.requests == []


async def test_parse_undecorated_mention_fetches_post(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    body = body_of([note(action="SHARE_MENTION", generatedActivity=MENTION_POST_URN)])
    [item] = await li.parse(delivery(body))
    assert [r.url.raw_path.decode() for r in fake.requests] == [
        f"/rest/posts/{enc(MENTION_POST_URN)}"
    ]
    assert item.text == MENTION_TEXT
    assert item.author.id == OTHER_MEMBER_URN
    assert item.created_at == datetime.fromtimestamp((1691574506310 + 6000) / 1000, UTC)


async def test_parse_ids_are_stable_across_urn_spellings(li: LinkedinConnecteur) -> None:
    short = body_of(
        [note(generatedActivity=f"urn:li:comment:(activity:{POST_URN[16:]},{COMMENT_ID})")]
    )
    full = body_of([note()])
    [a] = await li.parse(delivery(short))
    [b] = await li.parse(delivery(full))
    [c] = await li.parse(delivery(fixture("comment_notification.json")))
    assert a.id == b.id == c.id == Interaction.make_id("linkedin", FAKE_ORG_ID, COMMENT_URN)


@pytest.mark.parametrize(
    "notification",
    [
        note(action="LIKE"),
        note(action="SHARE", generatedActivity="urn:li:share:1"),
        note(action="ADMIN_COMMENT"),
        note(action="COMMENT_EDIT"),
        note(action="COMMENT_DELETE"),
        note(organizationalEntity="urn:li:organization:999"),  # another organization
        note(
            decoratedGeneratedActivity={
                "comment": {"owner": FAKE_ORG_URN, "text": "Thanks!", "entity": COMMENT_URN}
            }
        ),  # the organization's own comment
        note(generatedActivity=f"urn:li:comment:({POST_URN},123)"),  # deleted since (404)
    ],
    ids=["like", "share", "admin", "edit", "delete", "other-org", "own", "gone"],
)
async def test_parse_skips_non_interactions(
    li: LinkedinConnecteur, notification: dict[str, Any]
) -> None:
    assert await li.parse(delivery(body_of([notification]))) == []


async def test_parse_skips_other_event_types(li: LinkedinConnecteur) -> None:
    lead = {"type": "LEAD_ACTION", "leadGenFormResponse": "urn:li:leadGenFormResponse:1"}
    assert await li.parse(delivery(json.dumps(lead).encode())) == []


async def test_parse_dedupes_a_comment_named_twice(li: LinkedinConnecteur) -> None:
    body = body_of([note(notificationId=1), note(notificationId=2)])
    assert [i.external_id for i in await li.parse(delivery(body))] == [COMMENT_URN]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"null",
        b"[1, 2]",
        b"\xff\xfe\x00",
        b'{"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"}',
        body_of([note(notificationId="abc")]),
        body_of([{"action": "COMMENT"}]),
        body_of([note(generatedActivity=None)]),  # COMMENT without a comment URN
        body_of([note(action="SHARE_MENTION", generatedActivity=None)]),
        body_of(
            [
                note(
                    lastModifiedAt=None,
                    decoratedGeneratedActivity={
                        "comment": {"owner": MEMBER_URN, "text": "x", "entity": COMMENT_URN}
                    },
                )
            ]
        ),  # no time anywhere
    ],
    ids=[
        "empty",
        "not-json",
        "null",
        "list",
        "binary",
        "no-notifications",
        "bad-id",
        "no-fields",
        "comment-no-urn",
        "mention-no-post",
        "no-time",
    ],
)
async def test_parse_malformed(li: LinkedinConnecteur, body: bytes) -> None:
    with pytest.raises(MalformedPayload):
        await li.parse(delivery(body))


# -- thread events: what happened on LinkedIn itself ---------------------------------------

ORG_REPLY_ID = "7094990000000000002"
ORG_REPLY_URN = f"urn:li:comment:({POST_URN},{ORG_REPLY_ID})"
ORG_REPLY_TEXT = "The beta opens on September 4th, we will post the link here."


async def events_of(li: LinkedinConnecteur, body: bytes) -> list[ThreadEvent]:
    request = delivery(body)
    await li.verify(request)
    return await li.parse_events(request)


async def test_organization_reply_is_answered_never_an_interaction(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    [comment] = await li.parse(delivery(fixture("comment_notification.json")))
    fake.add_comment(
        FAKE_ORG_URN, POST_URN, ORG_REPLY_TEXT, parent=COMMENT_URN, comment_id=ORG_REPLY_ID
    )
    assert await li.parse(delivery(fixture("admin_reply_notification.json"))) == []
    [answer] = await events_of(li, fixture("admin_reply_notification.json"))
    assert answer.kind is ThreadEventKind.ANSWERED
    assert (answer.platform, answer.account) == (Platform.LINKEDIN, FAKE_ORG_ID)
    assert (answer.subject_id, answer.thread_id, answer.ref) == (
        COMMENT_URN,
        COMMENT_URN,
        ORG_REPLY_URN,
    )
    assert answer.author == Author(id=FAKE_ORG_URN, handle=FAKE_ORG_ID)
    assert answer.text == ORG_REPLY_TEXT
    assert answer.at == datetime.fromtimestamp(1691574800, UTC)
    assert answer.detail == "notification action=ADMIN_COMMENT"
    assert answer.workflow_id == comment.workflow_id
    # The decoration does not say which comment it answers: the Comments API does.
    [read] = fake.requests
    assert read.url.raw_path.decode() == (
        f"/rest/socialActions/{enc(POST_URN)}/comments/{ORG_REPLY_ID}"
    )


async def test_organization_reply_under_a_reply_goes_to_the_threads_root(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    [reply] = await li.parse(delivery(fixture("reply_notification.json")))
    fake.add_comment(
        FAKE_ORG_URN, POST_URN, ORG_REPLY_TEXT, parent=COMMENT_URN, comment_id=ORG_REPLY_ID
    )
    [answer] = await events_of(li, fixture("admin_reply_notification.json"))
    assert answer.workflow_id == workflow_id_for(
        Platform.LINKEDIN, FAKE_ORG_ID, reply.root_external_id
    )


async def test_decorated_organization_reply_needs_no_read(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    decorated = {
        "comment": {
            "owner": FAKE_ORG_URN,
            "text": "Thanks!",
            "entity": ORG_REPLY_URN,
            "parentComment": COMMENT_URN,
        }
    }
    for action in ("ADMIN_COMMENT", "COMMENT"):
        body = body_of([note(action=action, decoratedGeneratedActivity=decorated)])
        [answer] = await li.parse_events(delivery(body))
        assert (answer.kind, answer.subject_id, answer.text) == (
            ThreadEventKind.ANSWERED,
            COMMENT_URN,
            "Thanks!",
        )
    assert fake.requests == []


async def test_organization_comment_on_its_post_is_no_event(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    fake.add_comment(FAKE_ORG_URN, POST_URN, "Sign up below!", comment_id=ORG_REPLY_ID)
    assert await events_of(li, fixture("admin_reply_notification.json")) == []


async def test_comment_edit_is_edited(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    [comment] = await li.parse(delivery(fixture("comment_notification.json")))
    assert await li.parse(delivery(fixture("comment_edit_notification.json"))) == []
    [edit] = await events_of(li, fixture("comment_edit_notification.json"))
    assert edit.kind is ThreadEventKind.EDITED
    assert (edit.subject_id, edit.thread_id, edit.ref) == (COMMENT_URN, None, None)
    assert edit.text == "Commenting as Sumit Butola... (edited: is there a waiting list?)"
    assert edit.author == Author(id=MEMBER_URN, handle="zLqTygBP8S")
    assert edit.at == datetime.fromtimestamp(1691574900, UTC)
    assert edit.detail == "notification action=COMMENT_EDIT"
    assert edit.workflow_id == comment.workflow_id
    assert fake.requests == []  # the new text came with the delivery


async def test_undecorated_edit_reads_the_new_text(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    # comment_notification.json: its ADMIN_COMMENT names a comment the Comments API no
    # longer has (skipped), its COMMENT_EDIT has no decoration.
    fake.comments[COMMENT_URN]["message"]["text"] = "Edited: when does the beta open?"
    [edit] = await events_of(li, fixture("comment_notification.json"))
    assert (edit.kind, edit.subject_id) == (ThreadEventKind.EDITED, COMMENT_URN)
    assert edit.text == "Edited: when does the beta open?"
    assert edit.author is not None and edit.author.id == MEMBER_URN


async def test_edit_of_a_reply_goes_to_its_thread(li: LinkedinConnecteur) -> None:
    [reply] = await li.parse(delivery(fixture("reply_notification.json")))
    body = body_of([note(action="COMMENT_EDIT", generatedActivity=REPLY_URN)])
    [edit] = await li.parse_events(delivery(body))
    assert (edit.subject_id, edit.thread_id) == (REPLY_URN, COMMENT_URN)
    assert edit.workflow_id == workflow_id_for(
        Platform.LINKEDIN, FAKE_ORG_ID, reply.root_external_id
    )


async def test_comment_delete_is_deleted(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    [comment] = await li.parse(delivery(fixture("comment_notification.json")))
    assert await li.parse(delivery(fixture("comment_delete_notification.json"))) == []
    [deleted] = await events_of(li, fixture("comment_delete_notification.json"))
    assert deleted.kind is ThreadEventKind.DELETED
    assert (deleted.subject_id, deleted.thread_id, deleted.author) == (COMMENT_URN, None, None)
    assert deleted.at == datetime.fromtimestamp(1691575000, UTC)
    assert deleted.detail == "notification action=COMMENT_DELETE"
    assert deleted.workflow_id == comment.workflow_id
    assert fake.requests == []  # a deleted comment cannot be read


@pytest.mark.parametrize(
    "notification",
    [
        note(action="COMMENT_EDIT", generatedActivity=ORG_REPLY_URN),  # the organization's own
        note(
            action="COMMENT_DELETE",
            decoratedGeneratedActivity={"comment": {"owner": FAKE_ORG_URN, "entity": COMMENT_URN}},
        ),
        note(action="COMMENT_EDIT", generatedActivity=f"urn:li:comment:({POST_URN},123)"),  # gone
        note(action="COMMENT_DELETE", organizationalEntity="urn:li:organization:999"),
        note(),  # a member's comment: parse's
        note(action="SHARE_MENTION", generatedActivity=MENTION_POST_URN),
        note(action="LIKE"),
    ],
    ids=["own-edit", "own-delete", "gone", "other-org", "comment", "mention", "like"],
)
async def test_no_thread_event(
    li: LinkedinConnecteur, fake: LinkedinFake, notification: dict[str, Any]
) -> None:
    fake.add_comment(FAKE_ORG_URN, POST_URN, "Ours", parent=COMMENT_URN, comment_id=ORG_REPLY_ID)
    assert await li.parse_events(delivery(body_of([notification]))) == []


async def test_redelivered_events_keep_their_keys(li: LinkedinConnecteur) -> None:
    for name in ("comment_edit_notification.json", "comment_delete_notification.json"):
        [first] = await li.parse_events(delivery(fixture(name)))
        [again] = await li.parse_events(delivery(fixture(name)))
        assert first.key == again.key


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b'{"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"}',
        body_of([note(notificationId="abc")]),
        body_of([note(action="ADMIN_COMMENT", generatedActivity=None)]),
        body_of([note(action="COMMENT_EDIT", generatedActivity="urn:li:share:1")]),
        body_of([note(action="COMMENT_DELETE", generatedActivity=None)]),
        body_of([note(action="COMMENT_DELETE", lastModifiedAt=None)]),
    ],
    ids=[
        "empty",
        "null",
        "no-notifications",
        "bad-id",
        "admin-no-urn",
        "edit-not-a-comment",
        "delete-no-urn",
        "delete-no-time",
    ],
)
async def test_parse_events_malformed(li: LinkedinConnecteur, body: bytes) -> None:
    with pytest.raises(MalformedPayload):
        await li.parse_events(delivery(body))


def test_accounts_in_reads_organization_ids() -> None:
    body = body_of([note(), note(organizationalEntity="urn:li:organization:42")])
    assert LinkedinConnecteur.accounts_in(WebhookRequest.make(body)) == ("2414183", "42")
    assert LinkedinConnecteur.accounts_in(WebhookRequest.make(b"nope")) == ()


# -- reply ---------------------------------------------------------------------------------


async def test_reply_to_comment(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    result = await li.reply(target(), "Thanks, the beta opens in May.", idempotency_key="wf/1")
    lookup, post = fake.requests
    assert lookup.method == "GET"
    assert lookup.url.raw_path.decode().startswith(
        f"/rest/socialActions/{enc(COMMENT_URN)}/comments?"
    )
    assert post.method == "POST"
    assert post.url.raw_path.decode() == f"/rest/socialActions/{enc(COMMENT_URN)}/comments"
    assert post.headers["authorization"] == f"Bearer {FAKE_ACCESS_TOKEN}"
    assert post.headers["linkedin-version"] == "202609"
    assert post.headers["x-restli-protocol-version"] == "2.0.0"
    assert body_json(post) == {
        "actor": FAKE_ORG_URN,
        "object": POST_URN,
        "message": {"text": "Thanks, the beta opens in May."},
        "parentComment": COMMENT_URN,
    }
    [created] = fake.comments_by(FAKE_ORG_URN)
    assert created["parentComment"] == COMMENT_URN
    assert result.ok and result.action == "reply"
    assert result.platform_ref == created["commentUrn"]


async def test_reply_to_a_reply_answers_the_thread_root(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    [item] = await li.parse(delivery(fixture("reply_notification.json")))
    fake.requests.clear()
    await li.reply(item, "Soon!", idempotency_key="wf/2")
    post = fake.sent("POST", r"/rest/socialActions/.*/comments")[0]
    assert post.url.raw_path.decode() == f"/rest/socialActions/{enc(COMMENT_URN)}/comments"
    assert body_json(post)["parentComment"] == COMMENT_URN


async def test_reply_to_mention_comments_on_the_post(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    [item] = await li.parse(delivery(fixture("mention_notification.json")))
    result = await li.reply(item, "Thank you!", idempotency_key="wf/3")
    [post] = fake.sent("POST", r"/rest/socialActions/.*/comments")
    assert post.url.raw_path.decode() == f"/rest/socialActions/{enc(MENTION_POST_URN)}/comments"
    assert body_json(post) == {
        "actor": FAKE_ORG_URN,
        "object": MENTION_POST_URN,
        "message": {"text": "Thank you!"},
    }
    assert result.platform_ref is not None and MENTION_POST_URN in result.platform_ref


async def test_retried_reply_posts_once(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    first = await li.reply(target(), "Merci !", idempotency_key="wf/reply")
    again = await li.reply(target(), "Merci !", idempotency_key="wf/reply")
    assert first.platform_ref == again.platform_ref
    assert len(fake.sent("POST", r".*")) == 1
    assert len(fake.comments_by(FAKE_ORG_URN)) == 1


async def test_reply_finds_earlier_reply_made_before_a_crash(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    earlier = fake.add_comment(FAKE_ORG_URN, POST_URN, "Merci !", parent=COMMENT_URN)
    result = await li.reply(target(), " Merci ! ", idempotency_key="wf/reply")
    assert result.platform_ref == earlier["commentUrn"]
    assert fake.writes == []


async def test_reply_lookup_ignores_other_authors_and_texts(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    fake.add_comment(MEMBER_URN, POST_URN, "Merci !", parent=COMMENT_URN)
    fake.add_comment(FAKE_ORG_URN, POST_URN, "Autre chose", parent=COMMENT_URN)
    await li.reply(target(), "Merci !", idempotency_key="wf/reply")
    assert len(fake.writes) == 1


async def test_reply_without_text_is_refused(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    with pytest.raises(InvalidRequest):
        await li.reply(target(), "   ", idempotency_key="wf/reply")
    assert fake.requests == []


async def test_linkedin_version_option_is_sent(
    fake: LinkedinFake, client: httpx.AsyncClient
) -> None:
    li = make(fake, client, linkedin_version="202611")
    await li.reply(target(), "ok", idempotency_key="k")
    assert {r.headers["linkedin-version"] for r in fake.requests} == {"202611"}


# -- delete --------------------------------------------------------------------------------


async def test_delete_comment(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    result = await li.delete(target(), idempotency_key="wf/delete")
    [request] = fake.requests
    assert request.method == "DELETE"
    assert request.url.raw_path.decode() == (
        f"/rest/socialActions/{enc(POST_URN)}/comments/{COMMENT_ID}?actor={enc(FAKE_ORG_URN)}"
    )
    assert request.headers["authorization"] == f"Bearer {FAKE_ACCESS_TOKEN}"
    assert COMMENT_URN not in fake.comments
    assert result.ok and result.platform_ref == COMMENT_URN


async def test_delete_nested_comment_under_its_parent(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    [item] = await li.parse(delivery(fixture("reply_notification.json")))
    await li.delete(item, idempotency_key="wf/delete")
    request = fake.sent("DELETE", r".*")[0]
    assert request.url.raw_path.decode().startswith(
        f"/rest/socialActions/{enc(COMMENT_URN)}/comments/{REPLY_ID}?"
    )
    assert REPLY_URN not in fake.comments


async def test_delete_twice_is_not_found(li: LinkedinConnecteur) -> None:
    await li.delete(target(), idempotency_key="wf/delete")
    with pytest.raises(NotFound):
        await li.delete(target(), idempotency_key="wf/delete")


async def test_delete_mention_is_refused(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    [item] = await li.parse(delivery(fixture("mention_notification.json")))
    with pytest.raises(InvalidRequest, match="comments only"):
        await li.delete(item, idempotency_key="wf/delete")
    assert fake.writes == []


# -- errors --------------------------------------------------------------------------------


async def test_rate_limited_waits_until_midnight_utc(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await li.reply(target(), "ok", idempotency_key="k")
    assert caught.value.retry_after == 7200  # 22:00 UTC → 00:00 UTC
    assert "throttle" in str(caught.value)


async def test_rate_limited_honours_retry_after(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    fake.rate_limit_headers = {"Retry-After": "120"}
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await li.reply(target(), "ok", idempotency_key="k")
    assert caught.value.retry_after == 120


async def test_comment_creation_throttle_waits_a_minute(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    fake.canned.extend(
        [
            httpx.Response(200, json={"elements": [], "paging": {"start": 0, "count": 100}}),
            error(429, "Comment create throttled: creation rate limit exceeded for member"),
        ]
    )
    with pytest.raises(RateLimited) as caught:
        await li.reply(target(), "ok", idempotency_key="k")
    assert caught.value.retry_after == 60


async def test_expired_token_is_auth_error(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    fake.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError) as caught:
        await li.delete(target(), idempotency_key="k")
    assert "EXPIRED_ACCESS_TOKEN" in str(caught.value)
    assert FAKE_ACCESS_TOKEN not in str(caught.value)
    assert "127.0.0.1" not in str(caught.value)


async def test_wrong_token_is_auth_error_without_the_token(
    fake: LinkedinFake, client: httpx.AsyncClient
) -> None:
    secrets = {**SECRETS, "access_token": "a-revoked-token-0000000"}
    li = make(fake, client, secrets=secrets)
    with pytest.raises(AuthError) as caught:
        await li.reply(target(), "ok", idempotency_key="k")
    assert "a-revoked-token-0000000" not in str(caught.value)


async def test_missing_token_is_auth_error_before_any_call(
    fake: LinkedinFake, client: httpx.AsyncClient
) -> None:
    li = make(fake, client, secrets={"client_secret": FAKE_CLIENT_SECRET})
    with pytest.raises(AuthError, match="access_token"):
        await li.reply(target(), "ok", idempotency_key="k")
    assert fake.requests == []


async def test_not_an_admin_is_auth_error(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    fake.canned.append(error(403, "Not enough permissions to access", "ACCESS_DENIED", 100))
    with pytest.raises(AuthError):
        await li.delete(target(), idempotency_key="k")


async def test_deleted_target_is_not_found(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    fake.fail_next(Failure.NOT_FOUND)
    with pytest.raises(NotFound):
        await li.reply(target(), "ok", idempotency_key="k")
    del fake.comments[COMMENT_URN]
    with pytest.raises(NotFound):
        await li.delete(target(), idempotency_key="k")


async def test_server_error_is_transient(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    fake.fail_next(Failure.SERVER_ERROR)
    with pytest.raises(TransientError):
        await li.reply(target(), "ok", idempotency_key="k")


@pytest.mark.parametrize("status", [400, 422])
async def test_refused_request_is_invalid(
    li: LinkedinConnecteur, fake: LinkedinFake, status: int
) -> None:
    fake.canned.append(error(status, "/message/text :: field is required", "FIELD_MISSING"))
    with pytest.raises(InvalidRequest, match="FIELD_MISSING"):
        await li.delete(target(), idempotency_key="k")


async def test_secret_echoed_by_platform_is_redacted(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    fake.canned.append(error(401, f"Invalid token {FAKE_ACCESS_TOKEN}", "INVALID_ACCESS_TOKEN"))
    with pytest.raises(AuthError) as caught:
        await li.delete(target(), idempotency_key="k")
    assert FAKE_ACCESS_TOKEN not in str(caught.value)
    assert "[redacted]" in str(caught.value)


async def test_parse_propagates_platform_errors(li: LinkedinConnecteur, fake: LinkedinFake) -> None:
    # The fetch of an undecorated comment is a LinkedIn call: a 5xx makes the delivery
    # fail, and LinkedIn redelivers it (every 5 minutes for 8 hours).
    fake.fail_next(Failure.SERVER_ERROR)
    with pytest.raises(TransientError):
        await li.parse(delivery(fixture("reply_notification.json")))


# -- poll ----------------------------------------------------------------------------------


async def test_poll_backfills_comments_and_mentions(
    fake: LinkedinFake, client: httpx.AsyncClient
) -> None:
    li = make(fake, client, clock=None)
    result = await li.poll(None)
    assert [(i.kind, i.external_id) for i in result.interactions] == [
        (InteractionKind.COMMENT, COMMENT_URN),
        (InteractionKind.MENTION, MENTION_POST_URN),
    ]
    assert result.interactions[0].text == COMMENT_TEXT
    assert result.interactions[1].text == MENTION_TEXT
    pull = fake.requests[0]
    query = pull.url.query.decode()
    assert pull.url.path == "/rest/organizationalEntityNotifications"
    assert "q=criteria" in query
    assert f"organizationalEntity={enc(FAKE_ORG_URN)}" in query
    assert "actions=List(COMMENT,SHARE_MENTION,ADMIN_COMMENT,COMMENT_EDIT,COMMENT_DELETE)" in query
    window = pull.url.params["timeRange"]
    start, end = (int(part.split(":")[1]) for part in window.strip("()").split(","))
    assert end - start == 24 * 3600 * 1000  # backfill_hours default
    assert result.cursor is not None and len(result.cursor) < 200


async def test_poll_with_cursor_returns_only_new(
    fake: LinkedinFake, client: httpx.AsyncClient
) -> None:
    li = make(fake, client, clock=None)
    first = await li.poll(None)
    second = await li.poll(first.cursor)
    assert second.interactions == ()
    fake.add_comment(MEMBER_URN, POST_URN, "Any update?", comment_id="7111")
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    fake.notify(4406009, "COMMENT", f"urn:li:comment:({POST_URN},7111)", now_ms)
    third = await li.poll(second.cursor)
    assert [i.text for i in third.interactions] == ["Any update?"]
    assert not {i.id for i in third.interactions} & {i.id for i in first.interactions}


async def test_poll_reads_answers_edits_and_deletions(
    fake: LinkedinFake, client: httpx.AsyncClient
) -> None:
    li = make(fake, client, clock=None)
    first = await li.poll(None)
    assert first.events == ()
    fake.add_comment(
        FAKE_ORG_URN, POST_URN, ORG_REPLY_TEXT, parent=COMMENT_URN, comment_id=ORG_REPLY_ID
    )
    fake.comments[REPLY_URN]["message"]["text"] = "Edited: still no date?"
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    fake.notify(4406010, "ADMIN_COMMENT", ORG_REPLY_URN, now_ms - 3)
    fake.notify(4406011, "COMMENT_EDIT", REPLY_URN, now_ms - 2)
    fake.notify(4406012, "COMMENT_DELETE", COMMENT_URN, now_ms - 1)
    later = await li.poll(first.cursor)
    assert later.interactions == ()
    answered, edited, deleted = later.events
    assert (answered.kind, answered.subject_id, answered.ref) == (
        ThreadEventKind.ANSWERED,
        COMMENT_URN,
        ORG_REPLY_URN,
    )
    assert (edited.kind, edited.subject_id, edited.thread_id, edited.text) == (
        ThreadEventKind.EDITED,
        REPLY_URN,
        COMMENT_URN,
        "Edited: still no date?",
    )
    assert (deleted.kind, deleted.subject_id) == (ThreadEventKind.DELETED, COMMENT_URN)
    [comment] = [i for i in first.interactions if i.external_id == COMMENT_URN]
    assert {e.workflow_id for e in later.events} == {comment.workflow_id}
    # The same notifications are not read twice.
    assert (await li.poll(later.cursor)).events == ()


async def test_poll_cursor_stays_bounded(fake: LinkedinFake, client: httpx.AsyncClient) -> None:
    li = make(fake, client, clock=None)
    now = datetime.now(UTC)
    cursor = PollCursor(
        since=int(now.timestamp() * 1000), seen=list(range(SEEN_LIMIT))
    ).model_dump_json()
    result = await li.poll(cursor)
    assert result.cursor is not None
    assert len(PollCursor.model_validate_json(result.cursor).seen) == SEEN_LIMIT


async def test_poll_with_unreadable_cursor_restarts(
    fake: LinkedinFake, client: httpx.AsyncClient
) -> None:
    li = make(fake, client, clock=None)
    result = await li.poll("not a cursor")
    assert len(result.interactions) == 2


async def test_poll_window_follows_the_cursor(
    fake: LinkedinFake, client: httpx.AsyncClient
) -> None:
    li = make(fake, client, clock=NOW)
    since = int((NOW - timedelta(hours=1)).timestamp() * 1000)
    await li.poll(PollCursor(since=since).model_dump_json())
    window = fake.requests[0].url.params["timeRange"]
    start, end = (int(part.split(":")[1]) for part in window.strip("()").split(","))
    assert end == int(NOW.timestamp() * 1000)
    assert start == since - 10 * 60 * 1000  # overlap for late-indexed notifications


# -- channel health ------------------------------------------------------------------------
# The pull finder as an access probe, the token introspection
# (https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection) and the
# event subscription read by key (organization-social-action-notifications page).


def leaked(err: BaseException) -> list[str]:
    texts = [str(err), repr(err), *(repr(a) for a in err.args)]
    return [v[:4] for v in SECRETS.values() if any(v in t for t in texts)]


@pytest.fixture
def watched(fake: LinkedinFake, client: httpx.AsyncClient) -> LinkedinConnecteur:
    """A connector with every option check_health uses."""
    return make(fake, client, **OPTIONS)


async def test_health_of_a_healthy_page(watched: LinkedinConnecteur, fake: LinkedinFake) -> None:
    soon = datetime.now(UTC) + timedelta(days=3)
    fake.token_expires_at = soon
    check = await watched.check_health()
    assert check.token_valid is True
    assert check.token_expires_at is not None and check.token_expires_at.tzinfo is not None
    assert abs((check.token_expires_at - soon).total_seconds()) < 1
    assert check.scopes_missing == ()
    assert check.subscription_active is True
    probe, introspection, subscription = fake.requests
    assert probe.url.path == "/rest/organizationalEntityNotifications"
    start, end = int((NOW - timedelta(minutes=1)).timestamp() * 1000), int(NOW.timestamp() * 1000)
    assert probe.url.params["timeRange"] == f"(start:{start},end:{end})"
    assert probe.url.params["count"] == "1"
    assert introspection.method == "POST"
    assert introspection.url.path == "/oauth/v2/introspectToken"
    assert body_form(introspection)["token"] == FAKE_ACCESS_TOKEN
    assert FAKE_ACCESS_TOKEN not in str(introspection.url)  # in the body, never the URL
    assert subscription.url.path == (
        "/rest/eventSubscriptions/(developerApplication:urn:li:developerApplication:"
        f"{FAKE_APPLICATION_ID},user:urn:li:person:{FAKE_SUBSCRIBER},entity:{FAKE_ORG_URN},"
        "eventType:ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS)"
    )
    assert fake.writes == [introspection]  # the introspection POST reads, it changes nothing


async def test_health_without_options_checks_access_only(
    li: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    check = await li.check_health()
    assert check.token_valid is True
    assert check.token_expires_at is None
    assert check.subscription_active is None
    assert "client_id" in check.detail
    assert len(fake.requests) == 1


@pytest.mark.parametrize("state", ["revoked", "expired"])
async def test_health_of_a_refused_token_is_an_auth_error(
    watched: LinkedinConnecteur, fake: LinkedinFake, state: str
) -> None:
    if state == "revoked":
        fake.token_revoked = True
    else:
        fake.token_expires_at = datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(AuthError) as caught:
        await watched.check_health()
    assert "→ 401" in str(caught.value)
    assert ("REVOKED" if state == "revoked" else "EXPIRED") in str(caught.value)
    assert leaked(caught.value) == []


async def test_health_injected_expired_token_is_an_auth_error(
    watched: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    fake.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError, match="EXPIRED_ACCESS_TOKEN"):
        await watched.check_health()


async def test_health_reports_an_inactive_token_the_introspection_describes(
    watched: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    # The API still answered, then introspection says expired: returned, not raised.
    fake.canned.extend(
        [
            httpx.Response(200, json={"elements": [], "paging": {"start": 0, "count": 1}}),
            httpx.Response(200, json={"active": False, "status": "expired", "expires_at": 1.7e9}),
        ]
    )
    check = await watched.check_health()
    assert check.token_valid is False
    assert check.token_expires_at == datetime.fromtimestamp(1_700_000_000, UTC)
    assert "expired" in check.detail
    assert len(fake.requests) == 2  # no subscription read after a dead token


async def test_health_subscription_removed(watched: LinkedinConnecteur, fake: LinkedinFake) -> None:
    fake.subscription_active = False
    check = await watched.check_health()
    assert check.subscription_active is False
    assert check.token_valid is True
    assert "no event subscription" in check.detail


async def test_health_names_a_missing_permission(
    watched: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    fake.missing_scopes = {"w_organization_social"}
    check = await watched.check_health()
    assert check.scopes_missing == ("w_organization_social",)
    assert check.token_valid is True


async def test_health_without_admin_permission_is_an_auth_error(
    watched: LinkedinConnecteur, fake: LinkedinFake
) -> None:
    # The notifications finder needs rw_organization_admin: nothing arrives without it.
    fake.missing_scopes = {"rw_organization_admin"}
    with pytest.raises(AuthError, match="403"):
        await watched.check_health()


async def test_health_wrong_client_secret_is_an_auth_error(
    fake: LinkedinFake, client: httpx.AsyncClient
) -> None:
    connector = make(
        fake, client, secrets={**SECRETS, "client_secret": "not-the-secret-9"}, **OPTIONS
    )
    with pytest.raises(AuthError, match="introspectToken → 401") as caught:
        await connector.check_health()
    assert "not-the-secret-9" not in str(caught.value)


async def test_health_rate_limited(watched: LinkedinConnecteur, fake: LinkedinFake) -> None:
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await watched.check_health()
    assert caught.value.retry_after == 2 * 3600  # daily limits reset at midnight UTC


def test_reauthorize_names_the_token_scopes_and_console() -> None:
    guidance = LinkedinConnecteur.manifest.reauthorize
    for word in ("access_token", "client_secret", "rw_organization_admin", "w_organization_social"):
        assert word in guidance
    assert "Developer Portal" in guidance
