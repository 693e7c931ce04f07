"""The X connector against its fake API v2 and the documented Account Activity payloads.

Doc pages these tests follow:
- CRC and signature: https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks
  and https://docs.x.com/x-api/webhooks/introduction (``sha256=`` + base64 HMAC-SHA256 of the
  consumer secret over the crc_token / the raw body, header ``x-twitter-webhooks-signature``).
- Payloads: https://docs.x.com/x-api/account-activity/introduction ("Payload Examples").
- Mentions timeline: https://docs.x.com/x-api/posts/timelines/quickstart/user-mention-quickstart
- Reply: https://docs.x.com/x-api/posts/manage-tweets/integrate ("Create a reply").
- Hide replies: https://docs.x.com/x-api/posts/hide-replies/quickstart
- DMs: https://docs.x.com/x-api/direct-messages/manage/quickstart and
  https://docs.x.com/x-api/direct-messages/lookup/integrate (one-to-one conversation id format).
- Block (Enterprise only) / mute: https://docs.x.com/x-api/users/blocks/introduction,
  https://docs.x.com/x-api/users/mutes/quickstart/manage-mutes-quickstart
- Errors and rate limits: https://docs.x.com/x-api/fundamentals/response-codes-and-errors
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

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
from connecteurs.models import (
    Author,
    Interaction,
    InteractionKind,
    Platform,
    ThreadEvent,
    ThreadEventKind,
    body_sha256,
)
from connecteurs.testing import BASE_URL, Failure, Route, body_json
from connecteurs.x import XConnecteur, XOptions, erreurs
from connecteurs.x.conformite import (
    CONSUMER_SECRET,
    CRC_TOKEN,
    SECRETS,
    TARGET_ID,
    crc_request,
    fixture,
    signed,
    target,
)
from connecteurs.x.fake import (
    ACCOUNT,
    ACCOUNT_POST,
    APP_BEARER_TOKEN,
    PROBLEMS,
    TOKEN,
    WEBHOOK_ID,
    XFake,
)
from connecteurs.x.texte import same_text

MENTION_ID = "1592531329120845844"
DM_ID = "954491830116155396"
FAN = "3001969357"  # @furiouscamper


def reference_signature(secret: str, message: bytes) -> str:
    """The docs' recipe, written out independently of the connector."""
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def edited(name: str, change: Callable[[dict[str, Any]], None]) -> bytes:
    raw = json.loads(fixture(name))
    change(raw)
    return json.dumps(raw).encode()


@asynccontextmanager
async def wired(
    fake: XFake | None = None, secrets: dict[str, str] | None = None, **options: Any
) -> AsyncIterator[tuple[XFake, XConnecteur]]:
    platform = fake or XFake()
    client = platform.client()
    connector = XConnecteur(
        AccountContext(
            account=ACCOUNT,
            platform=Platform.X,
            secrets=SECRETS if secrets is None else secrets,
            options=XOptions(**options),
            base_url=BASE_URL,
        ),
        http=client,
    )
    try:
        yield platform, connector
    finally:
        await connector.aclose()
        await client.aclose()


@pytest.fixture
async def x() -> AsyncIterator[tuple[XFake, XConnecteur]]:
    async with wired() as pair:
        yield pair


def dm_target(**changes: Any) -> Interaction:
    now = datetime(2018, 1, 19, 23, 12, 40, tzinfo=UTC)
    base = Interaction(
        id=Interaction.make_id(Platform.X, ACCOUNT, DM_ID),
        platform=Platform.X,
        account=ACCOUNT,
        external_id=DM_ID,
        kind=InteractionKind.DIRECT_MESSAGE,
        author=Author(id=FAN, handle="furiouscamper"),
        text="Hello World!",
        created_at=now,
        received_at=now,
    )
    return base.model_copy(update=changes)


# -- manifest --------------------------------------------------------------------------------


def test_manifest_declares_only_what_x_offers() -> None:
    manifest = XConnecteur.manifest
    assert manifest.name == "x" and manifest.platform is Platform.X
    assert manifest.capabilities == {
        Capability.WEBHOOK,
        Capability.POLL,
        Capability.REPLY,
        Capability.HIDE,
        Capability.UNHIDE,
        Capability.BLOCK,
        Capability.DIRECT_MESSAGE,
    }
    assert manifest.secrets == ("consumer_secret", "access_token", "bearer_token")
    assert manifest.reply_lookup is True
    assert any("docs.x.com" in url for url in manifest.documentation)


async def test_delete_is_not_offered(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    with pytest.raises(UnsupportedAction):
        await connector.delete(target(), idempotency_key="k")
    assert fake.requests == []


# -- signature -------------------------------------------------------------------------------


async def test_signature_accepted(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    body = fixture("activity_mention.json")
    request = WebhookRequest.make(
        body, {"X-Twitter-Webhooks-Signature": reference_signature(CONSUMER_SECRET, body)}
    )
    await connector.verify(request)  # raises if refused


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-twitter-webhooks-signature": ""},
        {"x-twitter-webhooks-signature": reference_signature("another-secret", b"{}")},
    ],
    ids=["missing", "empty", "wrong"],
)
async def test_signature_missing_or_wrong_rejected(
    x: tuple[XFake, XConnecteur], headers: dict[str, str]
) -> None:
    _, connector = x
    with pytest.raises(InvalidSignature):
        await connector.verify(WebhookRequest.make(fixture("activity_mention.json"), headers))


async def test_signature_over_tampered_body_rejected(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    good = signed(fixture("activity_mention.json"))
    tampered = good.model_copy(update={"body": good.body.replace(b"quick fix", b"quack fix")})
    with pytest.raises(InvalidSignature, match="x-twitter-webhooks-signature"):
        await connector.verify(tampered)


async def test_signature_signed_with_another_secret_rejected() -> None:
    async with wired(secrets={**SECRETS, "consumer_secret": "rotated-secret-000"}) as (_, c):
        with pytest.raises(InvalidSignature):
            await c.verify(signed(fixture("activity_mention.json")))


async def test_signature_hex_instead_of_base64_rejected(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    body = fixture("activity_mention.json")
    hexa = "sha256=" + hmac.new(CONSUMER_SECRET.encode(), body, hashlib.sha256).hexdigest()
    with pytest.raises(InvalidSignature):
        await connector.verify(WebhookRequest.make(body, {"x-twitter-webhooks-signature": hexa}))


# -- CRC handshake ---------------------------------------------------------------------------


async def test_crc_answered_with_response_token(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    response = await connector.handshake(crc_request())
    assert response is not None
    assert response.status == 200
    assert response.content_type == "application/json"
    expected = reference_signature(CONSUMER_SECRET, CRC_TOKEN.encode())
    assert json.loads(response.body) == {"response_token": expected}


async def test_get_without_crc_token_refused(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    with pytest.raises(HandshakeRefused):
        await connector.handshake(crc_request(None))
    with pytest.raises(HandshakeRefused):
        await connector.handshake(crc_request(""))


async def test_post_is_not_a_handshake(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    assert await connector.handshake(signed(fixture("activity_mention.json"))) is None


# -- parse -----------------------------------------------------------------------------------


async def test_parse_mention(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    body = fixture("activity_mention.json")
    [item] = await connector.parse(signed(body))
    assert item.id == f"x:{ACCOUNT}:{MENTION_ID}"
    assert item.platform is Platform.X and item.account == ACCOUNT
    assert item.external_id == MENTION_ID
    assert item.kind is InteractionKind.MENTION
    assert item.author.id == "6253282" and item.author.handle == "TwitterAPI"
    assert item.author.display_name == "Twitter API"
    assert item.text == "Thanks @Harris_0ff for the quick fix on the Boulder order & the refund!"
    assert item.created_at == datetime(2022, 11, 15, 14, 2, 11, tzinfo=UTC)
    assert item.received_at.tzinfo is not None
    assert item.thread_id is None and item.parent_id is None and not item.is_follow_up
    assert item.url == f"https://x.com/TwitterAPI/status/{MENTION_ID}"
    assert item.language == "en"
    assert item.raw_sha256 == body_sha256(body)


async def test_parse_reply_to_the_accounts_post(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    [item] = await connector.parse(signed(fixture("activity_reply.json")))
    assert item.external_id == TARGET_ID
    assert item.kind is InteractionKind.REPLY
    assert item.parent_id == ACCOUNT_POST and item.thread_id == ACCOUNT_POST
    assert item.author.id == FAN and item.author.handle == "furiouscamper"
    assert item.text.startswith("@Harris_0ff Does the late opening")


async def test_parse_direct_message_uses_users_map(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    [item] = await connector.parse(signed(fixture("activity_dm.json")))
    assert item.kind is InteractionKind.DIRECT_MESSAGE
    assert item.external_id == DM_ID and item.text == "Hello World!"
    assert item.author == Author(
        id=FAN,
        handle="furiouscamper",
        display_name="Jordan Brinks",
        profile_url="https://x.com/furiouscamper",
    )
    assert item.created_at == datetime.fromtimestamp(1516403560.557, UTC)
    # One-to-one conversation ids are {smaller_user_id}-{larger_user_id}.
    assert item.reply_context == {"dm_conversation_id": f"{FAN}-{ACCOUNT}"}


async def test_parse_longform_post_reads_extended_tweet(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x

    def longform(raw: dict[str, Any]) -> None:
        tweet = raw["tweet_create_events"][0]
        tweet["truncated"] = True
        tweet["text"] = "Thanks @Harris_0ff for the quick fix… https://t.co/bzbEKj8cd8"
        tweet["extended_tweet"] = {"full_text": "Thanks @Harris_0ff " + "long " * 80}

    [item] = await connector.parse(signed(edited("activity_mention.json", longform)))
    assert item.text.startswith("Thanks @Harris_0ff long long")
    assert len(item.text) > 280


def _sent_by_account(raw: dict[str, Any]) -> None:
    create = raw["direct_message_events"][0]["message_create"]
    create["sender_id"], create["target"]["recipient_id"] = ACCOUNT, FAN


def _retweet(raw: dict[str, Any]) -> None:
    raw["tweet_create_events"][0]["retweeted_status"] = {"id_str": ACCOUNT_POST}


def _other_account(raw: dict[str, Any]) -> None:
    raw["for_user_id"] = "2244994945"


@pytest.mark.parametrize(
    "body",
    [
        fixture("activity_own_tweet.json"),
        fixture("activity_favorite.json"),
        edited("activity_dm.json", _sent_by_account),
        edited("activity_mention.json", _retweet),
        edited("activity_mention.json", _other_account),
        b'{"user_event":{"revoke":{"date_time":"2018-05-24T09:48:12+00:00",'
        b'"target":{"app_id":"13090192"},"source":{"user_id":"63046977"}}}}',
        b'{"for_user_id":"4337869213","tweet_delete_events":[{"status":{"id":"1045405559317569537",'
        b'"user_id":"930524282358325248"},"timestamp_ms":"1432228155593"}]}',
    ],
    ids=["own post", "like", "dm sent by account", "repost", "other account", "revoke", "delete"],
)
async def test_non_interactions_are_skipped(x: tuple[XFake, XConnecteur], body: bytes) -> None:
    _, connector = x
    assert await connector.parse(signed(body)) == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"[]",
        b"null",
        b"\xff\xfe\x00\x81",
        b'{"for_user_id":"4337869213","tweet_create_events":"nope"}',
        b'{"for_user_id":"4337869213","tweet_create_events":[{"text":"no id"}]}',
        b'{"tweet_create_events":[{"id_str":"1","created_at":"Tue Nov 15 14:02:11 +0000 2022",'
        b'"user":{"id_str":"6253282"}}]}',
        b'{"for_user_id":"4337869213","tweet_create_events":[{"id_str":"1","created_at":'
        b'"2022-11-15","user":{"id_str":"6253282"}}]}',
        b'{"for_user_id":"4337869213","tweet_create_events":[{"id_str":"abc","created_at":'
        b'"Tue Nov 15 14:02:11 +0000 2022","user":{"id_str":"6253282"}}]}',
        b'{"for_user_id":"4337869213","direct_message_events":[{"type":"message_create",'
        b'"id":"1","created_timestamp":"yesterday"}]}',
        b'{"for_user_id":"4337869213","tweet_create_events":[{"id_str":"2","created_at":'
        b'"Tue Nov 15 14:02:11 +0000 2022","user":{"id_str":"6253282"},'
        b'"edit_history":{"initial_tweet_id":"one"}}]}',
    ],
    ids=[
        "empty",
        "not json",
        "list",
        "null",
        "binary",
        "events not a list",
        "no id",
        "no for_user_id",
        "bad created_at",
        "non numeric id",
        "bad dm timestamp",
        "bad edit history",
    ],
)
@pytest.mark.parametrize("method", ["parse", "parse_events"])
async def test_malformed_bodies_raise(
    x: tuple[XFake, XConnecteur], body: bytes, method: str
) -> None:
    _, connector = x
    with pytest.raises(MalformedPayload):
        await getattr(connector, method)(signed(body))


def test_accounts_in_reads_for_user_id() -> None:
    assert XConnecteur.accounts_in(signed(fixture("activity_dm.json"))) == (ACCOUNT,)
    assert XConnecteur.accounts_in(signed(b"not json")) == ()


# -- thread events: what happened on X itself -------------------------------------------------


async def events_of(connector: XConnecteur, body: bytes) -> list[ThreadEvent]:
    request = signed(body)
    await connector.verify(request)
    return await connector.parse_events(request)


async def test_own_reply_is_answered_never_an_interaction(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    [mention] = await connector.parse(signed(fixture("activity_mention.json")))
    assert await connector.parse(signed(fixture("activity_own_reply.json"))) == []
    [answer] = await events_of(connector, fixture("activity_own_reply.json"))
    assert answer.kind is ThreadEventKind.ANSWERED
    assert (answer.platform, answer.account) == (Platform.X, ACCOUNT)
    assert (answer.subject_id, answer.thread_id) == (MENTION_ID, MENTION_ID)
    assert answer.ref == "1592535993912422401"
    assert answer.author == Author(
        id=ACCOUNT,
        handle="Harris_0ff",
        display_name="Harrison Test",
        profile_url="https://x.com/Harris_0ff",
    )
    assert answer.text == "@TwitterAPI Glad it worked out, thanks for letting us know!"
    assert answer.at == datetime(2022, 11, 15, 14, 20, 43, tzinfo=UTC)
    assert answer.detail == "tweet_create_events by the account"
    assert answer.workflow_id == mention.workflow_id


async def test_own_reply_to_a_reply_reaches_that_replys_workflow(
    x: tuple[XFake, XConnecteur],
) -> None:
    _, connector = x

    def to_the_fans_reply(raw: dict[str, Any]) -> None:
        tweet = raw["tweet_create_events"][0]
        tweet["in_reply_to_status_id_str"] = TARGET_ID
        tweet["in_reply_to_user_id_str"] = FAN

    [reply] = await connector.parse(signed(fixture("activity_reply.json")))
    [answer] = await events_of(connector, edited("activity_own_reply.json", to_the_fans_reply))
    # The fan's reply names the account's own Post as its thread, which has no workflow:
    # delivering it starts the reply's own (its workflow_id), which the answer reaches.
    assert reply.thread_id == ACCOUNT_POST
    assert (answer.subject_id, answer.thread_id) == (TARGET_ID, TARGET_ID)
    assert answer.workflow_id == reply.workflow_id


def _own_thread(raw: dict[str, Any]) -> None:
    tweet = raw["tweet_create_events"][0]
    tweet["in_reply_to_status_id_str"], tweet["in_reply_to_user_id_str"] = ACCOUNT_POST, ACCOUNT


def _own_retweet(raw: dict[str, Any]) -> None:
    raw["tweet_create_events"][0]["retweeted_status"] = {"id_str": MENTION_ID}


def _own_edit(raw: dict[str, Any]) -> None:
    raw["tweet_create_events"][0]["edit_history"]["initial_tweet_id"] = "1592535000000000000"


@pytest.mark.parametrize(
    "body",
    [
        fixture("activity_own_tweet.json"),
        edited("activity_own_reply.json", _own_thread),
        edited("activity_own_reply.json", _own_retweet),
        edited("activity_own_reply.json", _own_edit),
        edited("activity_own_reply.json", _other_account),
        fixture("activity_mention.json"),
        fixture("activity_reply.json"),
        fixture("activity_dm.json"),
        edited("activity_dm.json", _sent_by_account),
        fixture("activity_favorite.json"),
    ],
    ids=[
        "own post",
        "own thread",
        "own repost",
        "own answer edited",
        "other account",
        "mention",
        "reply",
        "dm",
        "dm sent by account",
        "like",
    ],
)
async def test_no_thread_event(x: tuple[XFake, XConnecteur], body: bytes) -> None:
    _, connector = x
    assert await connector.parse_events(signed(body)) == []


async def test_edited_post_is_edited_not_a_new_interaction(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    [mention] = await connector.parse(signed(fixture("activity_mention.json")))
    # Each edit is a new Post with a new id: it must not open a second interaction.
    assert await connector.parse(signed(fixture("activity_edited_mention.json"))) == []
    [edit] = await events_of(connector, fixture("activity_edited_mention.json"))
    assert edit.kind is ThreadEventKind.EDITED
    assert (edit.subject_id, edit.thread_id, edit.ref) == (
        MENTION_ID,
        None,
        "1592533202515193856",
    )
    assert edit.text.endswith("& the refund! (Edit: and the Denver one.)")
    assert edit.author is not None and edit.author.handle == "TwitterAPI"
    assert edit.at == datetime(2022, 11, 15, 14, 9, 37, tzinfo=UTC)
    assert edit.detail == f"tweet_create_events edit_history.initial_tweet_id={MENTION_ID}"
    assert edit.workflow_id == mention.workflow_id
    # Had the original never arrived (the edit added the mention), the edited Post itself is
    # what the gateway delivers instead of dropping the event.
    assert edit.fallback is not None
    assert edit.fallback.external_id == "1592533202515193856"
    assert edit.fallback.text == edit.text


async def test_deleted_post_is_deleted(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    [reply] = await connector.parse(signed(fixture("activity_reply.json")))
    # The second deletion is the account's own Post: not news.
    [deleted] = await events_of(connector, fixture("activity_tweet_delete.json"))
    assert deleted.kind is ThreadEventKind.DELETED
    assert (deleted.subject_id, deleted.thread_id, deleted.ref) == (TARGET_ID, None, None)
    assert deleted.at == datetime.fromtimestamp(1668522155.593, UTC)
    assert deleted.detail == "tweet_delete_events"
    assert deleted.workflow_id == reply.workflow_id


async def test_redelivered_events_keep_their_keys(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    for name in ("activity_own_reply.json", "activity_edited_mention.json"):
        [first] = await events_of(connector, fixture(name))
        [again] = await events_of(connector, fixture(name))
        assert first.key == again.key


@pytest.mark.parametrize(
    "body",
    [
        b'{"tweet_delete_events":[{"status":{"id":"1","user_id":"2"},"timestamp_ms":"1"}]}',
        b'{"for_user_id":"4337869213","tweet_delete_events":[{"status":{"user_id":"2"},'
        b'"timestamp_ms":"1"}]}',
        b'{"for_user_id":"4337869213","tweet_delete_events":[{"status":{"id":"1",'
        b'"user_id":"2"},"timestamp_ms":"soon"}]}',
        b'{"for_user_id":"4337869213","tweet_delete_events":[{"status":{"id":true,'
        b'"user_id":"2"},"timestamp_ms":"1"}]}',
    ],
    ids=["no for_user_id", "no status id", "bad timestamp", "boolean id"],
)
async def test_malformed_deletions_raise(x: tuple[XFake, XConnecteur], body: bytes) -> None:
    _, connector = x
    with pytest.raises(MalformedPayload):
        await connector.parse_events(signed(body))


async def test_deletion_ids_sent_as_numbers_are_read(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    body = (
        b'{"for_user_id":"4337869213","tweet_delete_events":[{"status":'
        b'{"id":1592527526677803009,"user_id":3001969357},"timestamp_ms":1668522155593}]}'
    )
    [deleted] = await connector.parse_events(signed(body))
    assert deleted.subject_id == TARGET_ID


# -- poll ------------------------------------------------------------------------------------


async def test_first_poll_returns_current_page(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    result = await connector.poll(None)
    [request] = fake.requests
    assert request.method == "GET" and request.url.path == f"/2/users/{ACCOUNT}/mentions"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    params = request.url.params
    assert "since_id" not in params
    assert params["expansions"] == "author_id"
    assert set(params["tweet.fields"].split(",")) >= {
        "created_at",
        "conversation_id",
        "in_reply_to_user_id",
        "referenced_tweets",
        "author_id",
    }
    assert [i.external_id for i in result.interactions] == [TARGET_ID, MENTION_ID]
    assert result.cursor == MENTION_ID
    reply, mention = result.interactions
    assert reply.kind is InteractionKind.REPLY and mention.kind is InteractionKind.MENTION
    # The v2 conversation_id is the thread root; the replied_to reference the parent.
    assert reply.thread_id == ACCOUNT_POST and reply.parent_id == ACCOUNT_POST
    assert reply.author.handle == "furiouscamper"
    assert reply.created_at == datetime(2022, 11, 15, 13, 47, 5, tzinfo=UTC)
    assert mention.text.endswith("order & the refund!")


async def test_poll_and_webhook_agree_on_ids(x: tuple[XFake, XConnecteur]) -> None:
    _, connector = x
    polled = {i.id for i in (await connector.poll(None)).interactions}
    delivered = set()
    for name in ("activity_mention.json", "activity_reply.json"):
        delivered |= {i.id for i in await connector.parse(signed(fixture(name)))}
    assert polled == delivered


async def test_poll_with_cursor_returns_only_newer(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    first = await connector.poll(None)
    quiet = await connector.poll(first.cursor)
    assert fake.requests[-1].url.params["since_id"] == MENTION_ID
    assert quiet.interactions == () and quiet.cursor == first.cursor
    new = fake.mention("6253282", "@Harris_0ff are you open on Sunday?")
    fake.mention(ACCOUNT, "@Harris_0ff note to self")  # the account's own Post: skipped
    later = await connector.poll(quiet.cursor)
    assert [i.external_id for i in later.interactions] == [new]
    assert later.cursor is not None and int(later.cursor) > int(new)
    assert {i.id for i in later.interactions}.isdisjoint({i.id for i in first.interactions})


async def test_poll_follows_next_token_since_cursor(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    cursor = (await connector.poll(None)).cursor
    new = [fake.mention(FAN, f"@Harris_0ff question {n}") for n in range(130)]
    result = await connector.poll(cursor)
    assert [i.external_id for i in result.interactions] == new
    assert result.cursor == new[-1]
    assert fake.requests[-1].url.params["pagination_token"] == "100"


async def test_poll_page_cap_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    async with wired(poll_max_pages=1) as (fake, connector):
        cursor = (await connector.poll(None)).cursor
        for n in range(105):
            fake.mention(FAN, f"@Harris_0ff question {n}")
        with caplog.at_level(logging.WARNING, logger="connecteurs.x.connecteur"):
            result = await connector.poll(cursor)
    assert len(result.interactions) == 100
    assert "older mentions were skipped" in caplog.text


async def test_poll_reports_an_edited_mention_as_edited(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    first = await connector.poll(None)
    assert first.events == ()
    [mention] = [i for i in first.interactions if i.external_id == MENTION_ID]
    new_id = fake.edit(MENTION_ID, "Thanks @Harris_0ff for the quick fix, and the refund!")
    later = await connector.poll(first.cursor)
    # The new version is an edit of a mention already returned: no second interaction.
    assert later.interactions == ()
    [edit] = later.events
    assert edit.kind is ThreadEventKind.EDITED
    assert (edit.subject_id, edit.thread_id, edit.ref) == (MENTION_ID, None, new_id)
    assert edit.text == "Thanks @Harris_0ff for the quick fix, and the refund!"
    assert edit.detail == f"mentions edit_history_tweet_ids[0]={MENTION_ID}"
    assert edit.workflow_id == mention.workflow_id
    assert later.cursor == new_id


async def test_poll_reports_an_edited_reply_in_its_conversation(
    x: tuple[XFake, XConnecteur],
) -> None:
    fake, connector = x
    cursor = (await connector.poll(None)).cursor
    new_id = fake.edit(TARGET_ID, "@Harris_0ff Does the late opening include Denver?")
    [edit] = (await connector.poll(cursor)).events
    assert (edit.subject_id, edit.thread_id, edit.ref) == (TARGET_ID, ACCOUNT_POST, new_id)


async def test_poll_rejects_a_foreign_cursor(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    with pytest.raises(InvalidRequest):
        await connector.poll('{"page": 2}')
    assert fake.requests == []


# -- reply -----------------------------------------------------------------------------------


async def test_reply_posts_a_reply(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    result = await connector.reply(target(), "Yes, Boulder too!", idempotency_key="wf/reply")
    lookup, post = fake.requests
    assert lookup.method == "GET" and lookup.url.path == f"/2/users/{ACCOUNT}/tweets"
    assert lookup.url.params["since_id"] == TARGET_ID
    assert post.method == "POST" and post.url.path == "/2/tweets"
    assert post.headers["authorization"] == f"Bearer {TOKEN}"
    assert body_json(post) == {
        "text": "Yes, Boulder too!",
        "reply": {"in_reply_to_tweet_id": TARGET_ID},
    }
    assert result.ok and result.action == "reply"
    [created] = fake.replies_by_account(TARGET_ID)
    assert result.platform_ref == created["id"]


async def test_retried_reply_finds_the_earlier_post(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    text = "Yes, Boulder too! Hours: https://example.com/hours & more"
    first = await connector.reply(target(), text, idempotency_key="wf/reply")
    again = await connector.reply(target(), text, idempotency_key="wf/reply")
    assert again.platform_ref == first.platform_ref
    assert len(fake.sent("POST", "/2/tweets")) == 1
    assert len(fake.replies_by_account(TARGET_ID)) == 1
    # X showed the reply back with "@furiouscamper " in front: the lookup saw through it.
    assert fake.tweets[str(first.platform_ref)]["text"].startswith("@furiouscamper ")


async def test_lookup_ignores_same_text_under_another_post(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    other = target().model_copy(update={"external_id": MENTION_ID})
    await connector.reply(other, "Thank you!", idempotency_key="wf/a")
    await connector.reply(target(), "Thank you!", idempotency_key="wf/b")
    assert len(fake.sent("POST", "/2/tweets")) == 2


async def test_reply_without_lookup_posts_again() -> None:
    async with wired(reply_lookup=False) as (fake, connector):
        await connector.reply(target(), "Yes!", idempotency_key="k")
        await connector.reply(target(), "Yes!", idempotency_key="k")
    assert fake.sent("GET", r"/2/users/\d+/tweets") == []
    assert len(fake.sent("POST", "/2/tweets")) == 2


async def test_reply_to_a_dm_is_a_dm(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    result = await connector.reply(dm_target(), "Hi!", idempotency_key="k")
    assert result.action == "direct_message"
    assert fake.sent("POST", "/2/tweets") == []
    assert len(fake.sent("POST", rf"/2/dm_conversations/with/{FAN}/messages")) == 1


def test_same_text_sees_through_mentions_escapes_and_links() -> None:
    assert same_text("@a @b_c Hi &amp; bye https://t.co/abc", "Hi & bye https://example.com/x")
    assert not same_text("@a Hi & bye", "Hi and bye")


# -- direct messages -------------------------------------------------------------------------


async def test_direct_message(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    result = await connector.send_direct_message(dm_target(), "Happy to help.", idempotency_key="k")
    lookup, post = fake.requests
    assert lookup.method == "GET"
    assert lookup.url.path == f"/2/dm_conversations/with/{FAN}/dm_events"
    assert post.url.path == f"/2/dm_conversations/with/{FAN}/messages"
    assert post.headers["authorization"] == f"Bearer {TOKEN}"
    assert body_json(post) == {"text": "Happy to help."}
    assert result.ok and result.platform_ref == fake.dm_events[-1]["id"]
    assert fake.dm_events[-1]["sender_id"] == ACCOUNT


async def test_retried_direct_message_sent_once(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    first = await connector.send_direct_message(dm_target(), "Happy to help.", idempotency_key="k")
    again = await connector.send_direct_message(dm_target(), "Happy to help.", idempotency_key="k")
    assert first.platform_ref == again.platform_ref
    assert len(fake.sent("POST", r"/2/dm_conversations/with/\d+/messages")) == 1


async def test_direct_message_to_a_non_x_author_refused(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    stranger = dm_target(author=Author(id="someone", handle="someone"))
    with pytest.raises(InvalidRequest):
        await connector.send_direct_message(stranger, "Hi", idempotency_key="k")
    assert fake.requests == []


# -- hide / unhide / block -------------------------------------------------------------------


async def test_hide_and_unhide(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    hidden = await connector.hide(target(), idempotency_key="k")
    assert fake.hidden[TARGET_ID] is True
    shown = await connector.unhide(target(), idempotency_key="k")
    assert fake.hidden[TARGET_ID] is False
    put_hide, put_show = fake.requests
    assert put_hide.method == "PUT" and put_hide.url.path == f"/2/tweets/{TARGET_ID}/hidden"
    assert put_hide.headers["authorization"] == f"Bearer {TOKEN}"
    assert body_json(put_hide) == {"hidden": True} and body_json(put_show) == {"hidden": False}
    assert (hidden.action, shown.action) == ("hide", "unhide")
    assert hidden.ok and hidden.platform_ref == TARGET_ID


async def test_hide_outside_the_accounts_conversations_is_refused(
    x: tuple[XFake, XConnecteur],
) -> None:
    _, connector = x
    mention = target().model_copy(update={"external_id": MENTION_ID})
    with pytest.raises(InvalidRequest, match="403"):
        await connector.hide(mention, idempotency_key="k")


async def test_hide_a_dm_is_refused_locally(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    with pytest.raises(InvalidRequest):
        await connector.hide(dm_target(), idempotency_key="k")
    assert fake.requests == []


async def test_block(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    result = await connector.block(target(), idempotency_key="k")
    [request] = fake.requests
    assert request.method == "POST" and request.url.path == f"/2/users/{ACCOUNT}/blocking"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert body_json(request) == {"target_user_id": FAN}
    assert fake.blocking == {FAN} and result.ok and result.action == "block"


async def test_block_in_mute_mode_mutes() -> None:
    async with wired(block_mode="mute") as (fake, connector):
        await connector.block(target(), idempotency_key="k")
    [request] = fake.requests
    assert request.url.path == f"/2/users/{ACCOUNT}/muting"
    assert fake.muting == {FAN} and fake.blocking == set()


async def test_block_without_enterprise_access_is_an_auth_error() -> None:
    async with wired(XFake(enterprise=False)) as (_, connector):
        with pytest.raises(AuthError, match=r"→ 403: When authenticating") as caught:
            await connector.block(target(), idempotency_key="k")
    assert TOKEN not in str(caught.value)


# -- failures --------------------------------------------------------------------------------


async def test_rate_limit_uses_x_rate_limit_reset(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await connector.poll(None)
    # The fake resets the 15-minute window: x-rate-limit-reset = now + 900 (Unix seconds).
    assert 880 <= caught.value.retry_after <= 900


async def test_expired_token_is_an_auth_error(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    fake.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError):
        await connector.hide(target(), idempotency_key="k")


async def test_wrong_token_is_refused_by_the_fake() -> None:
    async with wired(secrets={**SECRETS, "access_token": "revoked-token-000000"}) as (_, c):
        with pytest.raises(AuthError):
            await c.poll(None)


async def test_reply_to_a_deleted_post_is_not_found() -> None:
    async with wired(reply_lookup=False) as (fake, connector):
        fake.fail_next(Failure.NOT_FOUND)
        with pytest.raises(NotFound, match="deleted or not visible"):
            await connector.reply(target(), "Hi", idempotency_key="k")


async def test_lookup_answering_200_with_errors_is_not_found(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    fake.fail_next(Failure.NOT_FOUND)
    with pytest.raises(NotFound):
        await connector.reply(target(), "Hi", idempotency_key="k")
    assert fake.sent("POST", "/2/tweets") == []


async def test_server_error_is_transient(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    fake.fail_next(Failure.SERVER_ERROR)
    with pytest.raises(TransientError):
        await connector.block(target(), idempotency_key="k")


async def test_unreachable_platform_is_transient() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(broken))
    connector = XConnecteur(
        AccountContext(account=ACCOUNT, secrets=SECRETS, base_url=BASE_URL), http=client
    )
    with pytest.raises(TransientError):
        await connector.poll(None)
    await client.aclose()


@pytest.mark.parametrize("failure", list(Failure))
async def test_no_secret_or_url_in_errors(failure: Failure) -> None:
    async with wired() as (fake, connector):
        fake.fail_next(failure)
        with pytest.raises(ConnecteurError) as caught:
            await connector.reply(target(), "Hi", idempotency_key="k")
    texts = (str(caught.value), repr(caught.value))
    for text in texts:
        assert TOKEN not in text and CONSUMER_SECRET not in text
        assert "127.0.0.1" not in text and "since_id" not in text


def _answer(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request("POST", f"{BASE_URL}/2/tweets?secret=1")
    return httpx.Response(status, json=body, headers=headers, request=request)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (_answer(200, {"data": {"id": "1", "text": "hi"}}), None),
        (
            _answer(
                200,
                {
                    "data": [{"id": "1", "text": "hi"}],
                    "errors": [
                        {
                            "title": "Not Found Error",
                            "type": "https://api.x.com/2/problems/resource-not-found",
                        }
                    ],
                },
            ),
            None,
        ),
        (
            _answer(
                429,
                {"errors": [{"code": 88, "message": "Rate limit exceeded"}]},
                {"x-rate-limit-reset": str(int(time.time()) + 120)},
            ),
            RateLimited,
        ),
        (
            _answer(
                429,
                {"title": "UsageCapExceeded", "type": "https://api.x.com/2/problems/usage-capped"},
            ),
            RateLimited,
        ),
        (_answer(401, {"title": "Unauthorized", "type": "about:blank", "status": 401}), AuthError),
        (
            _answer(
                403,
                {
                    "title": "Unsupported Authentication",
                    "type": "https://api.twitter.com/2/problems/unsupported-authentication",
                },
            ),
            AuthError,
        ),
        (
            _answer(
                403,
                {
                    "detail": "You are not allowed to create a Tweet with duplicate content.",
                    "type": "about:blank",
                    "title": "Forbidden",
                    "status": 403,
                },
            ),
            InvalidRequest,
        ),
        (
            _answer(
                404,
                {
                    "title": "Not Found Error",
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                },
            ),
            NotFound,
        ),
        (
            _answer(
                400,
                {
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.x.com/2/problems/invalid-request",
                },
            ),
            InvalidRequest,
        ),
        (_answer(502, {"title": "Bad Gateway"}), TransientError),
        (
            httpx.Response(504, text="<html>", request=httpx.Request("GET", BASE_URL)),
            TransientError,
        ),
    ],
    ids=[
        "ok",
        "partial errors with data",
        "v1.1 code 88",
        "usage capped",
        "401",
        "403 unsupported authentication",
        "403 duplicate content",
        "404 problem",
        "400 invalid request",
        "502",
        "504 html",
    ],
)
def test_error_mapping(response: httpx.Response, expected: type[ConnecteurError] | None) -> None:
    error = erreurs.error_for(response)
    if expected is None:
        assert error is None
    else:
        assert isinstance(error, expected)
        assert "secret=1" not in str(error) and "127.0.0.1" not in str(error)


def test_v1_rate_limit_reads_reset_header() -> None:
    reset = int(time.time()) + 120
    error = erreurs.error_for(
        _answer(429, {"errors": [{"code": 88}]}, {"x-rate-limit-reset": str(reset)})
    )
    assert isinstance(error, RateLimited) and 110 <= error.retry_after <= 120


async def test_crc_refuses_a_token_shaped_like_a_delivery() -> None:
    """The CRC answer is the HMAC deliveries are signed with: signing a JSON body on request
    would let anyone forge a signed delivery."""
    from connecteurs.errors import HandshakeRefused as Refused
    from connecteurs.x.conformite import subject as x_subject

    subject = x_subject()
    assert subject.handshake is not None
    forged = subject.deliveries[0].body.decode()
    probe = subject.handshake.model_copy(update={"query": {"crc_token": forged}})
    async with subject.open(subject.context()) as harness:
        with pytest.raises(Refused, match="opaque token"):
            await harness.connector.handshake(probe)


# -- channel health ------------------------------------------------------------------------
# GET /2/users/me (https://docs.x.com/x-api/users/user-lookup-me), GET /2/dm_events
# (https://docs.x.com/x-api/direct-messages/lookup/integrate: dm.read), GET /2/account_activity/
# webhooks/:id/subscriptions/all (https://docs.x.com/x-api/account-activity/validate-subscription)
# and GET /2/webhooks, app-only (https://docs.x.com/x-api/webhooks/introduction).


def leaked(err: BaseException) -> list[str]:
    texts = [str(err), repr(err), *(repr(a) for a in err.args)]
    return [v[:4] for v in SECRETS.values() if any(v in t for t in texts)]


async def test_health_of_a_healthy_webhook_account() -> None:
    async with wired(webhook_id=WEBHOOK_ID) as (fake, connector):
        check = await connector.check_health()
    assert check.token_valid is True
    assert check.scopes_missing == ()
    assert check.subscription_active is True
    # X has no token introspection: the expiry stays unknown rather than guessed.
    assert check.token_expires_at is None
    user_token = f"Bearer {TOKEN}"
    [me] = fake.sent("GET", r"/2/users/me")
    assert me.headers["authorization"] == user_token
    [dms] = fake.sent("GET", r"/2/dm_events")
    assert dms.url.params["max_results"] == "1"
    [sub] = fake.sent("GET", rf"/2/account_activity/webhooks/{WEBHOOK_ID}/subscriptions/all")
    assert sub.headers["authorization"] == user_token
    [hooks] = fake.sent("GET", r"/2/webhooks")
    assert hooks.headers["authorization"] == f"Bearer {APP_BEARER_TOKEN}"
    assert fake.writes == []


async def test_health_of_a_polling_account_does_not_check_webhooks(
    x: tuple[XFake, XConnecteur],
) -> None:
    fake, connector = x
    check = await connector.check_health()
    assert check.token_valid is True
    assert check.subscription_active is None
    assert [r.url.path for r in fake.requests] == ["/2/users/me", "/2/dm_events"]


async def test_health_does_not_guess_an_expiry(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    fake.token_expires_at = datetime.now(UTC) + timedelta(days=3)
    check = await connector.check_health()
    assert check.token_valid is True
    assert check.token_expires_at is None


@pytest.mark.parametrize("state", ["expired", "revoked"])
async def test_health_of_a_refused_token_is_an_auth_error(
    x: tuple[XFake, XConnecteur], state: str
) -> None:
    fake, connector = x
    if state == "expired":
        fake.token_expires_at = datetime.now(UTC) - timedelta(minutes=1)
    else:
        fake.token_revoked = True
    with pytest.raises(AuthError) as caught:
        await connector.check_health()
    assert "GET /2/users/me → 401" in str(caught.value)
    assert leaked(caught.value) == []


async def test_health_injected_expired_token_is_an_auth_error(
    x: tuple[XFake, XConnecteur],
) -> None:
    fake, connector = x
    fake.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError):
        await connector.check_health()


async def test_health_of_a_token_for_another_account() -> None:
    async with wired(XFake(account="12345", username="someone_else")) as (_, connector):
        check = await connector.check_health()
    assert check.token_valid is False
    assert "12345" in check.detail and ACCOUNT in check.detail


async def test_health_subscription_removed() -> None:
    async with wired(webhook_id=WEBHOOK_ID) as (fake, connector):
        fake.subscription_active = False
        check = await connector.check_health()
    assert check.subscription_active is False
    assert "not subscribed" in check.detail


async def test_health_webhook_marked_invalid() -> None:
    async with wired(webhook_id=WEBHOOK_ID) as (fake, connector):
        fake.webhook_valid = False
        check = await connector.check_health()
    assert check.subscription_active is False
    assert "invalid" in check.detail


async def test_health_without_app_token_checks_the_subscription_only() -> None:
    secrets = {k: v for k, v in SECRETS.items() if k != "bearer_token"}
    async with wired(secrets=secrets, webhook_id=WEBHOOK_ID) as (fake, connector):
        fake.webhook_valid = False  # not visible without the app-only token
        check = await connector.check_health()
    assert check.subscription_active is True
    assert fake.sent("GET", r"/2/webhooks") == []


async def test_health_unknown_webhook() -> None:
    async with wired(webhook_id="999") as (_, connector):
        check = await connector.check_health()
    assert check.subscription_active is False
    assert "999" in check.detail


async def test_health_names_missing_dm_read(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    fake.missing_scopes = {"dm.read"}
    check = await connector.check_health()
    assert check.token_valid is True
    assert check.scopes_missing == ("dm.read",)


async def test_health_without_users_read_is_an_auth_error(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    fake.missing_scopes = {"users.read"}
    with pytest.raises(AuthError, match=r"403.*users\.read"):
        await connector.check_health()


async def test_health_app_without_access_is_an_auth_error_without_scope_hint(
    x: tuple[XFake, XConnecteur],
) -> None:
    fake, connector = x
    forbidden = httpx.Response(
        403,
        json={
            "title": "Client Forbidden",
            "detail": "This app must be attached to a Project.",
            "type": PROBLEMS + "client-forbidden",
        },
    )
    fake.routes.insert(0, Route("GET", re.compile(r"/2/users/me"), lambda r, m: forbidden))
    with pytest.raises(AuthError, match="attached to a Project") as caught:
        await connector.check_health()
    assert "users.read" not in str(caught.value)


async def test_health_plan_without_dms_is_not_a_missing_scope(
    x: tuple[XFake, XConnecteur],
) -> None:
    fake, connector = x
    forbidden = httpx.Response(
        403,
        json={
            "title": "Client Forbidden",
            "detail": "This endpoint is not available on your plan.",
            "type": PROBLEMS + "client-forbidden",
        },
    )
    fake.routes.insert(0, Route("GET", re.compile(r"/2/dm_events"), lambda r, m: forbidden))
    check = await connector.check_health()
    assert check.scopes_missing == ()
    assert "direct messages unavailable" in check.detail


async def test_health_rate_limited(x: tuple[XFake, XConnecteur]) -> None:
    fake, connector = x
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await connector.check_health()
    assert 800 < caught.value.retry_after <= 900  # x-rate-limit-reset: 15 minutes ahead


def test_reauthorize_names_the_tokens_scopes_and_console() -> None:
    guidance = XConnecteur.manifest.reauthorize
    for word in ("access_token", "consumer_secret", "dm.read", "tweet.moderate.write"):
        assert word in guidance
    assert "Keys and tokens" in guidance
