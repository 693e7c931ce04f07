"""A fake Bluesky PDS: the XRPC routes the connector uses, with the checks and error bodies
of the reference PDS (github.com/bluesky-social/atproto, ``packages/pds``) and of the API
pages of docs.bsky.app.

State: one account (handle, app password, DID), its sessions (access and refresh tokens),
records by at-uri (seeded with the posts of ``fixtures/list_notifications.json`` and the
account's root post), the notifications page, the account's author feed (seeded with
``fixtures/author_feed.json``; a post the account creates goes on top), and chat
conversations.

Injected failures (:meth:`FakePlatform.fail_next`) hit the next *data* call: the session
calls (``createSession``, ``refreshSession``) are served normally unless
``fail_session_calls`` is set, because "the target was deleted" or "the token expired" mean
nothing for a login. ``EXPIRED_TOKEN`` answers ``ExpiredToken`` and revokes every session
(as revoking the app password does), so the connector's one refresh fails too.

Sessions hold JWTs shaped like the reference PDS's (``packages/pds/src/account-manager/
helpers/auth.ts``: claims ``scope``, ``sub``, ``iat``, ``exp``; signature not checkable).
The channel's state, as tests set it (the same names on every fake):

- ``token_expires_at``: the ``exp`` of the access JWTs issued while it is in the future;
  past it, data calls answer ``ExpiredToken`` and a refresh issues a token for the
  reference lifetime (120 minutes). ``None``: the JWTs carry no ``exp``.
- ``missing_scopes``: with ``com.atproto.appPassPrivileged`` in it, the app password is a
  plain one (JWT scope ``com.atproto.appPass``) and chat calls answer 400 ``InvalidToken``
  "Bad token scope", as the PDS does.
- ``token_revoked``: the app password was deleted: logins answer 401, refreshes and every
  data call 400 ``ExpiredToken`` "Token has been revoked".
- ``account_status``: ``takendown``, ``suspended`` or ``deactivated`` makes getSession answer
  ``active: false`` with that status.

Bluesky is polled: there is no ``subscription_active`` here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from itertools import count
from typing import Any

import httpx

from connecteurs.bluesky.payloads import BLOCK, MESSAGE_VIEW, POST, THREADGATE, AtUri
from connecteurs.bluesky.tid import TID_PATTERN, encode_tid
from connecteurs.testing import Failure, FakePlatform

ACCOUNT_DID = "did:plc:u5cwb2mwiv2bfq53cjufe6yn"
HANDLE = "passerelle-demo.bsky.social"
APP_PASSWORD = "test-app-password-7k3q-x9vf-bsky"
ROOT_POST = f"at://{ACCOUNT_DID}/app.bsky.feed.post/3k43tv4rft22g"
ROOT_CID = "bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q"
CHAT_SERVICE = "did:web:api.bsky.chat#bsky_chat"
#: Seconds until the fake's rate-limit window resets.
RESET_IN = 120
SESSION_PATHS = (
    "/xrpc/com.atproto.server.createSession",
    "/xrpc/com.atproto.server.refreshSession",
)
#: Collections whose lexicon declares ``"key": "tid"``.
TID_COLLECTIONS = (POST, BLOCK, THREADGATE)
SCOPE_PRIVILEGED = "com.atproto.appPassPrivileged"
SCOPE_APP_PASS = "com.atproto.appPass"
#: The reference PDS's lifetimes (createAccessToken '120mins', createRefreshToken '90days').
ACCESS_LIFETIME = timedelta(minutes=120)
REFRESH_LIFETIME = timedelta(days=90)
PDS_DID = "did:web:bsky.social"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_jwt(claims: dict[str, Any], salt: str) -> str:
    """A JWT-shaped token: readable claims, a signature nobody can check."""
    header = _b64url(json.dumps({"typ": "at+jwt", "alg": "HS256"}).encode())
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = _b64url(hashlib.sha256(f"{salt}.{header}.{body}".encode()).digest())
    return f"{header}.{body}.{signature}"


def fixture(name: str) -> bytes:
    return resources.files("connecteurs.bluesky").joinpath("fixtures", name).read_bytes()


def xrpc_error(status: int, error: str, message: str, **headers: str) -> httpx.Response:
    """The XRPC error shape (atproto.com/specs/xrpc): ``{"error", "message"}``."""
    return httpx.Response(status, json={"error": error, "message": message}, headers=headers)


def fake_cid(value: Any) -> str:
    digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
    return "bafyrei" + digest[:52]


@dataclass
class FakeBluesky(FakePlatform):
    identifier: str = HANDLE
    app_password: str = APP_PASSWORD
    did: str = ACCOUNT_DID
    notifications: list[dict[str, Any]] = field(default_factory=list)
    #: The account's author feed, newest first (``app.bsky.feed.defs#feedViewPost`` items).
    author_feed: list[dict[str, Any]] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: set[str] = field(default_factory=set)
    expired_tokens: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    sessions_created: int = 0
    convos: dict[str, str] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Recent PDS versions add Retry-After to 429s; older ones send only RateLimit-*.
    retry_after_header: bool = True
    fail_session_calls: bool = False
    #: The channel's state (see the module docstring).
    token_expires_at: datetime | None = None
    missing_scopes: set[str] = field(default_factory=set)
    token_revoked: bool = False
    account_status: str | None = None
    #: Every session issued, in order: ``(access JWT, refresh JWT)``.
    issued: list[tuple[str, str]] = field(default_factory=list)
    #: Access JWT → its ``exp`` (absent: no expiry) and its ``scope``.
    expiries: dict[str, datetime] = field(default_factory=dict)
    scopes: dict[str, str] = field(default_factory=dict)
    _ids: count[int] = field(default_factory=lambda: count(1))

    def __post_init__(self) -> None:
        page = json.loads(fixture("list_notifications.json"))
        self.notifications = page["notifications"]
        self.put(
            ROOT_POST,
            {"$type": POST, "text": "Atelier jeudi soir !", "createdAt": "2024-05-02T08:00:00Z"},
            ROOT_CID,
        )
        for note in self.notifications:
            self.put(note["uri"], note["record"], note["cid"])
        self.author_feed = json.loads(fixture("author_feed.json"))["feed"]
        for item in self.author_feed:
            post = item["post"]
            if post["author"]["did"] == self.did:
                self.put(post["uri"], post["record"], post["cid"])
        x = "/xrpc/"
        self.route("POST", x + "com.atproto.server.createSession", self._create_session)
        self.route("POST", x + "com.atproto.server.refreshSession", self._refresh_session)
        self.route("GET", x + "com.atproto.server.getSession", self._get_session)
        self.route("GET", x + "app.bsky.notification.listNotifications", self._notifications)
        self.route("GET", x + "app.bsky.feed.getAuthorFeed", self._get_author_feed)
        self.route("GET", x + "com.atproto.repo.getRecord", self._get_record)
        self.route("POST", x + "com.atproto.repo.createRecord", self._create_record)
        self.route("POST", x + "com.atproto.repo.putRecord", self._put_record)
        self.route("GET", x + "chat.bsky.convo.getConvoForMembers", self._convo_for_members)
        self.route("GET", x + "chat.bsky.convo.getMessages", self._get_messages)
        self.route("POST", x + "chat.bsky.convo.sendMessage", self._send_message)

    # -- state helpers -------------------------------------------------------------------

    def put(self, uri: str, value: dict[str, Any], cid: str | None = None) -> str:
        cid = cid or fake_cid(value)
        self.records[uri] = {"uri": uri, "cid": cid, "value": value}
        return cid

    def delete(self, uri: str) -> None:
        self.records.pop(uri, None)

    def record(self, uri: str) -> dict[str, Any] | None:
        stored = self.records.get(uri)
        return stored["value"] if stored else None

    def expire_access_tokens(self) -> None:
        """Access tokens live minutes; refresh tokens still work."""
        self.expired_tokens |= self.access_tokens
        self.access_tokens.clear()

    def revoke_sessions(self) -> None:
        """What revoking the app password does: no token works any more."""
        self.expire_access_tokens()
        self.refresh_tokens.clear()

    def add_notification(self, note: dict[str, Any]) -> None:
        """A newer notification (the page is newest first)."""
        self.notifications.insert(0, note)
        self.put(note["uri"], note["record"], note["cid"])

    @property
    def created(self) -> list[httpx.Request]:
        return self.sent("POST", r"/xrpc/com\.atproto\.repo\.createRecord")

    # -- failures ------------------------------------------------------------------------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if self.pending and request.url.path in SESSION_PATHS and not self.fail_session_calls:
            held, self.pending = self.pending, type(self.pending)()
            try:
                return await super().handle(request)
            finally:
                self.pending = held
        return await super().handle(request)

    def failure(self, failure: Failure, request: httpx.Request) -> httpx.Response:
        if failure is Failure.RATE_LIMITED:
            # packages/xrpc-server/src/rate-limiter-http.ts: RateLimit-Reset is Unix seconds.
            headers = {
                "RateLimit-Limit": "3000",
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(int(time.time()) + RESET_IN),
                "RateLimit-Policy": "3000;w=300",
            }
            if self.retry_after_header:
                headers["Retry-After"] = str(RESET_IN)
            return xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded", **headers)
        if failure is Failure.EXPIRED_TOKEN:
            self.revoke_sessions()
            return xrpc_error(400, "ExpiredToken", "Token has expired")
        if failure is Failure.NOT_FOUND:
            return xrpc_error(400, "RecordNotFound", "Could not locate record")
        return xrpc_error(500, "InternalServerError", "Internal Server Error")

    # -- checks --------------------------------------------------------------------------

    def _unauthorized(self, request: httpx.Request) -> httpx.Response | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return xrpc_error(401, "AuthMissing", "Authentication Required")
        token = header[len("Bearer ") :]
        if self.token_revoked:
            return xrpc_error(400, "ExpiredToken", "Token has been revoked")
        expiry = self.expiries.get(token)
        if token in self.expired_tokens or (expiry is not None and expiry <= datetime.now(UTC)):
            return xrpc_error(400, "ExpiredToken", "Token has expired")
        if token not in self.access_tokens:
            return xrpc_error(401, "InvalidToken", "Token could not be verified")
        return None

    @property
    def scope(self) -> str:
        """The ``scope`` claim of the access JWTs this app password gets."""
        return SCOPE_APP_PASS if SCOPE_PRIVILEGED in self.missing_scopes else SCOPE_PRIVILEGED

    def _issue(self) -> dict[str, Any]:
        n = next(self._ids)
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "scope": self.scope,
            "sub": self.did,
            "aud": PDS_DID,
            "iat": int(now.timestamp()),
        }
        expiry = self.token_expires_at
        if expiry is not None and expiry <= now:
            expiry = now + ACCESS_LIFETIME  # a refresh gives a fresh token
        if expiry is not None:
            claims["exp"] = int(expiry.timestamp())
        access = fake_jwt(claims, f"access-{n}")
        refresh_claims = {
            "scope": "com.atproto.refresh",
            "sub": self.did,
            "aud": PDS_DID,
            "jti": f"refresh-{n}",
            "iat": claims["iat"],
            "exp": int((now + REFRESH_LIFETIME).timestamp()),
        }
        refresh = fake_jwt(refresh_claims, f"refresh-{n}")
        if expiry is not None:
            self.expiries[access] = datetime.fromtimestamp(claims["exp"], UTC)
        self.scopes[access] = claims["scope"]
        self.issued.append((access, refresh))
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": self.identifier,
            "did": self.did,
            "active": True,
        }

    # -- routes --------------------------------------------------------------------------

    def _create_session(self, request: httpx.Request, _: Any) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        for name in ("identifier", "password"):
            if not isinstance(body.get(name), str):
                return xrpc_error(400, "InvalidRequest", f'Input must have the property "{name}"')
        if (
            body["identifier"] not in (self.identifier, self.did)
            or body["password"] != self.app_password
            or self.token_revoked
        ):
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        self.sessions_created += 1
        return httpx.Response(200, json=self._issue())

    def _refresh_session(self, request: httpx.Request, _: Any) -> httpx.Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.refresh_tokens or self.token_revoked:
            return xrpc_error(400, "ExpiredToken", "Token has been revoked")
        self.refresh_tokens.discard(token)
        return httpx.Response(200, json=self._issue())

    def _get_session(self, request: httpx.Request, _: Any) -> httpx.Response:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        body: dict[str, Any] = json.loads(fixture("get_session.json"))
        body.update(handle=self.identifier, did=self.did)
        if self.account_status is not None:
            body.update(active=False, status=self.account_status)
        return httpx.Response(200, json=body)

    def _notifications(self, request: httpx.Request, _: Any) -> httpx.Response:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        params = request.url.params
        limit = int(params.get("limit", "50"))
        if not 1 <= limit <= 100:
            return xrpc_error(400, "InvalidRequest", "limit must be between 1 and 100")
        reasons = set(params.get_list("reasons"))
        # The real cursor is opaque; an offset into the filtered list serves here.
        start = int(params.get("cursor") or 0)
        items = [n for n in self.notifications if not reasons or n["reason"] in reasons]
        page = items[start : start + limit]
        body: dict[str, Any] = {"notifications": page}
        if start + limit < len(items):
            body["cursor"] = str(start + limit)
        return httpx.Response(200, json=body)

    def _get_author_feed(self, request: httpx.Request, _: Any) -> httpx.Response:
        """getAuthorFeed: ``actor`` (DID or handle) required, ``limit`` 1-100, ``filter``
        (``posts_with_replies`` by default, ``posts_no_replies`` leaves replies out), an
        opaque ``cursor`` (an offset here). Only this account's feed is known."""
        if (denied := self._unauthorized(request)) is not None:
            return denied
        params = request.url.params
        actor = params.get("actor")
        if not actor:
            return xrpc_error(400, "InvalidRequest", 'Error: Params must have the property "actor"')
        if actor not in (self.did, self.identifier):
            return xrpc_error(400, "InvalidRequest", "Profile not found")
        limit = int(params.get("limit", "50"))
        if not 1 <= limit <= 100:
            return xrpc_error(400, "InvalidRequest", "limit must be between 1 and 100")
        items = self.author_feed
        if params.get("filter") == "posts_no_replies":
            items = [i for i in items if "reply" not in i["post"]["record"] or i.get("reason")]
        start = int(params.get("cursor") or 0)
        body: dict[str, Any] = {"feed": items[start : start + limit]}
        if start + limit < len(items):
            body["cursor"] = str(start + limit)
        return httpx.Response(200, json=body)

    def _get_record(self, request: httpx.Request, _: Any) -> httpx.Response:
        params = request.url.params
        missing = [p for p in ("repo", "collection", "rkey") if not params.get(p)]
        if missing:
            return xrpc_error(
                400, "InvalidRequest", f'Error: Params must have the property "{missing[0]}"'
            )
        uri = f"at://{params['repo']}/{params['collection']}/{params['rkey']}"
        stored = self.records.get(uri)
        if stored is None:
            return xrpc_error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return httpx.Response(200, json=stored)

    def _write_problem(self, body: dict[str, Any]) -> httpx.Response | None:
        """What the PDS refuses in a createRecord/putRecord body."""
        if body.get("repo") not in (self.did, self.identifier):
            return xrpc_error(401, "AuthenticationRequired", "Authentication Required")
        collection, record, rkey = body.get("collection"), body.get("record"), body.get("rkey")
        if not isinstance(record, dict) or record.get("$type") != collection:
            return xrpc_error(400, "InvalidRequest", f"Invalid $type: expected {collection}")
        if collection in TID_COLLECTIONS and rkey is not None and not TID_PATTERN.match(rkey):
            return xrpc_error(400, "InvalidRequest", f"Invalid record key for {collection}")
        problem = _record_problem(str(collection), record, rkey)
        return xrpc_error(400, "InvalidRequest", problem) if problem else None

    def _create_record(self, request: httpx.Request, _: Any) -> httpx.Response:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        body = json.loads(request.content or b"{}")
        if (refused := self._write_problem(body)) is not None:
            return refused
        rkey = body.get("rkey") or encode_tid(int(time.time() * 1e6), next(self._ids))
        uri = str(AtUri(self.did, body["collection"], rkey))
        if uri in self.records:
            return xrpc_error(400, "InvalidRequest", f"Record already exists: {uri}")
        cid = self.put(uri, body["record"])
        if body["collection"] == POST:
            # The AppView indexes it into the account's author feed.
            author = {"did": self.did, "handle": self.identifier}
            indexed = datetime.now(UTC).isoformat().replace("+00:00", "Z")
            post = {"uri": uri, "cid": cid, "author": author, "record": body["record"]}
            self.author_feed.insert(0, {"post": {**post, "indexedAt": indexed}})
        return httpx.Response(200, json={"uri": uri, "cid": cid, "validationStatus": "valid"})

    def _put_record(self, request: httpx.Request, _: Any) -> httpx.Response:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        body = json.loads(request.content or b"{}")
        if not body.get("rkey"):
            return xrpc_error(400, "InvalidRequest", 'Input must have the property "rkey"')
        if (refused := self._write_problem(body)) is not None:
            return refused
        uri = str(AtUri(self.did, body["collection"], body["rkey"]))
        current = self.records.get(uri)
        swap = body.get("swapRecord")
        if swap is not None and (current is None or current["cid"] != swap):
            return xrpc_error(400, "InvalidSwap", "Record was at a different version")
        cid = self.put(uri, body["record"])
        if body["collection"] == POST:
            # The AppView indexes it into the account's author feed.
            author = {"did": self.did, "handle": self.identifier}
            indexed = datetime.now(UTC).isoformat().replace("+00:00", "Z")
            post = {"uri": uri, "cid": cid, "author": author, "record": body["record"]}
            self.author_feed.insert(0, {"post": {**post, "indexedAt": indexed}})
        return httpx.Response(200, json={"uri": uri, "cid": cid, "validationStatus": "valid"})

    def _chat_refused(self, request: httpx.Request) -> httpx.Response | None:
        if (denied := self._unauthorized(request)) is not None:
            return denied
        if request.headers.get("atproto-proxy") != CHAT_SERVICE:
            # Without the proxy header the PDS does not know where chat.bsky.* lives.
            return xrpc_error(501, "MethodNotImplemented", "Method Not Implemented")
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if self.scopes.get(token) != SCOPE_PRIVILEGED:
            # The PDS's auth verifier: InvalidRequestError('Bad token scope', 'InvalidToken').
            return xrpc_error(400, "InvalidToken", "Bad token scope")
        return None

    def _convo_for_members(self, request: httpx.Request, _: Any) -> httpx.Response:
        if (refused := self._chat_refused(request)) is not None:
            return refused
        members = request.url.params.get_list("members")
        known = {n["author"]["did"] for n in self.notifications}
        if not members or any(m not in known for m in members):
            return xrpc_error(400, "InvalidRequest", "recipient not found")
        key = ",".join(sorted(members))
        convo_id = self.convos.setdefault(key, f"3convo{len(self.convos) + 1}")
        self.messages.setdefault(convo_id, [])
        view = {
            "id": convo_id,
            "rev": "1",
            "members": [{"did": d, "handle": "x.bsky.social"} for d in [self.did, *members]],
            "muted": False,
            "unreadCount": 0,
        }
        return httpx.Response(200, json={"convo": view})

    def _get_messages(self, request: httpx.Request, _: Any) -> httpx.Response:
        if (refused := self._chat_refused(request)) is not None:
            return refused
        convo_id = request.url.params.get("convoId", "")
        if convo_id not in self.messages:
            return xrpc_error(400, "InvalidConvo", "Convo not found")
        limit = int(request.url.params.get("limit", "50"))
        newest_first = list(reversed(self.messages[convo_id]))[:limit]
        return httpx.Response(200, json={"messages": newest_first})

    def _send_message(self, request: httpx.Request, _: Any) -> httpx.Response:
        if (refused := self._chat_refused(request)) is not None:
            return refused
        body = json.loads(request.content or b"{}")
        convo_id = body.get("convoId")
        text = (body.get("message") or {}).get("text")
        if convo_id not in self.messages:
            return xrpc_error(400, "InvalidConvo", "Convo not found")
        if not isinstance(text, str) or not text:
            return xrpc_error(400, "InvalidRequest", 'message must have the property "text"')
        view = {
            "$type": MESSAGE_VIEW,
            "id": f"3msg{next(self._ids)}",
            "rev": "2",
            "text": text,
            "sender": {"did": self.did},
            "sentAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        self.messages[convo_id].append(view)
        return httpx.Response(200, json=view)


def _record_problem(collection: str, record: dict[str, Any], rkey: str | None) -> str | None:
    """Lexicon checks of the records the connector writes (required fields, ref shapes)."""
    if not isinstance(record.get("createdAt"), str):
        return "Record/createdAt must be a string"
    if collection == POST:
        if not isinstance(record.get("text"), str):
            return "Record/text must be a string"
        reply = record.get("reply")
        if reply is not None:
            for end in ("root", "parent"):
                ref = reply.get(end) if isinstance(reply, dict) else None
                if not (
                    isinstance(ref, dict)
                    and ref.get("uri", "").startswith("at://")
                    and ref.get("cid")
                ):
                    return f"Record/reply/{end} must be a strongRef (uri, cid)"
    elif collection == BLOCK:
        if not str(record.get("subject", "")).startswith("did:"):
            return "Record/subject must be a valid did"
    elif collection == THREADGATE:
        post = str(record.get("post", ""))
        if not post.startswith("at://") or post.rsplit("/", 1)[-1] != rkey:
            return "threadgate rkey must match the rkey of its post"
    return None
