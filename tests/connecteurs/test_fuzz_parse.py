"""Fuzzing every built-in webhook connector's ``parse`` and ``parse_events``: whatever the body,
the answer is a list of valid interactions (thread events) or a typed connector error
(MalformedPayload → 400, or a platform error when parsing has to fetch), never a crash that would
become a 500."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connecteurs.base import Capability, WebhookRequest
from connecteurs.conformite.loader import load_subject
from connecteurs.conformite.subject import ConformanceSubject
from connecteurs.errors import ConnecteurError
from connecteurs.models import Interaction, ThreadEvent

WEBHOOK_CONNECTORS = [
    name
    for name in ("meta", "x", "mastodon", "linkedin", "tiktok", "email", "webhook", "jsonl")
    if Capability.WEBHOOK in load_subject(name).connecteur.manifest.capabilities
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def mutate(document: Any, path: list[int], value: Any) -> Any:
    """``document`` with the leaf or branch chosen by ``path`` replaced by ``value``."""
    if not path or not isinstance(document, dict | list) or not document:
        return value
    if isinstance(document, dict):
        key = list(document)[path[0] % len(document)]
        return {**document, key: mutate(document[key], path[1:], value)}
    index = path[0] % len(document)
    return [*document[:index], mutate(document[index], path[1:], value), *document[index + 1 :]]


def outcome(subject: ConformanceSubject, request: WebhookRequest) -> list[Interaction] | None:
    """``parse``'s answer (``None``: a typed error). ``parse_events`` then reads the same
    delivery, as the gateway does, and must answer thread events of the subject's account or
    a typed error."""

    async def main() -> list[Interaction] | None:
        async with subject.open(subject.context()) as harness:
            found: list[Interaction] | None
            try:
                found = await harness.connector.parse(request)
            except ConnecteurError:
                found = None
            try:
                events = await harness.connector.parse_events(request)
            except ConnecteurError:
                events = []
            for event in events:
                assert isinstance(event, ThreadEvent)
                assert event.account == subject.account
            return found

    return asyncio.run(main())


def events_outcome(
    subject: ConformanceSubject, request: WebhookRequest
) -> list[ThreadEvent] | None:
    async def main() -> list[ThreadEvent] | None:
        async with subject.open(subject.context()) as harness:
            try:
                return await harness.connector.parse_events(request)
            except ConnecteurError:
                return None

    return asyncio.run(main())


def check_events(subject: ConformanceSubject, events: list[ThreadEvent] | None) -> None:
    for event in events or []:
        assert isinstance(event, ThreadEvent)
        assert event.account == subject.account
        assert event.subject_id


@pytest.mark.parametrize("name", WEBHOOK_CONNECTORS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=300))
def test_random_bytes(name: str, body: bytes) -> None:
    subject = load_subject(name)
    request = subject.deliveries[0].model_copy(update={"body": body})
    found = outcome(subject, request)
    assert found is None or all(isinstance(i, Interaction) for i in found)
    check_events(subject, events_outcome(subject, request))


@pytest.mark.parametrize("name", WEBHOOK_CONNECTORS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_documented_payload_with_one_part_changed(name: str, data: st.DataObject) -> None:
    subject = load_subject(name)
    delivery = data.draw(st.sampled_from(list(subject.deliveries)))
    try:
        document = json.loads(delivery.body)
    except ValueError:
        pytest.skip(f"{name} deliveries are not JSON")
    path = data.draw(st.lists(st.integers(min_value=0, max_value=50), max_size=6))
    changed = mutate(document, path, data.draw(json_values))
    request = delivery.model_copy(update={"body": json.dumps(changed).encode()})
    found = outcome(subject, request)
    for item in found or []:
        assert item.account == subject.account
        assert item.id == Interaction.make_id(item.platform, item.account, item.external_id)
    check_events(subject, events_outcome(subject, request))
