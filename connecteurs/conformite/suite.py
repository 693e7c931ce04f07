"""The conformance checks, one test per rule of the connector contract (DESIGN §3).

Subclass :class:`ConformanceSuite` in a test module and give it a ``subject`` fixture that
returns your :class:`~connecteurs.conformite.subject.ConformanceSubject`::

    class TestMyConnector(ConformanceSuite):
        @pytest.fixture
        def subject(self) -> ConformanceSubject:
            return my_connector.conformite.subject()

Checks that need something the subject does not provide are skipped with the reason, or
failed under ``--conformite-strict`` unless ``subject.exempt`` names the check with a reason.
The checks are plain (not ``async``) tests that run their own event loop, so the kit needs no
asyncio plugin in the connector's project.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
import structlog

from connecteurs.base import METHOD_OF, Capability, Connecteur, Manifest, WebhookRequest
from connecteurs.conformite.subject import ConformanceSubject, Harness
from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    HandshakeRefused,
    InvalidSignature,
    MalformedPayload,
    NotFound,
    RateLimited,
    TransientError,
    UnsupportedAction,
)
from connecteurs.models import (
    ActionResult,
    Author,
    ChannelCheck,
    Interaction,
    InteractionKind,
    ThreadEvent,
    ThreadEventKind,
)
from connecteurs.signatures import hmac_sha256_b64, hmac_sha256_hex
from connecteurs.testing import Failure

T = TypeVar("T")

ACTIONS = (
    Capability.REPLY,
    Capability.DIRECT_MESSAGE,
    Capability.HIDE,
    Capability.UNHIDE,
    Capability.DELETE,
    Capability.BLOCK,
)

#: The typed error each injected failure must become.
EXPECTED_ERROR: dict[Failure, type[ConnecteurError]] = {
    Failure.RATE_LIMITED: RateLimited,
    Failure.EXPIRED_TOKEN: AuthError,
    Failure.NOT_FOUND: NotFound,
    Failure.SERVER_ERROR: TransientError,
}


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


def requires(
    subject: ConformanceSubject, strict: bool, check: str, present: object, what: str
) -> None:
    """Skip (or fail under strict) ``check`` when the subject lacks ``what``."""
    if check in subject.exempt:
        reason = subject.exempt[check].strip()
        if strict and not reason:
            pytest.fail(f"{check} is exempted without a reason")
        pytest.skip(f"exempt: {reason}")
    if present is None or present is False or present == ():
        message = f"{subject.name}: {check} needs {what}"
        if strict:
            pytest.fail(message + " (or an exemption with a reason in subject.exempt)")
        pytest.skip(message)


def declares(subject: ConformanceSubject, capability: Capability) -> bool:
    return capability in subject.connecteur.manifest.capabilities


async def with_harness(
    subject: ConformanceSubject,
    body: Callable[[Harness], Awaitable[T]],
    secrets: dict[str, str] | None = None,
) -> T:
    async with subject.open(subject.context(secrets)) as harness:
        return await body(harness)


async def act(
    connector: Connecteur, capability: Capability, target: Interaction, key: str
) -> ActionResult:
    """Call the method behind an action capability on ``target``."""
    if capability in (Capability.REPLY, Capability.DIRECT_MESSAGE):
        method = getattr(connector, METHOD_OF[capability])
        result: ActionResult = await method(
            target, "Merci de votre message, nous revenons vers vous.", idempotency_key=key
        )
        return result
    method = getattr(connector, METHOD_OF[capability])
    moderated: ActionResult = await method(target, idempotency_key=key)
    return moderated


def placeholder_target(subject: ConformanceSubject) -> Interaction:
    """An interaction to call undeclared actions with (they must refuse before any I/O)."""
    now = datetime.now(UTC)
    manifest = subject.connecteur.manifest
    return Interaction(
        id=Interaction.make_id(manifest.platform, subject.account, "conformite-1"),
        platform=manifest.platform,
        account=subject.account,
        external_id="conformite-1",
        kind=InteractionKind.COMMENT,
        author=Author(id="someone", handle="someone"),
        text="hello",
        created_at=now,
        received_at=now,
    )


def strip_signature(request: WebhookRequest) -> WebhookRequest:
    """The delivery with every header but the content type removed."""
    kept = {k: v for k, v in request.headers.items() if k == "content-type"}
    return request.model_copy(update={"headers": kept})


def tamper(request: WebhookRequest) -> WebhookRequest:
    """The delivery with one byte of its body changed (still plausible JSON when it was)."""
    body = request.body
    index = next((i for i, b in enumerate(body) if chr(b).isalnum()), len(body) // 2)
    changed = bytes([body[index] ^ 0x01]) if body else b"x"
    return request.model_copy(update={"body": body[:index] + changed + body[index + 1 :]})


def error_texts(err: BaseException) -> Iterator[str]:
    """Everything a log or a Temporal failure could show of ``err`` and its causes."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield str(current)
        yield repr(current)
        yield from (repr(a) for a in current.args)
        current = current.__cause__ or current.__context__


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Lines logged through structlog or stdlib logging while the block runs."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage() + " " + repr(record.__dict__.get("args")))

    handler = Collect(level=logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with structlog.testing.capture_logs() as events:
            yield lines
            lines.extend(repr(e) for e in events)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


class ConformanceSuite:
    """The checks; a subclass provides the ``subject`` fixture."""

    @pytest.fixture
    def strict(self, request: pytest.FixtureRequest) -> bool:
        return bool(request.config.getoption("--conformite-strict", default=False))

    # -- manifest ------------------------------------------------------------------------

    def test_manifest_is_valid(self, subject: ConformanceSubject) -> None:
        manifest = subject.connecteur.manifest
        assert isinstance(manifest, Manifest), "the connector class needs a `manifest: Manifest`"
        Manifest.model_validate(manifest.model_dump())
        assert manifest.name == subject.name, (
            f"manifest name {manifest.name!r} differs from the entry-point name {subject.name!r}"
        )
        assert manifest.capabilities & {Capability.WEBHOOK, Capability.POLL}, (
            "declare how interactions arrive: 'webhook', 'poll' or both"
        )
        unknown = set(subject.secrets) - set(manifest.secrets)
        assert not unknown, f"secrets used but not listed in manifest.secrets: {sorted(unknown)}"
        manifest.options_model.model_validate(dict(subject.options))
        if Capability.REPLY in manifest.capabilities and not manifest.reply_lookup:
            assert manifest.reply_lookup_note.strip(), (
                "reply_lookup is False: say in reply_lookup_note why the platform cannot find "
                "an earlier reply (the README lists these per connector)"
            )
        assert manifest.documentation, "cite the platform pages the connector follows"

    def test_declared_capabilities_are_implemented(self, subject: ConformanceSubject) -> None:
        cls = subject.connecteur
        missing = [
            f"{c.value} (override {METHOD_OF[c]})"
            for c in cls.manifest.capabilities
            if getattr(cls, METHOD_OF[c]) is getattr(Connecteur, METHOD_OF[c])
        ]
        if Capability.WEBHOOK in cls.manifest.capabilities and cls.verify is Connecteur.verify:
            missing.append("webhook (override verify: every delivery must be authenticated)")
        assert not missing, f"declared but not implemented: {missing}"

    def test_undeclared_capabilities_raise_unsupported(self, subject: ConformanceSubject) -> None:
        undeclared = [c for c in Capability if not declares(subject, c)]
        if not undeclared:
            pytest.skip("every capability is declared")
        target = subject.target or placeholder_target(subject)

        async def call(harness: Harness, capability: Capability) -> None:
            connector = harness.connector
            if capability is Capability.WEBHOOK:
                await connector.parse(WebhookRequest.make(b"{}"))
            elif capability is Capability.POLL:
                await connector.poll(None)
            elif capability is Capability.PUBLISH:
                await connector.publish("hello", idempotency_key="conformite")
            elif capability is Capability.METRICS:
                await connector.fetch_metrics("post")
            else:
                await act(connector, capability, target, "conformite-unsupported")

        async def body(harness: Harness) -> list[str]:
            wrong: list[str] = []
            for capability in undeclared:
                try:
                    await call(harness, capability)
                except UnsupportedAction:
                    continue
                except Exception as err:
                    wrong.append(f"{capability.value}: raised {type(err).__name__}: {err}")
                else:
                    wrong.append(f"{capability.value}: succeeded although undeclared")
            return wrong

        wrong = run(with_harness(subject, body))
        assert not wrong, "undeclared capabilities must raise UnsupportedAction: " + "; ".join(
            wrong
        )

    # -- webhook signature ---------------------------------------------------------------

    def _webhook(self, subject: ConformanceSubject, strict: bool, check: str) -> None:
        if not declares(subject, Capability.WEBHOOK):
            pytest.skip("the connector does not declare 'webhook'")
        requires(subject, strict, check, tuple(subject.deliveries), "signed deliveries")

    def test_signature_accepted(self, subject: ConformanceSubject, strict: bool) -> None:
        self._webhook(subject, strict, "test_signature_accepted")

        async def body(harness: Harness) -> None:
            for number, delivery in enumerate(subject.deliveries):
                try:
                    await harness.connector.verify(delivery)
                except InvalidSignature as err:
                    pytest.fail(f"delivery {number} is correctly signed but refused: {err}")

        run(with_harness(subject, body))

    @pytest.mark.parametrize("alteration", ["tampered body", "no signature header", "wrong secret"])
    def test_signature_rejected(
        self, subject: ConformanceSubject, strict: bool, alteration: str
    ) -> None:
        self._webhook(subject, strict, "test_signature_rejected")
        delivery = subject.deliveries[0]
        secrets = None
        if alteration == "tampered body":
            delivery = tamper(delivery)
        elif alteration == "no signature header":
            delivery = strip_signature(delivery)
        else:
            secrets = {k: "wrong-" + v[::-1] for k, v in subject.secrets.items()}

        async def body(harness: Harness) -> None:
            with pytest.raises(InvalidSignature):
                await harness.connector.verify(delivery)

        try:
            run(with_harness(subject, body, secrets))
        except pytest.fail.Exception:
            pytest.fail(f"a delivery with a {alteration} must raise InvalidSignature (→ 401)")

    # -- handshake -----------------------------------------------------------------------

    def test_handshake_answered(self, subject: ConformanceSubject, strict: bool) -> None:
        if not declares(subject, Capability.WEBHOOK):
            pytest.skip("the connector does not declare 'webhook'")
        requires(subject, strict, "test_handshake_answered", subject.handshake, "a handshake")
        request = subject.handshake
        assert request is not None

        async def body(harness: Harness) -> None:
            response = await harness.connector.handshake(request)
            assert response is not None, "a valid handshake must be answered"
            assert response.status == 200, f"handshake answered {response.status}, expected 200"
            if subject.handshake_answer is not None:
                assert response.body == subject.handshake_answer, (
                    f"handshake body {response.body!r}, the platform expects "
                    f"{subject.handshake_answer!r}"
                )

        run(with_harness(subject, body))

    def test_handshake_refused(self, subject: ConformanceSubject, strict: bool) -> None:
        if not declares(subject, Capability.WEBHOOK):
            pytest.skip("the connector does not declare 'webhook'")
        requires(
            subject, strict, "test_handshake_refused", subject.bad_handshake, "a bad handshake"
        )
        request = subject.bad_handshake
        assert request is not None

        async def body(harness: Harness) -> None:
            with pytest.raises(HandshakeRefused):
                await harness.connector.handshake(request)

        run(with_harness(subject, body))

    def test_handshake_is_not_a_signature_oracle(
        self, subject: ConformanceSubject, strict: bool
    ) -> None:
        """A handshake that signs what it is sent (X's CRC is an HMAC with the delivery key)
        must refuse input shaped like a delivery, or anyone could sign forged bodies."""
        if not declares(subject, Capability.WEBHOOK):
            pytest.skip("the connector does not declare 'webhook'")
        requires(subject, strict, "test_handshake_answered", subject.handshake, "a handshake")
        requires(subject, strict, "test_signature_accepted", tuple(subject.deliveries), "")
        handshake = subject.handshake
        assert handshake is not None
        forged = subject.deliveries[0].body.decode("utf-8", "replace")
        digests = [
            digest
            for secret in subject.secrets.values()
            for digest in (
                hmac_sha256_hex(secret, forged.encode()),
                hmac_sha256_b64(secret, forged.encode()),
            )
        ]

        async def body(harness: Harness) -> list[str]:
            leaks = []
            for key in handshake.query:
                probe = handshake.model_copy(update={"query": {**handshake.query, key: forged}})
                try:
                    answer = await harness.connector.handshake(probe)
                except ConnecteurError:
                    continue
                text = answer.body.decode("utf-8", "replace") if answer else ""
                if any(d in text for d in digests):
                    leaks.append(key)
            return leaks

        leaks = run(with_harness(subject, body))
        assert not leaks, (
            f"the handshake signs a delivery body passed in {leaks}: refuse values that are "
            "not the platform's token format"
        )

    # -- parse ---------------------------------------------------------------------------

    def _check_interactions(
        self, subject: ConformanceSubject, interactions: list[Interaction] | tuple[Interaction, ...]
    ) -> None:
        manifest = subject.connecteur.manifest
        for item in interactions:
            assert isinstance(item, Interaction), f"expected Interaction, got {type(item)}"
            Interaction.model_validate(item.model_dump())
            assert item.platform in manifest.platforms, (
                f"{item.id}: platform {item.platform} not in the manifest's {manifest.platforms}"
            )
            assert item.account == subject.account, (
                f"{item.id}: account {item.account!r}, expected {subject.account!r}"
            )
            expected = Interaction.make_id(item.platform, item.account, item.external_id)
            assert item.id == expected, f"id {item.id!r} should be {expected!r}"
            assert item.external_id, "external_id must not be empty"
            assert item.author.id, f"{item.id}: author.id must not be empty"

    def test_parse_returns_valid_interactions(
        self, subject: ConformanceSubject, strict: bool
    ) -> None:
        self._webhook(subject, strict, "test_parse_returns_valid_interactions")

        async def body(harness: Harness) -> list[Interaction]:
            found: list[Interaction] = []
            for delivery in subject.deliveries:
                found.extend(await harness.connector.parse(delivery))
            return found

        interactions = run(with_harness(subject, body))
        assert interactions, "the subject's deliveries hold no interaction"
        self._check_interactions(subject, interactions)

    def test_thread_events_are_consistent(self, subject: ConformanceSubject, strict: bool) -> None:
        """Thread events from the documented deliveries (own replies, edits, deletions) name
        this account, are keyed the same way twice, and the account's own messages never
        come back as interactions."""
        self._webhook(subject, strict, "test_thread_events_are_consistent")

        async def body(harness: Harness) -> tuple[list[Interaction], list[list[ThreadEvent]]]:
            found: list[Interaction] = []
            events: list[list[ThreadEvent]] = []
            for delivery in subject.deliveries:
                found.extend(await harness.connector.parse(delivery))
                events.append(await harness.connector.parse_events(delivery))
                again = await harness.connector.parse_events(delivery)
                assert [e.key for e in again] == [e.key for e in events[-1]], (
                    "the same delivery gave differently keyed events: a redelivery would "
                    "count twice"
                )
            return found, events

        interactions, events = run(with_harness(subject, body))
        flat = [e for batch in events for e in batch]
        for event in flat:
            assert isinstance(event, ThreadEvent)
            assert event.account == subject.account, (
                f"event for account {event.account!r}, expected {subject.account!r}"
            )
        own = {e.ref for e in flat if e.kind is ThreadEventKind.ANSWERED and e.ref}
        doubled = sorted(own & {i.external_id for i in interactions})
        assert not doubled, f"the account's own replies became interactions too: {doubled}"

    def test_duplicate_delivery_gives_same_ids(
        self, subject: ConformanceSubject, strict: bool
    ) -> None:
        self._webhook(subject, strict, "test_duplicate_delivery_gives_same_ids")

        async def ids(harness: Harness) -> list[list[str]]:
            return [[i.id for i in await harness.connector.parse(d)] for d in subject.deliveries]

        # Two connector instances (two gateway replicas) and two parses each.
        first = run(with_harness(subject, ids))
        second = run(with_harness(subject, ids))
        assert first == second, f"ids differ between deliveries: {first} vs {second}"

        async def twice(harness: Harness) -> tuple[list[str], list[str]]:
            delivery = subject.deliveries[0]
            a = [i.id for i in await harness.connector.parse(delivery)]
            b = [i.id for i in await harness.connector.parse(delivery)]
            return a, b

        a, b = run(with_harness(subject, twice))
        assert a == b, f"parsing the same delivery twice gave {a} then {b}"

    @pytest.mark.parametrize(
        "shape", ["empty", "truncated", "not json", "json null", "json list", "binary"]
    )
    def test_malformed_body_rejected(
        self, subject: ConformanceSubject, strict: bool, shape: str
    ) -> None:
        self._webhook(subject, strict, "test_malformed_body_rejected")
        good = subject.deliveries[0]
        body = {
            "empty": b"",
            "truncated": good.body[: max(1, len(good.body) // 2)],
            "not json": b"{not: json",
            "json null": b"null",
            "json list": b"[1, 2, 3]",
            "binary": b"\xff\xfe\x00\x81",
        }[shape]
        request = good.model_copy(update={"body": body})

        async def parse(harness: Harness) -> list[Interaction]:
            return await harness.connector.parse(request)

        try:
            found = run(with_harness(subject, parse))
        except MalformedPayload:
            return
        except Exception as err:
            pytest.fail(
                f"a {shape} body must raise MalformedPayload (→ 400), not "
                f"{type(err).__name__}: {err}"
            )
        # Answering 200 to a body that is not the platform's shape would hide a broken
        # integration (an API change, a misrouted URL) behind success.
        pytest.fail(f"a {shape} body must raise MalformedPayload (→ 400), got {found!r}")

    # -- poll ----------------------------------------------------------------------------

    def test_poll_advances_without_repeats(self, subject: ConformanceSubject) -> None:
        if not declares(subject, Capability.POLL):
            pytest.skip("the connector does not declare 'poll'")

        async def body(harness: Harness) -> tuple[list[Interaction], list[Interaction], str]:
            first = await harness.connector.poll(None)
            second = await harness.connector.poll(first.cursor)
            return list(first.interactions), list(second.interactions), repr(first.cursor)

        first, second, cursor = run(with_harness(subject, body))
        assert first, "the first poll against the fake platform returned nothing"
        self._check_interactions(subject, first)
        self._check_interactions(subject, second)
        repeated = {i.id for i in first} & {i.id for i in second}
        assert not repeated, f"poll with cursor {cursor} returned seen interactions: {repeated}"

    # -- actions -------------------------------------------------------------------------

    def _declared_actions(self, subject: ConformanceSubject) -> list[Capability]:
        return [c for c in ACTIONS if declares(subject, c)]

    def test_declared_actions_succeed(self, subject: ConformanceSubject, strict: bool) -> None:
        actions = self._declared_actions(subject)
        if not actions:
            pytest.skip("the connector declares no action")
        requires(subject, strict, "test_declared_actions_succeed", subject.target, "a target")
        target = subject.target
        assert target is not None

        async def body(harness: Harness) -> list[str]:
            problems: list[str] = []
            for capability in actions:
                result = await act(harness.connector, capability, target, f"k-{capability}")
                if not isinstance(result, ActionResult) or not result.ok:
                    problems.append(f"{capability.value}: {result!r}")
            return problems

        problems = run(with_harness(subject, body))
        assert not problems, f"declared actions failed against the fake: {problems}"

    def test_retried_reply_posts_once(self, subject: ConformanceSubject, strict: bool) -> None:
        manifest = subject.connecteur.manifest
        if not declares(subject, Capability.REPLY):
            pytest.skip("the connector does not declare 'reply'")
        if not manifest.reply_lookup:
            pytest.skip(f"no lookup on this platform: {manifest.reply_lookup_note}")
        requires(subject, strict, "test_retried_reply_posts_once", subject.target, "a target")
        target = subject.target
        assert target is not None

        async def body(harness: Harness) -> tuple[ActionResult, ActionResult, int | None]:
            first = await act(harness.connector, Capability.REPLY, target, "wf/reply-1")
            before = harness.writes() if harness.writes else None
            again = await act(harness.connector, Capability.REPLY, target, "wf/reply-1")
            after = harness.writes() if harness.writes else None
            extra = None if before is None or after is None else after - before
            return first, again, extra

        first, again, extra = run(with_harness(subject, body))
        assert first.platform_ref and first.platform_ref == again.platform_ref, (
            f"a retried reply must return the earlier post: {first.platform_ref!r} then "
            f"{again.platform_ref!r}"
        )
        assert extra in (None, 0), f"the retried reply wrote {extra} more time(s) to the platform"

    # -- failures ------------------------------------------------------------------------

    def _probe(
        self, subject: ConformanceSubject, strict: bool = False, check: str = ""
    ) -> Callable[[Harness], Awaitable[Any]] | None:
        """The first call the connector makes to its platform: an action, else a poll;
        ``None`` when it makes none (checks that need one skip, or fail under strict)."""
        actions = self._declared_actions(subject)
        if actions and subject.target is not None:
            target = subject.target
            return lambda h: act(h.connector, actions[0], target, "conformite-failure")
        if declares(subject, Capability.POLL):
            return lambda h: h.connector.poll(None)
        if check:
            requires(subject, strict, check, None, "a target for its actions, or a poll")
        return None

    @pytest.mark.parametrize("failure", list(Failure))
    def test_platform_failure_is_typed(
        self, subject: ConformanceSubject, strict: bool, failure: Failure
    ) -> None:
        check = f"test_platform_failure_is_typed[{failure.value}]"
        probe = self._probe(subject, strict, check)
        assert probe is not None

        async def body(harness: Harness) -> BaseException | None:
            requires(subject, strict, check, harness.fail_next is not None, "failure injection")
            assert harness.fail_next is not None
            harness.fail_next(failure)
            try:
                await probe(harness)
            except Exception as err:
                return err
            return None

        if check in subject.exempt:
            requires(subject, strict, check, None, "")
        err = run(with_harness(subject, body))
        expected = EXPECTED_ERROR[failure]
        assert err is not None, f"{failure.value}: the call succeeded; expected {expected.__name__}"
        assert isinstance(err, expected), (
            f"{failure.value} must become {expected.__name__}, got {type(err).__name__}: {err}"
        )
        if isinstance(err, RateLimited):
            assert err.retry_after > 0, "RateLimited.retry_after must be positive"

    def test_reauthorization_guidance(self, subject: ConformanceSubject) -> None:
        """An operator told "channel down" must learn what to renew and where."""
        manifest = subject.connecteur.manifest
        if not manifest.secrets:
            pytest.skip("the connector reads no secret: nothing to re-authorize")
        guidance = manifest.reauthorize.strip()
        assert len(guidance) >= 40, (
            "Manifest.reauthorize must say which token or secret to renew, which "
            "permissions it needs and on which console page"
        )
        named = [name for name in manifest.secrets if name in guidance]
        assert named, f"Manifest.reauthorize should name the secret(s) {manifest.secrets}"
        leaks = [v[:4] + "…" for v in subject.secrets.values() if len(v) >= 8 and v in guidance]
        assert not leaks, f"secret values in Manifest.reauthorize: {leaks}"

    def test_health_check(self, subject: ConformanceSubject, strict: bool) -> None:
        """check_health answers from the platform, and an expired token is an AuthError."""
        check = "test_health_check"
        overridden = subject.connecteur.check_health is not Connecteur.check_health
        requires(subject, strict, check, overridden, "check_health (token, scopes, webhooks)")

        async def body(harness: Harness) -> tuple[ChannelCheck, BaseException | None]:
            healthy = await harness.connector.check_health()
            if harness.fail_next is None:
                return healthy, None
            harness.fail_next(Failure.EXPIRED_TOKEN)
            try:
                await harness.connector.check_health()
            except Exception as err:
                return healthy, err
            return healthy, None

        healthy, err = run(with_harness(subject, body))
        assert isinstance(healthy, ChannelCheck)
        assert healthy.token_valid is not False, f"the fake's token was refused: {healthy}"
        assert not healthy.scopes_missing, f"the fake grants every scope: {healthy}"
        assert healthy.subscription_active is not False, f"webhooks reported off: {healthy}"
        if err is not None or check not in subject.exempt:
            assert isinstance(err, AuthError), (
                f"an expired token during check_health must raise AuthError, got {err!r}"
            )
            leaks = [
                v[:4] + "…"
                for v in subject.secrets.values()
                if len(v) >= 8 and any(v in t for t in error_texts(err))
            ]
            assert not leaks, f"secret values in the health error: {leaks}"

    def test_no_secret_in_errors_or_logs(self, subject: ConformanceSubject) -> None:
        secrets = [v for v in subject.secrets.values() if len(v) >= 8]
        if not secrets:
            pytest.skip("the subject has no secret long enough to search for")
        texts: list[str] = []

        probe = self._probe(subject)

        async def failures(harness: Harness) -> None:
            if harness.fail_next is None or probe is None:
                return
            for failure in Failure:
                harness.fail_next(failure)
                try:
                    await probe(harness)
                except Exception as err:
                    texts.extend(error_texts(err))

        async def inbound(harness: Harness) -> None:
            if not declares(subject, Capability.WEBHOOK):
                return
            for delivery in subject.deliveries:
                for altered in (tamper(delivery), strip_signature(delivery)):
                    try:
                        await harness.connector.verify(altered)
                    except Exception as err:
                        texts.extend(error_texts(err))
                for item in await harness.connector.parse(delivery):
                    texts.append(item.model_dump_json())
            for request in (subject.bad_handshake,):
                if request is not None:
                    try:
                        await harness.connector.handshake(request)
                    except Exception as err:
                        texts.extend(error_texts(err))

        with captured_logs() as lines:
            run(with_harness(subject, failures))
            run(with_harness(subject, inbound))
        texts.extend(lines)
        leaks = [s[:4] + "…" for s in secrets if any(s in t for t in texts)]
        assert not leaks, f"secret values found in errors, logs or interactions: {leaks}"
