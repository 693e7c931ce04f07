"""A fake YouTube Data API v3 for tests: the routes the connector uses, with state.

It serves ``commentThreads.list``, ``comments.list``, ``comments.insert``,
``comments.setModerationStatus`` and ``channels.list?mine=true`` under ``/youtube/v3`` (the
prefix is optional, so a connector whose base URL is the bare host works too), and Google's
OAuth ``/tokeninfo`` at the root (the connector calls ``https://oauth2.googleapis.com``; the
test client's transport sends every host here). It checks the bearer token, its scopes and
the documented required parameters, and answers failures with Google's documented error body
``{"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}`` (tokeninfo:
the OAuth shape ``{"error": "invalid_token", "error_description"}``).

The channel's state, as tests set it (the same names on every fake):

- ``token_expires_at``: when the access token stops working (tokeninfo reports it as
  ``exp``/``expires_in``); ``None``: it does not expire and tokeninfo says no expiry.
- ``missing_scopes``: scopes the token was not granted (of ``youtube.force-ssl``): tokeninfo
  leaves them out and the routes that need them answer 403 ``insufficientPermissions``.
- ``token_revoked``: every call answers 401 ``authError`` (tokeninfo: 400 ``invalid_token``).

YouTube has no webhook subscription, so there is no ``subscription_active`` here.

Seeded from ``fixtures/comment_threads.json``: three threads on channel
``UCx7PasserelleTestChan01``, one with a viewer's reply and one of the channel's own.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

from connecteurs.testing import BASE_URL, Failure, FakePlatform, Handler

CHANNEL_ID = "UCx7PasserelleTestChan01"
ACCESS_TOKEN = "ya29.test-access-token-3f9c1e7b5d"
FIXTURES = Path(__file__).parent / "fixtures"
PREFIX = r"(?:/youtube/v3)?"
STATUSES = frozenset({"heldForReview", "published", "rejected"})
TOKENINFO_PATH = "/tokeninfo"
FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
#: channels.list accepts any of these (docs: channels/list, "Authorization").
CHANNEL_SCOPES = frozenset(
    {
        "https://www.googleapis.com/auth/youtube",
        "https://www.googleapis.com/auth/youtube.readonly",
        FORCE_SSL,
        "https://www.googleapis.com/auth/youtubepartner",
    }
)
#: What the fake grants a healthy token: the one scope the connector needs.
GRANTED_SCOPES = frozenset({FORCE_SSL})


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def google_error(
    status: int,
    reason: str,
    message: str,
    *,
    domain: str = "youtube.comment",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """A Google API error response (docs: youtube/v3/docs/errors)."""
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    }
    return httpx.Response(status, json=body, headers=headers)


def _error_fixture(name: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = fixture(name)
    return httpx.Response(int(body["error"]["code"]), json=body, headers=headers)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class FakeYoutube(FakePlatform):
    base_url: str = BASE_URL + "/youtube/v3"
    channel_id: str = CHANNEL_ID
    access_token: str = ACCESS_TOKEN
    #: Threads per page, whatever ``maxResults`` asks (tests shrink it to exercise paging).
    page_size: int = 100
    #: Thread resources without their ``replies`` (newest first, like ``order=time``).
    threads: list[dict[str, Any]] = field(default_factory=list)
    #: Top-level comment id → its replies (oldest first).
    replies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Comment id → moderation status set through setModerationStatus.
    statuses: dict[str, str] = field(default_factory=dict)
    banned: set[str] = field(default_factory=set)
    #: Replies posted through comments.insert.
    created: list[dict[str, Any]] = field(default_factory=list)
    #: Raw answers for the next requests (before routes and failures), for odd cases.
    queued: deque[httpx.Response] = field(default_factory=deque)
    clock: datetime = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)
    #: The channel's state (see the module docstring).
    token_expires_at: datetime | None = None
    missing_scopes: set[str] = field(default_factory=set)
    token_revoked: bool = False

    def __post_init__(self) -> None:
        if not self.threads:
            for item in fixture("comment_threads.json")["items"]:
                replies = item.pop("replies", {}).get("comments", [])
                self.threads.append(item)
                self.replies[item["snippet"]["topLevelComment"]["id"]] = replies
        self.route("GET", PREFIX + "/commentThreads", self._authed(self.list_threads))
        self.route("GET", PREFIX + "/comments", self._authed(self.list_comments))
        self.route("POST", PREFIX + "/comments", self._authed(self.insert_comment))
        self.route("POST", PREFIX + "/comments/setModerationStatus", self._authed(self.set_status))
        self.route("GET", PREFIX + "/channels", self._authed(self.list_channels, CHANNEL_SCOPES))
        # tokeninfo takes POST (Google's client library) or GET with the token as a parameter.
        self.route("POST", TOKENINFO_PATH, self.token_info)
        self.route("GET", TOKENINFO_PATH, self.token_info)

    # -- plumbing ------------------------------------------------------------------------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if self.queued:
            self.requests.append(request)
            return self.queued.popleft()
        return await super().handle(request)

    def answer_next(self, response: httpx.Response) -> None:
        self.queued.append(response)

    @property
    def granted_scopes(self) -> frozenset[str]:
        return GRANTED_SCOPES - self.missing_scopes

    def token_works(self, token: str | None) -> bool:
        """The token is this channel's, not revoked and not past its expiry."""
        if token != self.access_token or self.token_revoked:
            return False
        return self.token_expires_at is None or datetime.now(UTC) < self.token_expires_at

    def _authed(self, handler: Handler, needs: frozenset[str] = GRANTED_SCOPES) -> Handler:
        """``handler`` behind the bearer token and one of the scopes ``needs``."""

        def check(request: httpx.Request, match: Any) -> Any:
            header = request.headers.get("authorization", "")
            if not self.token_works(header.removeprefix("Bearer ")):
                return self.failure(Failure.EXPIRED_TOKEN, request)
            if not needs & self.granted_scopes:
                return _error_fixture("error_insufficient_permissions.json")
            return handler(request, match)

        return check

    def failure(self, failure: Failure, request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKENINFO_PATH:
            return self._tokeninfo_failure(failure)
        if failure is Failure.RATE_LIMITED:
            # Daily quota: HTTP 403 with reason quotaExceeded and no Retry-After.
            return _error_fixture("error_quota_exceeded.json")
        if failure is Failure.EXPIRED_TOKEN:
            return _error_fixture(
                "error_auth.json",
                {
                    "www-authenticate": 'Bearer realm="https://accounts.google.com/", '
                    'error="invalid_token"'
                },
            )
        if failure is Failure.NOT_FOUND:
            return _error_fixture("error_comment_not_found.json")
        return _error_fixture("error_backend.json")

    def _tokeninfo_failure(self, failure: Failure) -> httpx.Response:
        """Google's OAuth endpoint answers in the OAuth error shape, not the API's."""
        if failure is Failure.EXPIRED_TOKEN:
            return httpx.Response(400, json=fixture("error_invalid_token.json"))
        if failure is Failure.RATE_LIMITED:
            # Not documented for tokeninfo: plain HTTP semantics (an assumption).
            return httpx.Response(
                429, headers={"retry-after": "30"}, json={"error": "rate_limit_exceeded"}
            )
        if failure is Failure.NOT_FOUND:
            return httpx.Response(404, json={"error": "not_found"})
        return httpx.Response(503, json={"error": "backend_error"})

    # -- state ---------------------------------------------------------------------------

    def comment(self, comment_id: str) -> dict[str, Any] | None:
        for thread in self.threads:
            top: dict[str, Any] = thread["snippet"]["topLevelComment"]
            if top["id"] == comment_id:
                return top
            for reply in self.replies.get(top["id"], []):
                if reply["id"] == comment_id:
                    return reply
        return None

    def status(self, comment_id: str) -> str:
        return self.statuses.get(comment_id, "published")

    def _visible(self, comment: dict[str, Any]) -> bool:
        return self.status(comment["id"]) == "published"

    def add_comment(
        self,
        comment_id: str,
        text: str,
        *,
        author: str = "UCdaveViewer000000000004",
        published: datetime | None = None,
        parent: str | None = None,
        video: str = "vidPasser01",
    ) -> dict[str, Any]:
        """A new comment by someone (a new thread on top, or a reply under ``parent``)."""
        when = _iso(published or self.clock)
        snippet: dict[str, Any] = {
            "channelId": self.channel_id,
            "videoId": video,
            "textDisplay": text,
            "textOriginal": text,
            "authorDisplayName": f"@{author[2:8].lower()}",
            "authorChannelUrl": f"http://www.youtube.com/channel/{author}",
            "authorChannelId": {"value": author},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 0,
            "publishedAt": when,
            "updatedAt": when,
        }
        comment: dict[str, Any] = {"kind": "youtube#comment", "id": comment_id}
        if parent is not None:
            snippet["parentId"] = parent
            comment["snippet"] = snippet
            self.replies.setdefault(parent, []).append(comment)
            return comment
        comment["snippet"] = snippet
        thread = {
            "kind": "youtube#commentThread",
            "id": comment_id,
            "snippet": {
                "channelId": self.channel_id,
                "videoId": video,
                "topLevelComment": comment,
                "canReply": True,
                "totalReplyCount": 0,
                "isPublic": True,
            },
        }
        self.threads.insert(0, thread)
        self.replies[comment_id] = []
        return comment

    # -- routes --------------------------------------------------------------------------

    def token_info(self, request: httpx.Request, match: Any) -> httpx.Response:
        """The access token's scopes and expiry; ``invalid_token`` when it does not work."""
        header = request.headers.get("authorization", "")
        form = parse_qs(request.content.decode()) if request.content else {}
        token = (
            header.removeprefix("Bearer ")
            if header.startswith("Bearer ")
            else request.url.params.get("access_token") or form.get("access_token", [""])[0]
        )
        if not self.token_works(token):
            return self._tokeninfo_failure(Failure.EXPIRED_TOKEN)
        body = fixture("tokeninfo.json")
        body["scope"] = " ".join(sorted(self.granted_scopes))
        if self.token_expires_at is None:
            del body["exp"], body["expires_in"]
        else:
            left = int((self.token_expires_at - datetime.now(UTC)).total_seconds())
            body["exp"] = str(int(self.token_expires_at.timestamp()))
            body["expires_in"] = str(max(left, 0))
        return httpx.Response(200, json=body)

    def list_channels(self, request: httpx.Request, match: Any) -> httpx.Response:
        params = request.url.params
        if not params.get("part") or params.get("mine") != "true":
            return google_error(
                400, "missingRequiredParameter", "No filter selected.", domain="youtube.parameter"
            )
        body = fixture("channels_mine.json")
        body["items"][0]["id"] = self.channel_id
        return httpx.Response(200, json=body)

    def list_threads(self, request: httpx.Request, match: Any) -> httpx.Response:
        params = request.url.params
        part = params.get("part", "")
        if not part:
            return google_error(
                400, "missingRequiredParameter", "No filter selected.", domain="youtube.parameter"
            )
        if params.get("allThreadsRelatedToChannelId") != self.channel_id:
            return google_error(
                404,
                "channelNotFound",
                "The channel identified by the channelId parameter could not be found.",
                domain="youtube.commentThread",
            )
        token = params.get("pageToken", "0")
        if not token.isdigit():
            return google_error(
                400,
                "invalidPageToken",
                "The request specifies an invalid page token.",
                domain="youtube.parameter",
            )
        size = min(self.page_size, int(params.get("maxResults", "20")))
        visible = [t for t in self.threads if self._visible(t["snippet"]["topLevelComment"])]
        start = int(token)
        items = [self._thread_view(t, "replies" in part) for t in visible[start : start + size]]
        body: dict[str, Any] = {
            "kind": "youtube#commentThreadListResponse",
            "pageInfo": {"totalResults": len(visible), "resultsPerPage": size},
            "items": items,
        }
        if start + size < len(visible):
            body["nextPageToken"] = str(start + size)
        return httpx.Response(200, json=body)

    def _thread_view(self, thread: dict[str, Any], with_replies: bool) -> dict[str, Any]:
        view = dict(thread)
        top_id = thread["snippet"]["topLevelComment"]["id"]
        shown = [r for r in self.replies.get(top_id, []) if self._visible(r)]
        view["snippet"] = {**thread["snippet"], "totalReplyCount": len(shown)}
        if with_replies and shown:
            view["replies"] = {"comments": shown}
        return view

    def list_comments(self, request: httpx.Request, match: Any) -> httpx.Response:
        params = request.url.params
        parent = params.get("parentId")
        if not params.get("part") or not (parent or params.get("id")):
            return google_error(
                400, "missingRequiredParameter", "No filter selected.", domain="youtube.parameter"
            )
        if parent is None:
            found = [c for c in (self.comment(i) for i in params["id"].split(",")) if c]
            return httpx.Response(200, json={"kind": "youtube#commentListResponse", "items": found})
        if self.comment(parent) is None:
            return _error_fixture("error_comment_not_found.json")
        items = [r for r in self.replies.get(parent, []) if self._visible(r)]
        return httpx.Response(200, json={"kind": "youtube#commentListResponse", "items": items})

    def insert_comment(self, request: httpx.Request, match: Any) -> httpx.Response:
        if request.url.params.get("part") != "snippet":
            return google_error(
                400,
                "missingRequiredParameter",
                "Required parameter: part",
                domain="youtube.parameter",
            )
        try:
            snippet = json.loads(request.content)["snippet"]
            parent = snippet.get("parentId")
            text = snippet.get("textOriginal")
        except (ValueError, KeyError, TypeError, AttributeError):
            return google_error(400, "invalidCommentMetadata", "The request metadata is invalid.")
        if not parent:
            return google_error(
                400, "parentIdMissing", "The comment must be linked to a parent comment."
            )
        if not isinstance(text, str) or not text.strip():
            return google_error(400, "commentTextRequired", "The comment text is required.")
        if parent not in self.replies:
            # Unknown, or not a top-level comment: YouTube threads are one level deep.
            return _error_fixture("error_comment_not_found.json")
        self.clock += timedelta(seconds=1)
        number = len(self.created) + 1
        comment = self.add_comment(
            f"{parent}.Pz{number:019d}",
            text,
            author=self.channel_id,
            published=self.clock,
            parent=parent,
        )
        comment["snippet"]["authorDisplayName"] = "@passerelle-demo"
        self.created.append(comment)
        return httpx.Response(200, json=comment)

    def set_status(self, request: httpx.Request, match: Any) -> httpx.Response:
        params = request.url.params
        ids = [i for i in params.get("id", "").split(",") if i]
        status = params.get("moderationStatus", "")
        if not ids or not status:
            return google_error(
                400,
                "missingRequiredParameter",
                "Required parameter missing.",
                domain="youtube.parameter",
            )
        if status not in STATUSES:
            return google_error(
                400,
                "invalidValue",
                f"Invalid value for moderationStatus: {status}",
                domain="youtube.parameter",
            )
        ban = params.get("banAuthor", "false") == "true"
        if ban and status != "rejected":
            return _error_fixture("error_ban_without_reject.json")
        if request.content:
            return google_error(400, "processingFailure", "Do not provide a request body.")
        comments = [self.comment(i) for i in ids]
        if any(c is None for c in comments):
            return _error_fixture("error_comment_not_found.json")
        for comment in comments:
            assert comment is not None
            self.statuses[comment["id"]] = status
            if ban:
                self.banned.add(comment["snippet"]["authorChannelId"]["value"])
        return httpx.Response(204)
