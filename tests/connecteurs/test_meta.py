"""The meta connector (Facebook Pages, Messenger, Instagram) against its fake Graph API.

Documentation the behaviour and the fixtures follow:
- Webhooks, verification request and X-Hub-Signature-256:
  https://developers.facebook.com/docs/graph-api/webhooks/getting-started
- Page ``feed`` field (item/verb/comment_id/parent_id/post_id/created_time):
  https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed
- Messenger ``messaging[]`` events and echoes: https://developers.facebook.com/docs/messenger-platform/webhooks
- Instagram ``comments``/``mentions``/messaging payloads:
  https://developers.facebook.com/docs/instagram-platform/webhooks (and /webhooks/examples/)
- Graph error body and codes: https://developers.facebook.com/docs/graph-api/guides/error-handling
- Throttling codes and X-Business-Use-Case-Usage:
  https://developers.facebook.com/docs/graph-api/overview/rate-limiting
- Comment edges, is_hidden, DELETE: https://developers.facebook.com/docs/graph-api/reference/comment
- Page block (POST /{page-id}/blocked with user/uid/psid/asid):
  https://developers.facebook.com/docs/graph-api/reference/page/blocked/ (write form checked
  in facebook/facebook-python-business-sdk, facebook_business/adobjects/page.py
  ``create_blocked``)
- Instagram replies and hide:
  https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment/replies
  and https://developers.facebook.com/docs/instagram-platform/comment-moderation
- Send API and private replies: https://developers.facebook.com/docs/messenger-platform/send-api-reference
  and https://developers.facebook.com/docs/messenger-platform/discovery/private-replies
- Replying to mentions (POST /{ig-user-id}/mentions):
  https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/mentions
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from connecteurs.base import AccountContext, Capability, WebhookRequest
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    HandshakeRefused,
    InvalidRequest,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
    UnsupportedAction,
)
from connecteurs.meta import MetaConnecteur, MetaOptions
from connecteurs.meta.conformite import (
    APP_SECRET,
    SECRETS,
    VERIFY_TOKEN,
    fixture,
    handshake,
    signed,
    target,
)
from connecteurs.meta.fake import (
    FB_AUTHOR,
    FB_COMMENT,
    IG_AUTHOR,
    IG_COMMENT,
    IG_ID,
    MESSENGER_USER,
    PAGE_ID,
    MetaFake,
)
from connecteurs.models import (
    Author,
    Interaction,
    InteractionKind,
    ModerationAction,
    Platform,
    ThreadEvent,
    ThreadEventKind,
    body_sha256,
    workflow_id_for,
)
from connecteurs.testing import Failure, Route, body_form, body_json

TEXT = "Merci, nous regardons votre commande."


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def fake() -> MetaFake:
    return MetaFake()


def make(
    fake: MetaFake,
    platform: Platform = Platform.FACEBOOK,
    account: str | None = None,
    secrets: dict[str, str] | None = None,
    options: MetaOptions | None = None,
) -> MetaConnecteur:
    context = AccountContext(
        account=account or (IG_ID if platform is Platform.INSTAGRAM else PAGE_ID),
        platform=platform,
        secrets=SECRETS if secrets is None else secrets,
        options=options or MetaOptions(),
        base_url=fake.base_url,
    )
    return MetaConnecteur(context, http=fake.client())


@pytest.fixture
async def page(fake: MetaFake) -> AsyncIterator[MetaConnecteur]:
    connector = make(fake)
    yield connector
    await connector.http.aclose()


@pytest.fixture
async def insta(fake: MetaFake) -> AsyncIterator[MetaConnecteur]:
    connector = make(fake, Platform.INSTAGRAM)
    yield connector
    await connector.http.aclose()


async def parse(connector: MetaConnecteur, name: str) -> list[Interaction]:
    request = signed(fixture(name))
    await connector.verify(request)
    return await connector.parse(request)


def event_hash(name: str, *, entry: int = 0, key: str = "changes", index: int = 0) -> str:
    raw = json.loads(fixture(name))["entry"][entry][key][index]
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return body_sha256(canonical.encode())


def interaction(
    platform: Platform,
    external_id: str,
    kind: InteractionKind,
    author: str,
    *,
    thread: str | None = None,
    reply_context: dict[str, str] | None = None,
    account: str | None = None,
) -> Interaction:
    account = account or (IG_ID if platform is Platform.INSTAGRAM else PAGE_ID)
    now = datetime.now(UTC) - timedelta(minutes=5)
    return Interaction(
        id=Interaction.make_id(platform, account, external_id),
        platform=platform,
        account=account,
        external_id=external_id,
        kind=kind,
        author=Author(id=author, handle=author),
        text="hello",
        thread_id=thread,
        parent_id=thread,
        created_at=now,
        received_at=now,
        reply_context=reply_context or {},
    )


def assert_authenticated(request: httpx.Request) -> None:
    """Every call carries the token in the header and never in the URL."""
    assert request.headers["authorization"] == f"Bearer {SECRETS['access_token']}"
    assert "access_token" not in str(request.url)


# -- manifest ------------------------------------------------------------------------------


def test_manifest_declares_both_platforms_and_what_is_implemented() -> None:
    manifest = MetaConnecteur.manifest
    assert manifest.platforms == {Platform.FACEBOOK, Platform.INSTAGRAM}
    assert manifest.secrets == ("app_secret", "verify_token", "access_token")
    assert manifest.capabilities == {
        Capability.WEBHOOK,
        Capability.REPLY,
        Capability.DIRECT_MESSAGE,
        Capability.HIDE,
        Capability.UNHIDE,
        Capability.DELETE,
        Capability.BLOCK,
    }
    assert manifest.reply_lookup
    assert any("Instagram has no block" in d for d in manifest.documentation)


def test_api_version_option_is_validated() -> None:
    assert MetaOptions().api_version == "v21.0"
    with pytest.raises(ValidationError):
        MetaOptions(api_version="21")


async def test_api_version_option_prefixes_every_path() -> None:
    fake = MetaFake(api_version="v22.0")
    connector = make(fake, options=MetaOptions(api_version="v22.0"))
    await connector.hide(target(), idempotency_key="k")
    assert fake.requests[-1].url.path == f"/v22.0/{FB_COMMENT}"
    await connector.http.aclose()


# -- signature -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "fb_feed_comment.json",
        "fb_feed_reply.json",
        "fb_feed_skipped.json",
        "fb_feed_page_reply.json",
        "fb_feed_unhide.json",
        "fb_messenger_message.json",
        "fb_messenger_message_edit.json",
        "ig_comment.json",
        "ig_comment_reply.json",
        "ig_mention.json",
        "ig_messaging.json",
    ],
)
async def test_signature_accepted(page: MetaConnecteur, name: str) -> None:
    await page.verify(signed(fixture(name)))


async def test_signature_hex_case_does_not_matter(page: MetaConnecteur) -> None:
    request = signed(fixture("fb_feed_comment.json"))
    upper = "sha256=" + request.headers["x-hub-signature-256"][7:].upper()
    await page.verify(request.model_copy(update={"headers": {"x-hub-signature-256": upper}}))


def _without_signature(request: WebhookRequest) -> WebhookRequest:
    return request.model_copy(update={"headers": {"content-type": "application/json"}})


def _sha1_prefixed(request: WebhookRequest) -> WebhookRequest:
    value = request.headers["x-hub-signature-256"].replace("sha256=", "sha1=")
    return request.model_copy(update={"headers": {"x-hub-signature-256": value}})


@pytest.mark.parametrize(
    ("case", "request_of"),
    [
        ("wrong secret", lambda body: signed(body, "another-app-secret")),
        ("missing header", lambda body: _without_signature(signed(body))),
        (
            "tampered body",
            lambda body: signed(body).model_copy(
                update={"body": body.replace(b"Bonjour", b"Bonsoir")}
            ),
        ),
        ("wrong prefix", lambda body: _sha1_prefixed(signed(body))),
        (
            "empty digest",
            lambda body: signed(body).model_copy(
                update={"headers": {"x-hub-signature-256": "sha256="}}
            ),
        ),
    ],
)
async def test_signature_rejected(page: MetaConnecteur, case: str, request_of: Any) -> None:
    body = fixture("fb_feed_comment.json")
    with pytest.raises(InvalidSignature) as caught:
        await page.verify(request_of(body))
    assert APP_SECRET not in str(caught.value)
    expected = signed(body).headers["x-hub-signature-256"][7:]
    assert expected not in str(caught.value), case


# -- handshake -----------------------------------------------------------------------------


async def test_handshake_echoes_the_challenge(page: MetaConnecteur) -> None:
    response = await page.handshake(handshake(VERIFY_TOKEN, challenge="987654321"))
    assert response is not None
    assert (response.status, response.content_type, response.body) == (
        200,
        "text/plain",
        b"987654321",
    )


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "wrong"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.challenge": "1", "hub.verify_token": VERIFY_TOKEN},
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN},
        {},
    ],
)
async def test_handshake_refused(page: MetaConnecteur, query: dict[str, str]) -> None:
    with pytest.raises(HandshakeRefused) as caught:
        await page.handshake(WebhookRequest.make(method="GET", query=query))
    assert VERIFY_TOKEN not in str(caught.value)


# -- accounts_in ---------------------------------------------------------------------------


def test_accounts_in_reads_entry_ids() -> None:
    request = WebhookRequest.make(fixture("fb_feed_skipped.json"))
    assert MetaConnecteur.accounts_in(request) == (PAGE_ID, "999000111222")
    numeric = WebhookRequest.make(b'{"object":"page","entry":[{"id":42},{"id":42},{"id":"7"}]}')
    assert MetaConnecteur.accounts_in(numeric) == ("42", "7")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe\x00",
        b"not json",
        b"null",
        b"[1,2]",
        b'{"entry": "x"}',
        b'{"entry": [1, "a", null, {"id": true}, {"id": ""}, {"id": [1]}]}',
    ],
)
def test_accounts_in_tolerates_junk(body: bytes) -> None:
    assert MetaConnecteur.accounts_in(WebhookRequest.make(body)) == ()


# -- parse: Facebook -----------------------------------------------------------------------


async def test_parse_feed_comment(page: MetaConnecteur) -> None:
    before = datetime.now(UTC)
    [item] = await parse(page, "fb_feed_comment.json")
    assert item.id == f"facebook:{PAGE_ID}:901_1001"
    assert (item.platform, item.account, item.external_id) == (
        Platform.FACEBOOK,
        PAGE_ID,
        "901_1001",
    )
    assert item.kind is InteractionKind.COMMENT
    assert item.author == Author(
        id=FB_AUTHOR, handle="Camille Tremblay", display_name="Camille Tremblay"
    )
    assert item.text.startswith("Bonjour, ma commande")
    assert (item.thread_id, item.parent_id) == (None, None)
    assert item.post_id == f"{PAGE_ID}_901"
    assert item.created_at == datetime.fromtimestamp(1762430399, UTC)
    assert before <= item.received_at <= datetime.now(UTC)
    assert item.raw_sha256 == event_hash("fb_feed_comment.json")
    assert not item.is_follow_up


async def test_parse_feed_reply_groups_under_its_comment(page: MetaConnecteur) -> None:
    [item] = await parse(page, "fb_feed_reply.json")
    assert item.kind is InteractionKind.REPLY
    assert (item.external_id, item.parent_id, item.thread_id) == (
        "901_1002",
        "901_1001",
        "901_1001",
    )
    assert item.root_external_id == "901_1001"
    assert item.is_follow_up


async def test_parse_skips_edits_removals_hides_own_comments_reactions_and_other_pages(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    assert await parse(page, "fb_feed_skipped.json") == []
    # The same delivery holds a comment for another page of the app: that page's
    # connector gets it, this one does not.
    other = make(fake, account="999000111222")
    [item] = await parse(other, "fb_feed_skipped.json")
    assert (item.account, item.external_id) == ("999000111222", "77_1")
    await other.http.aclose()


async def test_parse_messenger_message_skips_echo_and_read(page: MetaConnecteur) -> None:
    [item] = await parse(page, "fb_messenger_message.json")
    assert item.kind is InteractionKind.DIRECT_MESSAGE
    assert item.external_id.startswith("m_AG5Hz2Uq7tuwNEhXfYYKj8")
    assert item.author.id == MESSENGER_USER
    assert item.text == "Bonjour, je voudrais changer l'adresse de livraison."
    assert item.created_at == datetime.fromtimestamp(1762432000, UTC)  # milliseconds
    assert item.raw_sha256 == event_hash("fb_messenger_message.json", key="messaging")
    assert item.parent_id is None and item.post_id is None


async def test_parse_messenger_reply_to_and_attachments(page: MetaConnecteur) -> None:
    body = {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": 1762432000123,
                "messaging": [
                    {
                        "sender": {"id": MESSENGER_USER},
                        "recipient": {"id": PAGE_ID},
                        "timestamp": 1762432000000,
                        "message": {
                            "mid": "m_2",
                            "reply_to": {"mid": "m_1"},
                            "attachments": [
                                {"type": "image", "payload": {"url": "https://cdn.example/1.jpg"}}
                            ],
                        },
                    }
                ],
            }
        ],
    }
    [item] = await page.parse(signed(json.dumps(body).encode()))
    assert (item.parent_id, item.thread_id, item.text) == ("m_1", "m_1", "")
    assert [(a.kind, a.url) for a in item.attachments] == [("image", "https://cdn.example/1.jpg")]


async def test_parse_same_delivery_twice_gives_same_ids(page: MetaConnecteur) -> None:
    first = [i.id for i in await parse(page, "fb_feed_comment.json")]
    again = [i.id for i in await parse(page, "fb_feed_comment.json")]
    assert first == again == [f"facebook:{PAGE_ID}:901_1001"]


# -- parse: Instagram ----------------------------------------------------------------------


async def test_parse_instagram_comment(insta: MetaConnecteur) -> None:
    [item] = await parse(insta, "ig_comment.json")
    assert item.id == f"instagram:{IG_ID}:{IG_COMMENT}"
    assert item.platform is Platform.INSTAGRAM
    assert item.kind is InteractionKind.COMMENT
    assert (item.author.id, item.author.handle) == (IG_AUTHOR, "camille.t")
    assert item.text == "Le lien en bio ne fonctionne pas 😕"
    assert item.post_id == "17887498072083520"
    assert item.created_at == datetime.fromtimestamp(1762433000, UTC)  # entry.time
    assert item.thread_id is None


async def test_parse_instagram_reply_skips_the_accounts_own(insta: MetaConnecteur) -> None:
    [item] = await parse(insta, "ig_comment_reply.json")
    assert item.kind is InteractionKind.REPLY
    assert (item.external_id, item.parent_id, item.thread_id) == (
        "17865799348089040",
        IG_COMMENT,
        IG_COMMENT,
    )
    assert item.author.handle == "jules.r"


async def test_parse_instagram_mention(insta: MetaConnecteur) -> None:
    [item] = await parse(insta, "ig_mention.json")
    assert item.kind is InteractionKind.MENTION
    assert item.external_id == "17894227972186120"
    assert item.post_id == "17918195224117851"
    assert item.reply_context == {
        "media_id": "17918195224117851",
        "comment_id": "17894227972186120",
    }
    # Documented: the mentions payload carries ids only.
    assert (item.text, item.author.id) == ("", "unknown")


async def test_parse_instagram_message(insta: MetaConnecteur) -> None:
    [item] = await parse(insta, "ig_messaging.json")
    assert item.kind is InteractionKind.DIRECT_MESSAGE
    assert (item.author.id, item.text) == (IG_AUTHOR, "Est-ce que vous livrez au Québec ?")


@pytest.mark.parametrize(
    ("platform", "name"),
    [
        (Platform.FACEBOOK, "ig_comment.json"),
        (Platform.FACEBOOK, "ig_messaging.json"),
        (Platform.INSTAGRAM, "fb_feed_comment.json"),
        (Platform.INSTAGRAM, "fb_messenger_message.json"),
    ],
)
async def test_parse_ignores_the_other_product(
    fake: MetaFake, platform: Platform, name: str
) -> None:
    # Even with the account id of the delivery, the other object type is not this account's.
    body = json.loads(fixture(name))
    account = body["entry"][0]["id"]
    connector = make(fake, platform, account=account)
    assert await connector.parse(signed(fixture(name))) == []
    await connector.http.aclose()


# -- parse: malformed ----------------------------------------------------------------------


def _feed(value: dict[str, Any]) -> bytes:
    entry = {"id": PAGE_ID, "time": 1, "changes": [{"field": "feed", "value": value}]}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"\xff\xfe\x00\x81",
        b"null",
        b"[1, 2, 3]",
        b'{"object": "page"}',
        b'{"object": "page", "entry": {}}',
        b'{"object": "page", "entry": [{"time": 1}]}',
        b'{"object": "page", "entry": [{"id": "1", "changes": [{"value": {}}]}]}',
        b'{"object": "page", "entry": [{"id": "1", "time": true}]}',
        _feed({"item": "comment", "verb": "add", "post_id": "1_2", "from": {"id": "9"}}),
        _feed({"item": "comment", "verb": "add", "comment_id": "2_3", "post_id": "1_2"}),
        _feed({"item": "comment", "verb": "add", "comment_id": ["x"], "post_id": "1_2"}),
        json.dumps(
            {
                "object": "page",
                "entry": [{"id": PAGE_ID, "messaging": [{"recipient": {"id": PAGE_ID}}]}],
            }
        ).encode(),
    ],
)
@pytest.mark.parametrize("method", ["parse", "parse_events"])
async def test_malformed_bodies_raise_malformed_payload(
    page: MetaConnecteur, body: bytes, method: str
) -> None:
    with pytest.raises(MalformedPayload):
        await getattr(page, method)(signed(body))


async def test_malformed_instagram_comment(insta: MetaConnecteur) -> None:
    entry = {"id": IG_ID, "changes": [{"field": "comments", "value": {"text": "no id"}}]}
    body = json.dumps({"object": "instagram", "entry": [entry]}).encode()
    with pytest.raises(MalformedPayload, match="id"):
        await insta.parse(signed(body))


async def test_unknown_fields_are_skipped_not_refused(page: MetaConnecteur) -> None:
    entry = {"id": PAGE_ID, "changes": [{"field": "ratings", "value": [1, 2]}]}
    body = json.dumps({"object": "page", "entry": [entry]}).encode()
    assert await page.parse(signed(body)) == []


# -- thread events: what happened on Facebook or Instagram itself ---------------------------


async def events(connector: MetaConnecteur, name: str) -> list[ThreadEvent]:
    request = signed(fixture(name))
    await connector.verify(request)
    return await connector.parse_events(request)


async def test_page_reply_is_answered_in_the_comments_own_thread(page: MetaConnecteur) -> None:
    [comment] = await parse(page, "fb_feed_comment.json")
    # The page answering from Meta Business Suite: never an interaction, an answer.
    assert await parse(page, "fb_feed_page_reply.json") == []
    [answer] = await events(page, "fb_feed_page_reply.json")
    assert answer.kind is ThreadEventKind.ANSWERED
    assert (answer.platform, answer.account) == (Platform.FACEBOOK, PAGE_ID)
    assert (answer.subject_id, answer.thread_id, answer.ref) == (FB_COMMENT, FB_COMMENT, "901_1006")
    assert answer.author == Author(
        id=PAGE_ID, handle="Boutique Exemple", display_name="Boutique Exemple"
    )
    assert answer.text == "Bonjour Camille, votre colis part demain matin."
    assert answer.at == datetime.fromtimestamp(1762431190, UTC)
    assert answer.detail == "feed item=comment verb=add by the page"
    assert answer.workflow_id == comment.workflow_id


async def test_page_reply_under_a_reply_goes_to_the_threads_root(page: MetaConnecteur) -> None:
    # Graph keeps threads two levels deep: the page's reply names the top-level comment as
    # its parent even when it answers the reply 901_1002.
    [reply] = await parse(page, "fb_feed_reply.json")
    [answer] = await events(page, "fb_feed_page_reply.json")
    assert reply.is_follow_up
    assert answer.workflow_id == workflow_id_for(Platform.FACEBOOK, PAGE_ID, reply.root_external_id)


async def test_page_comment_on_its_own_post_is_no_event(page: MetaConnecteur) -> None:
    body = json.loads(fixture("fb_feed_page_reply.json"))
    body["entry"][0]["changes"] = body["entry"][0]["changes"][1:]  # the top-level one
    request = signed(json.dumps(body).encode())
    assert await page.parse(request) == []
    assert await page.parse_events(request) == []


async def test_feed_verbs_are_thread_events(page: MetaConnecteur) -> None:
    edited, removed, hidden, answered = await events(page, "fb_feed_skipped.json")
    # verb=edited: the reply 901_1002 says something new; its thread is 901_1001's.
    assert edited.kind is ThreadEventKind.EDITED
    assert (edited.subject_id, edited.thread_id) == ("901_1002", FB_COMMENT)
    assert edited.text == "Toujours rien (modifié)."
    assert edited.author is not None and edited.author.id == FB_AUTHOR
    assert edited.at == datetime.fromtimestamp(1762430990, UTC)
    assert edited.detail == "feed item=comment verb=edited"
    [reply] = await parse(page, "fb_feed_reply.json")
    assert edited.workflow_id == workflow_id_for(Platform.FACEBOOK, PAGE_ID, reply.root_external_id)
    # verb=remove: the author deleted the top-level comment 901_1003.
    assert removed.kind is ThreadEventKind.DELETED
    assert (removed.subject_id, removed.thread_id, removed.text) == ("901_1003", None, "")
    assert removed.workflow_id == workflow_id_for(Platform.FACEBOOK, PAGE_ID, "901_1003")
    # verb=hide: hidden on Facebook (by the page's team or Meta's filters).
    assert hidden.kind is ThreadEventKind.HIDDEN
    assert (hidden.subject_id, hidden.thread_id) == ("901_1004", None)
    assert hidden.detail == "feed item=comment verb=hide"
    # The page's own reply; the reaction and the other page's comment are nothing.
    assert answered.kind is ThreadEventKind.ANSWERED
    assert (answered.subject_id, answered.ref) == (FB_COMMENT, "901_1005")


async def test_unhide_is_unhidden(page: MetaConnecteur) -> None:
    [event] = await events(page, "fb_feed_unhide.json")
    assert event.kind is ThreadEventKind.UNHIDDEN
    assert (event.subject_id, event.thread_id) == ("901_1002", FB_COMMENT)
    assert event.at == datetime.fromtimestamp(1762431290, UTC)


@pytest.mark.parametrize("verb", ["edit", "delete"])
async def test_the_other_documented_spellings(page: MetaConnecteur, verb: str) -> None:
    value = {
        "item": "comment",
        "verb": verb,
        "comment_id": "901_1001",
        "post_id": f"{PAGE_ID}_901",
        "parent_id": f"{PAGE_ID}_901",
        "from": {"id": FB_AUTHOR, "name": "Camille Tremblay"},
        "message": "Corrigé",
        "created_time": 1762431500,
    }
    [event] = await page.parse_events(signed(_feed(value)))
    expected = ThreadEventKind.EDITED if verb == "edit" else ThreadEventKind.DELETED
    assert (event.kind, event.subject_id, event.thread_id) == (expected, FB_COMMENT, None)


@pytest.mark.parametrize(
    "value",
    [
        # The page's own comment edited, removed or hidden: nobody tracks it.
        {"item": "comment", "verb": "edited", "comment_id": "901_1005", "from": {"id": PAGE_ID}},
        {"item": "comment", "verb": "remove", "comment_id": "901_1005", "from": {"id": PAGE_ID}},
        # Verbs that say nothing about a comment's words or visibility.
        {"item": "comment", "verb": "block", "comment_id": "901_1001", "from": {"id": FB_AUTHOR}},
        {"item": "comment", "verb": "update", "comment_id": "901_1001"},
        # Other feed items.
        {"item": "post", "verb": "edited", "post_id": f"{PAGE_ID}_901", "message": "x"},
        {"item": "reaction", "verb": "remove", "post_id": f"{PAGE_ID}_901"},
        {"item": "status", "verb": "hide", "post_id": f"{PAGE_ID}_901"},
    ],
)
async def test_feed_changes_that_are_no_thread_event(
    page: MetaConnecteur, value: dict[str, Any]
) -> None:
    assert await page.parse_events(signed(_feed(value))) == []


async def test_feed_event_without_a_comment_id_is_malformed(page: MetaConnecteur) -> None:
    value = {"item": "comment", "verb": "remove", "post_id": "1_2", "from": {"id": FB_AUTHOR}}
    with pytest.raises(MalformedPayload, match="comment_id"):
        await page.parse_events(signed(_feed(value)))


@pytest.mark.parametrize(
    "name", ["fb_feed_comment.json", "fb_feed_reply.json", "fb_messenger_message.json"]
)
async def test_what_people_say_is_no_thread_event(page: MetaConnecteur, name: str) -> None:
    # New comments and messages are parse's; the page's Messenger echo names no message it
    # answers, so it is not tied to an interaction either.
    assert await events(page, name) == []


async def test_redelivered_events_keep_their_keys(page: MetaConnecteur) -> None:
    first = [e.key for e in await events(page, "fb_feed_skipped.json")]
    again = [e.key for e in await events(page, "fb_feed_skipped.json")]
    assert first == again
    assert len(set(first)) == 4


async def test_events_of_another_page_of_the_app_are_not_this_pages(fake: MetaFake) -> None:
    other = make(fake, account="999000111222")
    assert await other.parse_events(signed(fixture("fb_feed_skipped.json"))) == []
    await other.http.aclose()


async def test_instagram_own_reply_is_answered(insta: MetaConnecteur) -> None:
    [comment] = await parse(insta, "ig_comment.json")
    [reply] = await parse(insta, "ig_comment_reply.json")  # jules.r's, not the account's
    [answer] = await events(insta, "ig_comment_reply.json")
    assert reply.author.handle == "jules.r"
    assert answer.kind is ThreadEventKind.ANSWERED
    assert answer.platform is Platform.INSTAGRAM
    assert (answer.subject_id, answer.thread_id, answer.ref) == (
        IG_COMMENT,
        IG_COMMENT,
        "17865799348089041",
    )
    assert answer.author == Author(id=IG_ID, handle="boutique.exemple")
    assert answer.text == "Merci, c'est corrigé !"
    assert answer.at == datetime.fromtimestamp(1762433300, UTC)  # entry.time
    assert answer.workflow_id == comment.workflow_id
    assert answer.workflow_id == workflow_id_for(Platform.INSTAGRAM, IG_ID, reply.root_external_id)


async def test_instagram_own_top_level_comment_is_nothing(insta: MetaConnecteur) -> None:
    body = json.loads(fixture("ig_comment.json"))
    body["entry"][0]["changes"][0]["value"]["from"] = {
        "id": IG_ID,
        "username": "boutique.exemple",
    }
    request = signed(json.dumps(body).encode())
    assert await insta.parse(request) == []
    assert await insta.parse_events(request) == []


@pytest.mark.parametrize("name", ["ig_comment.json", "ig_mention.json", "ig_messaging.json"])
async def test_instagram_has_no_other_thread_event(insta: MetaConnecteur, name: str) -> None:
    # Instagram documents no edit, deletion or hide notification for comments.
    assert await events(insta, name) == []


async def test_messenger_edit_is_edited(page: MetaConnecteur) -> None:
    [message] = await parse(page, "fb_messenger_message.json")
    assert await parse(page, "fb_messenger_message_edit.json") == []
    [edit] = await events(page, "fb_messenger_message_edit.json")
    assert edit.kind is ThreadEventKind.EDITED
    assert edit.subject_id == message.external_id
    assert edit.text == "Bonjour, je voudrais changer l'adresse de livraison pour Laval."
    assert edit.at == datetime.fromtimestamp(1762432100, UTC)
    assert edit.detail == "messaging message_edit num_edit=1"
    assert edit.workflow_id == message.workflow_id


# -- actions: reply ------------------------------------------------------------------------


async def test_reply_to_facebook_comment(page: MetaConnecteur, fake: MetaFake) -> None:
    result = await page.reply(target(), TEXT, idempotency_key="wf/reply")
    lookup, post = fake.requests
    assert (lookup.method, lookup.url.path) == ("GET", f"/v21.0/{FB_COMMENT}/comments")
    assert lookup.url.params["fields"] == "id,from,message"
    assert (post.method, post.url.path) == ("POST", f"/v21.0/{FB_COMMENT}/comments")
    assert body_form(post) == {"message": TEXT}
    for request in fake.requests:
        assert_authenticated(request)
    assert result.ok and result.action == "reply"
    created = fake.comments[str(result.platform_ref)]
    assert (created.parent, created.author_id, created.text) == (FB_COMMENT, PAGE_ID, TEXT)


async def test_retried_reply_does_not_post_twice(page: MetaConnecteur, fake: MetaFake) -> None:
    first = await page.reply(target(), TEXT, idempotency_key="wf/reply")
    writes = len(fake.writes)
    again = await page.reply(target(), TEXT, idempotency_key="wf/reply")
    assert again.platform_ref == first.platform_ref
    assert len(fake.writes) == writes
    assert len(fake.replies_of(FB_COMMENT)) == 1


async def test_reply_lookup_ignores_other_authors_and_other_texts(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    await page.reply(target(), "Une autre réponse.", idempotency_key="wf/other")
    fake.comments["someone"] = fake.comments[FB_COMMENT].__class__(
        "someone", "facebook", "777", "Fan", TEXT, parent=FB_COMMENT
    )
    result = await page.reply(target(), TEXT, idempotency_key="wf/reply")
    assert result.platform_ref not in ("someone", None)
    assert len(fake.sent("POST", rf"/v21.0/{FB_COMMENT}/comments")) == 2


async def test_reply_to_a_reply_goes_under_the_thread_root(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    follow_up = interaction(
        Platform.FACEBOOK, "901_1002", InteractionKind.REPLY, FB_AUTHOR, thread=FB_COMMENT
    )
    await page.reply(follow_up, TEXT, idempotency_key="wf/reply")
    assert len(fake.sent("POST", rf"/v21.0/{FB_COMMENT}/comments")) == 1


async def test_reply_to_instagram_comment(insta: MetaConnecteur, fake: MetaFake) -> None:
    comment = interaction(Platform.INSTAGRAM, IG_COMMENT, InteractionKind.COMMENT, IG_AUTHOR)
    first = await insta.reply(comment, TEXT, idempotency_key="wf/reply")
    [lookup, post] = fake.requests
    assert (lookup.method, lookup.url.path) == ("GET", f"/v21.0/{IG_COMMENT}/replies")
    assert lookup.url.params["fields"] == "id,from,text"
    assert (post.method, post.url.path, body_form(post)) == (
        "POST",
        f"/v21.0/{IG_COMMENT}/replies",
        {"message": TEXT},
    )
    assert_authenticated(post)
    again = await insta.reply(comment, TEXT, idempotency_key="wf/reply")
    assert again.platform_ref == first.platform_ref
    assert len(fake.writes) == 1


async def test_reply_to_messenger_message_uses_send_api_and_is_idempotent(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    message = interaction(Platform.FACEBOOK, "m_1", InteractionKind.DIRECT_MESSAGE, MESSENGER_USER)
    first = await page.reply(message, TEXT, idempotency_key="wf/reply")
    lookup, post = fake.requests
    assert (lookup.method, lookup.url.path) == ("GET", f"/v21.0/{PAGE_ID}/conversations")
    assert lookup.url.params["platform"] == "messenger"
    assert lookup.url.params["user_id"] == MESSENGER_USER
    assert (post.method, post.url.path) == ("POST", f"/v21.0/{PAGE_ID}/messages")
    assert body_json(post) == {
        "recipient": {"id": MESSENGER_USER},
        "messaging_type": "RESPONSE",
        "message": {"text": TEXT},
    }
    assert_authenticated(post)
    again = await page.reply(message, TEXT, idempotency_key="wf/reply")
    assert again.platform_ref == first.platform_ref
    assert len(fake.outbox) == 1


async def test_dm_lookup_ignores_identical_answers_sent_before_the_message(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    old = interaction(Platform.FACEBOOK, "m_0", InteractionKind.DIRECT_MESSAGE, MESSENGER_USER)
    await page.reply(old, TEXT, idempotency_key="wf-old/reply")
    new = old.model_copy(
        update={"external_id": "m_9", "created_at": datetime.now(UTC) + timedelta(seconds=5)}
    )
    await page.reply(new, TEXT, idempotency_key="wf-new/reply")
    assert len(fake.outbox) == 2


async def test_reply_to_instagram_mention(insta: MetaConnecteur, fake: MetaFake) -> None:
    [mention] = await parse(insta, "ig_mention.json")
    result = await insta.reply(mention, TEXT, idempotency_key="wf/reply")
    [post] = fake.requests
    assert (post.method, post.url.path) == ("POST", f"/v21.0/{IG_ID}/mentions")
    assert body_form(post) == {
        "media_id": "17918195224117851",
        "comment_id": "17894227972186120",
        "message": TEXT,
    }
    assert result.ok and result.platform_ref


async def test_reply_refuses_empty_text_and_foreign_interactions(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    with pytest.raises(InvalidRequest):
        await page.reply(target(), "   ", idempotency_key="k")
    foreign = interaction(
        Platform.FACEBOOK, FB_COMMENT, InteractionKind.COMMENT, FB_AUTHOR, account="999"
    )
    with pytest.raises(InvalidRequest):
        await page.reply(foreign, TEXT, idempotency_key="k")
    instagram = interaction(
        Platform.INSTAGRAM, IG_COMMENT, InteractionKind.COMMENT, IG_AUTHOR, account=PAGE_ID
    )
    with pytest.raises(InvalidRequest):
        await page.hide(instagram, idempotency_key="k")
    assert fake.requests == []


# -- actions: direct messages --------------------------------------------------------------


async def test_private_reply_to_facebook_comment(page: MetaConnecteur, fake: MetaFake) -> None:
    result = await page.send_direct_message(target(), TEXT, idempotency_key="wf/dm")
    [post] = fake.requests
    assert (post.method, post.url.path) == ("POST", f"/v21.0/{PAGE_ID}/messages")
    assert body_json(post) == {
        "recipient": {"comment_id": FB_COMMENT},
        "messaging_type": "RESPONSE",
        "message": {"text": TEXT},
    }
    assert_authenticated(post)
    assert result.ok and result.action == "direct_message"
    # Meta allows one private reply per comment: the platform refuses a second one.
    with pytest.raises(InvalidRequest):
        await page.send_direct_message(target(), TEXT, idempotency_key="wf/dm")
    assert len(fake.outbox) == 1


async def test_private_reply_to_instagram_comment(insta: MetaConnecteur, fake: MetaFake) -> None:
    comment = interaction(Platform.INSTAGRAM, IG_COMMENT, InteractionKind.COMMENT, IG_AUTHOR)
    await insta.send_direct_message(comment, TEXT, idempotency_key="wf/dm")
    [post] = fake.requests
    assert post.url.path == f"/v21.0/{IG_ID}/messages"
    assert body_json(post)["recipient"] == {"comment_id": IG_COMMENT}


async def test_direct_message_to_instagram_sender(insta: MetaConnecteur, fake: MetaFake) -> None:
    [message] = await parse(insta, "ig_messaging.json")
    await insta.send_direct_message(message, TEXT, idempotency_key="wf/dm")
    lookup, post = fake.requests
    assert lookup.url.params["platform"] == "instagram"
    assert post.url.path == f"/v21.0/{IG_ID}/messages"
    assert body_json(post)["recipient"] == {"id": IG_AUTHOR}


async def test_no_private_reply_to_a_mention(insta: MetaConnecteur, fake: MetaFake) -> None:
    [mention] = await parse(insta, "ig_mention.json")
    with pytest.raises(InvalidRequest):
        await insta.send_direct_message(mention, TEXT, idempotency_key="k")
    assert fake.requests == []


# -- actions: moderation -------------------------------------------------------------------


async def test_hide_and_unhide_facebook_comment(page: MetaConnecteur, fake: MetaFake) -> None:
    hidden = await page.hide(target(), idempotency_key="wf/hide")
    assert fake.comments[FB_COMMENT].hidden
    shown = await page.unhide(target(), idempotency_key="wf/unhide")
    assert not fake.comments[FB_COMMENT].hidden
    hide, unhide = fake.requests
    assert (hide.method, hide.url.path, body_form(hide)) == (
        "POST",
        f"/v21.0/{FB_COMMENT}",
        {"is_hidden": "true"},
    )
    assert body_form(unhide) == {"is_hidden": "false"}
    assert_authenticated(hide)
    assert (hidden.action, shown.action, hidden.platform_ref) == ("hide", "unhide", FB_COMMENT)


async def test_hide_instagram_comment_uses_hide(insta: MetaConnecteur, fake: MetaFake) -> None:
    comment = interaction(Platform.INSTAGRAM, IG_COMMENT, InteractionKind.COMMENT, IG_AUTHOR)
    await insta.hide(comment, idempotency_key="wf/hide")
    assert body_form(fake.requests[-1]) == {"hide": "true"}
    assert fake.comments[IG_COMMENT].hidden


async def test_moderation_refuses_direct_messages_and_mentions(
    page: MetaConnecteur, insta: MetaConnecteur, fake: MetaFake
) -> None:
    message = interaction(Platform.FACEBOOK, "m_1", InteractionKind.DIRECT_MESSAGE, MESSENGER_USER)
    for action in (page.hide, page.unhide, page.delete):
        with pytest.raises(InvalidRequest):
            await action(message, idempotency_key="k")
    [mention] = await parse(insta, "ig_mention.json")
    with pytest.raises(InvalidRequest):
        await insta.hide(mention, idempotency_key="k")
    assert fake.requests == []


async def test_delete_comment_and_retry(page: MetaConnecteur, fake: MetaFake) -> None:
    result = await page.delete(target(), idempotency_key="wf/delete")
    [delete] = fake.requests
    assert (delete.method, delete.url.path) == ("DELETE", f"/v21.0/{FB_COMMENT}")
    assert_authenticated(delete)
    assert FB_COMMENT not in fake.comments and result.ok
    # A retry after a lost answer finds the comment gone: still done.
    again = await page.delete(target(), idempotency_key="wf/delete")
    assert again.ok and len(fake.requests) == 2


async def test_block_facebook_commenter(page: MetaConnecteur, fake: MetaFake) -> None:
    result = await page.block(target(), idempotency_key="wf/block")
    [post] = fake.requests
    assert (post.method, post.url.path) == ("POST", f"/v21.0/{PAGE_ID}/blocked")
    assert body_form(post) == {"user": json.dumps([FB_AUTHOR])}
    assert_authenticated(post)
    assert fake.blocked == {"user": [FB_AUTHOR]}
    assert (result.action, result.platform_ref) == ("block", FB_AUTHOR)


async def test_block_messenger_sender_by_psid(page: MetaConnecteur, fake: MetaFake) -> None:
    message = interaction(Platform.FACEBOOK, "m_1", InteractionKind.DIRECT_MESSAGE, MESSENGER_USER)
    await page.moderate(message, ModerationAction.BLOCK, idempotency_key="wf/block")
    assert fake.blocked == {"psid": [MESSENGER_USER]}


async def test_block_is_unsupported_on_instagram(insta: MetaConnecteur, fake: MetaFake) -> None:
    comment = interaction(Platform.INSTAGRAM, IG_COMMENT, InteractionKind.COMMENT, IG_AUTHOR)
    with pytest.raises(UnsupportedAction, match="Instagram has no API to block"):
        await insta.block(comment, idempotency_key="k")
    assert fake.requests == []


# -- errors --------------------------------------------------------------------------------


async def test_rate_limit_uses_business_use_case_estimate(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await page.hide(target(), idempotency_key="k")
    assert caught.value.retry_after == 5 * 60
    assert "80001" in str(caught.value)


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (Failure.EXPIRED_TOKEN, AuthError),
        (Failure.NOT_FOUND, NotFound),
        (Failure.SERVER_ERROR, TransientError),
        (Failure.RATE_LIMITED, RateLimited),
    ],
)
async def test_failures_are_typed_and_leak_no_secret(
    page: MetaConnecteur, fake: MetaFake, failure: Failure, expected: type[ConnecteurError]
) -> None:
    fake.fail_next(failure)
    with pytest.raises(expected) as caught:
        await page.reply(target(), TEXT, idempotency_key="k")
    texts = [str(caught.value), repr(caught.value)]
    for secret in SECRETS.values():
        assert all(secret not in t for t in texts)
    assert "127.0.0.1" not in texts[0]  # no full URL in messages


async def test_wrong_token_is_an_auth_error(fake: MetaFake) -> None:
    connector = make(fake, secrets={**SECRETS, "access_token": "revoked-token-0000000"})
    with pytest.raises(AuthError, match="190"):
        await connector.hide(target(), idempotency_key="k")
    await connector.http.aclose()


async def test_deleted_target_is_not_found(page: MetaConnecteur, fake: MetaFake) -> None:
    del fake.comments[FB_COMMENT]
    with pytest.raises(NotFound):
        await page.reply(target(), TEXT, idempotency_key="k")
    with pytest.raises(NotFound):
        await page.hide(target(), idempotency_key="k")


def _graph(
    code: int,
    *,
    status: int = 400,
    subcode: int | None = None,
    message: str = "boom",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    request = httpx.Request("POST", "http://127.0.0.1:8099/v21.0/1_2?access_token=x")
    return httpx.Response(status, json={"error": error}, headers=headers, request=request)


def _buc(minutes: int) -> dict[str, str]:
    usage = {
        PAGE_ID: [{"type": "pages", "call_count": 99, "estimated_time_to_regain_access": minutes}]
    }
    return {"x-business-use-case-usage": json.dumps(usage)}


@pytest.mark.parametrize(
    ("response", "expected", "retry_after"),
    [
        (_graph(4), RateLimited, 60.0),
        (_graph(17, status=403), RateLimited, 60.0),
        (_graph(32), RateLimited, 60.0),
        (_graph(613), RateLimited, 60.0),
        (_graph(80002, headers=_buc(2)), RateLimited, 120.0),
        (_graph(80014, headers=_buc(0)), RateLimited, 60.0),
        (_graph(4, headers={"x-business-use-case-usage": "not json"}), RateLimited, 60.0),
        (_graph(190, subcode=463), AuthError, None),
        (_graph(190, status=401), AuthError, None),
        (_graph(10), AuthError, None),
        (_graph(200), AuthError, None),
        (_graph(299), AuthError, None),
        (_graph(100, subcode=33), NotFound, None),
        (_graph(100, message="Object with ID '1_2' does not exist"), NotFound, None),
        (_graph(100, message="(#100) The parameter message is required"), InvalidRequest, None),
        (_graph(1), TransientError, None),
        (_graph(2, status=500), TransientError, None),
        (_graph(368), InvalidRequest, None),
        (
            httpx.Response(
                503, text="upstream down", request=httpx.Request("GET", "http://h/v21.0/x")
            ),
            TransientError,
            None,
        ),
        (httpx.Response(429, request=httpx.Request("GET", "http://h/v21.0/x")), RateLimited, 60.0),
    ],
)
async def test_graph_error_codes(
    page: MetaConnecteur,
    response: httpx.Response,
    expected: type[ConnecteurError],
    retry_after: float | None,
) -> None:
    error = page.error_for(response)
    assert type(error) is expected
    assert "access_token" not in str(error)
    if retry_after is not None:
        assert isinstance(error, RateLimited) and error.retry_after == retry_after


async def test_success_is_no_error(page: MetaConnecteur) -> None:
    request = httpx.Request("GET", "http://h/v21.0/x")
    assert page.error_for(httpx.Response(200, json={"data": []}, request=request)) is None


async def test_secret_echoed_by_graph_is_blanked(page: MetaConnecteur) -> None:
    token = SECRETS["access_token"]
    error = page.error_for(_graph(190, message=f"Malformed access token {token}"))
    assert isinstance(error, AuthError)
    assert token not in str(error) and "***" in str(error)


# -- channel health ------------------------------------------------------------------------
# GET /debug_token (the page token inspecting itself) and GET /{page-id}/subscribed_apps:
# https://developers.facebook.com/docs/facebook-login/access-tokens/debugging-and-error-handling
# https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/
# https://developers.facebook.com/docs/graph-api/webhooks/getting-started/webhooks-for-instagram


def answer_first(fake: MetaFake, path: str, response: httpx.Response) -> None:
    """Have ``GET path`` answer ``response`` (a shape the fake's state does not produce)."""
    fake.routes.insert(0, Route("GET", re.compile(path), lambda request, match: response))


def leaks(err: BaseException) -> list[str]:
    texts = [str(err), repr(err), *(repr(a) for a in err.args)]
    return [s[:4] for s in SECRETS.values() if any(s in t for t in texts)]


async def test_health_of_a_healthy_page(page: MetaConnecteur, fake: MetaFake) -> None:
    check = await page.check_health()
    assert check.token_valid is True
    assert check.token_expires_at is None  # expires_at 0: a long-lived page token
    assert check.scopes_missing == ()
    assert check.subscription_active is True
    [debug] = fake.sent("GET", r"/v21\.0/debug_token")
    assert debug.url.params["input_token"] == SECRETS["access_token"]
    assert_authenticated(debug)
    [subscribed] = fake.sent("GET", rf"/v21\.0/{PAGE_ID}/subscribed_apps")
    assert_authenticated(subscribed)
    assert fake.writes == []


async def test_health_reads_the_expiry_as_an_aware_datetime(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    soon = datetime.now(UTC) + timedelta(days=3)
    fake.token_expires_at = soon
    check = await page.check_health()
    assert check.token_valid is True
    assert check.token_expires_at is not None
    assert check.token_expires_at.tzinfo is not None
    assert abs((check.token_expires_at - soon).total_seconds()) < 1


async def test_health_mentions_data_access_expiry(page: MetaConnecteur, fake: MetaFake) -> None:
    fake.data_access_expires_at = datetime(2027, 2, 1, tzinfo=UTC)
    check = await page.check_health()
    assert "data access expires 2027-02-01" in check.detail
    assert check.token_expires_at is None


@pytest.mark.parametrize(
    ("state", "subcode"), [({"token_revoked": True}, "460"), ({"expired": True}, "463")]
)
async def test_health_of_a_refused_token_is_an_auth_error(
    page: MetaConnecteur, fake: MetaFake, state: dict[str, bool], subcode: str
) -> None:
    if state.get("expired"):
        fake.token_expires_at = datetime.now(UTC) - timedelta(hours=1)
    else:
        fake.token_revoked = True
    with pytest.raises(AuthError) as caught:
        await page.check_health()
    assert f"(#190/{subcode})" in str(caught.value)
    assert leaks(caught.value) == []
    assert "127.0.0.1" not in str(caught.value) and "input_token" not in str(caught.value)


async def test_health_injected_expired_token_is_an_auth_error(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    fake.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError, match="190"):
        await page.check_health()


async def test_health_subscription_removed(page: MetaConnecteur, fake: MetaFake) -> None:
    fake.subscription_active = False
    check = await page.check_health()
    assert check.subscription_active is False
    assert check.token_valid is True
    assert "not subscribed" in check.detail


async def test_health_subscription_missing_a_field(fake: MetaFake) -> None:
    fake.subscribed_fields = ["feed"]
    connector = make(fake)
    check = await connector.check_health()
    assert check.subscription_active is False
    assert "messages" in check.detail
    # An operator who does not use Messenger says so, and feed alone is enough.
    feed_only = make(fake, options=MetaOptions(page_webhook_fields=("feed",)))
    assert (await feed_only.check_health()).subscription_active is True
    await connector.http.aclose()
    await feed_only.http.aclose()


async def test_health_names_a_missing_permission(page: MetaConnecteur, fake: MetaFake) -> None:
    fake.missing_scopes = {"pages_messaging", "instagram_basic"}
    check = await page.check_health()
    # instagram_basic is not needed for a Facebook page.
    assert check.scopes_missing == ("pages_messaging",)
    assert check.token_valid is True
    assert check.subscription_active is True


async def test_health_without_webhook_permission_does_not_read_the_subscription(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    fake.missing_scopes = {"pages_manage_metadata"}
    check = await page.check_health()
    assert check.scopes_missing == ("pages_manage_metadata",)
    assert check.subscription_active is None
    assert "pages_manage_metadata" in check.detail
    assert fake.sent("GET", r".*/subscribed_apps") == []


async def test_health_graph_throttling_is_rate_limited(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    # Graph throttles with HTTP 400 and a code (80001 for pages) plus the BUC header.
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await page.check_health()
    assert caught.value.retry_after == 5 * 60


async def test_health_http_429_is_rate_limited(page: MetaConnecteur, fake: MetaFake) -> None:
    answer_first(fake, r"/v21\.0/debug_token", httpx.Response(429, headers={"retry-after": "42"}))
    with pytest.raises(RateLimited) as caught:
        await page.check_health()
    assert caught.value.retry_after == 42


async def test_health_reports_a_token_graph_describes_as_invalid(
    page: MetaConnecteur, fake: MetaFake
) -> None:
    # When Graph answers 200 with is_valid false, the facts are returned, not raised.
    body = {
        "data": {
            "app_id": "1234567890123456",
            "is_valid": False,
            "expires_at": 1700000000,
            "scopes": [],
            "error": {"code": 190, "subcode": 463, "message": "Session has expired"},
        }
    }
    answer_first(fake, r"/v21\.0/debug_token", httpx.Response(200, json=body))
    check = await page.check_health()
    assert check.token_valid is False
    assert check.token_expires_at == datetime.fromtimestamp(1700000000, UTC)
    assert "Session has expired" in check.detail
    assert check.subscription_active is None
    assert fake.sent("GET", r".*/subscribed_apps") == []


async def test_health_of_an_instagram_account_reads_its_page(fake: MetaFake) -> None:
    connector = make(fake, Platform.INSTAGRAM, options=MetaOptions(page_id=PAGE_ID))
    fake.missing_scopes = {"pages_messaging"}  # a Facebook-only permission
    check = await connector.check_health()
    assert check.token_valid is True
    assert check.scopes_missing == ()
    assert check.subscription_active is True
    assert len(fake.sent("GET", rf"/v21\.0/{PAGE_ID}/subscribed_apps")) == 1
    fake.missing_scopes = {"instagram_manage_comments"}
    assert (await connector.check_health()).scopes_missing == ("instagram_manage_comments",)
    fake.subscription_active = False
    assert (await connector.check_health()).subscription_active is False
    await connector.http.aclose()


async def test_health_of_instagram_without_its_page_cannot_tell_webhooks(
    insta: MetaConnecteur, fake: MetaFake
) -> None:
    check = await insta.check_health()
    assert check.token_valid is True
    assert check.subscription_active is None
    assert "page_id" in check.detail
    assert fake.sent("GET", r".*/subscribed_apps") == []


async def test_health_keeps_the_token_out_of_httpx_logs(
    page: MetaConnecteur, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="httpx"):
        await page.check_health()
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any("debug_token?input_token=redacted" in line for line in lines)
    assert all(SECRETS["access_token"] not in line for line in lines)


def test_reauthorize_names_the_token_and_permissions() -> None:
    guidance = MetaConnecteur.manifest.reauthorize
    assert "access_token" in guidance
    for scope in ("pages_manage_engagement", "instagram_manage_comments", "pages_manage_metadata"):
        assert scope in guidance
    assert "Graph API Explorer" in guidance


def test_outside_the_messaging_window_is_a_refused_request_not_a_broken_token() -> None:
    """Send API: (#10) subcode 2018278, "This message is sent outside of allowed window"."""
    import httpx

    from connecteurs.errors import AuthError, InvalidRequest
    from connecteurs.meta.erreurs import GraphError, error_for_graph

    response = httpx.Response(
        400, request=httpx.Request("POST", "https://graph.facebook.com/v21.0/me/messages")
    )
    window = GraphError(
        code=10, error_subcode=2018278, message="This message is sent outside of allowed window."
    )
    assert isinstance(error_for_graph(response, window), InvalidRequest)
    permission = GraphError(code=10, message="Application does not have permission for this action")
    assert isinstance(error_for_graph(response, permission), AuthError)
