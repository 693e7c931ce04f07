"""A fake X API v2 for the connector's tests and the conformance kit.

It serves the routes the connector uses, checks what X checks (bearer token, the path's user
id is the token's user, required JSON fields, ``max_results`` range) and answers with X's
documented shapes: v2 Posts reduced to the requested ``tweet.fields``, ``includes.users`` for
``expansions=author_id``, ``meta`` with ``newest_id``/``next_token``, RFC 7807 problems.

Sources: https://docs.x.com/x-api/fundamentals/response-codes-and-errors,
https://docs.x.com/x-api/posts/manage-tweets/integrate, https://docs.x.com/x-api/posts/hide-replies/quickstart,
https://docs.x.com/x-api/direct-messages/manage/quickstart, https://docs.x.com/x-api/users/blocks/introduction.

Channel health (https://docs.x.com/x-api/users/user-lookup-me,
https://docs.x.com/x-api/account-activity/validate-subscription,
https://docs.x.com/x-api/webhooks/introduction): ``GET /2/users/me``, ``GET /2/dm_events``,
``GET /2/account_activity/webhooks/:id/subscriptions/all`` and ``GET /2/webhooks`` (app-only
bearer token). The channel's state is set on the instance: ``token_expires_at`` (in the past:
every call answers 401, as X does for an expired OAuth 2.0 token; X never tells the time),
``token_revoked`` (every call answers 401), ``missing_scopes`` (a route needing one answers
403 ``Forbidden``, the problem X sends for a missing OAuth 2.0 scope — shape seen in the wild,
plhery/node-twitter-api-v2 issue 265) and ``subscription_active`` (``False``: the account is
not subscribed to the webhook); ``webhook_valid`` is X's ``valid`` flag of the webhook.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from connecteurs.testing import Failure, FakePlatform, body_json

FIXTURES = Path(__file__).parent / "fixtures"
ACCOUNT = "4337869213"
ACCOUNT_HANDLE = "Harris_0ff"
TOKEN = "test-x-user-token-5b1e07c2d4"
#: The account's own Post that the fixture reply answers (a conversation it started).
ACCOUNT_POST = "1592521090436218880"
PROBLEMS = "https://api.twitter.com/2/problems/"
RATE_LIMIT_WINDOW = 15 * 60
#: The app-only bearer token (``GET /2/webhooks``) and the account's webhook config.
APP_BEARER_TOKEN = "test-x-app-bearer-token-4c71e9"
WEBHOOK_ID = "1146654567674912769"
WEBHOOK_URL = "https://passerelle.example/webhooks/x"

#: OAuth 2.0 scopes per endpoint, from each endpoint's reference page.
READ = frozenset({"tweet.read", "users.read"})
DM_READ = READ | {"dm.read"}


def problem(status: int, title: str, detail: str, kind: str | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        json={
            "title": title,
            "detail": detail,
            "type": PROBLEMS + kind if kind else "about:blank",
            "status": status,
        },
    )


def invalid(message: str) -> httpx.Response:
    """X's 400: ``errors[]`` of parameter messages plus the invalid-request problem."""
    return httpx.Response(
        400,
        json={
            "errors": [{"parameters": {}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": PROBLEMS + "invalid-request",
        },
    )


def not_found_lookup(resource_id: str, resource_type: str = "tweet") -> httpx.Response:
    """A lookup of something gone: HTTP 200 with only ``errors`` ("Partial errors")."""
    return httpx.Response(
        200,
        json={
            "errors": [
                {
                    "value": resource_id,
                    "detail": f"Could not find {resource_type} with id: [{resource_id}].",
                    "title": "Not Found Error",
                    "resource_type": resource_type,
                    "parameter": "id",
                    "resource_id": resource_id,
                    "type": PROBLEMS + "resource-not-found",
                }
            ]
        },
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class XFake(FakePlatform):
    account: str = ACCOUNT
    username: str = ACCOUNT_HANDLE
    token: str = TOKEN
    #: Blocking is Enterprise-only; ``False`` answers like a pay-per-use app.
    enterprise: bool = True
    tweets: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, str]] = field(default_factory=dict)
    hidden: dict[str, bool] = field(default_factory=dict)
    blocking: set[str] = field(default_factory=set)
    muting: set[str] = field(default_factory=set)
    dm_events: list[dict[str, Any]] = field(default_factory=list)
    app_token: str = APP_BEARER_TOKEN
    webhook_id: str = WEBHOOK_ID
    token_expires_at: datetime | None = None
    token_revoked: bool = False
    missing_scopes: set[str] = field(default_factory=set)
    subscription_active: bool = True
    webhook_valid: bool = True
    #: Posts replaced by an edit: timelines show the newest version only.
    superseded: set[str] = field(default_factory=set)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1592600000000000000))

    def __post_init__(self) -> None:
        self.seed()
        self.route("GET", r"/2/users/(\d+)/mentions", self.get_mentions)
        self.route("GET", r"/2/users/(\d+)/tweets", self.get_user_tweets)
        self.route("POST", r"/2/tweets", self.post_tweet)
        self.route("PUT", r"/2/tweets/(\d+)/hidden", self.put_hidden)
        self.route("POST", r"/2/users/(\d+)/(blocking|muting)", self.post_block)
        self.route("POST", r"/2/dm_conversations/with/(\d+)/messages", self.post_dm)
        self.route("GET", r"/2/dm_conversations/with/(\d+)/dm_events", self.get_dm_events)
        self.route("GET", r"/2/users/me", self.get_me)
        self.route("GET", r"/2/dm_events", self.get_all_dm_events)
        self.route(
            "GET", r"/2/account_activity/webhooks/(\d+)/subscriptions/all", self.get_subscription
        )
        self.route("GET", r"/2/webhooks", self.get_webhooks)

    # -- state ---------------------------------------------------------------------------

    def seed(self) -> None:
        page = json.loads((FIXTURES / "mentions_timeline.json").read_text())
        self.users[self.account] = {
            "id": self.account,
            "name": "Harrison Test",
            "username": self.username,
        }
        for user in page["includes"]["users"]:
            self.users[user["id"]] = user
        self.tweets[ACCOUNT_POST] = {
            "id": ACCOUNT_POST,
            "text": "We're open until 9pm on Saturdays this month!",
            "author_id": self.account,
            "created_at": "2022-11-15T13:21:31.000Z",
            "conversation_id": ACCOUNT_POST,
            "lang": "en",
            "edit_history_tweet_ids": [ACCOUNT_POST],
        }
        for tweet in page["data"]:
            self.tweets[tweet["id"]] = tweet
        dm = json.loads((FIXTURES / "activity_dm.json").read_text())["direct_message_events"][0]
        sender = dm["message_create"]["sender_id"]
        self.dm_events.append(
            {
                "id": dm["id"],
                "event_type": "MessageCreate",
                "text": dm["message_create"]["message_data"]["text"],
                "sender_id": sender,
                "dm_conversation_id": self.conversation(sender),
                "created_at": _iso(
                    datetime.fromtimestamp(int(dm["created_timestamp"]) / 1000, UTC)
                ),
            }
        )

    def conversation(self, other: str) -> str:
        low, high = sorted((self.account, other), key=int)
        return f"{low}-{high}"

    def mention(self, author_id: str, text: str, *, reply_to: str | None = None) -> str:
        """A new Post by someone else that mentions (or replies to) the account."""
        tweet_id = str(next(self.ids))
        tweet: dict[str, Any] = {
            "id": tweet_id,
            "text": text,
            "author_id": author_id,
            "created_at": _iso(datetime.now(UTC)),
            "conversation_id": tweet_id,
            "lang": "en",
            "edit_history_tweet_ids": [tweet_id],
        }
        if reply_to is not None:
            parent = self.tweets[reply_to]
            tweet["conversation_id"] = parent["conversation_id"]
            tweet["in_reply_to_user_id"] = parent["author_id"]
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": reply_to}]
        self.tweets[tweet_id] = tweet
        return tweet_id

    def edit(self, tweet_id: str, text: str) -> str:
        """Its author edits a Post: X makes a new Post with a new id whose
        ``edit_history_tweet_ids`` chains every version, the original first."""
        earlier = self.tweets[tweet_id]
        new_id = str(next(self.ids))
        self.tweets[new_id] = {
            **earlier,
            "id": new_id,
            "text": text,
            "created_at": _iso(datetime.now(UTC)),
            "edit_history_tweet_ids": [*earlier.get("edit_history_tweet_ids", [tweet_id]), new_id],
        }
        self.superseded.add(tweet_id)
        return new_id

    def replies_by_account(self, target: str) -> list[dict[str, Any]]:
        return [
            t
            for t in self.tweets.values()
            if t["author_id"] == self.account
            and {"type": "replied_to", "id": target} in t.get("referenced_tweets", [])
        ]

    # -- checks X makes ------------------------------------------------------------------

    def refused(
        self,
        request: httpx.Request,
        user: str | None = None,
        needs: frozenset[str] = READ,
    ) -> httpx.Response | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return problem(401, "Unauthorized", "Unauthorized")
        expiry = self.token_expires_at
        if self.token_revoked or (expiry is not None and expiry <= datetime.now(UTC)):
            return problem(401, "Unauthorized", "Unauthorized")
        if needs & self.missing_scopes:
            return problem(403, "Forbidden", "Forbidden")
        if user is not None and user != self.account:
            return problem(403, "Forbidden", "You are not permitted to perform this action.", None)
        return None

    @staticmethod
    def json_body(request: httpx.Request) -> dict[str, Any] | httpx.Response:
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            return invalid("Content-Type must be application/json")
        try:
            body = body_json(request)
        except ValueError:
            return invalid("Request body is not valid JSON")
        return body if isinstance(body, dict) else invalid("Request body must be a JSON object")

    # -- routes --------------------------------------------------------------------------

    def get_mentions(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if (refusal := self.refused(request, match[1])) is not None:
            return refusal
        pattern = re.compile(rf"@{re.escape(self.username)}\b", re.IGNORECASE)
        found = [
            t
            for t in self.tweets.values()
            if pattern.search(t["text"]) and t["id"] not in self.superseded
        ]
        return self.timeline(request, found)

    def get_user_tweets(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if (refusal := self.refused(request)) is not None:
            return refusal
        found = [t for t in self.tweets.values() if t["author_id"] == match[1]]
        return self.timeline(request, found)

    def timeline(self, request: httpx.Request, tweets: list[dict[str, Any]]) -> httpx.Response:
        params = request.url.params
        size = int(params.get("max_results", "10"))
        if not 5 <= size <= 100:
            return invalid(
                f"The `max_results` query parameter value [{size}] is not between 5 and 100"
            )
        since = params.get("since_id")
        if since is not None:
            tweets = [t for t in tweets if int(t["id"]) > int(since)]
        tweets = sorted(tweets, key=lambda t: int(t["id"]), reverse=True)
        start = int(params.get("pagination_token", "0"))
        page = tweets[start : start + size]
        # id, text and edit_history_tweet_ids are every v2 Post's default fields.
        wanted = {"edit_history_tweet_ids"}
        wanted |= set(filter(None, params.get("tweet.fields", "").split(",")))
        body: dict[str, Any] = {"meta": {"result_count": len(page)}}
        if page:
            body["data"] = [
                {k: v for k, v in t.items() if k in {"id", "text"} | wanted} for t in page
            ]
            body["meta"].update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
            if "author_id" in params.get("expansions", ""):
                authors = dict.fromkeys(t["author_id"] for t in page)
                body["includes"] = {"users": [self.users[a] for a in authors if a in self.users]}
        if start + size < len(tweets):
            body["meta"]["next_token"] = str(start + size)
        return httpx.Response(200, json=body)

    def post_tweet(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if (refusal := self.refused(request, needs=READ | {"tweet.write"})) is not None:
            return refusal
        body = self.json_body(request)
        if isinstance(body, httpx.Response):
            return body
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            return invalid("$.text: text or media is required")
        tweet_id = str(next(self.ids))
        tweet: dict[str, Any] = {
            "id": tweet_id,
            "text": text,
            "author_id": self.account,
            "created_at": _iso(datetime.now(UTC)),
            "conversation_id": tweet_id,
            "edit_history_tweet_ids": [tweet_id],
        }
        reply = body.get("reply")
        if reply is not None:
            parent_id = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
            if not isinstance(parent_id, str):
                return invalid("$.reply.in_reply_to_tweet_id: expected a string")
            parent = self.tweets.get(parent_id)
            if parent is None:
                return problem(
                    403,
                    "Forbidden",
                    "You attempted to reply to a Tweet that is deleted or not visible to you.",
                )
            # X shows a reply's text with the replied-to author's @handle in front.
            handle = self.users.get(parent["author_id"], {}).get("username")
            if handle:
                tweet["text"] = f"@{handle} {text}"
            tweet["conversation_id"] = parent["conversation_id"]
            tweet["in_reply_to_user_id"] = parent["author_id"]
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent_id}]
        self.tweets[tweet_id] = tweet
        return httpx.Response(201, json={"data": {"id": tweet_id, "text": tweet["text"]}})

    def put_hidden(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if (refusal := self.refused(request, needs=READ | {"tweet.moderate.write"})) is not None:
            return refusal
        body = self.json_body(request)
        if isinstance(body, httpx.Response):
            return body
        if not isinstance(body.get("hidden"), bool):
            return invalid("$.hidden: expected a boolean")
        tweet = self.tweets.get(match[1])
        if tweet is None:
            return problem(
                404,
                "Not Found Error",
                f"Could not find tweet with id: [{match[1]}].",
                "resource-not-found",
            )
        root = self.tweets.get(tweet["conversation_id"])
        if (
            tweet["id"] == tweet["conversation_id"]
            or root is None
            or root["author_id"] != self.account
        ):
            # Assumed wording: the docs say only replies to conversations you started.
            return problem(
                403, "Forbidden", "You can only hide replies to conversations you started."
            )
        self.hidden[tweet["id"]] = body["hidden"]
        return httpx.Response(200, json={"data": {"hidden": body["hidden"]}})

    def post_block(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        verb = match[2]
        scope = "block.write" if verb == "blocking" else "mute.write"
        if (refusal := self.refused(request, match[1], READ | {scope})) is not None:
            return refusal
        if verb == "blocking" and not self.enterprise:
            return httpx.Response(
                403,
                json={
                    "client_id": "29744556",
                    "detail": "When authenticating requests to the Twitter API v2 endpoints, you "
                    "must use keys and tokens from a Twitter developer App that is attached to "
                    "a Project. You can create a project via the developer portal.",
                    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
                    "title": "Client Forbidden",
                    "required_enrollment": "Appropriate Level of API Access",
                    "reason": "client-not-enrolled",
                    "type": PROBLEMS + "client-forbidden",
                },
            )
        body = self.json_body(request)
        if isinstance(body, httpx.Response):
            return body
        target = body.get("target_user_id")
        if not isinstance(target, str) or not target.isdigit():
            return invalid("$.target_user_id: expected a user id string")
        (self.blocking if verb == "blocking" else self.muting).add(target)
        return httpx.Response(200, json={"data": {verb: True}})

    def post_dm(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if (refusal := self.refused(request, needs=DM_READ | {"dm.write"})) is not None:
            return refusal
        body = self.json_body(request)
        if isinstance(body, httpx.Response):
            return body
        text = body.get("text")
        if not isinstance(text, str) or not text:
            return invalid("$.text: text or attachments is required")
        event_id = str(next(self.ids))
        conversation = self.conversation(match[1])
        self.dm_events.append(
            {
                "id": event_id,
                "event_type": "MessageCreate",
                "text": text,
                "sender_id": self.account,
                "dm_conversation_id": conversation,
                "created_at": _iso(datetime.now(UTC)),
            }
        )
        return httpx.Response(
            201, json={"data": {"dm_conversation_id": conversation, "dm_event_id": event_id}}
        )

    def get_dm_events(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if (refusal := self.refused(request, needs=DM_READ)) is not None:
            return refusal
        conversation = self.conversation(match[1])
        events = [e for e in self.dm_events if e["dm_conversation_id"] == conversation]
        events.sort(key=lambda e: int(e["id"]), reverse=True)
        wanted = set(filter(None, request.url.params.get("dm_event.fields", "").split(",")))
        data = [
            {k: v for k, v in e.items() if k in {"id", "event_type", "text"} | wanted}
            for e in events
        ]
        body: dict[str, Any] = {"meta": {"result_count": len(data)}}
        if data:
            body["data"] = data
        return httpx.Response(200, json=body)

    # -- channel health ------------------------------------------------------------------

    def get_me(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if (refusal := self.refused(request)) is not None:
            return refusal
        return httpx.Response(200, json={"data": dict(self.users[self.account])})

    def get_all_dm_events(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if (refusal := self.refused(request, needs=DM_READ)) is not None:
            return refusal
        size = int(request.url.params.get("max_results", "100"))
        if not 1 <= size <= 100:
            return invalid(
                f"The `max_results` query parameter value [{size}] is not between 1 and 100"
            )
        events = sorted(self.dm_events, key=lambda e: int(e["id"]), reverse=True)[:size]
        data = [{k: e[k] for k in ("id", "event_type", "text")} for e in events]
        body: dict[str, Any] = {"meta": {"result_count": len(data)}}
        if data:
            body["data"] = data
        return httpx.Response(200, json=body)

    def get_subscription(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        if (refusal := self.refused(request)) is not None:
            return refusal
        if match[1] != self.webhook_id:
            return problem(404, "Not Found Error", "Webhook ID not found", "resource-not-found")
        return httpx.Response(200, json={"data": {"subscribed": self.subscription_active}})

    def get_webhooks(self, request: httpx.Request, match: re.Match[str]) -> httpx.Response:
        """App-only: a user token is refused, as for every webhook management endpoint."""
        if request.headers.get("authorization") != f"Bearer {self.app_token}":
            return problem(
                403,
                "Unsupported Authentication",
                "Authenticating with OAuth 2.0 User Context is forbidden for this endpoint. "
                "Supported authentication types are [OAuth 2.0 Application-Only].",
                "unsupported-authentication",
            )
        config = {
            "created_at": "2025-11-06T12:00:00.000Z",
            "id": self.webhook_id,
            "url": WEBHOOK_URL,
            "valid": self.webhook_valid,
        }
        return httpx.Response(200, json={"data": [config], "meta": {"result_count": 1}})

    # -- documented failures -------------------------------------------------------------

    def failure(self, failure: Failure, request: httpx.Request) -> httpx.Response:
        if failure is Failure.RATE_LIMITED:
            reset = int(time.time()) + RATE_LIMIT_WINDOW
            response = problem(429, "Too Many Requests", "Too Many Requests")
            response.headers.update(
                {
                    "x-rate-limit-limit": "200",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(reset),
                }
            )
            return response
        if failure is Failure.EXPIRED_TOKEN:
            return problem(401, "Unauthorized", "Unauthorized")
        if failure is Failure.SERVER_ERROR:
            return problem(503, "Service Unavailable", "Service Unavailable")
        # NOT_FOUND: the target Post was deleted, in the shape the route would show it.
        target = request.url.params.get("since_id") or "1592527526677803009"
        if request.method == "GET":
            return not_found_lookup(target)
        if request.url.path == "/2/tweets":
            return problem(
                403,
                "Forbidden",
                "You attempted to reply to a Tweet that is deleted or not visible to you.",
            )
        return problem(
            404,
            "Not Found Error",
            f"Could not find tweet with id: [{target}].",
            "resource-not-found",
        )
