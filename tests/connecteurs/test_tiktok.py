"""The TikTok connector against its fake TikTok API for Business.

Docs the behaviour is checked against:
- Webhook envelope and ``content`` as a JSON string:
  https://developers.tiktok.com/doc/webhooks-events
- ``TikTok-Signature: t=…,s=…`` = HMAC-SHA256(client_secret, "<t>.<body>"), replay window
  left to the receiver: https://developers.tiktok.com/doc/webhooks-verification
- Accounts API (``comment.update`` webhook, ``/business/comment/list/``, ``/reply/list/``,
  ``/reply/create/``, ``/hide/``, ``/delete/`` own comments only, ``Access-Token`` header):
  https://business-api.tiktok.com/portal/docs?id=1738373164380162 and the endpoint list
  https://business-api.tiktok.com/portal/docs/api-reference/v1.3
- Return codes (HTTP 200 + ``code``; 40100 throttled, 40102/40104/40105 token, 40007 not
  found, 40002 parameters, 50000/50002 system): "Appendix - Return Codes",
  https://business-api.tiktok.com/portal/docs?id=1737172488964097 (numbers as in TikTok's
  SDK, tiktok/tiktok-business-api-sdk ``tiktok_business/tiktok_code.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from connecteurs.base import AccountContext, Capability, WebhookRequest
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
    UnsupportedAction,
)
from connecteurs.http import DEFAULT_RETRY_AFTER
from connecteurs.models import (
    InteractionKind,
    ModerationAction,
    Platform,
    ThreadEventKind,
    body_sha256,
    workflow_id_for,
)
from connecteurs.testing import Failure, body_json
from connecteurs.tiktok import TiktokConnecteur, TiktokOptions, fake, signature
from connecteurs.tiktok.conformite import OPTIONS, SECRETS, delivery, fixture, target
from connecteurs.tiktok.fake import FakeComment, TiktokFake

NOW = 1_700_000_000.0
AUTHOR = "+ABc1D2/E0fGhijklMNOrD34vDW/zDiZUNRH5Jyahue6OcA7b8ZpwnqXV9u1Uh+k"


def context(
    secrets: dict[str, str] | None = None, options: TiktokOptions | None = None
) -> AccountContext:
    return AccountContext(
        account=fake.BUSINESS_ID,
        platform=Platform.TIKTOK,
        secrets=dict(SECRETS if secrets is None else secrets),
        options=options or TiktokOptions(),
        base_url="http://127.0.0.1:8099",
    )


@pytest.fixture
def platform() -> TiktokFake:
    return TiktokFake()


@pytest.fixture
async def connector(platform: TiktokFake) -> AsyncIterator[TiktokConnecteur]:
    client = platform.client()
    instance = TiktokConnecteur(context(), http=client, clock=lambda: NOW)
    yield instance
    await client.aclose()


def signed(name_or_body: str | bytes, at: float = NOW) -> WebhookRequest:
    body = fixture(name_or_body) if isinstance(name_or_body, str) else name_or_body
    return delivery(body, at=int(at))


def envelope(content: Any, **changes: Any) -> bytes:
    """A ``comment.update`` body with ``content`` (serialized unless it already is)."""
    body = {
        "client_key": "bwo2m45353a6k85",
        "event": "comment.update",
        "create_time": 1687394417,
        "user_openid": fake.BUSINESS_ID,
        "content": content if isinstance(content, str) else json.dumps(content),
    }
    body.update(changes)
    return json.dumps(body).encode()


def insert(**changes: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "comment_id": "7247303576418566913",
        "video_id": "7203946942097902849",
        "comment_type": "comment",
        "comment_action": "insert",
        "unique_identifier": AUTHOR,
        "timestamp": 1687394416109,
        "text": "Where can I buy this jacket?",
    }
    content.update(changes)
    return {k: v for k, v in content.items() if v is not None}


# -- manifest ----------------------------------------------------------------------------


def test_manifest_declares_only_what_tiktok_offers() -> None:
    manifest = TiktokConnecteur.manifest
    assert manifest.capabilities == {
        Capability.WEBHOOK,
        Capability.REPLY,
        Capability.HIDE,
        Capability.UNHIDE,
    }
    assert manifest.secrets == ("client_secret", "access_token")
    assert manifest.reply_lookup is True
    assert any("business-api.tiktok.com" in url for url in manifest.documentation)


async def test_undeclared_actions_raise_unsupported(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    # delete works on the account's own comments only; no block, no DM, no poll.
    with pytest.raises(UnsupportedAction):
        await connector.delete(target(), idempotency_key="k")
    with pytest.raises(UnsupportedAction):
        await connector.block(target(), idempotency_key="k")
    with pytest.raises(UnsupportedAction):
        await connector.send_direct_message(target(), "hi", idempotency_key="k")
    with pytest.raises(UnsupportedAction):
        await connector.poll(None)
    with pytest.raises(UnsupportedAction):
        await connector.moderate(target(), ModerationAction.DELETE, idempotency_key="k")
    assert platform.requests == []


# -- signature ---------------------------------------------------------------------------


async def test_signature_accepted(connector: TiktokConnecteur) -> None:
    await connector.verify(signed("comment_insert.json"))


async def test_signature_matches_the_documented_algorithm() -> None:
    body = b'{"event":"comment.update"}'
    value = signature.sign("secret", body, 1633174587)
    digest = hmac.new(b"secret", b"1633174587." + body, hashlib.sha256).hexdigest()
    assert value == f"t=1633174587,s={digest}"


async def test_signature_with_wrong_secret_rejected(connector: TiktokConnecteur) -> None:
    request = delivery(fixture("comment_insert.json"), secret="another-secret", at=int(NOW))
    with pytest.raises(InvalidSignature, match="does not match"):
        await connector.verify(request)


async def test_missing_signature_rejected(connector: TiktokConnecteur) -> None:
    request = WebhookRequest.make(fixture("comment_insert.json"))
    with pytest.raises(InvalidSignature, match="missing TikTok-Signature"):
        await connector.verify(request)


async def test_tampered_body_rejected(connector: TiktokConnecteur) -> None:
    request = signed("comment_insert.json")
    tampered = request.model_copy(update={"body": request.body.replace(b"jacket", b"jackets")})
    with pytest.raises(InvalidSignature):
        await connector.verify(tampered)


@pytest.mark.parametrize(
    "value",
    ["garbage", "t=abc,s=00", "s=00", f"t={int(NOW)}", f"t={int(NOW)},t={int(NOW)},s=00"],
)
async def test_unreadable_signature_rejected(connector: TiktokConnecteur, value: str) -> None:
    request = WebhookRequest.make(fixture("comment_insert.json"), {"TikTok-Signature": value})
    with pytest.raises(InvalidSignature):
        await connector.verify(request)


@pytest.mark.parametrize("offset", [-301.0, 301.0])
async def test_signature_outside_replay_window_rejected(
    connector: TiktokConnecteur, offset: float
) -> None:
    with pytest.raises(InvalidSignature, match="window"):
        await connector.verify(signed("comment_insert.json", at=NOW + offset))


async def test_signature_inside_window_and_configurable(platform: TiktokFake) -> None:
    ok = TiktokConnecteur(context(), http=platform.client(), clock=lambda: NOW)
    await ok.verify(signed("comment_insert.json", at=NOW - 299))
    strict = TiktokConnecteur(
        context(options=TiktokOptions(signature_tolerance=60)),
        http=platform.client(),
        clock=lambda: NOW,
    )
    with pytest.raises(InvalidSignature):
        await strict.verify(signed("comment_insert.json", at=NOW - 120))


async def test_one_matching_signature_among_several_is_enough(
    connector: TiktokConnecteur,
) -> None:
    body = fixture("comment_insert.json")
    good = signature.sign(fake.CLIENT_SECRET, body, int(NOW))
    value = good.replace(",s=", ",s=" + "0" * 64 + ",s=")
    await connector.verify(WebhookRequest.make(body, {"TikTok-Signature": value}))


async def test_signature_error_does_not_show_the_secret(connector: TiktokConnecteur) -> None:
    request = delivery(fixture("comment_insert.json"), secret="another-secret", at=int(NOW))
    with pytest.raises(InvalidSignature) as caught:
        await connector.verify(request)
    assert fake.CLIENT_SECRET not in str(caught.value)


async def test_no_handshake(connector: TiktokConnecteur) -> None:
    # TikTok registers callbacks through /business/webhook/update/: no GET challenge.
    assert await connector.handshake(WebhookRequest.make(method="GET")) is None


def test_accounts_in_reads_user_openid() -> None:
    assert TiktokConnecteur.accounts_in(signed("comment_insert.json")) == (fake.BUSINESS_ID,)
    assert TiktokConnecteur.accounts_in(WebhookRequest.make(b"not json")) == ()
    assert TiktokConnecteur.accounts_in(WebhookRequest.make(b"[1]")) == ()


# -- parse -------------------------------------------------------------------------------


async def test_parse_top_level_comment(connector: TiktokConnecteur) -> None:
    request = signed("comment_insert.json")
    [item] = await connector.parse(request)
    # Numeric ids (as the docs type them) are kept as exact strings.
    assert item.external_id == "7247303576418566913"
    assert item.id == f"tiktok:{fake.BUSINESS_ID}:7247303576418566913"
    assert item.platform is Platform.TIKTOK
    assert item.account == fake.BUSINESS_ID
    assert item.kind is InteractionKind.COMMENT
    assert item.text == "Where can I buy this jacket?"
    # The author is the commenter's unique_identifier, not user_openid (the account).
    assert item.author.id == AUTHOR
    assert item.author.id != fake.BUSINESS_ID
    assert item.thread_id is None and item.parent_id is None
    assert item.post_id == "7203946942097902849"
    assert item.reply_context == {"video_id": "7203946942097902849"}
    assert item.created_at == datetime(2023, 6, 22, 0, 40, 16, 109000, tzinfo=UTC)
    assert item.received_at == datetime.fromtimestamp(NOW, UTC)
    assert item.raw_sha256 == body_sha256(request.body)


async def test_parse_reply_groups_under_its_top_level_comment(
    connector: TiktokConnecteur,
) -> None:
    [item] = await connector.parse(signed("reply_insert.json"))
    assert item.kind is InteractionKind.REPLY
    assert item.external_id == "7247303576418566999"
    assert item.parent_id == "7247303576418566913"
    assert item.thread_id == "7247303576418566913"
    assert item.root_external_id == "7247303576418566913"
    assert item.post_id == "7203946942097902849"
    assert item.text == "Same question, is it in stock?"


async def test_parse_is_stable_across_deliveries(connector: TiktokConnecteur) -> None:
    first = await connector.parse(signed("comment_insert.json"))
    again = await connector.parse(signed("comment_insert.json", at=NOW + 60))
    assert [i.id for i in first] == [i.id for i in again]


@pytest.mark.parametrize("parent", [0, "0", "", None, "7247303576418566913"])
async def test_parent_that_is_not_another_comment_means_top_level(
    connector: TiktokConnecteur, parent: Any
) -> None:
    content = insert()
    content["parent_comment_id"] = parent
    [item] = await connector.parse(signed(envelope(content)))
    assert item.kind is InteractionKind.COMMENT
    assert item.parent_id is None


async def test_timestamp_in_seconds_or_missing(connector: TiktokConnecteur) -> None:
    [seconds] = await connector.parse(signed(envelope(insert(timestamp=1687394416))))
    assert seconds.created_at == datetime(2023, 6, 22, 0, 40, 16, tzinfo=UTC)
    content = insert()
    del content["timestamp"]
    [fallback] = await connector.parse(signed(envelope(content)))
    assert fallback.created_at == datetime.fromtimestamp(1687394417, UTC)


async def test_insert_without_text_reads_the_comment_list(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    [item] = await connector.parse(signed("comment_insert_without_text.json"))
    assert item.text == "Where can I buy this jacket?"
    assert item.author.id == AUTHOR
    assert item.author.handle == "lucie.martin"
    assert item.author.display_name == "Lucie"
    [call] = platform.sent("GET", r".*/business/comment/list/")
    assert call.headers["access-token"] == fake.ACCESS_TOKEN
    assert call.url.params["business_id"] == fake.BUSINESS_ID
    assert call.url.params["video_id"] == fake.VIDEO_ID
    assert json.loads(call.url.params["comment_ids"]) == [fake.COMMENT_ID]


async def test_insert_without_text_of_a_vanished_comment_is_skipped(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    del platform.comments[fake.COMMENT_ID]
    assert await connector.parse(signed("comment_insert_without_text.json")) == []


async def test_insert_without_text_of_the_accounts_own_comment_is_skipped(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    platform.comments[fake.COMMENT_ID].owner = True
    assert await connector.parse(signed("comment_insert_without_text.json")) == []


@pytest.mark.parametrize(
    "name", ["reply_delete.json", "comment_set_to_hidden.json", "authorization_removed.json"]
)
async def test_non_interactions_are_skipped(
    connector: TiktokConnecteur, platform: TiktokFake, name: str
) -> None:
    assert await connector.parse(signed(name)) == []
    assert platform.requests == []


@pytest.mark.parametrize("action", ["set_to_public", "set_to_friends_only", "delete"])
async def test_other_comment_actions_are_skipped(connector: TiktokConnecteur, action: str) -> None:
    assert await connector.parse(signed(envelope(insert(comment_action=action)))) == []


async def test_events_of_another_account_are_skipped(connector: TiktokConnecteur) -> None:
    body = envelope(insert(), user_openid="act.someone-else")
    assert await connector.parse(signed(body)) == []


async def test_the_accounts_own_comments_are_skipped(platform: TiktokFake) -> None:
    options = TiktokOptions(own_unique_identifier=AUTHOR)
    own = TiktokConnecteur(context(options=options), http=platform.client(), clock=lambda: NOW)
    assert await own.parse(signed("comment_insert.json")) == []
    [other] = await own.parse(signed("reply_insert.json"))
    assert other.author.id != AUTHOR


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not JSON"),
        (b"{not json", "not JSON"),
        (b"\xff\xfe\x00\x81", "JSON"),
        (b"null", "JSON object"),
        (b"[1, 2]", "JSON object"),
        (b'{"event": "comment.update"}', "create_time"),
        (envelope(insert(), user_openid=None), "user_openid"),
        (envelope(insert(), create_time="yesterday"), "create_time"),
        # ``content`` must be a serialized JSON string, not an object.
        (
            json.dumps(
                {"event": "comment.update", "create_time": 1, "user_openid": "a", "content": {}}
            ).encode(),
            "content",
        ),
        (envelope('{"comment_id": 1, "video_id": '), "content is not JSON"),
        (envelope("[]"), "content must be a JSON object"),
        (envelope(insert(comment_id=None)), "comment_id"),
        (envelope(insert(video_id="")), "video_id"),
        (envelope(insert(comment_id=True)), "comment_id"),
        (envelope(insert(comment_action=None)), "comment_action"),
        (envelope(insert(timestamp=10**30)), "timestamp"),
    ],
)
@pytest.mark.parametrize("method", ["parse", "parse_events"])
async def test_malformed_bodies_raise(
    connector: TiktokConnecteur, body: bytes, reason: str, method: str
) -> None:
    with pytest.raises(MalformedPayload, match=reason):
        await getattr(connector, method)(signed(body))


async def test_interactions_carry_no_secret(connector: TiktokConnecteur) -> None:
    for name in ("comment_insert.json", "reply_insert.json"):
        for item in await connector.parse(signed(name)):
            dumped = item.model_dump_json()
            assert fake.ACCESS_TOKEN not in dumped
            assert fake.CLIENT_SECRET not in dumped


# -- thread events: what happened on TikTok itself ----------------------------------------

OWN_REPLY_ID = "7247303576418567050"


def own_reply_listed(platform: TiktokFake) -> None:
    """The fake lists the account's reply of ``reply_insert_own.json``, marked owner."""
    platform.comments[OWN_REPLY_ID] = FakeComment(
        comment_id=OWN_REPLY_ID,
        video_id=fake.VIDEO_ID,
        text="It is on our website, link in bio!",
        unique_identifier=fake.OWN_UNIQUE_IDENTIFIER,
        username="passerelle.brand",
        create_time=1687394800,
        owner=True,
        parent_comment_id=fake.COMMENT_ID,
    )


def knowing_its_own(platform: TiktokFake) -> TiktokConnecteur:
    options = TiktokOptions(own_unique_identifier=fake.OWN_UNIQUE_IDENTIFIER)
    return TiktokConnecteur(context(options=options), http=platform.client(), clock=lambda: NOW)


async def test_own_reply_is_answered_never_an_interaction(platform: TiktokFake) -> None:
    connector = knowing_its_own(platform)
    [comment] = await connector.parse(signed("comment_insert.json"))
    assert await connector.parse(signed("reply_insert_own.json")) == []
    [answer] = await connector.parse_events(signed("reply_insert_own.json"))
    assert answer.kind is ThreadEventKind.ANSWERED
    assert (answer.platform, answer.account) == (Platform.TIKTOK, fake.BUSINESS_ID)
    assert (answer.subject_id, answer.thread_id, answer.ref) == (
        fake.COMMENT_ID,
        fake.COMMENT_ID,
        OWN_REPLY_ID,
    )
    assert answer.author is not None and answer.author.id == fake.OWN_UNIQUE_IDENTIFIER
    assert answer.text == "It is on our website, link in bio!"
    assert answer.at == datetime.fromtimestamp(1687394800, UTC)
    assert answer.detail == "comment_action=insert by the account"
    assert answer.workflow_id == comment.workflow_id
    # With the identifier configured, telling the account's own comments costs no call.
    assert platform.requests == []


async def test_own_reply_under_a_reply_goes_to_the_top_level_comment(
    platform: TiktokFake,
) -> None:
    connector = knowing_its_own(platform)
    [reply] = await connector.parse(signed("reply_insert.json"))
    [answer] = await connector.parse_events(signed("reply_insert_own.json"))
    assert answer.workflow_id == workflow_id_for(
        Platform.TIKTOK, fake.BUSINESS_ID, reply.root_external_id
    )


async def test_own_reply_is_told_by_the_owner_flag_without_the_option(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    own_reply_listed(platform)
    request = signed("reply_insert_own.json")
    assert await connector.parse(request) == []
    [answer] = await connector.parse_events(request)
    assert (answer.kind, answer.ref) == (ThreadEventKind.ANSWERED, OWN_REPLY_ID)
    # One read of the comment list for both (parse and parse_events share it)…
    [read] = platform.sent("GET", r".*/business/comment/list/")
    assert json.loads(read.url.params["comment_ids"]) == [OWN_REPLY_ID]
    # …and the account's identifier is learned: someone else's reply needs no read.
    [reply] = await connector.parse(signed("reply_insert.json"))
    assert reply.author.id != fake.OWN_UNIQUE_IDENTIFIER
    assert await connector.parse_events(signed("reply_insert.json")) == []
    assert len(platform.requests) == 1


async def test_the_accounts_identifier_is_learned_from_its_own_reply(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    await connector.reply(target(), "It is on our website, link in bio!", idempotency_key="k")
    before = len(platform.requests)
    assert await connector.parse(signed("reply_insert_own.json")) == []
    [answer] = await connector.parse_events(signed("reply_insert_own.json"))
    assert answer.kind is ThreadEventKind.ANSWERED
    assert len(platform.requests) == before  # told without reading the comment list


async def test_someones_reply_is_read_once_while_the_account_is_unknown(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    request = signed("reply_insert.json")
    [reply] = await connector.parse(request)
    assert await connector.parse_events(request) == []
    assert reply.author.id == "+XYz9W8/V7uTsrqpoNMLkJ12hGF/eDcBAzyXWVUT3Srqpo9N8m7LkjiH6g5F4e+d"
    assert len(platform.sent("GET", r".*/business/comment/list/")) == 1


async def test_a_failed_owner_read_never_drops_a_comment(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    platform.fail_next(Failure.SERVER_ERROR)
    [reply] = await connector.parse(signed("reply_insert.json"))
    assert reply.external_id == fake.REPLY_ID


async def test_new_top_level_comment_is_no_thread_event(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    assert await connector.parse_events(signed("comment_insert.json")) == []
    assert platform.requests == []


async def test_reply_deleted_is_deleted_in_its_thread(connector: TiktokConnecteur) -> None:
    [comment] = await connector.parse(signed("comment_insert.json"))
    assert await connector.parse(signed("reply_delete.json")) == []
    [deleted] = await connector.parse_events(signed("reply_delete.json"))
    assert deleted.kind is ThreadEventKind.DELETED
    assert (deleted.subject_id, deleted.thread_id, deleted.ref) == (
        fake.REPLY_ID,
        fake.COMMENT_ID,
        None,
    )
    assert deleted.author is not None
    assert deleted.author.id == "+XYz9W8/V7uTsrqpoNMLkJ12hGF/eDcBAzyXWVUT3Srqpo9N8m7LkjiH6g5F4e+d"
    assert deleted.at == datetime.fromtimestamp(1687394600, UTC)
    assert deleted.detail == "comment_action=delete"
    assert deleted.workflow_id == comment.workflow_id


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("comment_set_to_hidden.json", ThreadEventKind.HIDDEN),
        ("comment_set_to_public.json", ThreadEventKind.UNHIDDEN),
    ],
)
async def test_visibility_changes(
    connector: TiktokConnecteur, name: str, kind: ThreadEventKind
) -> None:
    [comment] = await connector.parse(signed("comment_insert.json"))
    [event] = await connector.parse_events(signed(name))
    assert event.kind is kind
    assert (event.subject_id, event.thread_id) == (fake.COMMENT_ID, None)
    assert event.workflow_id == comment.workflow_id


async def test_friends_only_is_hidden_from_the_public(connector: TiktokConnecteur) -> None:
    body = envelope(insert(comment_action="set_to_friends_only", text=None))
    [event] = await connector.parse_events(signed(body))
    assert event.kind is ThreadEventKind.HIDDEN
    assert event.detail == "comment_action=set_to_friends_only"


@pytest.mark.parametrize("action", ["delete", "set_to_hidden", "set_to_public"])
async def test_changes_to_the_accounts_own_comments_are_not_news(
    platform: TiktokFake, action: str
) -> None:
    connector = knowing_its_own(platform)
    body = envelope(insert(comment_action=action, unique_identifier=fake.OWN_UNIQUE_IDENTIFIER))
    assert await connector.parse_events(signed(body)) == []


@pytest.mark.parametrize(
    "body",
    [
        envelope(insert(comment_action="set_to_pinned")),
        fixture("authorization_removed.json"),
        envelope(insert(comment_action="delete"), user_openid="act.someone-else"),
    ],
    ids=["unknown action", "other event", "other account"],
)
async def test_no_thread_event(connector: TiktokConnecteur, body: bytes) -> None:
    assert await connector.parse_events(signed(body)) == []


async def test_redelivered_events_keep_their_keys(platform: TiktokFake) -> None:
    connector = knowing_its_own(platform)
    for name in ("reply_insert_own.json", "reply_delete.json", "comment_set_to_hidden.json"):
        [first] = await connector.parse_events(signed(name))
        [again] = await connector.parse_events(signed(name, at=NOW + 90))
        assert first.key == again.key


# -- actions -----------------------------------------------------------------------------


async def test_reply_posts_under_the_comment(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    result = await connector.reply(target(), "It's on our site!", idempotency_key="wf/1")
    [post] = platform.sent("POST", r".*/business/comment/reply/create/")
    assert post.headers["access-token"] == fake.ACCESS_TOKEN
    assert "authorization" not in post.headers
    assert fake.ACCESS_TOKEN not in str(post.url)
    assert body_json(post) == {
        "business_id": fake.BUSINESS_ID,
        "video_id": fake.VIDEO_ID,
        "comment_id": fake.COMMENT_ID,
        "text": "It's on our site!",
    }
    [created] = platform.own_replies(fake.COMMENT_ID)
    assert result.ok and result.action == "reply"
    assert result.platform_ref == created.comment_id


async def test_reply_to_a_reply_goes_under_the_top_level_comment(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    [reply] = await connector.parse(signed("reply_insert.json"))
    await connector.reply(reply, "Yes, in stock.", idempotency_key="wf/2")
    [post] = platform.sent("POST", r".*/business/comment/reply/create/")
    assert body_json(post)["comment_id"] == fake.COMMENT_ID
    assert len(platform.own_replies(fake.COMMENT_ID)) == 1


async def test_retried_reply_posts_once(connector: TiktokConnecteur, platform: TiktokFake) -> None:
    first = await connector.reply(target(), "It's on our site!", idempotency_key="wf/1")
    again = await connector.reply(target(), "It's on our site!", idempotency_key="wf/1")
    assert again.platform_ref == first.platform_ref
    assert len(platform.sent("POST", r".*/business/comment/reply/create/")) == 1
    assert len(platform.own_replies(fake.COMMENT_ID)) == 1
    lookups = platform.sent("GET", r".*/business/comment/reply/list/")
    assert lookups and lookups[-1].url.params["comment_id"] == fake.COMMENT_ID


async def test_reply_lookup_pages_through_long_threads(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    for n in range(45):
        platform.comments[f"80000000000000000{n:02d}"] = FakeComment(
            comment_id=f"80000000000000000{n:02d}",
            video_id=fake.VIDEO_ID,
            text=f"reply {n}",
            unique_identifier=f"user-{n}",
            username=f"user{n}",
            create_time=1687394600 + n,
            parent_comment_id=fake.COMMENT_ID,
        )
    first = await connector.reply(target(), "See our site", idempotency_key="wf/3")
    again = await connector.reply(target(), "See our site", idempotency_key="wf/3")
    assert again.platform_ref == first.platform_ref
    assert len(platform.sent("POST", r".*/business/comment/reply/create/")) == 1
    cursors = [r.url.params.get("cursor") for r in platform.sent("GET", r".*/reply/list/")]
    assert "30" in cursors  # the account's reply was on the second page


async def test_reply_lookup_ignores_other_texts_and_older_replies(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    def own(comment_id: str, text: str, at: int) -> None:
        platform.comments[comment_id] = FakeComment(
            comment_id=comment_id,
            video_id=fake.VIDEO_ID,
            text=text,
            unique_identifier="+OWN",
            username="brand",
            create_time=at,
            owner=True,
            parent_comment_id=fake.COMMENT_ID,
        )

    own("9000000000000000001", "Another answer", 1687394999)
    own("9000000000000000002", "See our site", 1600000000)  # before the comment existed
    result = await connector.reply(target(), "See our site", idempotency_key="wf/4")
    assert result.platform_ref not in ("9000000000000000001", "9000000000000000002")
    assert len(platform.sent("POST", r".*/business/comment/reply/create/")) == 1


async def test_reply_without_video_id_is_refused_before_any_call(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    bare = target().model_copy(update={"reply_context": {}, "post_id": None})
    with pytest.raises(InvalidRequest, match="video_id"):
        await connector.reply(bare, "hi", idempotency_key="wf/5")
    assert platform.requests == []


async def test_hide_and_unhide(connector: TiktokConnecteur, platform: TiktokFake) -> None:
    hidden = await connector.hide(target(), idempotency_key="wf/h")
    assert platform.comments[fake.COMMENT_ID].status == "HIDDEN"
    shown = await connector.moderate(target(), ModerationAction.UNHIDE, idempotency_key="wf/u")
    assert platform.comments[fake.COMMENT_ID].status == "PUBLIC"
    first, second = platform.sent("POST", r".*/business/comment/hide/")
    for call, action in ((first, "HIDE"), (second, "UNHIDE")):
        assert call.headers["access-token"] == fake.ACCESS_TOKEN
        assert body_json(call) == {
            "business_id": fake.BUSINESS_ID,
            "video_id": fake.VIDEO_ID,
            "comment_id": fake.COMMENT_ID,
            "action": action,
        }
    assert (hidden.action, hidden.ok, hidden.platform_ref) == ("hide", True, fake.COMMENT_ID)
    assert (shown.action, shown.ok) == ("unhide", True)


async def test_hide_a_reply_targets_the_reply_itself(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    [reply] = await connector.parse(signed("reply_insert.json"))
    await connector.hide(reply, idempotency_key="wf/h2")
    assert platform.comments[fake.REPLY_ID].status == "HIDDEN"
    assert platform.comments[fake.COMMENT_ID].status == "PUBLIC"


# -- errors ------------------------------------------------------------------------------

Action = Callable[[TiktokConnecteur], Any]
ACTIONS: list[tuple[str, Action]] = [
    ("reply", lambda c: c.reply(target(), "hello", idempotency_key="k")),
    ("hide", lambda c: c.hide(target(), idempotency_key="k")),
    ("unhide", lambda c: c.unhide(target(), idempotency_key="k")),
]


@pytest.mark.parametrize(("name", "action"), ACTIONS)
@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (Failure.RATE_LIMITED, RateLimited),
        (Failure.EXPIRED_TOKEN, AuthError),
        (Failure.NOT_FOUND, NotFound),
        (Failure.SERVER_ERROR, TransientError),
    ],
)
async def test_platform_failures_are_typed(
    connector: TiktokConnecteur,
    platform: TiktokFake,
    name: str,
    action: Action,
    failure: Failure,
    expected: type[ConnecteurError],
) -> None:
    platform.fail_next(failure)
    with pytest.raises(expected) as caught:
        await action(connector)
    message = str(caught.value)
    assert fake.ACCESS_TOKEN not in message and fake.CLIENT_SECRET not in message
    assert "127.0.0.1" not in message  # the path only, never the host or query
    assert "TikTok code" in message


async def test_rate_limit_uses_the_default_backoff(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    # TikTok throttles with HTTP 200 and code 40100, without any header saying how long.
    platform.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await connector.hide(target(), idempotency_key="k")
    assert caught.value.retry_after == DEFAULT_RETRY_AFTER
    assert platform.writes == platform.requests  # the throttled write was the only call


async def test_wrong_token_is_an_auth_error(platform: TiktokFake) -> None:
    secrets = {**SECRETS, "access_token": "test-revoked-token-0000"}
    connector = TiktokConnecteur(context(secrets), http=platform.client(), clock=lambda: NOW)
    with pytest.raises(AuthError, match="40105") as caught:
        await connector.hide(target(), idempotency_key="k")
    assert "test-revoked-token-0000" not in str(caught.value)


async def test_deleted_comment_is_not_found(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    del platform.comments[fake.COMMENT_ID]
    with pytest.raises(NotFound):
        await connector.reply(target(), "hello", idempotency_key="k")
    assert platform.writes == []


async def test_parameter_errors_are_invalid_requests(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    with pytest.raises(InvalidRequest, match="40002"):
        await connector.reply(target(), "   ", idempotency_key="k")


def answering(response: httpx.Response) -> TiktokConnecteur:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda _: response))
    return TiktokConnecteur(context(), http=client, clock=lambda: NOW)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(503, text="upstream unavailable"), TransientError),
        (httpx.Response(500, json={"code": 50002, "message": "timeout"}), TransientError),
        (httpx.Response(200, text="<html>maintenance</html>"), TransientError),
        (httpx.Response(200, json={"code": 51010, "message": "internal"}), TransientError),
        (httpx.Response(200, json={"code": 40104, "message": "Access token is null."}), AuthError),
        (httpx.Response(401, text="unauthorized"), AuthError),
        (httpx.Response(200, json={"code": 40000, "message": "bad"}), InvalidRequest),
    ],
)
async def test_error_shapes(response: httpx.Response, expected: type[ConnecteurError]) -> None:
    with pytest.raises(expected):
        await answering(response).hide(target(), idempotency_key="k")


async def test_http_429_honours_retry_after() -> None:
    connector = answering(httpx.Response(429, headers={"Retry-After": "120"}, text=""))
    with pytest.raises(RateLimited) as caught:
        await connector.hide(target(), idempotency_key="k")
    assert caught.value.retry_after == 120


async def test_echoed_token_is_redacted() -> None:
    body = {"code": 40002, "message": f"bad token {fake.ACCESS_TOKEN}"}
    with pytest.raises(InvalidRequest) as caught:
        await answering(httpx.Response(200, json=body)).hide(target(), idempotency_key="k")
    assert fake.ACCESS_TOKEN not in str(caught.value)
    assert "***" in str(caught.value)


async def test_lookup_failure_during_parse_is_typed(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    platform.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited):
        await connector.parse(signed("comment_insert_without_text.json"))


# -- channel health ------------------------------------------------------------------------
# POST /tt_user/token_info/get/ (https://business-api.tiktok.com/portal/docs?id=1765927978092545),
# GET /business/webhook/list/ and GET /business/get/ (endpoint list:
# https://business-api.tiktok.com/portal/docs/api-reference/v1.3).


def leaked(err: BaseException) -> list[str]:
    texts = [str(err), repr(err), *(repr(a) for a in err.args)]
    return [v[:4] for v in SECRETS.values() if any(v in t for t in texts)]


@pytest.fixture
async def watched(platform: TiktokFake) -> AsyncIterator[TiktokConnecteur]:
    """A connector with the app id, so check_health reads scopes and the webhook."""
    client = platform.client()
    yield TiktokConnecteur(context(options=TiktokOptions(**OPTIONS)), http=client)
    await client.aclose()


async def test_health_of_a_healthy_account(
    watched: TiktokConnecteur, platform: TiktokFake, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="httpx"):
        check = await watched.check_health()
    assert check.token_valid is True
    assert check.scopes_missing == ()
    assert check.subscription_active is True
    assert check.token_expires_at is None  # TikTok tells no expiry; none is guessed
    [info] = platform.sent("POST", r".*/tt_user/token_info/get/")
    assert body_json(info) == {"app_id": fake.APP_ID, "access_token": fake.ACCESS_TOKEN}
    [hooks] = platform.sent("GET", r".*/business/webhook/list/")
    assert hooks.url.params["event_type"] == "COMMENT"
    assert hooks.url.params["secret"] == fake.CLIENT_SECRET  # the documented way, in the URL…
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines and all(fake.CLIENT_SECRET not in line for line in lines)  # …never in logs
    assert any("secret=redacted" in line for line in lines)


async def test_health_does_not_guess_an_expiry(
    watched: TiktokConnecteur, platform: TiktokFake
) -> None:
    platform.token_expires_at = datetime.now(UTC) + timedelta(days=3)
    check = await watched.check_health()
    assert check.token_valid is True
    assert check.token_expires_at is None


@pytest.mark.parametrize(("state", "code"), [("expired", "40102"), ("revoked", "40105")])
async def test_health_of_a_refused_token_is_an_auth_error(
    watched: TiktokConnecteur, platform: TiktokFake, state: str, code: str
) -> None:
    if state == "expired":
        platform.token_expires_at = datetime.now(UTC) - timedelta(hours=1)
    else:
        platform.token_revoked = True
    with pytest.raises(AuthError) as caught:
        await watched.check_health()
    assert f"TikTok code {code}" in str(caught.value)
    assert leaked(caught.value) == []


async def test_health_injected_expired_token_is_an_auth_error(
    watched: TiktokConnecteur, platform: TiktokFake
) -> None:
    platform.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError, match="40102"):
        await watched.check_health()


async def test_health_webhook_removed(watched: TiktokConnecteur, platform: TiktokFake) -> None:
    platform.subscription_active = False
    check = await watched.check_health()
    assert check.subscription_active is False
    assert check.token_valid is True
    assert "COMMENT webhook" in check.detail


async def test_health_names_a_missing_scope(
    watched: TiktokConnecteur, platform: TiktokFake
) -> None:
    platform.missing_scopes = {"comment.list.manage", "video.list"}
    check = await watched.check_health()
    assert check.scopes_missing == ("comment.list.manage",)  # video.list is not needed


async def test_health_of_a_token_for_another_account() -> None:
    platform = TiktokFake(business_id="act.another-account")
    async with platform.client() as client:
        connector = TiktokConnecteur(context(options=TiktokOptions(**OPTIONS)), http=client)
        check = await connector.check_health()
    assert check.token_valid is False
    assert "act.another-account" in check.detail


async def test_health_rate_limited(watched: TiktokConnecteur, platform: TiktokFake) -> None:
    platform.fail_next(Failure.RATE_LIMITED)  # code 40100 in an HTTP 200 answer
    with pytest.raises(RateLimited) as caught:
        await watched.check_health()
    assert caught.value.retry_after == DEFAULT_RETRY_AFTER


async def test_health_with_a_wrong_app_secret_is_an_auth_error(platform: TiktokFake) -> None:
    secrets = {**SECRETS, "client_secret": "not-the-app-secret-1"}
    async with platform.client() as client:
        connector = TiktokConnecteur(context(secrets, TiktokOptions(**OPTIONS)), http=client)
        with pytest.raises(AuthError) as caught:
            await connector.check_health()
    assert "not-the-app-secret-1" not in str(caught.value)
    assert "/business/webhook/list/" in str(caught.value)


async def test_health_without_app_id_checks_the_token_only(
    connector: TiktokConnecteur, platform: TiktokFake
) -> None:
    check = await connector.check_health()
    assert check.token_valid is True
    assert check.subscription_active is None
    assert "app_id" in check.detail
    [profile] = platform.sent("GET", r".*/business/get/")
    assert profile.url.params["business_id"] == fake.BUSINESS_ID
    platform.token_revoked = True
    with pytest.raises(AuthError, match="40105"):
        await connector.check_health()


def test_reauthorize_names_the_token_scopes_and_console() -> None:
    guidance = TiktokConnecteur.manifest.reauthorize
    for word in ("access_token", "client_secret", "comment.list.manage", "My Apps"):
        assert word in guidance
