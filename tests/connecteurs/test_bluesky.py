"""The Bluesky connector against its fake PDS.

Documentation the expectations come from:

- Notifications: https://docs.bsky.app/docs/api/app-bsky-notification-list-notifications
  (``notifications[{uri, cid, author, reason, reasonSubject, record, isRead, indexedAt}]``,
  ``cursor``, ``limit`` ≤ 100, ``reasons``; 400 ``InvalidRequest``/``ExpiredToken``/
  ``InvalidToken``, 401 ``AuthMissing``).
- The account's own replies: https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed
  (``filter=posts_with_replies``; ``feedViewPost`` items, ``reason`` for reposts); the AppView
  never notifies an author of its own posts (fixtures/SOURCES.md, "Thread sync").
- Posts and replies: https://docs.bsky.app/docs/advanced-guides/posts ("Replies": ``reply.root``
  and ``reply.parent`` strong refs) and https://docs.bsky.app/docs/tutorials/creating-a-post.
- Writes: https://docs.bsky.app/docs/api/com-atproto-repo-create-record,
  https://docs.bsky.app/docs/api/com-atproto-repo-get-record (``RecordNotFound``),
  https://docs.bsky.app/docs/api/com-atproto-repo-put-record (``swapRecord``, ``InvalidSwap``).
- Sessions: https://docs.bsky.app/docs/api/com-atproto-server-create-session and
  https://docs.bsky.app/docs/api/com-atproto-server-refresh-session.
- Rate limits: https://docs.bsky.app/docs/advanced-guides/rate-limits (createSession 30/5 min;
  RateLimit-* headers; 429) — header names and the Unix-seconds ``RateLimit-Reset`` checked in
  bluesky-social/atproto ``packages/xrpc-server/src/rate-limiter-http.ts``.
- Blocks: https://docs.bsky.app/docs/tutorials/blocking. Threadgates and hidden replies:
  https://docs.bsky.app/docs/tutorials/thread-gates and the ``app.bsky.feed.threadgate``
  lexicon (``hiddenReplies``, rkey = root post's).
- Chat: https://docs.bsky.app/docs/advanced-guides/api-directory (``atproto-proxy:
  did:web:api.bsky.chat#bsky_chat``), chat-bsky-convo-get-convo-for-members, -send-message,
  -get-messages pages.
- Error shape ``{"error", "message"}``: https://atproto.com/specs/xrpc. Record keys and TIDs:
  https://atproto.com/specs/record-key, https://atproto.com/specs/tid.
- Channel health: https://docs.bsky.app/docs/api/com-atproto-server-get-session and the
  ``com.atproto.server.getSession`` lexicon (``active``, ``status``); the access JWT's claims
  (``scope``, ``exp``, 120-minute lifetime) and "Bad token scope" from bluesky-social/atproto
  ``packages/pds`` (account-manager/helpers/auth.ts, auth-verifier).
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from connecteurs.base import AccountContext, Capability
from connecteurs.bluesky import BlueskyConnecteur, BlueskyOptions, PollCursor, parse_notifications
from connecteurs.bluesky.connecteur import (
    SCOPE_PRIVILEGED,
    _canonical,
    _jwt_claims,
    answered_of,
)
from connecteurs.bluesky.fake import (
    ACCOUNT_DID,
    APP_PASSWORD,
    HANDLE,
    RESET_IN,
    ROOT_CID,
    ROOT_POST,
    FakeBluesky,
    fixture,
)
from connecteurs.bluesky.payloads import FeedViewPost
from connecteurs.bluesky.tid import TID_PATTERN, deterministic_tid, encode_tid
from connecteurs.errors import (
    AuthError,
    InvalidRequest,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
    UnsupportedAction,
)
from connecteurs.models import (
    Interaction,
    InteractionKind,
    Platform,
    ThreadEventKind,
    body_sha256,
    workflow_id_for,
)
from connecteurs.testing import Failure, body_json
from passerelle.operations import interaction_id

SECRETS = {"identifier": HANDLE, "app_password": APP_PASSWORD}
ALICE = "at://did:plc:alice7xkq3njmt2xvq5fl6qz/app.bsky.feed.post/3kreply2alice"
ALICE_CID = "bafyreialicereplyq7x5nfz3cj4ipw2f7yrmdsb2ls3hcqqbycd2ugk6ulxe"
BOB = "at://did:plc:bob5ztwxq3mdvq2cnh4rxklo/app.bsky.feed.post/3kmention2bob"
CAROL = "at://did:plc:carol3d6yxbq2zn5c3jmxkn4/app.bsky.feed.post/3kquotecarol2"
DAVE = "at://did:plc:dave4tq7bq2mlwkqjrjq3vzr/app.bsky.feed.post/3kreply2dave2"
LIST_PATH = r"/xrpc/app\.bsky\.notification\.listNotifications"
CREATE_PATH = r"/xrpc/com\.atproto\.repo\.createRecord"
PUT_PATH = r"/xrpc/com\.atproto\.repo\.putRecord"
SEND_PATH = r"/xrpc/chat\.bsky\.convo\.sendMessage"


def page() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixture("list_notifications.json"))
    return data


def parsed() -> dict[str, Interaction]:
    return {
        i.external_id: i
        for i in parse_notifications(fixture("list_notifications.json"), ACCOUNT_DID)
    }


def connector_for(
    fake: FakeBluesky, secrets: dict[str, str] | None = None, **options: Any
) -> BlueskyConnecteur:
    context = AccountContext(
        account=ACCOUNT_DID,
        secrets=SECRETS if secrets is None else secrets,
        options=BlueskyOptions(**options),
        base_url=fake.base_url,
    )
    return BlueskyConnecteur(context, http=fake.client())


def note(uri: str, indexed_at: str, reason: str = "mention", **record: Any) -> dict[str, Any]:
    """A notification shaped like the fixture's, for poll tests."""
    did = uri.split("/")[2]
    return {
        "uri": uri,
        "cid": "bafyrei" + uri[-13:] + "x" * 20,
        "author": {"did": did, "handle": did.split(":")[-1][:8] + ".bsky.social"},
        "reason": reason,
        "record": {
            "$type": "app.bsky.feed.post",
            "text": record.pop("text", "hello @passerelle-demo"),
            "createdAt": record.pop("createdAt", indexed_at),
            **record,
        },
        "isRead": False,
        "indexedAt": indexed_at,
    }


@pytest.fixture
def fake() -> FakeBluesky:
    return FakeBluesky()


@pytest.fixture
async def bsky(fake: FakeBluesky) -> AsyncIterator[BlueskyConnecteur]:
    connector = connector_for(fake)
    yield connector
    await connector.http.aclose()


# -- manifest ------------------------------------------------------------------------------


def test_manifest_declares_what_is_implemented() -> None:
    manifest = BlueskyConnecteur.manifest
    assert manifest.capabilities == {
        Capability.POLL,
        Capability.REPLY,
        Capability.HIDE,
        Capability.UNHIDE,
        Capability.BLOCK,
        Capability.DIRECT_MESSAGE,
    }
    assert manifest.secrets == ("identifier", "app_password")
    assert manifest.reply_lookup and "getRecord" in manifest.reply_lookup_note
    assert BlueskyConnecteur.default_base_url == "https://bsky.social"


async def test_delete_is_not_offered(bsky: BlueskyConnecteur, fake: FakeBluesky) -> None:
    # Only the author deletes a post (com.atproto.repo.deleteRecord on their own repo).
    with pytest.raises(UnsupportedAction):
        await bsky.delete(parsed()[ALICE], idempotency_key="k")
    assert fake.requests == []


# -- parse ---------------------------------------------------------------------------------


def test_parse_reply_to_the_accounts_post() -> None:
    alice = parsed()[ALICE]
    assert alice.id == f"bluesky:{ACCOUNT_DID}:{ALICE}"
    assert alice.id == Interaction.make_id(Platform.BLUESKY, ACCOUNT_DID, ALICE)
    assert alice.kind is InteractionKind.REPLY
    assert alice.author.id == "did:plc:alice7xkq3njmt2xvq5fl6qz"
    assert alice.author.handle == "alice.bsky.social"
    assert alice.author.display_name == "Alice"
    assert alice.text == "Bonjour ! Est-ce que l'atelier de jeudi est gratuit ?"
    assert alice.language == "fr"
    assert alice.thread_id == ROOT_POST
    assert alice.parent_id == ROOT_POST
    assert alice.post_id == ROOT_POST
    assert (
        alice.url == "https://bsky.app/profile/did:plc:alice7xkq3njmt2xvq5fl6qz/post/3kreply2alice"
    )
    assert alice.created_at == datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
    assert alice.reply_context == {
        "uri": ALICE,
        "cid": ALICE_CID,
        "root_uri": ROOT_POST,
        "root_cid": ROOT_CID,
        "reason": "reply",
    }
    raw = next(n for n in page()["notifications"] if n["uri"] == ALICE)
    assert alice.raw_sha256 == body_sha256(_canonical(raw))


def test_parse_reply_to_a_reply_groups_under_the_root() -> None:
    dave = parsed()[DAVE]
    assert dave.kind is InteractionKind.REPLY
    assert dave.thread_id == ROOT_POST
    assert dave.parent_id == ALICE
    assert dave.reply_context["root_uri"] == ROOT_POST


def test_parse_top_level_mention_and_quote() -> None:
    interactions = parsed()
    bob, carol = interactions[BOB], interactions[CAROL]
    assert bob.kind is InteractionKind.MENTION
    assert bob.thread_id == BOB and not bob.is_follow_up  # it opens its own thread
    assert bob.parent_id is None and bob.post_id is None
    assert bob.reply_context["root_uri"] == BOB
    assert bob.reply_context["root_cid"] == bob.reply_context["cid"]
    assert carol.kind is InteractionKind.MENTION
    assert carol.post_id == ROOT_POST  # reasonSubject: the quoted post
    assert carol.reply_context["reason"] == "quote"


def test_parse_skips_likes_and_the_accounts_own_posts() -> None:
    ids = [
        i.external_id for i in parse_notifications(fixture("list_notifications.json"), ACCOUNT_DID)
    ]
    assert ids == [DAVE, CAROL, BOB, ALICE]  # page order; own reply and the like are gone


def test_ids_and_workflow_ids_accept_at_uris() -> None:
    alice = parsed()[ALICE]
    assert alice.workflow_id == f"interaction/bluesky/{ACCOUNT_DID}/{ALICE}"
    assert interaction_id(alice.workflow_id) == alice.id
    again = parsed()[ALICE]
    assert (again.id, again.raw_sha256) == (alice.id, alice.raw_sha256)


def test_invalid_post_record_is_skipped_and_bad_created_at_falls_back() -> None:
    body = {
        "notifications": [
            note(BOB, "2024-05-02T09:01:01.000Z", text=None),
            note(CAROL, "2024-05-02T09:02:01.000Z", createdAt="yesterday"),
            note(DAVE, "2024-05-02T09:03:01.000Z", createdAt="2024-05-02T09:00:00"),
        ]
    }
    body["notifications"][0]["record"].pop("text")
    found = parse_notifications(json.dumps(body).encode(), ACCOUNT_DID)
    assert [i.external_id for i in found] == [CAROL, DAVE]
    assert found[0].created_at == datetime(2024, 5, 2, 9, 2, 1, tzinfo=UTC)
    assert found[1].created_at == datetime(2024, 5, 2, 9, 3, 1, tzinfo=UTC)  # naive → indexedAt


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not JSON"),
        (b"{not json", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
        (b"null", "JSON object"),
        (b"[1, 2]", "JSON object"),
        (b'{"cursor": "x"}', "notifications"),
        (b'{"notifications": {}}', "notifications"),
    ],
)
def test_malformed_pages(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedPayload, match=reason):
        parse_notifications(body, ACCOUNT_DID)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda n: n.pop("uri"), "uri"),
        (lambda n: n.update(uri="https://bsky.app/post/1"), "at-uri"),
        (lambda n: n["author"].pop("did"), "author.did"),
        (lambda n: n.update(cid=7), "cid"),
        (lambda n: n.update(indexedAt="2024-05-02T09:00:00"), "indexedAt"),
    ],
)
def test_notification_without_its_ids_is_malformed(change: Any, reason: str) -> None:
    data = page()
    change(data["notifications"][0])
    with pytest.raises(MalformedPayload, match=reason):
        parse_notifications(json.dumps(data).encode(), ACCOUNT_DID)


# -- session -------------------------------------------------------------------------------


async def test_session_is_created_lazily_once_and_reused(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    assert fake.requests == []
    await bsky.poll(None)
    await bsky.poll(None)
    logins = fake.sent("POST", r"/xrpc/com\.atproto\.server\.createSession")
    assert len(logins) == 1 and fake.sessions_created == 1
    assert body_json(logins[0]) == {"identifier": HANDLE, "password": APP_PASSWORD}
    assert "authorization" not in logins[0].headers
    listed = fake.sent("GET", LIST_PATH)
    [(access, refresh)] = fake.issued
    assert all(r.headers["authorization"] == f"Bearer {access}" for r in listed)
    # Tokens never travel in URLs.
    assert all(access not in str(r.url) and refresh not in str(r.url) for r in fake.requests)


async def test_expired_access_token_is_refreshed_once(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    await bsky.poll(None)
    fake.expire_access_tokens()
    result = await bsky.poll(None)
    assert len(result.interactions) == 4
    refresh = fake.sent("POST", r"/xrpc/com\.atproto\.server\.refreshSession")
    assert len(refresh) == 1
    (_, first_refresh), (second_access, _) = fake.issued
    assert refresh[0].headers["authorization"] == f"Bearer {first_refresh}"
    last = fake.sent("GET", LIST_PATH)[-1]
    assert last.headers["authorization"] == f"Bearer {second_access}"
    assert fake.sessions_created == 1  # no new login: createSession is rate limited


async def test_failed_refresh_is_an_auth_error_without_tokens(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    await bsky.poll(None)
    fake.revoke_sessions()
    with pytest.raises(AuthError) as caught:
        await bsky.poll(None)
    text = str(caught.value) + repr(caught.value)
    assert "could not be refreshed" in text and "ExpiredToken" in text
    assert APP_PASSWORD not in text
    assert not any(token in text for pair in fake.issued for token in pair)
    # Once the operator fixes the credentials, the next call logs in again.
    await bsky.poll(None)
    assert fake.sessions_created == 2


async def test_wrong_app_password_is_an_auth_error(fake: FakeBluesky) -> None:
    wrong = {"identifier": HANDLE, "app_password": "wrong-password-zz91"}
    connector = connector_for(fake, wrong)
    with pytest.raises(AuthError, match="Invalid identifier or password") as caught:
        await connector.poll(None)
    assert "wrong-password-zz91" not in str(caught.value)


async def test_missing_secret_is_named_not_shown(fake: FakeBluesky) -> None:
    connector = connector_for(fake, {"identifier": HANDLE})
    with pytest.raises(AuthError, match="app_password"):
        await connector.poll(None)
    assert fake.requests == []


async def test_session_for_another_account_is_refused(fake: FakeBluesky) -> None:
    fake.did = "did:plc:someoneelse22222222222"
    connector = connector_for(fake)
    with pytest.raises(AuthError, match="not to the account"):
        await connector.poll(None)


# -- poll ----------------------------------------------------------------------------------


async def test_first_poll_returns_the_current_page_oldest_first(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    result = await bsky.poll(None)
    assert [i.external_id for i in result.interactions] == [ALICE, BOB, CAROL, DAVE]
    request = fake.sent("GET", LIST_PATH)[0]
    assert request.url.params["limit"] == "50"
    assert request.url.params.get_list("reasons") == ["mention", "reply", "quote"]
    assert request.headers["atproto-proxy"] == "did:web:api.bsky.app#bsky_appview"
    cursor = json.loads(result.cursor or "")
    assert cursor["since"].startswith("2024-05-02T09:05:00")
    assert len(result.cursor or "") < 1000


async def test_next_poll_returns_only_new_notifications(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    first = await bsky.poll(None)
    second = await bsky.poll(first.cursor)
    assert second.interactions == ()
    newer = "at://did:plc:frank5ztwxq3mdvq2cnh4rxk/app.bsky.feed.post/3knewfrank222"
    fake.add_notification(note(newer, "2024-05-02T09:10:00.000Z"))
    third = await bsky.poll(second.cursor)
    assert [i.external_id for i in third.interactions] == [newer]
    fourth = await bsky.poll(third.cursor)
    assert fourth.interactions == ()


async def test_poll_pages_back_until_it_meets_what_it_saw(fake: FakeBluesky) -> None:
    connector = connector_for(fake, page_size=2, overlap_seconds=0)
    first = await connector.poll(None)
    assert [i.external_id for i in first.interactions] == [DAVE]  # page 1: Dave + own reply
    news = [
        f"at://did:plc:new{n}aaaaaaaaaaaaaaaaaaa/app.bsky.feed.post/3knews{n}aaaaaa"
        for n in range(3)
    ]
    for n, uri in enumerate(news):
        fake.add_notification(note(uri, f"2024-05-02T09:1{n}:00.000Z"))
    second = await connector.poll(first.cursor)
    assert [i.external_id for i in second.interactions] == news
    listed = fake.sent("GET", LIST_PATH)
    assert len(listed) == 1 + 3  # pages [n2,n1] [n0,Dave] [own,Carol] → older than seen
    assert [r.url.params.get("cursor") for r in listed[1:]] == [None, "2", "4"]
    await connector.http.aclose()


async def test_overlap_window_catches_late_indexing_without_repeats(fake: FakeBluesky) -> None:
    connector = connector_for(fake, page_size=2)
    first = await connector.poll(None)
    # Carol, Bob and Alice were older than page 1 but inside the 10-minute window.
    second = await connector.poll(first.cursor)
    assert [i.external_id for i in second.interactions] == [ALICE, BOB, CAROL]
    third = await connector.poll(second.cursor)
    assert third.interactions == ()
    await connector.http.aclose()


async def test_same_post_under_two_reasons_is_returned_once(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    first = await bsky.poll(None)
    twice = "at://did:plc:gina5ztwxq3mdvq2cnh4rxkl/app.bsky.feed.post/3ktwicegina22"
    fake.add_notification(note(twice, "2024-05-02T09:20:00.000Z", reason="reply"))
    fake.add_notification(note(twice, "2024-05-02T09:20:00.000Z", reason="mention"))
    second = await bsky.poll(first.cursor)
    assert [i.external_id for i in second.interactions] == [twice]


async def test_unreadable_cursor_starts_over(bsky: BlueskyConnecteur) -> None:
    result = await bsky.poll("not a cursor")
    assert len(result.interactions) == 4


async def test_seen_set_is_bounded(fake: FakeBluesky) -> None:
    fake.notifications.clear()
    for n in range(600):
        fake.add_notification(
            note(
                f"at://did:plc:many{n:04d}aaaaaaaaaaaaaaaa/app.bsky.feed.post/3kmany{n:04d}aaa",
                "2024-05-02T09:30:00.000Z",
            )
        )
    connector = connector_for(fake, page_size=100)
    first = await connector.poll(None)
    second = await connector.poll(first.cursor)
    assert len(second.interactions) == 500  # the rest of the same-second burst
    assert len(PollCursor.load(second.cursor).seen) == 500
    # The 100 uris that did not fit are behind the cursor's floor: no repeat either.
    third = await connector.poll(second.cursor)
    assert third.interactions == ()
    assert PollCursor.load(second.cursor).floor is not None
    fourth = await connector.poll(third.cursor)
    assert fourth.interactions == ()
    await connector.http.aclose()


# -- poll: the account's own replies (author feed) -----------------------------------------

FEED_PATH = r"/xrpc/app\.bsky\.feed\.getAuthorFeed"
OWN_TO_ALICE = f"at://{ACCOUNT_DID}/app.bsky.feed.post/3kownreply222"
OWN_TO_BOB = f"at://{ACCOUNT_DID}/app.bsky.feed.post/3kownreply2bob"


async def test_own_replies_are_answers_for_their_threads_not_interactions(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    result = await bsky.poll(None)
    interactions = {i.external_id: i for i in result.interactions}
    assert OWN_TO_ALICE not in interactions and OWN_TO_BOB not in interactions
    [request] = fake.sent("GET", FEED_PATH)
    assert request.url.params["actor"] == ACCOUNT_DID
    assert request.url.params["filter"] == "posts_with_replies"
    assert request.headers["atproto-proxy"] == "did:web:api.bsky.app#bsky_appview"
    # Oldest first; the repost of Carol's post and the account's root post are no answers.
    to_alice, to_bob = result.events
    assert all(e.kind is ThreadEventKind.ANSWERED for e in result.events)

    bob = interactions[BOB]
    assert (to_bob.subject_id, to_bob.thread_id, to_bob.ref) == (BOB, BOB, OWN_TO_BOB)
    assert to_bob.workflow_id == bob.workflow_id
    assert to_bob.text == "The replay is on our YouTube channel, link in our bio!"
    assert to_bob.at == datetime(2024, 5, 2, 9, 6, tzinfo=UTC)
    assert to_bob.author is not None and to_bob.author.id == ACCOUNT_DID
    assert to_bob.author.handle == HANDLE

    # Alice answered the account's own post: her interaction's thread is that post, and so
    # is the answer's; no workflow exists for it, so the answer reaches Alice's own (the
    # second workflow deliver_event tries).
    alice = interactions[ALICE]
    assert to_alice.subject_id == ALICE and to_alice.ref == OWN_TO_ALICE
    assert to_alice.thread_id == alice.thread_id == ROOT_POST
    assert workflow_id_for(Platform.BLUESKY, ACCOUNT_DID, ALICE) == alice.workflow_id


async def test_own_replies_are_reported_once_and_a_retry_gives_the_same_keys(
    bsky: BlueskyConnecteur,
) -> None:
    first = await bsky.poll(None)
    retried = await bsky.poll(None)
    assert [e.key for e in retried.events] == [e.key for e in first.events]
    assert (await bsky.poll(first.cursor)).events == ()


async def test_passerelle_own_reply_comes_back_with_its_platform_ref(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    first = await bsky.poll(None)
    posted = await bsky.reply(parsed()[DAVE], "Oui, c'est gratuit !", idempotency_key="wf/r")
    second = await bsky.poll(first.cursor)
    [event] = second.events
    assert event.ref == posted.platform_ref
    assert (event.subject_id, event.thread_id) == (DAVE, ROOT_POST)


async def test_own_replies_can_be_left_out(fake: FakeBluesky) -> None:
    connector = connector_for(fake, own_replies=False)
    result = await connector.poll(None)
    assert result.events == () and not fake.sent("GET", FEED_PATH)
    assert PollCursor.load(result.cursor).own_since is None
    await connector.http.aclose()


async def test_a_reply_to_the_account_itself_is_no_answer() -> None:
    feed = json.loads(fixture("author_feed.json"))["feed"]
    item = FeedViewPost.model_validate(feed[0])
    assert answered_of(item, ACCOUNT_DID) is not None
    own_parent = copy.deepcopy(feed[0])
    own_parent["post"]["record"]["reply"]["parent"] = {"uri": ROOT_POST, "cid": ROOT_CID}
    assert answered_of(FeedViewPost.model_validate(own_parent), ACCOUNT_DID) is None
    repost = FeedViewPost.model_validate(feed[1])
    assert answered_of(repost, ACCOUNT_DID) is None
    not_a_post = copy.deepcopy(feed[0])
    not_a_post["post"]["record"] = {"$type": "app.bsky.feed.like", "subject": {}}
    assert answered_of(FeedViewPost.model_validate(not_a_post), ACCOUNT_DID) is None


async def test_older_cursors_without_the_own_feed_still_load(bsky: BlueskyConnecteur) -> None:
    first = await bsky.poll(None)
    old = json.loads(first.cursor or "")
    del old["own_since"], old["own_seen"]
    second = await bsky.poll(json.dumps(old))
    assert second.interactions == ()
    assert len(second.events) == 2  # the feed is read from its newest page, once


@pytest.mark.parametrize(
    "body",
    [b"<html>", b"null", b"[]", b'{"cursor": "x"}', b'{"feed": "no"}'],
)
async def test_malformed_author_feed(
    bsky: BlueskyConnecteur, fake: FakeBluesky, body: bytes
) -> None:
    fake.route("GET", FEED_PATH, lambda request, match: httpx.Response(200, content=body))
    fake.routes.insert(0, fake.routes.pop())
    with pytest.raises(MalformedPayload, match="getAuthorFeed"):
        await bsky.poll(None)


async def test_an_unreadable_feed_item_is_skipped(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    fake.author_feed.insert(0, {"post": {"uri": "at://x/y/z"}})
    result = await bsky.poll(None)
    assert len(result.events) == 2


# -- reply ---------------------------------------------------------------------------------


async def test_reply_builds_strong_refs(bsky: BlueskyConnecteur, fake: FakeBluesky) -> None:
    result = await bsky.reply(parsed()[DAVE], "Oui, c'est gratuit !", idempotency_key="wf/reply")
    assert result.ok and result.action == "reply"
    (create,) = fake.created
    body = body_json(create)
    assert create.headers["authorization"] == f"Bearer {fake.issued[-1][0]}"
    assert body["repo"] == ACCOUNT_DID
    assert body["collection"] == "app.bsky.feed.post"
    assert TID_PATTERN.match(body["rkey"])
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post"
    assert record["text"] == "Oui, c'est gratuit !"
    assert record["createdAt"].endswith("Z")
    assert record["reply"] == {
        "root": {"uri": ROOT_POST, "cid": ROOT_CID},
        "parent": {"uri": DAVE, "cid": parsed()[DAVE].reply_context["cid"]},
    }
    assert result.platform_ref == f"at://{ACCOUNT_DID}/app.bsky.feed.post/{body['rkey']}"


async def test_reply_to_a_top_level_post_uses_it_as_root(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    await bsky.reply(parsed()[BOB], "Here: https://example.org/replay", idempotency_key="k1")
    record = body_json(fake.created[0])["record"]
    assert record["reply"]["root"] == record["reply"]["parent"]
    assert record["reply"]["parent"]["uri"] == BOB


async def test_retried_reply_finds_its_post(bsky: BlueskyConnecteur, fake: FakeBluesky) -> None:
    target = parsed()[ALICE]
    first = await bsky.reply(target, "Bonjour !", idempotency_key="wf/alice/reply")
    again = await bsky.reply(target, "Bonjour !", idempotency_key="wf/alice/reply")
    assert again.platform_ref == first.platform_ref
    assert len(fake.created) == 1
    other = await bsky.reply(target, "Autre chose", idempotency_key="wf/alice/reply-2")
    assert other.platform_ref != first.platform_ref and len(fake.created) == 2


async def test_reply_skips_a_key_taken_by_another_record(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    target = parsed()[ALICE]
    taken = deterministic_tid("wf/x", target.received_at, 0)
    fake.put(f"at://{ACCOUNT_DID}/app.bsky.feed.post/{taken}", {"$type": "app.bsky.feed.post"})
    await bsky.reply(target, "Bonjour !", idempotency_key="wf/x")
    assert body_json(fake.created[0])["rkey"] == deterministic_tid("wf/x", target.received_at, 1)


async def test_reply_to_a_deleted_post_is_not_found(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    fake.delete(ALICE)
    with pytest.raises(NotFound, match="deleted"):
        await bsky.reply(parsed()[ALICE], "Bonjour !", idempotency_key="k")
    assert fake.created == []


# -- block, hide, DM -----------------------------------------------------------------------


async def test_block_creates_a_block_record_once(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    target = parsed()[BOB]
    first = await bsky.block(target, idempotency_key="wf/block")
    again = await bsky.block(target, idempotency_key="wf/block")
    (create,) = fake.created
    body = body_json(create)
    assert body["collection"] == "app.bsky.graph.block"
    assert body["record"]["subject"] == "did:plc:bob5ztwxq3mdvq2cnh4rxklo"
    assert body["record"]["$type"] == "app.bsky.graph.block"
    assert first.platform_ref == again.platform_ref


async def test_hide_and_unhide_edit_the_threadgate(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    interactions = parsed()
    gate = f"at://{ACCOUNT_DID}/app.bsky.feed.threadgate/3k43tv4rft22g"
    hidden = await bsky.hide(interactions[ALICE], idempotency_key="h1")
    assert hidden.platform_ref == gate
    (create,) = fake.sent("POST", CREATE_PATH)
    body = body_json(create)
    assert body["rkey"] == "3k43tv4rft22g"  # the root post's rkey
    assert body["record"]["post"] == ROOT_POST
    assert body["record"]["hiddenReplies"] == [ALICE]
    assert "allow" not in body["record"]  # hiding must not close the thread to replies

    await bsky.hide(interactions[ALICE], idempotency_key="h1")  # already hidden: no write
    assert len(fake.writes) == 2  # createSession + createRecord

    cid = fake.records[gate]["cid"]
    await bsky.hide(interactions[DAVE], idempotency_key="h2")
    (put,) = fake.sent("POST", PUT_PATH)
    assert body_json(put)["swapRecord"] == cid
    assert fake.record(gate)["hiddenReplies"] == [ALICE, DAVE]  # type: ignore[index]

    await bsky.unhide(interactions[ALICE], idempotency_key="u1")
    assert fake.record(gate)["hiddenReplies"] == [DAVE]  # type: ignore[index]


async def test_hide_keeps_existing_reply_rules(bsky: BlueskyConnecteur, fake: FakeBluesky) -> None:
    gate = f"at://{ACCOUNT_DID}/app.bsky.feed.threadgate/3k43tv4rft22g"
    rules = [{"$type": "app.bsky.feed.threadgate#followingRule"}]
    fake.put(
        gate,
        {
            "$type": "app.bsky.feed.threadgate",
            "post": ROOT_POST,
            "allow": rules,
            "createdAt": "2024-05-02T08:00:00Z",
        },
    )
    await bsky.hide(parsed()[ALICE], idempotency_key="h")
    assert fake.record(gate) == {
        "$type": "app.bsky.feed.threadgate",
        "post": ROOT_POST,
        "allow": rules,
        "createdAt": "2024-05-02T08:00:00Z",
        "hiddenReplies": [ALICE],
    }


async def test_hide_lost_race_is_transient(bsky: BlueskyConnecteur, fake: FakeBluesky) -> None:
    interactions = parsed()
    await bsky.hide(interactions[ALICE], idempotency_key="h1")
    gate = f"at://{ACCOUNT_DID}/app.bsky.feed.threadgate/3k43tv4rft22g"
    original = fake._get_record

    def changed_meanwhile(request: httpx.Request, match: Any) -> httpx.Response:
        answer = original(request, match)
        fake.put(gate, {**(fake.record(gate) or {}), "hiddenReplies": [ALICE, BOB]})
        return answer

    fake.routes = [r for r in fake.routes if "getRecord" not in r.pattern.pattern]
    fake.route("GET", r"/xrpc/com\.atproto\.repo\.getRecord", changed_meanwhile)
    with pytest.raises(TransientError, match="InvalidSwap"):
        await bsky.hide(interactions[DAVE], idempotency_key="h2")


async def test_hide_outside_the_accounts_threads_is_refused(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    with pytest.raises(InvalidRequest, match="threadgate"):
        await bsky.hide(parsed()[BOB], idempotency_key="h")
    assert fake.requests == []


async def test_direct_message_goes_through_the_chat_proxy_once(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    target = parsed()[ALICE]
    first = await bsky.send_direct_message(target, "Écrivez-nous ici", idempotency_key="dm")
    again = await bsky.send_direct_message(target, "Écrivez-nous ici", idempotency_key="dm")
    convo = fake.sent("GET", r"/xrpc/chat\.bsky\.convo\.getConvoForMembers")[0]
    assert convo.url.params.get_list("members") == ["did:plc:alice7xkq3njmt2xvq5fl6qz"]
    (send,) = fake.sent("POST", SEND_PATH)
    assert send.headers["atproto-proxy"] == "did:web:api.bsky.chat#bsky_chat"
    assert body_json(send) == {"convoId": "3convo1", "message": {"text": "Écrivez-nous ici"}}
    assert first.ok and first.platform_ref == again.platform_ref


# -- errors --------------------------------------------------------------------------------


async def test_rate_limit_uses_retry_after(bsky: BlueskyConnecteur, fake: FakeBluesky) -> None:
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await bsky.reply(parsed()[ALICE], "x", idempotency_key="k")
    assert caught.value.retry_after == RESET_IN
    assert "RateLimitExceeded" in str(caught.value)


async def test_rate_limit_reads_ratelimit_reset(bsky: BlueskyConnecteur, fake: FakeBluesky) -> None:
    fake.retry_after_header = False  # older PDS versions send only RateLimit-*
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await bsky.poll(None)
    assert RESET_IN - 5 <= caught.value.retry_after <= RESET_IN


async def test_rate_limited_login(fake: FakeBluesky) -> None:
    fake.fail_session_calls = True
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited):
        await connector_for(fake).poll(None)
    assert fake.requests[0].url.path.endswith("createSession")


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (Failure.EXPIRED_TOKEN, AuthError),
        (Failure.NOT_FOUND, NotFound),
        (Failure.SERVER_ERROR, TransientError),
    ],
)
async def test_failures_are_typed_without_secrets(
    bsky: BlueskyConnecteur, fake: FakeBluesky, failure: Failure, expected: type[Exception]
) -> None:
    fake.fail_next(failure)
    with pytest.raises(expected) as caught:
        await bsky.reply(parsed()[ALICE], "x", idempotency_key="k")
    text = str(caught.value) + repr(caught.value)
    assert APP_PASSWORD not in text and "jwt" not in text
    assert "127.0.0.1" not in text and "?" not in text  # no host, no query string
    assert fake.created == []


def xrpc_response(status: int, body: Any) -> httpx.Response:
    request = httpx.Request("POST", "http://127.0.0.1:8099/xrpc/com.atproto.repo.createRecord")
    return httpx.Response(status, json=body, request=request)


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (400, "ExpiredToken", AuthError),
        (400, "InvalidToken", AuthError),
        (401, "AuthMissing", AuthError),
        (401, "AuthenticationRequired", AuthError),
        (400, "RecordNotFound", NotFound),
        (400, "NotFound", NotFound),
        (404, "XRPCNotSupported", NotFound),
        (400, "InvalidRequest", InvalidRequest),
        (400, "InvalidSwap", TransientError),
        (500, "InternalServerError", TransientError),
        (502, "UpstreamFailure", TransientError),
        (429, "RateLimitExceeded", RateLimited),
    ],
)
async def test_xrpc_error_names_map_to_typed_errors(
    bsky: BlueskyConnecteur, status: int, error: str, expected: type[Exception]
) -> None:
    found = bsky.error_for(xrpc_response(status, {"error": error, "message": "m"}))
    assert isinstance(found, expected)
    assert str(found).startswith(f"POST /xrpc/com.atproto.repo.createRecord → {status}")


async def test_non_json_error_body_still_maps_by_status(bsky: BlueskyConnecteur) -> None:
    request = httpx.Request("GET", "http://127.0.0.1:8099/xrpc/x")
    assert isinstance(
        bsky.error_for(httpx.Response(503, text="<html>", request=request)), TransientError
    )
    assert bsky.error_for(httpx.Response(200, json={}, request=request)) is None


# -- record keys ---------------------------------------------------------------------------


def test_deterministic_tids_are_valid_and_stable() -> None:
    anchor = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
    first = deterministic_tid("interaction/bluesky/x/reply", anchor)
    assert TID_PATTERN.match(first)
    assert first == deterministic_tid("interaction/bluesky/x/reply", anchor)
    assert first != deterministic_tid("interaction/bluesky/x/reply-2", anchor)
    assert first != deterministic_tid("interaction/bluesky/x/reply", anchor, attempt=1)
    assert encode_tid(0, 0) == "2222222222222"
    # Keys sort by time like the PDS's own TIDs: the anchor's second is the prefix.
    later = deterministic_tid("interaction/bluesky/x/reply", anchor.replace(hour=10))
    assert later > first


def test_fixture_stays_a_valid_page() -> None:
    data = copy.deepcopy(page())
    assert {n["reason"] for n in data["notifications"]} == {"reply", "like", "quote", "mention"}
    assert all(n["uri"].startswith("at://") for n in data["notifications"])


async def test_reply_without_context_reads_the_refs(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    # An interaction built without reply_context (e.g. from an older history).
    dave = parsed()[DAVE].model_copy(update={"reply_context": {}})
    await bsky.reply(dave, "Oui !", idempotency_key="k")
    reply = body_json(fake.created[0])["record"]["reply"]
    assert reply["parent"] == {"uri": DAVE, "cid": fake.records[DAVE]["cid"]}
    assert reply["root"] == {"uri": ROOT_POST, "cid": ROOT_CID}  # from Dave's own reply.root


async def test_poll_skips_a_malformed_notification(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    broken = note(BOB, "2024-05-02T09:40:00.000Z")
    broken.pop("cid")
    fake.notifications.insert(0, broken)
    result = await bsky.poll(None)
    assert [i.external_id for i in result.interactions] == [ALICE, BOB, CAROL, DAVE]


def test_options_refuse_reasons_that_are_not_interactions() -> None:
    with pytest.raises(ValueError, match="reasons"):
        BlueskyOptions.model_validate({"reasons": ["like"]})


# -- channel health ------------------------------------------------------------------------

GET_SESSION = r"/xrpc/com\.atproto\.server\.getSession"


async def test_health_of_a_working_account(bsky: BlueskyConnecteur, fake: FakeBluesky) -> None:
    check = await bsky.check_health()
    assert check.token_valid is True
    assert check.token_expires_at is None
    assert check.scopes_missing == ()
    # Bluesky is polled: there is no subscription to report, and none is guessed.
    assert check.subscription_active is None
    assert "@passerelle-demo.bsky.social" in check.detail
    assert [r.url.path.rsplit(".", 1)[-1] for r in fake.requests] == [
        "createSession",
        "getSession",
    ]
    (session,) = fake.sent("GET", GET_SESSION)
    assert session.headers["authorization"] == f"Bearer {fake.issued[0][0]}"
    assert fake.writes == fake.sent("POST", r"/xrpc/com\.atproto\.server\.createSession")


async def test_health_gives_the_access_token_expiry_as_detail_not_as_channel_expiry(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    # Even a token expiring in 3 days is not the channel's expiry: the connector renews its
    # session itself (refreshSession, or a new login with the app password, which does
    # not expire), so no operator has anything to renew before then.
    soon = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    fake.token_expires_at = soon
    check = await bsky.check_health()
    assert check.token_valid is True
    assert check.token_expires_at is None
    assert f"valid until {soon.isoformat()}" in check.detail
    assert _jwt_claims(fake.issued[0][0])["exp"] == int(soon.timestamp())


async def test_health_renews_an_expired_session_itself(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    await bsky.check_health()
    fake.expire_access_tokens()
    check = await bsky.check_health()
    assert check.token_valid is True
    assert len(fake.sent("POST", r"/xrpc/com\.atproto\.server\.refreshSession")) == 1
    assert fake.sessions_created == 1


async def test_health_after_the_access_token_exp_passed(fake: FakeBluesky) -> None:
    fake.token_expires_at = datetime.now(UTC) + timedelta(seconds=1)
    connector = connector_for(fake)
    await connector.check_health()
    fake.token_expires_at = datetime.now(UTC) - timedelta(seconds=1)
    fake.expiries = {token: fake.token_expires_at for token in fake.expiries}
    check = await connector.check_health()
    assert check.token_valid is True
    # The refreshed token lives the reference PDS's 120 minutes.
    exp = _jwt_claims(fake.issued[-1][0])["exp"]
    assert 119 * 60 < exp - datetime.now(UTC).timestamp() <= 120 * 60
    await connector.http.aclose()


async def test_health_of_a_revoked_app_password_is_an_auth_error(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    await bsky.check_health()
    fake.token_revoked = True
    with pytest.raises(AuthError, match="could not be refreshed") as caught:
        await bsky.check_health()
    text = f"{caught.value!s} {caught.value!r}"
    assert APP_PASSWORD not in text
    assert not any(token in text for pair in fake.issued for token in pair)
    # The next check logs in again, and the login is refused too.
    with pytest.raises(AuthError, match="Invalid identifier or password"):
        await bsky.check_health()


async def test_health_injected_expired_token_is_an_auth_error(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    fake.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError, match="ExpiredToken"):
        await bsky.check_health()


async def test_health_names_the_missing_dm_permission(
    bsky: BlueskyConnecteur, fake: FakeBluesky
) -> None:
    fake.missing_scopes = {SCOPE_PRIVILEGED}
    check = await bsky.check_health()
    assert check.token_valid is True
    assert check.scopes_missing == ("com.atproto.appPassPrivileged",)
    assert _jwt_claims(fake.issued[0][0])["scope"] == "com.atproto.appPass"
    # The chat service refuses such a password, as the PDS does.
    with pytest.raises(AuthError, match="Bad token scope"):
        await bsky.send_direct_message(parsed()[ALICE], "Bonjour", idempotency_key="dm")


@pytest.mark.parametrize("status", ["deactivated", "takendown"])
async def test_health_of_an_inactive_account(
    bsky: BlueskyConnecteur, fake: FakeBluesky, status: str
) -> None:
    fake.account_status = status
    check = await bsky.check_health()
    assert check.token_valid is False
    assert status in check.detail


async def test_health_rate_limited(bsky: BlueskyConnecteur, fake: FakeBluesky) -> None:
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await bsky.check_health()
    assert caught.value.retry_after == RESET_IN
    # The login went through; the getSession call was the one throttled.
    assert fake.requests[-1].url.path.endswith("getSession")


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", "a.W10.c", "a.!!!.c"])
def test_jwt_claims_of_anything_else_are_empty(token: str) -> None:
    assert _jwt_claims(token) == {}


def test_reauthorize_names_the_secrets_permission_and_page() -> None:
    guidance = BlueskyConnecteur.manifest.reauthorize
    assert "app_password" in guidance and "identifier" in guidance
    assert "App passwords" in guidance and "direct messages" in guidance
    assert SCOPE_PRIVILEGED in guidance
    assert APP_PASSWORD not in guidance
