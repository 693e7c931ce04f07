"""The Mastodon connector against its fake instance and the documented payloads.

Docs followed (and cited by the checks below):
- https://docs.joinmastodon.org/methods/notifications/#get — GET /api/v1/notifications,
  ``types[]``, ``since_id``, ``max_id``, ``limit`` (default 40), newest first; 401 body.
- https://docs.joinmastodon.org/methods/statuses/#create — POST /api/v1/statuses (form:
  ``status``, ``in_reply_to_id``, ``visibility``), header ``Idempotency-Key`` ("prevent
  duplicate submissions of the same status … stored for up to 1 hour"); 422 body.
- https://docs.joinmastodon.org/methods/statuses/#context — ancestors (root first) and
  descendants of a status.
- https://docs.joinmastodon.org/methods/accounts/#block — POST /api/v1/accounts/:id/block.
- https://docs.joinmastodon.org/api/rate-limits/ — ``X-RateLimit-Reset``, a timestamp.
- https://docs.joinmastodon.org/entities/Error/ — ``{"error": …}``; 401, 404 "Record not
  found", 422.
- https://docs.joinmastodon.org/entities/Status/ — content (HTML), visibility, mentions.
- https://docs.joinmastodon.org/admin/webhooks/ — ``X-Hub-Signature``, body
  ``{"event","created_at","object"}``, the ``report.created`` example.
- thread events: https://docs.joinmastodon.org/admin/webhooks/ (``status.updated``),
  https://docs.joinmastodon.org/entities/Status/#edited_at and
  https://docs.joinmastodon.org/methods/accounts/#statuses (the account's own replies);
  connecteurs/mastodon/fixtures/SOURCES.md says what cannot be detected.
- channel health: https://docs.joinmastodon.org/methods/accounts/#verify_credentials (401,
  403 disabled login, 422 app token), https://docs.joinmastodon.org/methods/apps/#verify_credentials
  and https://docs.joinmastodon.org/entities/Application/ (``scopes``, 4.3+),
  https://docs.joinmastodon.org/api/oauth-scopes/ (hierarchy, 403 outside the authorized
  scopes), https://docs.joinmastodon.org/api/oauth-tokens/ (tokens do not expire).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from connecteurs.base import AccountContext, Capability, WebhookRequest
from connecteurs.errors import (
    AuthError,
    InvalidRequest,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
    UnsupportedAction,
)
from connecteurs.mastodon import InstanceNotConfigured, MastodonConnecteur, MastodonOptions
from connecteurs.mastodon.conformite import SECRETS, WEBHOOK_SECRET, signed, target
from connecteurs.mastodon.connecteur import (
    NEEDED_SCOPES,
    PollCursor,
    ScopeRefused,
    scope_granted,
)
from connecteurs.mastodon.fake import ACCOUNT_ID, TOKEN, FakeMastodon, fixture
from connecteurs.mastodon.texte import html_to_text, without_leading_mentions
from connecteurs.models import (
    Author,
    Interaction,
    InteractionKind,
    ModerationAction,
    Platform,
    ThreadEventKind,
    body_sha256,
    workflow_id_for,
)
from connecteurs.signatures import hmac_sha256_hex
from connecteurs.testing import BASE_URL, Failure, Route, body_form

Make = Callable[..., MastodonConnecteur]


@pytest.fixture
def fake() -> FakeMastodon:
    return FakeMastodon()


@pytest.fixture
async def make(fake: FakeMastodon) -> AsyncIterator[Make]:
    """Builds connectors on the fake instance; closes their clients afterwards."""
    clients: list[httpx.AsyncClient] = []

    def build(
        secrets: dict[str, str] | None = None,
        base_url: str | None = BASE_URL,
        **options: Any,
    ) -> MastodonConnecteur:
        client = fake.client()
        clients.append(client)
        context = AccountContext(
            account=ACCOUNT_ID,
            secrets=SECRETS if secrets is None else secrets,
            options=MastodonOptions(**options),
            base_url=base_url,
        )
        return MastodonConnecteur(context, http=client)

    yield build
    for client in clients:
        await client.aclose()


@pytest.fixture
def connector(make: Make) -> MastodonConnecteur:
    return make()


def notified(cursor: str | None) -> str | None:
    """The newest notification id a poll cursor holds."""
    return PollCursor.load(cursor).n


def delivery(payload: dict[str, Any]) -> WebhookRequest:
    return signed(json.dumps(payload).encode())


def status_created() -> dict[str, Any]:
    payload: dict[str, Any] = fixture("webhook_status_created.json")
    return payload


def dm_interaction() -> Interaction:
    """Alice's private mention (fixtures/notifications.json), a remote account."""
    now = datetime.now(UTC)
    return Interaction(
        id=Interaction.make_id(Platform.MASTODON, ACCOUNT_ID, "103186300000000002"),
        platform=Platform.MASTODON,
        account=ACCOUNT_ID,
        external_id="103186300000000002",
        kind=InteractionKind.DIRECT_MESSAGE,
        author=Author(id="297420", handle="alice@example.org"),
        text="my order 1234 never arrived",
        created_at=now,
        received_at=now,
        reply_context={"visibility": "direct", "acct": "alice@example.org"},
    )


# -- manifest and configuration --------------------------------------------------------------


def test_manifest_declares_only_what_mastodon_offers() -> None:
    manifest = MastodonConnecteur.manifest
    assert manifest.capabilities == {
        Capability.POLL,
        Capability.WEBHOOK,
        Capability.REPLY,
        Capability.DIRECT_MESSAGE,
        Capability.BLOCK,
    }
    assert manifest.reply_lookup and "Idempotency-Key" in manifest.reply_lookup_note
    assert set(manifest.secrets) == {"access_token", "webhook_secret"}
    assert "https://docs.joinmastodon.org/methods/statuses/#create" in manifest.documentation


async def test_hide_and_delete_are_unsupported(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    # No way to hide another's reply (a report is not a hide); delete is own statuses only.
    with pytest.raises(UnsupportedAction):
        await connector.hide(target(), idempotency_key="k")
    with pytest.raises(UnsupportedAction):
        await connector.delete(target(), idempotency_key="k")
    assert fake.requests == []


async def test_no_instance_url_is_a_clear_permanent_error(make: Make, fake: FakeMastodon) -> None:
    connector = make(base_url=None)
    with pytest.raises(InstanceNotConfigured, match="base_url or the option 'instance'") as err:
        await connector.poll(None)
    assert isinstance(err.value, InvalidRequest)
    assert fake.requests == []


async def test_the_instance_option_is_used_without_base_url(make: Make, fake: FakeMastodon) -> None:
    connector = make(base_url=None, instance=BASE_URL + "/")
    result = await connector.poll(None)
    assert len(result.interactions) == 3
    assert str(fake.requests[0].url).startswith(BASE_URL + "/api/v1/notifications?")


async def test_every_call_sends_the_bearer_token_in_a_header(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    await connector.poll(None)
    await connector.reply(target(), "merci", idempotency_key="wf/1")
    assert fake.requests
    for request in fake.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert TOKEN not in str(request.url)


async def test_missing_token_is_an_auth_error_before_any_call(
    make: Make, fake: FakeMastodon
) -> None:
    connector = make(secrets={"webhook_secret": WEBHOOK_SECRET})
    with pytest.raises(AuthError, match="access_token"):
        await connector.poll(None)
    assert fake.requests == []


# -- webhook signature (admin/webhooks) ------------------------------------------------------


async def test_signed_delivery_is_accepted(connector: MastodonConnecteur) -> None:
    body = json.dumps(status_created()).encode()
    await connector.verify(signed(body))
    upper = "sha256=" + hmac_sha256_hex(WEBHOOK_SECRET, body).upper()
    await connector.verify(WebhookRequest.make(body, {"X-Hub-Signature": upper}))


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing X-Hub-Signature"),
        ("sha256=" + "0" * 64, "does not match"),
        ("sha1=abcdef", "must start with 'sha256='"),
    ],
)
async def test_bad_signatures_are_refused(
    connector: MastodonConnecteur, header: str | None, reason: str
) -> None:
    body = json.dumps(status_created()).encode()
    headers = {"X-Hub-Signature": header} if header else {}
    with pytest.raises(InvalidSignature, match=reason):
        await connector.verify(WebhookRequest.make(body, headers))


async def test_tampered_body_and_wrong_secret_are_refused(
    connector: MastodonConnecteur,
) -> None:
    body = json.dumps(status_created()).encode()
    good = signed(body)
    tampered = good.model_copy(update={"body": body.replace(b"down", b"up!!")})
    with pytest.raises(InvalidSignature):
        await connector.verify(tampered)
    with pytest.raises(InvalidSignature) as err:
        await connector.verify(signed(body, secret="another-secret"))
    assert WEBHOOK_SECRET not in str(err.value)


async def test_without_webhook_secret_nothing_is_accepted(make: Make) -> None:
    connector = make(secrets={"access_token": TOKEN})
    with pytest.raises(InvalidSignature, match="no webhook_secret"):
        await connector.verify(delivery(status_created()))


# -- parse (admin webhooks) ------------------------------------------------------------------


async def test_status_created_mentioning_the_account_is_a_mention(
    connector: MastodonConnecteur,
) -> None:
    request = delivery(status_created())
    [found] = await connector.parse(request)
    assert found.id == "mastodon:14715:111300000000000007"
    assert (found.platform, found.account, found.kind) == ("mastodon", ACCOUNT_ID, "mention")
    assert found.author == Author(
        id="110000000000000042",
        handle="dave",
        display_name="Dave",
        profile_url="https://mastodon.social/@dave",
    )
    assert found.text == "@trwnh is the instance down for anyone else?"
    assert found.created_at == datetime(2023, 10, 26, 13, 39, 59, 812000, tzinfo=UTC)
    assert found.received_at.tzinfo is not None
    assert found.url == "https://mastodon.social/@dave/111300000000000007"
    assert (found.thread_id, found.parent_id, found.post_id) == (None, None, None)
    assert found.raw_sha256 == body_sha256(request.body)
    assert found.reply_context == {"visibility": "public", "acct": "dave"}


async def test_status_created_reply_and_direct(connector: MastodonConnecteur) -> None:
    reply = status_created()
    reply["object"].update(
        id="111300000000000008",
        in_reply_to_id="103186038209478945",
        in_reply_to_account_id=ACCOUNT_ID,
        mentions=[],
    )
    [found] = await connector.parse(delivery(reply))
    assert found.kind is InteractionKind.REPLY
    # The payload does not name the root: thread_id is the parent (documented in parse).
    assert (found.parent_id, found.thread_id) == ("103186038209478945", "103186038209478945")

    direct = status_created()
    direct["object"].update(id="111300000000000009", visibility="direct")
    [dm] = await connector.parse(delivery(direct))
    assert dm.kind is InteractionKind.DIRECT_MESSAGE
    assert dm.reply_context["visibility"] == "direct"


@pytest.mark.parametrize(
    "change",
    [
        "report.created",
        "status.updated",
        "account.created",
        "own status",
        "not about the account",
        "boost",
    ],
)
async def test_non_interactions_are_skipped(connector: MastodonConnecteur, change: str) -> None:
    if change == "report.created":
        payload = fixture("webhook_report_created.json")
    else:
        payload = status_created()
        status = payload["object"]
        if change in ("status.updated", "account.created"):
            payload["event"] = change
        elif change == "own status":
            status["account"] = {"id": ACCOUNT_ID, "username": "trwnh", "acct": "trwnh"}
        elif change == "not about the account":
            status["mentions"] = [{"id": "42", "username": "x", "acct": "x"}]
        else:
            status["reblog"] = copy.deepcopy(status)
    assert await connector.parse(delivery(payload)) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not a Mastodon webhook body"),
        (b'{"event": "status.created", "created_', "not a Mastodon webhook body"),
        (b"null", "not a Mastodon webhook body"),
        (b"[1, 2]", "not a Mastodon webhook body"),
        (b'{"event": "status.created", "created_at": "2023-10-26T13:40:00Z"}', "object"),
        (b"\xff\xfe\x00", "not a Mastodon webhook body"),
    ],
)
async def test_malformed_bodies_are_refused(
    connector: MastodonConnecteur, body: bytes, reason: str
) -> None:
    with pytest.raises(MalformedPayload, match=reason):
        await connector.parse(WebhookRequest.make(body))


# -- parse_events (admin webhooks): the account's own replies and edits ------------------

DAVE_STATUS = "111300000000000007"


async def test_own_reply_in_a_webhook_is_an_answer_not_an_interaction(
    connector: MastodonConnecteur,
) -> None:
    own = delivery(fixture("webhook_status_created_own_reply.json"))
    assert await connector.parse(own) == []
    [event] = await connector.parse_events(own)
    assert event.kind is ThreadEventKind.ANSWERED
    assert (event.subject_id, event.thread_id) == (DAVE_STATUS, DAVE_STATUS)
    assert event.ref == "111300000000000019"
    assert event.author == Author(
        id=ACCOUNT_ID,
        handle="trwnh",
        display_name="infinite love ⴳ",
        profile_url="https://mastodon.social/@trwnh",
    )
    assert event.text == "@dave not that we know of: which page fails for you?"
    assert event.at == datetime(2023, 10, 26, 13, 51, 59, 640000, tzinfo=UTC)
    # Dave's mention (the status answered) started the workflow the answer goes to.
    [dave] = await connector.parse(delivery(status_created()))
    assert event.workflow_id == dave.workflow_id
    # A redelivery of the same webhook is the same event.
    [again] = await connector.parse_events(own)
    assert again.key == event.key


async def test_status_updated_with_edited_at_is_an_edit(connector: MastodonConnecteur) -> None:
    updated = delivery(fixture("webhook_status_updated.json"))
    assert await connector.parse(updated) == []
    [event] = await connector.parse_events(updated)
    assert event.kind is ThreadEventKind.EDITED
    assert event.subject_id == DAVE_STATUS and event.thread_id is None and event.ref is None
    assert event.text == (
        "@trwnh is the instance down for anyone else? The app shows error 502 since 13:30"
    )
    assert event.at == datetime(2023, 10, 26, 13, 45, 9, 770000, tzinfo=UTC)
    assert event.author is not None and event.author.handle == "dave"
    [dave] = await connector.parse(delivery(status_created()))
    assert event.workflow_id == dave.workflow_id


async def test_an_edited_reply_goes_to_the_thread_parse_gave_it(
    connector: MastodonConnecteur,
) -> None:
    payload = fixture("webhook_status_updated.json")
    payload["object"].update(in_reply_to_id="111300000000000001", in_reply_to_account_id="42")
    [event] = await connector.parse_events(delivery(payload))
    created = status_created()
    created["object"].update(in_reply_to_id="111300000000000001", in_reply_to_account_id="42")
    [reply] = await connector.parse(delivery(created))
    assert event.thread_id == reply.thread_id == "111300000000000001"
    assert event.subject_id == reply.external_id


@pytest.mark.parametrize(
    "change",
    [
        "report.created",
        "account.updated",
        "created: someone else's status",
        "created: own post, not a reply",
        "created: own reply to itself",
        "created: own boost",
        "updated: not an edit",
        "updated: own status",
        "updated: not about the account",
    ],
)
async def test_webhooks_that_are_no_thread_event(
    connector: MastodonConnecteur, change: str
) -> None:
    if change == "report.created":
        payload = fixture("webhook_report_created.json")
    elif change == "account.updated":
        payload = fixture("webhook_status_updated.json")
        payload["event"] = "account.updated"
    elif change.startswith("created"):
        payload = fixture("webhook_status_created_own_reply.json")
        status = payload["object"]
        if change == "created: someone else's status":
            payload = status_created()
        elif change == "created: own post, not a reply":
            status.update(in_reply_to_id=None, in_reply_to_account_id=None)
        elif change == "created: own reply to itself":
            status["in_reply_to_account_id"] = ACCOUNT_ID
        else:
            status["reblog"] = copy.deepcopy(status)
    else:
        payload = fixture("webhook_status_updated.json")
        status = payload["object"]
        if change == "updated: not an edit":
            status["edited_at"] = None
        elif change == "updated: own status":
            status["account"] = {"id": ACCOUNT_ID, "username": "trwnh", "acct": "trwnh"}
        else:
            status["mentions"] = [{"id": "42", "username": "x", "acct": "x"}]
    assert await connector.parse_events(delivery(payload)) == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b"[1, 2]",
        b'{"event": "status.updated", "created_at": "2023-10-26T13:40:00Z"}',
        b'{"event": "status.updated", "created_at": "2023-10-26T13:40:00Z", "object": {}}',
    ],
)
async def test_malformed_bodies_are_refused_by_parse_events(
    connector: MastodonConnecteur, body: bytes
) -> None:
    with pytest.raises(MalformedPayload):
        await connector.parse_events(WebhookRequest.make(body))


@pytest.mark.parametrize("field", ["id", "account", "created_at"])
async def test_status_without_its_ids_is_malformed(
    connector: MastodonConnecteur, field: str
) -> None:
    payload = status_created()
    del payload["object"][field]
    with pytest.raises(MalformedPayload, match=f"status.created object: {field}"):
        await connector.parse(delivery(payload))
    payload = status_created()
    payload["object"]["id"] = 111300000000000007  # ids are strings in the Mastodon API
    with pytest.raises(MalformedPayload, match="object: id"):
        await connector.parse(delivery(payload))


# -- poll (methods/notifications) ------------------------------------------------------------


async def test_first_poll_returns_the_mentions_oldest_first(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    result = await connector.poll(None)
    assert notified(result.cursor) == "34976010"
    zsc, bob, alice = result.interactions
    assert [i.external_id for i in result.interactions] == [
        "103186126728896492",
        "103186200000000001",
        "103186300000000002",
    ]
    first = fake.sent("GET", "/api/v1/notifications")[0]
    assert first.url.params.get_list("types[]") == ["mention"]
    assert first.url.params["limit"] == "40"
    assert "since_id" not in first.url.params

    # The docs' reply: parent = in_reply_to_id, thread = the conversation's root (context).
    assert zsc.kind is InteractionKind.REPLY
    assert zsc.parent_id == "103186038209478945"
    assert zsc.thread_id == zsc.post_id == "103186000000000000"
    assert zsc.text == "@trwnh sup!"
    assert fake.sent("GET", "/api/v1/statuses/103186126728896492/context")

    assert bob.kind is InteractionKind.MENTION and bob.thread_id is None
    assert bob.text == (
        "@trwnh loving the new release & the #fediverse\n\nsecond paragraph\nwith a line break"
    )
    assert [(a.kind, a.url is not None) for a in bob.attachments] == [("image", True)]
    assert bob.raw_sha256 and bob.raw_sha256 != zsc.raw_sha256

    assert alice.kind is InteractionKind.DIRECT_MESSAGE
    assert alice.author.handle == "alice@example.org"
    # The content warning comes first, then the text with its <br> kept as a newline.
    assert alice.text == "order issue\n\n@trwnh my order 1234 never arrived\ncan you help?"
    assert alice.reply_context == {"visibility": "direct", "acct": "alice@example.org"}


async def test_poll_ids_are_stable_across_polls(make: Make) -> None:
    first = await make().poll(None)
    again = await make().poll(None)
    assert [i.id for i in first.interactions] == [i.id for i in again.interactions]
    assert [i.raw_sha256 for i in first.interactions] == [i.raw_sha256 for i in again.interactions]


async def test_cursor_returns_only_newer_mentions(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    first = await connector.poll(None)
    second = await connector.poll(first.cursor)
    assert second.interactions == () and second.cursor == first.cursor
    assert fake.sent("GET", "/api/v1/notifications")[-1].url.params["since_id"] == "34976010"

    new = copy.deepcopy(fixture("notifications.json")[1])
    new["id"] = "34976100"
    new["status"]["id"] = "103186400000000000"
    fake.add_notifications([new])
    third = await connector.poll(second.cursor)
    assert [i.external_id for i in third.interactions] == ["103186400000000000"]
    assert notified(third.cursor) == "34976100"


async def test_a_burst_bigger_than_a_page_is_read_back_with_max_id(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    first = await connector.poll(None)
    template = fixture("notifications.json")[1]
    burst = []
    for n in range(45):
        item = copy.deepcopy(template)
        item["id"] = str(34977000 + n)
        item["status"]["id"] = str(103187000000000000 + n)
        burst.append(item)
    fake.add_notifications(burst)
    second = await connector.poll(first.cursor)
    assert len(second.interactions) == 45
    assert len({i.id for i in second.interactions}) == 45
    assert notified(second.cursor) == "34977044"
    pages = fake.sent("GET", "/api/v1/notifications")[1:]
    assert [p.url.params.get("max_id") for p in pages] == [None, "34977005"]


async def test_other_types_and_own_statuses_are_skipped(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    fake.honour_types = False  # an instance older than 3.5 ignores types[]
    own = copy.deepcopy(fixture("notifications.json")[1])
    own["id"] = "34976200"
    own["status"]["id"] = "103186500000000000"
    own["status"]["account"] = dict(fake.account)
    fake.add_notifications([own])
    result = await connector.poll(None)
    assert [i.external_id for i in result.interactions] == [
        "103186126728896492",
        "103186200000000001",
        "103186300000000002",
    ]
    assert notified(result.cursor) == "34976200"


async def test_thread_root_can_be_left_to_the_parent(make: Make, fake: FakeMastodon) -> None:
    result = await make(resolve_thread_root=False).poll(None)
    assert result.interactions[0].thread_id == "103186038209478945"
    assert not fake.sent("GET", r"/api/v1/statuses/.*/context")


async def test_a_vanished_context_falls_back_to_the_parent(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    del fake.statuses["103186126728896492"]  # deleted between the notification and the GET
    result = await connector.poll(None)
    assert result.interactions[0].thread_id == "103186038209478945"


async def test_an_unreadable_notification_is_skipped_not_fatal(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    fake.notifications.append({"id": "34976300", "type": "mention", "created_at": "soon"})
    result = await connector.poll(None)
    assert len(result.interactions) == 3
    assert notified(result.cursor) == "34976010"


async def test_a_body_that_is_not_a_list_is_transient(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    answers = iter(
        [httpx.Response(200, text="<html>maintenance</html>"), httpx.Response(200, json={})]
    )
    fake.routes.insert(
        0, Route("GET", re.compile("/api/v1/notifications"), lambda request, m: next(answers))
    )
    with pytest.raises(TransientError, match="not JSON"):
        await connector.poll(None)
    with pytest.raises(TransientError, match="not a list"):
        await connector.poll(None)


# -- poll: the account's own replies ----------------------------------------------------------

ZSC, ALICE_DM, ROOT = "103186126728896492", "103186300000000002", "103186000000000000"


async def test_poll_turns_own_replies_into_answers_for_their_threads(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    fake.add_statuses(fixture("account_statuses.json"))
    result = await connector.poll(None)
    interactions = {i.external_id: i for i in result.interactions}
    assert set(interactions) == {ZSC, "103186200000000001", ALICE_DM}
    [request] = fake.sent("GET", f"/api/v1/accounts/{ACCOUNT_ID}/statuses")
    assert request.url.params["exclude_reblogs"] == "true"
    assert request.url.params["limit"] == "40" and "since_id" not in request.url.params
    # Oldest first; the account's own post and the next post of its own thread are not
    # answers to anyone.
    answer_zsc, answer_alice = result.events
    assert all(e.kind is ThreadEventKind.ANSWERED for e in result.events)

    assert (answer_alice.subject_id, answer_alice.ref) == (ALICE_DM, "103186400000000004")
    assert answer_alice.thread_id == ALICE_DM
    assert answer_alice.workflow_id == interactions[ALICE_DM].workflow_id
    assert answer_alice.text == (
        "@alice sorry to hear that, we have sent you the tracking link in a private message."
    )
    assert answer_alice.detail == "a reply by @trwnh on Mastodon (direct)"

    # zsc answered the account's own thread: its interaction has the thread's root (the
    # account's post) as thread_id, and the answer the same; there is no workflow for that
    # post, so the answer reaches zsc's own, the second one deliver_event tries.
    zsc = interactions[ZSC]
    assert answer_zsc.subject_id == ZSC and answer_zsc.thread_id == zsc.thread_id == ROOT
    assert answer_zsc.ref == "103186350000000003"
    assert workflow_id_for(answer_zsc.platform, answer_zsc.account, ZSC) == zsc.workflow_id
    assert answer_zsc.author is not None and answer_zsc.author.id == ACCOUNT_ID

    # The next poll asks only for newer statuses and reports nothing again.
    again = await connector.poll(result.cursor)
    assert again.events == () and again.interactions == ()
    later = fake.sent("GET", f"/api/v1/accounts/{ACCOUNT_ID}/statuses")[-1]
    assert later.url.params["since_id"] == "103186400000000004"


async def test_a_retried_poll_gives_the_same_event_keys(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    fake.add_statuses(fixture("account_statuses.json"))
    first = await connector.poll(None)
    retried = await connector.poll(None)
    assert [e.key for e in retried.events] == [e.key for e in first.events]


async def test_passerelle_own_reply_comes_back_with_its_platform_ref(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    first = await connector.poll(None)
    assert first.events == ()
    posted = await connector.reply(target(), "thanks, glad you like it", idempotency_key="k1")
    second = await connector.poll(first.cursor)
    [event] = second.events
    assert event.ref == posted.platform_ref and event.subject_id == target().external_id


async def test_own_replies_can_be_left_out(make: Make, fake: FakeMastodon) -> None:
    fake.add_statuses(fixture("account_statuses.json"))
    result = await make(own_replies=False).poll(None)
    assert result.events == ()
    assert not fake.sent("GET", f"/api/v1/accounts/{ACCOUNT_ID}/statuses")
    assert PollCursor.load(result.cursor) == PollCursor(n="34976010")


async def test_a_cursor_of_earlier_versions_is_read_as_the_notification_id(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    assert PollCursor.load("34976010") == PollCursor(n="34976010")
    result = await connector.poll("34976010")
    assert result.interactions == ()
    assert fake.sent("GET", "/api/v1/notifications")[0].url.params["since_id"] == "34976010"


# -- reply (methods/statuses#create) ---------------------------------------------------------


async def test_reply_posts_a_status_in_reply_with_the_author_mentioned(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    result = await connector.reply(target(), "Merci !", idempotency_key="wf/reply-1")
    [post] = fake.sent("POST", "/api/v1/statuses")
    assert post.headers["idempotency-key"] == "wf/reply-1"
    assert post.headers["content-type"] == "application/x-www-form-urlencoded"
    assert body_form(post) == {
        "status": "@bob Merci !",
        "in_reply_to_id": "103186200000000001",
        "visibility": "public",
    }
    assert result.ok and result.action == "reply"
    assert result.platform_ref == fake.posted[0]
    # The lookup came first: the target's context was read before posting.
    assert fake.requests[0].url.path == "/api/v1/statuses/103186200000000001/context"


async def test_public_replies_may_be_unlisted(make: Make, fake: FakeMastodon) -> None:
    await make(public_reply_visibility="unlisted").reply(target(), "hi", idempotency_key="k")
    assert body_form(fake.sent("POST", "/api/v1/statuses")[0])["visibility"] == "unlisted"


@pytest.mark.parametrize(
    ("original", "sent"),
    [("direct", "direct"), ("private", "private"), ("unlisted", "unlisted"), ("local", "direct")],
)
async def test_reply_keeps_the_original_audience(
    connector: MastodonConnecteur, fake: FakeMastodon, original: str, sent: str
) -> None:
    interaction = target().model_copy(
        update={"reply_context": {"visibility": original, "acct": "bob"}}
    )
    await connector.reply(interaction, "hi", idempotency_key="k")
    assert body_form(fake.sent("POST", "/api/v1/statuses")[0])["visibility"] == sent


async def test_reply_without_context_reads_the_visibility(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    interaction = dm_interaction().model_copy(
        update={"kind": InteractionKind.MENTION, "reply_context": {}}
    )
    await connector.reply(interaction, "on regarde", idempotency_key="k")
    assert fake.sent("GET", "/api/v1/statuses/103186300000000002")
    form = body_form(fake.sent("POST", "/api/v1/statuses")[0])
    assert form["visibility"] == "direct"
    assert form["status"] == "@alice@example.org on regarde"


async def test_mention_is_not_doubled(connector: MastodonConnecteur, fake: FakeMastodon) -> None:
    await connector.reply(target(), "@bob déjà nommé", idempotency_key="k")
    assert body_form(fake.sent("POST", "/api/v1/statuses")[0])["status"] == "@bob déjà nommé"


async def test_retried_reply_returns_the_earlier_post(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    first = await connector.reply(target(), "Merci\n\nà bientôt", idempotency_key="wf/r")
    again = await connector.reply(target(), "Merci\n\nà bientôt", idempotency_key="wf/r")
    assert first.platform_ref == again.platform_ref
    assert len(fake.sent("POST", "/api/v1/statuses")) == 1
    # Past Mastodon's one-hour Idempotency-Key window (a new key), the lookup still finds it.
    late = await connector.reply(target(), "Merci\n\nà bientôt", idempotency_key="wf/r-late")
    assert late.platform_ref == first.platform_ref
    assert len(fake.sent("POST", "/api/v1/statuses")) == 1


async def test_retried_reply_to_a_remote_account_is_found(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    # Mastodon renders @alice@example.org as "@alice": the words after the mentions count.
    first = await connector.reply(dm_interaction(), "c'est noté", idempotency_key="a")
    again = await connector.reply(dm_interaction(), "c'est noté", idempotency_key="a")
    assert first.platform_ref == again.platform_ref
    assert len(fake.posted) == 1
    assert "@<span>alice</span>" in fake.created()[0]["content"]


async def test_a_different_reply_is_posted(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    await connector.reply(target(), "premier", idempotency_key="a")
    await connector.reply(target(), "second", idempotency_key="b")
    assert len(fake.posted) == 2


async def test_fake_honours_idempotency_key(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    # What the header buys when the lookup cannot see the first post (e.g. not yet indexed).
    first = await connector.send_direct_message(target(), "a", idempotency_key="same")
    again = await connector.send_direct_message(target(), "a", idempotency_key="same")
    assert first.platform_ref == again.platform_ref
    assert len(fake.posted) == 1


# -- direct message and block ----------------------------------------------------------------


async def test_direct_message_is_a_private_mention(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    result = await connector.send_direct_message(
        dm_interaction(), "Pouvez-vous nous donner le numéro ?", idempotency_key="wf/dm"
    )
    [post] = fake.sent("POST", "/api/v1/statuses")
    assert post.headers["idempotency-key"] == "wf/dm"
    assert body_form(post) == {
        "status": "@alice@example.org Pouvez-vous nous donner le numéro ?",
        "visibility": "direct",
    }
    assert result.ok and result.action == "direct_message"
    assert fake.statuses[str(result.platform_ref)]["visibility"] == "direct"


async def test_block_blocks_the_author(connector: MastodonConnecteur, fake: FakeMastodon) -> None:
    result = await connector.block(target(), idempotency_key="wf/block")
    [post] = fake.sent("POST", "/api/v1/accounts/108201/block")
    assert post.headers["authorization"] == f"Bearer {TOKEN}"
    assert result.ok and result.platform_ref == "108201"
    assert fake.blocked == {"108201"}
    moderated = await connector.moderate(
        target(), ModerationAction.BLOCK, idempotency_key="wf/block"
    )
    assert moderated.ok


async def test_block_of_an_unknown_account_is_not_found(connector: MastodonConnecteur) -> None:
    gone = target().model_copy(update={"author": Author(id="999", handle="gone")})
    with pytest.raises(NotFound, match="Record not found"):
        await connector.block(gone, idempotency_key="k")


# -- errors (entities/Error, api/rate-limits) ------------------------------------------------


async def test_rate_limit_waits_until_the_iso_reset(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as err:
        await connector.reply(target(), "hi", idempotency_key="k")
    assert 110 < err.value.retry_after <= 120
    assert "Too many requests" in str(err.value)


@pytest.mark.parametrize(
    ("failure", "error", "text"),
    [
        (Failure.EXPIRED_TOKEN, AuthError, "The access token is invalid"),
        (Failure.NOT_FOUND, NotFound, "Record not found"),
        (Failure.SERVER_ERROR, TransientError, "503"),
    ],
)
async def test_failures_are_typed_without_secrets(
    connector: MastodonConnecteur,
    fake: FakeMastodon,
    failure: Failure,
    error: type[Exception],
    text: str,
) -> None:
    for call in (
        lambda: connector.poll("34975000"),
        lambda: connector.reply(target(), "hi", idempotency_key="k"),
        lambda: connector.block(target(), idempotency_key="k"),
    ):
        fake.fail_next(failure)
        with pytest.raises(error, match=text) as err:
            await call()
        message = str(err.value)
        assert TOKEN not in message and WEBHOOK_SECRET not in message
        assert BASE_URL not in message and "since_id" not in message


async def test_a_revoked_token_is_an_auth_error(make: Make) -> None:
    connector = make(secrets={"access_token": "revoked-token-0000", **{"webhook_secret": "x"}})
    with pytest.raises(AuthError, match="The access token is invalid") as err:
        await connector.poll(None)
    assert "revoked-token-0000" not in str(err.value)


async def test_validation_failure_is_invalid_request(connector: MastodonConnecteur) -> None:
    nobody = target().model_copy(
        update={"author": Author(id="108201", handle=""), "reply_context": {}}
    )
    with pytest.raises(InvalidRequest, match="Text can't be blank"):
        await connector.reply(nobody, " ", idempotency_key="k")


# -- HTML to text ----------------------------------------------------------------------------


def test_html_to_text_keeps_links_whole_and_breaks_lines() -> None:
    # entities/Status example content: a long link split into invisible/ellipsis spans.
    content = (
        "<p>&quot;I lost my inheritance with one wrong digit on my sort code&quot;</p><p><a "
        'href="https://www.theguardian.com/x" rel="nofollow noopener noreferrer" '
        'target="_blank"><span class="invisible">https://www.</span><span class="ellipsis">'
        'theguardian.com/money/2019/dec</span><span class="invisible">/07/i-lost</span></a></p>'
    )
    assert html_to_text(content) == (
        '"I lost my inheritance with one wrong digit on my sort code"\n\n'
        "https://www.theguardian.com/money/2019/dec/07/i-lost"
    )
    assert html_to_text("<p>a<br>b<br/>c</p>") == "a\nb\nc"
    assert without_leading_mentions("@alice@example.org  @bob  hello   there") == "hello there"


# -- channel health --------------------------------------------------------------------------


def health_paths(fake: FakeMastodon) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in fake.requests]


async def test_health_of_a_working_account(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    check = await connector.check_health()
    assert check.token_valid is True
    # api/oauth-tokens: "Tokens will not expire automatically".
    assert check.token_expires_at is None
    assert check.scopes_missing == ()
    # No API says whether admin webhooks are enabled: not known, not guessed.
    assert check.subscription_active is None
    assert "@trwnh" in check.detail
    assert health_paths(fake) == [
        "GET /api/v1/accounts/verify_credentials",
        "GET /api/v1/apps/verify_credentials",
    ]
    assert fake.writes == []


async def test_health_reports_no_expiry_even_when_the_token_will_be_revoked(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    # The fake will refuse the token in 3 days; Mastodon never announces such a thing.
    fake.token_expires_at = datetime.now(UTC) + timedelta(days=3)
    check = await connector.check_health()
    assert (check.token_valid, check.token_expires_at) == (True, None)


@pytest.mark.parametrize("how", ["revoked", "past its end"])
async def test_health_of_a_refused_token_is_an_auth_error(
    connector: MastodonConnecteur, fake: FakeMastodon, how: str
) -> None:
    if how == "revoked":
        fake.token_revoked = True
    else:
        fake.token_expires_at = datetime.now(UTC) - timedelta(seconds=1)
    with pytest.raises(AuthError, match="401: The access token is invalid") as caught:
        await connector.check_health()
    assert TOKEN not in f"{caught.value!s} {caught.value!r}"
    # Every call is refused, not only the health check's.
    with pytest.raises(AuthError):
        await connector.poll(None)


async def test_health_injected_expired_token_is_an_auth_error(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    fake.fail_next(Failure.EXPIRED_TOKEN)
    with pytest.raises(AuthError, match="verify_credentials → 401"):
        await connector.check_health()


async def test_health_names_scopes_the_app_lacks(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    fake.missing_scopes = {"write:blocks"}
    check = await connector.check_health()
    assert check.token_valid is True
    assert check.scopes_missing == ("write:blocks",)
    # The fake refuses the call that needs it, as Mastodon does.
    with pytest.raises(ScopeRefused, match="outside the authorized scopes"):
        await connector.block(target(), idempotency_key="k")


async def test_health_without_profile_scope_still_reports_the_others(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    fake.missing_scopes = {"profile", "read:notifications"}
    check = await connector.check_health()
    assert check.token_valid is True
    assert check.scopes_missing == ("profile", "read:notifications")
    assert "account 14715" in check.detail


async def test_health_of_a_token_for_another_account(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    fake.account = {**fake.account, "id": "99999", "acct": "someone"}
    check = await connector.check_health()
    assert check.token_valid is False
    assert "@someone" in check.detail and "14715" in check.detail


async def test_health_on_an_instance_older_than_4_3(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    legacy = {"name": "Passerelle", "website": None, "vapid_key": "BCk-QqERU0q"}
    fake.routes.insert(
        0,
        Route(
            "GET",
            re.compile("/api/v1/apps/verify_credentials"),
            lambda request, m: httpx.Response(200, json=legacy),
        ),
    )
    check = await connector.check_health()
    assert (check.token_valid, check.scopes_missing) == (True, ())
    assert "before 4.3" in check.detail


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (403, "Your login is currently disabled"),
        (422, "This method requires an authenticated user"),
    ],
)
async def test_health_of_a_disabled_login_or_an_app_token_is_an_auth_error(
    connector: MastodonConnecteur, fake: FakeMastodon, status: int, error: str
) -> None:
    fake.routes.insert(
        0,
        Route(
            "GET",
            re.compile("/api/v1/accounts/verify_credentials"),
            lambda request, m: httpx.Response(status, json={"error": error}),
        ),
    )
    with pytest.raises(AuthError, match=error) as caught:
        await connector.check_health()
    assert not isinstance(caught.value, ScopeRefused)


async def test_health_rate_limited_waits_until_the_reset(
    connector: MastodonConnecteur, fake: FakeMastodon
) -> None:
    fake.fail_next(Failure.RATE_LIMITED)
    with pytest.raises(RateLimited) as caught:
        await connector.check_health()
    assert 100 < caught.value.retry_after <= 120


@pytest.mark.parametrize(
    ("scope", "granted", "expected"),
    [
        ("write:blocks", ["write:blocks"], True),
        ("write:blocks", ["write"], True),
        ("write:blocks", ["follow"], True),
        ("write:statuses", ["follow"], False),
        ("read:notifications", ["read"], True),
        ("read:notifications", ["write", "profile"], False),
    ],
)
def test_scope_hierarchy_follows_the_docs(scope: str, granted: list[str], expected: bool) -> None:
    assert scope_granted(scope, granted) is expected


def test_reauthorize_names_the_secrets_scopes_and_page() -> None:
    guidance = MastodonConnecteur.manifest.reauthorize
    assert "access_token" in guidance and "webhook_secret" in guidance
    assert "Preferences → Development" in guidance
    assert all(scope in guidance for scope in NEEDED_SCOPES)
    assert TOKEN not in guidance and WEBHOOK_SECRET not in guidance
