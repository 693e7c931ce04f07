"""YouTube connector against its fake Data API v3.

Doc pages the connector and these tests follow:
- commentThreads.list (allThreadsRelatedToChannelId, order=time, pageToken, replies part):
  https://developers.google.com/youtube/v3/docs/commentThreads/list
- comment and commentThread resources (authorChannelId.value, textOriginal, parentId):
  https://developers.google.com/youtube/v3/docs/comments ,
  https://developers.google.com/youtube/v3/docs/commentThreads
- comments.list with parentId (the reply lookup):
  https://developers.google.com/youtube/v3/docs/comments/list
- comments.insert (snippet.parentId + snippet.textOriginal):
  https://developers.google.com/youtube/v3/docs/comments/insert
- comments.setModerationStatus (heldForReview / published / rejected, banAuthor; rejecting is
  how a channel removes others' comments, comments.delete is for their author):
  https://developers.google.com/youtube/v3/docs/comments/setModerationStatus
- error body and reasons (quotaExceeded 403, forbidden, commentNotFound…):
  https://developers.google.com/youtube/v3/docs/errors
- quota costs (list 1 unit, insert/moderation 50) and reset at midnight Pacific:
  https://developers.google.com/youtube/v3/determine_quota_cost
- channel health: Google's tokeninfo (scope, exp, expires_in; POST with the bearer token, as
  google-auth-library's getTokenInfo does):
  https://googleapis.github.io/google-api-python-client/docs/dyn/oauth2_v2.html and
  https://cloud.google.com/nodejs/docs/reference/google-auth-library/latest/google-auth-library/tokeninfo
  (connecteurs/youtube/fixtures/SOURCES.md says which field comes from where);
  channels.list with mine=true: https://developers.google.com/youtube/v3/docs/channels/list

- thread events from the listing (own replies, snippet.updatedAt, snippet.moderationStatus):
  https://developers.google.com/youtube/v3/docs/comments#resource and
  connecteurs/youtube/fixtures/SOURCES.md ("Thread sync").

No webhook exists for YouTube comments: there is no signature or handshake to test.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connecteurs.base import AccountContext, Capability, WebhookRequest
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
    UnsupportedAction,
)
from connecteurs.models import InteractionKind, Platform, ThreadEventKind
from connecteurs.testing import Failure, body_json
from connecteurs.youtube import YoutubeConnecteur, YoutubeOptions
from connecteurs.youtube.conformite import TARGET_ID, target
from connecteurs.youtube.connecteur import (
    PollCursor,
    id_digest,
    raw_sha256,
    seconds_until_quota_reset,
)
from connecteurs.youtube.fake import (
    ACCESS_TOKEN,
    CHANNEL_ID,
    FORCE_SSL,
    FakeYoutube,
    fixture,
    google_error,
)

#: 13:00 in Los Angeles (PDT, UTC-7): the quota resets in 11 hours.
NOW = datetime(2024, 5, 2, 20, 0, tzinfo=UTC)
ALICE = "UgzQk7R2vXbP4tN9sLw4AaABAg"
BOB_REPLY = "UgzQk7R2vXbP4tN9sLw4AaABAg.A2bob0000000000000001"
OWN_REPLY = "UgzQk7R2vXbP4tN9sLw4AaABAg.A2own0000000000000001"
OWN_TOP = "UgyOwnTopLevel0000000AaABAg"
CAROL = "UgxCarolTopLevel00000AaABAg"
API = "/youtube/v3"


@pytest.fixture
def fake() -> FakeYoutube:
    return FakeYoutube()


def make(
    fake: FakeYoutube, client: httpx.AsyncClient, token: str = ACCESS_TOKEN, **options: int
) -> YoutubeConnecteur:
    context = AccountContext(
        account=CHANNEL_ID,
        secrets={"access_token": token} if token else {},
        options=YoutubeOptions(**options),
        base_url=fake.base_url,
    )
    return YoutubeConnecteur(context, http=client, clock=lambda: NOW)


@pytest.fixture
async def connector(fake: FakeYoutube) -> AsyncIterator[YoutubeConnecteur]:
    async with fake.client() as client:
        yield make(fake, client)


def threads_sent(fake: FakeYoutube) -> list[httpx.Request]:
    return fake.sent("GET", API + "/commentThreads")


# -- manifest ----------------------------------------------------------------------------


def test_manifest_declares_only_what_youtube_offers() -> None:
    manifest = YoutubeConnecteur.manifest
    assert manifest.name == "youtube"
    assert manifest.platform is Platform.YOUTUBE
    assert manifest.capabilities == {
        Capability.POLL,
        Capability.REPLY,
        Capability.HIDE,
        Capability.UNHIDE,
        Capability.DELETE,
        Capability.BLOCK,
    }
    assert manifest.secrets == ("access_token",)
    assert manifest.reply_lookup is True
    for page in ("commentThreads/list", "comments/insert", "setModerationStatus", "errors"):
        assert any(page in url for url in manifest.documentation), page
    assert any("determine_quota_cost" in url for url in manifest.documentation)


async def test_no_webhook_and_no_direct_message(connector: YoutubeConnecteur) -> None:
    with pytest.raises(UnsupportedAction):
        await connector.parse(WebhookRequest.make(b"{}"))
    with pytest.raises(UnsupportedAction):
        await connector.send_direct_message(target(), "hi", idempotency_key="k")


# -- poll: what a page becomes -----------------------------------------------------------


async def test_first_poll_reads_the_channel_threads(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    await connector.poll(None)
    [request] = threads_sent(fake)
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    params = request.url.params
    assert params["part"] == "snippet,replies"
    assert params["allThreadsRelatedToChannelId"] == CHANNEL_ID
    assert params["order"] == "time"
    assert params["maxResults"] == "100"
    assert "pageToken" not in params
    assert ACCESS_TOKEN not in str(request.url)


async def test_poll_turns_comments_and_replies_into_interactions(
    connector: YoutubeConnecteur,
) -> None:
    result = await connector.poll(None)
    by_id = {i.external_id: i for i in result.interactions}
    # The channel's own top-level comment and own reply are not interactions.
    assert set(by_id) == {ALICE, BOB_REPLY, CAROL}
    assert [i.external_id for i in result.interactions] == [CAROL, ALICE, BOB_REPLY]

    alice = by_id[ALICE]
    assert alice.id == f"youtube:{CHANNEL_ID}:{ALICE}"
    assert alice.kind is InteractionKind.COMMENT
    assert alice.text == "Where can I buy the blue model?"
    assert alice.author.id == "UCaliceViewer00000000001"
    assert alice.author.handle == "@alice"
    assert alice.author.profile_url == "http://www.youtube.com/@alice"
    assert alice.thread_id == ALICE and alice.parent_id is None and not alice.is_follow_up
    assert alice.post_id == "vidPasser01"
    assert alice.url == f"https://www.youtube.com/watch?v=vidPasser01&lc={ALICE}"
    assert alice.created_at == datetime(2024, 5, 2, 9, 15, tzinfo=UTC)
    assert alice.received_at == NOW
    assert alice.reply_context == {"video_id": "vidPasser01"}
    raw_top = fixture("comment_threads.json")["items"][0]["snippet"]["topLevelComment"]
    assert alice.raw_sha256 == raw_sha256(raw_top)

    bob = by_id[BOB_REPLY]
    assert bob.kind is InteractionKind.REPLY
    assert bob.thread_id == ALICE and bob.parent_id == ALICE and bob.is_follow_up
    assert bob.author.id == "UCbobViewer0000000000002"
    assert bob.text == "Same question here!"

    # textOriginal is only guaranteed for the author: textDisplay (plain text) is the fallback.
    carol = by_id[CAROL]
    assert carol.text == "This tutorial saved my weekend, thank you"
    assert carol.post_id == "vidPasser02"


async def test_second_poll_returns_only_new_comments(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    first = await connector.poll(None)
    again = await connector.poll(first.cursor)
    assert again.interactions == ()

    later = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
    fake.add_comment("UgzNewTopLevel000000AaABAg", "Is there a discount?", published=later)
    fake.add_comment(
        f"{CAROL}.A2dave00000000000001", "Me too", parent=CAROL, published=later, video="v2"
    )
    fake.add_comment(
        f"{CAROL}.A2own000000000000002",
        "Thanks!",
        parent=CAROL,
        published=later,
        author=CHANNEL_ID,
    )
    third = await connector.poll(again.cursor)
    assert {i.external_id for i in third.interactions} == {
        "UgzNewTopLevel000000AaABAg",
        f"{CAROL}.A2dave00000000000001",
    }
    new_reply = next(i for i in third.interactions if i.kind is InteractionKind.REPLY)
    assert new_reply.thread_id == CAROL and new_reply.parent_id == CAROL
    assert (await connector.poll(third.cursor)).interactions == ()


async def test_poll_skips_comments_older_than_the_lookback(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    first = await connector.poll(None)
    cursor = PollCursor.load(first.cursor)
    # The newest comment of someone else (the channel's own 09:30 reply does not count).
    assert cursor.w == datetime(2024, 5, 2, 9, 20, tzinfo=UTC)
    # Indexed late but within the 5-minute lookback: returned; older: skipped.
    fake.add_comment(
        f"{ALICE}.A2late0000000000001",
        "late",
        parent=ALICE,
        published=datetime(2024, 5, 2, 9, 16, tzinfo=UTC),
    )
    fake.add_comment(
        f"{ALICE}.A2old00000000000001",
        "old",
        parent=ALICE,
        published=datetime(2024, 5, 2, 9, 14, tzinfo=UTC),
    )
    second = await connector.poll(first.cursor)
    assert [i.external_id for i in second.interactions] == [f"{ALICE}.A2late0000000000001"]


async def test_cursor_stays_small_and_bounded(fake: FakeYoutube) -> None:
    async with fake.client() as client:
        connector = make(fake, client, seen_limit=50)
        start = datetime(2024, 5, 2, 10, 0, tzinfo=UTC)
        for n in range(80):
            fake.add_comment(f"UgzBurst{n:03d}", "hello", published=start + timedelta(seconds=n))
        result = await connector.poll(None)
    assert len(result.interactions) == 83
    assert result.cursor is not None
    cursor = json.loads(result.cursor)
    assert len(cursor["s"]) == 50
    assert id_digest("UgzBurst079") in cursor["s"]  # the newest are kept
    assert len(result.cursor) < 1_000


async def test_unreadable_cursor_restarts_from_the_current_page(
    connector: YoutubeConnecteur,
) -> None:
    result = await connector.poll("not a cursor")
    assert {i.external_id for i in result.interactions} == {ALICE, BOB_REPLY, CAROL}


# -- poll: paging ------------------------------------------------------------------------


async def test_first_poll_reads_one_page(fake: FakeYoutube) -> None:
    fake.page_size = 1
    async with fake.client() as client:
        result = await make(fake, client).poll(None)
    assert len(threads_sent(fake)) == 1
    assert {i.external_id for i in result.interactions} == {ALICE, BOB_REPLY}


async def test_later_polls_follow_page_tokens_until_nothing_is_new(fake: FakeYoutube) -> None:
    fake.page_size = 2
    async with fake.client() as client:
        connector = make(fake, client)
        first = await connector.poll(None)
        start = datetime(2024, 5, 2, 11, 0, tzinfo=UTC)
        for n in range(3):
            fake.add_comment(f"UgzPaged{n}", f"paged {n}", published=start + timedelta(minutes=n))
        before = len(threads_sent(fake))
        second = await connector.poll(first.cursor)
    sent = threads_sent(fake)[before:]
    # page 1: two new threads; page 2: one new + Alice's; page 3 brings nothing: stop.
    assert [r.url.params.get("pageToken") for r in sent] == [None, "2", "4"]
    assert {i.external_id for i in second.interactions} == {"UgzPaged0", "UgzPaged1", "UgzPaged2"}


async def test_paging_is_bounded_by_max_pages(fake: FakeYoutube) -> None:
    fake.page_size = 2
    async with fake.client() as client:
        connector = make(fake, client, max_pages=2)
        first = await connector.poll(None)
        start = datetime(2024, 5, 2, 11, 0, tzinfo=UTC)
        for n in range(10):
            fake.add_comment(f"UgzMany{n:02d}", "many", published=start + timedelta(minutes=n))
        before = len(threads_sent(fake))
        second = await connector.poll(first.cursor)
    assert len(threads_sent(fake)) - before == 2
    assert len(second.interactions) == 4


async def test_hidden_comment_is_not_polled(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    await connector.hide(target(), idempotency_key="wf/hide")
    result = await connector.poll(None)
    assert ALICE not in {i.external_id for i in result.interactions}


# -- poll: bodies that are not the documented shape --------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"<html>oops</html>",
        b"null",
        b'{"kind": "youtube#commentThreadListResponse"}',
        b'{"items": [{"id": "t1", "snippet": {}}]}',
        b'{"items": [{"id": "", "snippet": {"topLevelComment": {"id": "c", "snippet":'
        b' {"publishedAt": "2024-05-02T09:15:00Z"}}}}]}',
        b'{"items": [{"id": "t1", "snippet": {"topLevelComment": {"id": "c", "snippet":'
        b' {"publishedAt": "yesterday"}}}}]}',
    ],
)
async def test_malformed_list_raises_malformed_payload(
    fake: FakeYoutube, connector: YoutubeConnecteur, body: bytes
) -> None:
    fake.answer_next(httpx.Response(200, content=body))
    with pytest.raises(MalformedPayload) as caught:
        await connector.poll(None)
    assert "/youtube/v3/commentThreads" in str(caught.value)


# -- poll: thread events (own replies, edits, moderation in the listing) ----------------

CAROL_OWN_REPLY = f"{CAROL}.A2own0000000000000003"


def later_page() -> httpx.Response:
    """fixtures/comment_threads_later.json: the same channel one poll later."""
    return httpx.Response(200, json=fixture("comment_threads_later.json"))


async def test_own_reply_is_an_answer_to_the_thread_not_an_interaction(
    connector: YoutubeConnecteur,
) -> None:
    result = await connector.poll(None)
    assert OWN_REPLY not in {i.external_id for i in result.interactions}
    [event] = result.events
    assert event.kind is ThreadEventKind.ANSWERED
    assert (event.subject_id, event.thread_id, event.ref) == (ALICE, ALICE, OWN_REPLY)
    assert event.author is not None and event.author.id == CHANNEL_ID
    assert event.author.handle == "@passerelle-demo"
    assert event.text == "It is on our online shop."
    assert event.at == datetime(2024, 5, 2, 9, 30, tzinfo=UTC)
    assert event.account == CHANNEL_ID and event.platform is Platform.YOUTUBE
    # Signalled to the workflow that Alice's comment started.
    alice = next(i for i in result.interactions if i.external_id == ALICE)
    assert event.workflow_id == alice.workflow_id


async def test_events_are_reported_once_and_a_retried_poll_gives_the_same_keys(
    connector: YoutubeConnecteur,
) -> None:
    first = await connector.poll(None)
    retried = await connector.poll(None)  # an activity retry polls with the same cursor
    assert [e.key for e in retried.events] == [e.key for e in first.events]
    assert (await connector.poll(first.cursor)).events == ()


async def test_later_listing_gives_the_edit_the_moderation_and_the_new_answer(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    first = await connector.poll(None)
    workflow = {i.external_id: i.workflow_id for i in first.interactions}
    fake.answer_next(later_page())
    second = await connector.poll(first.cursor)
    assert second.interactions == ()
    by_kind = {e.kind: e for e in second.events}
    assert set(by_kind) == {
        ThreadEventKind.EDITED,
        ThreadEventKind.HIDDEN,
        ThreadEventKind.ANSWERED,
    }

    edited = by_kind[ThreadEventKind.EDITED]
    assert edited.subject_id == ALICE and edited.thread_id == ALICE
    assert edited.text == "Where can I buy the blue model? Is it sold in Canada too?"
    assert edited.at == datetime(2024, 5, 2, 10, 5, tzinfo=UTC)
    assert edited.author is not None and edited.author.id == "UCaliceViewer00000000001"
    assert edited.workflow_id == workflow[ALICE]

    hidden = by_kind[ThreadEventKind.HIDDEN]
    assert hidden.subject_id == BOB_REPLY and hidden.thread_id == ALICE
    assert hidden.detail == "commentThreads.list: moderationStatus=likelySpam"
    # Bob's reply is a follow-up of Alice's thread: the event goes to that workflow.
    assert hidden.workflow_id == workflow[ALICE]

    answered = by_kind[ThreadEventKind.ANSWERED]
    assert (answered.subject_id, answered.ref) == (CAROL, CAROL_OWN_REPLY)
    assert answered.workflow_id == workflow[CAROL]
    assert answered.text == "@carol Thank you, glad it helped!"

    # The same listing again: nothing new to report.
    fake.answer_next(later_page())
    third = await connector.poll(second.cursor)
    assert third.events == () and third.interactions == ()


async def test_a_held_comment_published_again_is_unhidden(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    first = await connector.poll(None)
    fake.answer_next(later_page())
    second = await connector.poll(first.cursor)
    published = fixture("comment_threads_later.json")
    published["items"][1]["replies"]["comments"][0]["snippet"]["moderationStatus"] = "published"
    fake.answer_next(httpx.Response(200, json=published))
    third = await connector.poll(second.cursor)
    [event] = third.events
    assert event.kind is ThreadEventKind.UNHIDDEN
    assert event.subject_id == BOB_REPLY and event.thread_id == ALICE


async def test_a_rejected_comment_in_the_listing_is_removed(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    first = await connector.poll(None)
    rejected = fixture("comment_threads.json")
    snippet = rejected["items"][2]["snippet"]["topLevelComment"]["snippet"]
    snippet["moderationStatus"] = "rejected"
    fake.answer_next(httpx.Response(200, json=rejected))
    second = await connector.poll(first.cursor)
    [event] = second.events
    assert event.kind is ThreadEventKind.REMOVED
    assert event.subject_id == CAROL and event.thread_id == CAROL
    assert event.detail == "commentThreads.list: moderationStatus=rejected"


async def test_a_new_comment_already_edited_or_held_is_an_interaction_with_its_text(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    page = fixture("comment_threads_later.json")
    fake.answer_next(httpx.Response(200, json=page))
    result = await connector.poll(None)
    alice = next(i for i in result.interactions if i.external_id == ALICE)
    assert alice.text == "Where can I buy the blue model? Is it sold in Canada too?"
    # Nothing edited since Passerelle saw it; held on arrival is still worth knowing.
    kinds = sorted((e.kind.value, e.subject_id) for e in result.events)
    assert kinds == [("answered", CAROL), ("answered", ALICE), ("hidden", BOB_REPLY)]


async def test_the_channel_own_top_level_comment_gives_no_event(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    result = await connector.poll(None)
    assert OWN_TOP not in {e.subject_id for e in result.events}
    assert OWN_TOP not in {e.ref for e in result.events}


async def test_passerelle_own_reply_comes_back_with_its_platform_ref(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    first = await connector.poll(None)
    posted = await connector.reply(target(), "It ships next week.", idempotency_key="wf/own")
    second = await connector.poll(first.cursor)
    [event] = second.events
    assert event.kind is ThreadEventKind.ANSWERED
    # The workflow can tell its own reply from one made on YouTube by this ref.
    assert event.ref == posted.platform_ref and event.subject_id == ALICE
    assert second.interactions == ()


async def test_cursor_of_older_versions_still_loads() -> None:
    old = '{"v":1,"w":"2024-05-02T09:20:00Z","s":["abc"]}'
    cursor = PollCursor.load(old)
    assert cursor.s == ["abc"] and cursor.m == []
    assert "m" not in json.loads(cursor.dump())


# -- reply -------------------------------------------------------------------------------


async def test_reply_posts_under_the_top_level_comment(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    result = await connector.reply(target(), "It ships next week.", idempotency_key="wf/r1")
    [lookup] = fake.sent("GET", API + "/comments")
    assert lookup.url.params["parentId"] == ALICE
    assert lookup.url.params["part"] == "snippet"
    [post] = fake.sent("POST", API + "/comments")
    assert post.url.params["part"] == "snippet"
    assert post.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert body_json(post) == {
        "snippet": {"parentId": ALICE, "textOriginal": "It ships next week."}
    }
    [created] = fake.created
    assert result.ok and result.action == "reply"
    assert result.platform_ref == created["id"]
    assert created["snippet"]["parentId"] == ALICE


async def test_reply_to_a_reply_goes_to_its_thread(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    bob = next(i for i in (await connector.poll(None)).interactions if i.external_id == BOB_REPLY)
    await connector.reply(bob, "See our shop.", idempotency_key="wf/r2")
    [post] = fake.sent("POST", API + "/comments")
    assert body_json(post)["snippet"]["parentId"] == ALICE


async def test_retried_reply_returns_the_earlier_one(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    first = await connector.reply(target(), "Merci !", idempotency_key="wf/r3")
    writes = len(fake.writes)
    again = await connector.reply(target(), "Merci !", idempotency_key="wf/r3")
    assert again.platform_ref == first.platform_ref
    assert len(fake.writes) == writes
    assert len(fake.created) == 1


async def test_reply_finds_an_existing_reply_of_the_channel(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    # The fixture already holds the channel's reply with this text under Alice's comment.
    result = await connector.reply(target(), "It is on our online shop.", idempotency_key="wf/r4")
    assert result.platform_ref == OWN_REPLY
    assert fake.writes == []


async def test_reply_to_a_deleted_comment_is_not_found(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    gone = target().model_copy(update={"external_id": "UgzGone", "thread_id": "UgzGone"})
    with pytest.raises(NotFound):
        await connector.reply(gone, "hello", idempotency_key="wf/r5")
    assert fake.writes == []


# -- moderation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "ban"),
    [
        ("hide", "heldForReview", None),
        ("unhide", "published", None),
        ("delete", "rejected", None),
        ("block", "rejected", "true"),
    ],
)
async def test_moderation_sets_the_status(
    fake: FakeYoutube, connector: YoutubeConnecteur, action: str, status: str, ban: str | None
) -> None:
    result = await getattr(connector, action)(target(), idempotency_key=f"wf/{action}")
    [request] = fake.sent("POST", API + "/comments/setModerationStatus")
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.url.params["id"] == TARGET_ID
    assert request.url.params["moderationStatus"] == status
    assert request.url.params.get("banAuthor") == ban
    assert request.content == b""
    assert fake.statuses[TARGET_ID] == status
    assert result.ok and result.action == action and result.platform_ref == TARGET_ID
    assert fake.banned == ({"UCaliceViewer00000000001"} if ban else set())


async def test_moderating_a_deleted_comment_is_not_found(connector: YoutubeConnecteur) -> None:
    gone = target().model_copy(update={"external_id": "UgzGone"})
    with pytest.raises(NotFound, match="commentNotFound"):
        await connector.delete(gone, idempotency_key="wf/d")


# -- errors ------------------------------------------------------------------------------


async def test_quota_exceeded_waits_until_midnight_pacific(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await connector.poll(None)
    # 13:00 PDT → midnight PDT is 11 hours away.
    assert caught.value.retry_after == 11 * 3600
    assert "quotaExceeded" in str(caught.value)


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        (datetime(2024, 5, 2, 20, 0, tzinfo=UTC), 11 * 3600),  # PDT, UTC-7
        (datetime(2024, 1, 15, 7, 59, 30, tzinfo=UTC), 30),  # 23:59:30 PST, UTC-8
        (datetime(2024, 3, 10, 9, 0, tzinfo=UTC), 22 * 3600),  # 01:00 PST, day of 23 hours
        (datetime(2024, 11, 3, 7, 30, tzinfo=UTC), 24 * 3600),  # 00:30 PDT, day of 25 hours
    ],
)
def test_quota_reset_follows_los_angeles_time(now: datetime, seconds: float) -> None:
    # The last case is 24.5 hours away, capped at the kit's maximum wait (24 h).
    assert seconds_until_quota_reset(now) == seconds


@pytest.mark.parametrize(("headers", "expected"), [({}, 60.0), ({"retry-after": "30"}, 30.0)])
async def test_rate_limit_exceeded_backs_off(
    fake: FakeYoutube, connector: YoutubeConnecteur, headers: dict[str, str], expected: float
) -> None:
    fake.answer_next(
        google_error(
            403, "rateLimitExceeded", "Rate Limit Exceeded", domain="usageLimits", headers=headers
        )
    )
    with pytest.raises(RateLimited) as caught:
        await connector.poll(None)
    assert caught.value.retry_after == expected


async def test_user_rate_limit_exceeded_backs_off(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    fake.answer_next(
        google_error(403, "userRateLimitExceeded", "User Rate Limit Exceeded", domain="usageLimits")
    )
    with pytest.raises(RateLimited) as caught:
        await connector.hide(target(), idempotency_key="k")
    assert caught.value.retry_after == 60.0


async def test_expired_token_is_an_auth_error(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    fake.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError, match="authError") as caught:
        await connector.reply(target(), "hi", idempotency_key="k")
    # Google's message links a help page: no URL reaches the error text.
    assert "http" not in str(caught.value)
    assert "Request had invalid authentication credentials" in str(caught.value)


async def test_wrong_token_is_refused_by_the_fake(fake: FakeYoutube) -> None:
    async with fake.client() as client:
        connector = make(fake, client, token="ya29.someone-elses-token")
        with pytest.raises(AuthError):
            await connector.poll(None)


async def test_missing_token_is_an_auth_error(fake: FakeYoutube) -> None:
    async with fake.client() as client:
        connector = make(fake, client, token="")
        with pytest.raises(AuthError, match="access_token"):
            await connector.poll(None)
    assert fake.requests == []


async def test_insufficient_permissions_is_an_auth_error(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    fake.answer_next(httpx.Response(403, json=fixture("error_insufficient_permissions.json")))
    with pytest.raises(AuthError, match="insufficientPermissions"):
        await connector.block(target(), idempotency_key="k")


async def test_comments_disabled_is_not_an_auth_error(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    fake.answer_next(google_error(403, "commentsDisabled", "Comments are disabled."))
    with pytest.raises(InvalidRequest):
        await connector.poll(None)


async def test_not_found_failure(fake: FakeYoutube, connector: YoutubeConnecteur) -> None:
    fake.fail_next(Failure.NOT_FOUND)
    with pytest.raises(NotFound):
        await connector.unhide(target(), idempotency_key="k")


async def test_server_error_is_transient(fake: FakeYoutube, connector: YoutubeConnecteur) -> None:
    fake.fail_next(Failure.SERVER_ERROR)
    with pytest.raises(TransientError, match="backendError"):
        await connector.poll(None)


async def test_bad_request_is_invalid(fake: FakeYoutube, connector: YoutubeConnecteur) -> None:
    fake.answer_next(httpx.Response(400, json=fixture("error_ban_without_reject.json")))
    with pytest.raises(InvalidRequest, match="banWithoutReject"):
        await connector.block(target(), idempotency_key="k")


async def test_fake_refuses_ban_without_reject(fake: FakeYoutube) -> None:
    async with fake.client() as client:
        response = await client.post(
            fake.base_url + "/comments/setModerationStatus",
            params={"id": TARGET_ID, "moderationStatus": "heldForReview", "banAuthor": "true"},
            headers={"authorization": f"Bearer {ACCESS_TOKEN}"},
        )
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["reason"] == "banWithoutReject"


@pytest.mark.parametrize("failure", list(Failure))
async def test_no_secret_or_url_in_errors(
    fake: FakeYoutube, connector: YoutubeConnecteur, failure: Failure
) -> None:
    fake.fail_next(failure)
    with pytest.raises(ConnecteurError) as caught:
        await connector.reply(target(), "hi", idempotency_key="k")
    text = f"{caught.value!s} {caught.value!r}"
    assert ACCESS_TOKEN not in text
    assert "127.0.0.1" not in text and "parentId=" not in text


# -- channel health ----------------------------------------------------------------------


def health_calls(fake: FakeYoutube) -> list[str]:
    return [f"{r.method} {r.url.host}{r.url.path}" for r in fake.requests]


async def test_health_of_a_working_channel(fake: FakeYoutube, connector: YoutubeConnecteur) -> None:
    expiry = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=50)
    fake.token_expires_at = expiry
    check = await connector.check_health()
    assert check.token_valid is True
    assert check.token_expires_at == expiry
    assert check.token_expires_at.tzinfo is not None
    assert check.scopes_missing == ()
    # No webhook exists for YouTube comments: nothing to report, never a guess.
    assert check.subscription_active is None
    assert health_calls(fake) == [
        "POST oauth2.googleapis.com/tokeninfo",
        "GET 127.0.0.1/youtube/v3/channels",
    ]
    tokeninfo, channels = fake.requests
    # The token travels in the header only, never in a URL.
    assert tokeninfo.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert ACCESS_TOKEN not in str(tokeninfo.url) and ACCESS_TOKEN not in str(channels.url)
    assert channels.url.params["mine"] == "true"
    assert channels.url.params["part"] == "id"


async def test_health_of_a_token_without_expiry(connector: YoutubeConnecteur) -> None:
    check = await connector.check_health()
    assert (check.token_valid, check.token_expires_at) == (True, None)


async def test_health_reports_a_token_expiring_in_three_days(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    soon = datetime.now(UTC) + timedelta(days=3)
    fake.token_expires_at = soon
    check = await connector.check_health()
    assert check.token_expires_at is not None
    assert abs(check.token_expires_at - soon) < timedelta(seconds=2)


async def test_health_reads_expires_in_when_tokeninfo_has_no_exp(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    body = fixture("tokeninfo.json")
    del body["exp"]
    fake.answer_next(httpx.Response(200, json=body))
    check = await connector.check_health()
    # expires_in is "3599" seconds from the connector's clock.
    assert check.token_expires_at == NOW + timedelta(seconds=3599)


@pytest.mark.parametrize("how", ["revoked", "expired"])
async def test_health_of_a_refused_token_is_an_auth_error(
    fake: FakeYoutube, connector: YoutubeConnecteur, how: str
) -> None:
    if how == "revoked":
        fake.token_revoked = True
    else:
        fake.token_expires_at = datetime.now(UTC) - timedelta(minutes=1)
    with pytest.raises(AuthError, match="invalid_token") as caught:
        await connector.check_health()
    text = f"{caught.value!s} {caught.value!r}"
    assert ACCESS_TOKEN not in text and "oauth2.googleapis.com" not in text
    # The revoked token is refused by every API call too, not only by tokeninfo.
    with pytest.raises(AuthError, match="authError"):
        await connector.poll(None)


async def test_health_injected_expired_token_is_an_auth_error(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    fake.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError, match="POST /tokeninfo → 400: invalid_token"):
        await connector.check_health()


async def test_health_names_the_missing_scope(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    fake.missing_scopes = {FORCE_SSL}
    check = await connector.check_health()
    assert check.token_valid is True
    assert check.scopes_missing == (FORCE_SSL,)
    assert "youtube.force-ssl" in check.detail
    # channels.list may need that very scope: it is not asked.
    assert health_calls(fake) == ["POST oauth2.googleapis.com/tokeninfo"]
    # And the fake refuses the work the scope is for, as YouTube does.
    with pytest.raises(AuthError, match="insufficientPermissions"):
        await connector.poll(None)


async def test_health_of_a_token_for_another_channel(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    fake.channel_id = "UCsomeoneElse000000000001"
    check = await connector.check_health()
    assert check.token_valid is False
    assert "UCsomeoneElse000000000001" in check.detail and CHANNEL_ID in check.detail


async def test_health_rate_limited_on_tokeninfo(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await connector.check_health()
    assert caught.value.retry_after == 30.0


async def test_health_quota_exceeded_on_channels_waits_until_midnight_pacific(
    fake: FakeYoutube, connector: YoutubeConnecteur
) -> None:
    fake.answer_next(httpx.Response(200, json=fixture("tokeninfo.json")))
    fake.answer_next(httpx.Response(403, json=fixture("error_quota_exceeded.json")))
    with pytest.raises(RateLimited) as caught:
        await connector.check_health()
    assert caught.value.retry_after == 11 * 3600


def test_reauthorize_names_the_secret_scope_and_console() -> None:
    guidance = YoutubeConnecteur.manifest.reauthorize
    assert "access_token" in guidance
    assert FORCE_SSL in guidance
    assert "Google Cloud console" in guidance
    assert ACCESS_TOKEN not in guidance
