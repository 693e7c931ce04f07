"""The jsonl connector's channel health and re-authorization guidance, and its thread-event
lines (its parsing, outbox and idempotency are otherwise exercised by the integration tests
through tests/helpers.py)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connecteurs.base import AccountContext, WebhookRequest
from connecteurs.errors import MalformedPayload
from connecteurs.jsonl import (
    JsonlConnecteur,
    JsonlOptions,
    parse_event_lines,
    parse_lines,
    read_lines,
    read_outbox,
)
from connecteurs.jsonl.conformite import ACCOUNT, SECRET, subject
from connecteurs.models import Interaction, Platform, ThreadEventKind


def connector(outbox: Path) -> JsonlConnecteur:
    context = AccountContext(
        account=ACCOUNT,
        secrets={"signing_secret": SECRET},
        options=JsonlOptions(outbox=outbox),
    )
    return JsonlConnecteur(context)


def target() -> Interaction:
    """The conformance subject's target (``c-100``)."""
    found = subject().target
    assert found is not None
    return found


async def test_health_of_a_writable_outbox_writes_no_entry(tmp_path: Path) -> None:
    outbox = tmp_path / "new" / "outbox.jsonl"
    check = await connector(outbox).check_health()
    assert check.scopes_missing == ()
    # No token, nothing to subscribe to: not known, never guessed.
    assert (check.token_valid, check.token_expires_at, check.subscription_active) == (
        None,
        None,
        None,
    )
    assert check.detail == f"the outbox {outbox} can be written"
    # The folder and lock file an append makes first exist; the outbox holds no entry.
    assert outbox.parent.is_dir() and not outbox.exists()
    await connector(outbox).reply(target(), "Oui", idempotency_key="k")
    assert len(read_outbox(outbox)) == 1
    assert (await connector(outbox).check_health()).scopes_missing == ()
    assert len(read_outbox(outbox)) == 1


async def test_health_of_an_outbox_under_a_file_names_the_missing_permission(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    outbox = blocker / "outbox.jsonl"
    check = await connector(outbox).check_health()
    assert check.scopes_missing == (f"write:{blocker}",)
    assert "cannot be written" in check.detail and "Error" in check.detail
    # And the action it warns about does fail.
    with pytest.raises(OSError):
        await connector(outbox).reply(target(), "Oui", idempotency_key="k")


async def test_health_of_an_outbox_that_is_a_folder(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.jsonl"
    outbox.mkdir()
    check = await connector(outbox).check_health()
    assert check.scopes_missing == (f"write:{tmp_path}",)
    assert "IsADirectoryError" in check.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits")
async def test_health_of_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        check = await connector(folder / "outbox.jsonl").check_health()
    finally:
        folder.chmod(0o700)
    assert check.scopes_missing == (f"write:{folder}",)
    assert "PermissionError" in check.detail


def test_reauthorize_names_the_secret_and_the_outbox_permission() -> None:
    guidance = JsonlConnecteur.manifest.reauthorize
    assert "signing_secret" in guidance and "write permission" in guidance
    assert SECRET not in guidance


# -- thread-event lines ---------------------------------------------------------------------

QUESTION = {
    "external_id": "c-200",
    "text": "Is the Thursday group still on?",
    "author": {"id": "u-3", "handle": "noor"},
}
ANSWERED = {
    "thread_event": "answered",
    "subject_id": "c-200",
    "ref": "app-reply-7",
    "author": {"id": "demo", "handle": "page"},
    "text": "Yes, 6 pm as usual.",
    "at": "2026-11-03T15:20:00Z",
}
EDITED = {
    "thread_event": "edited",
    "subject_id": "c-200",
    "text": "Is the Thursday group still on? And on Friday?",
    "at": "2026-11-03T15:10:00+01:00",
}


def lines(*documents: Mapping[str, object]) -> bytes:
    return "\n".join(json.dumps(d) for d in documents).encode()


def delivery(body: bytes) -> WebhookRequest:
    return WebhookRequest.make(body, {"content-type": "application/x-ndjson"})


async def test_thread_event_lines_are_events_not_interactions(tmp_path: Path) -> None:
    request = delivery(lines(QUESTION, ANSWERED, EDITED))
    [question] = await connector(tmp_path / "o.jsonl").parse(request)
    answered, edited = await connector(tmp_path / "o.jsonl").parse_events(request)
    assert question.external_id == "c-200"
    assert answered.kind is ThreadEventKind.ANSWERED and answered.ref == "app-reply-7"
    assert answered.author is not None and answered.author.handle == "page"
    assert answered.at == datetime(2026, 11, 3, 15, 20, tzinfo=UTC)
    assert edited.kind is ThreadEventKind.EDITED
    assert edited.at == datetime(2026, 11, 3, 14, 10, tzinfo=UTC)
    assert edited.detail == "jsonl line (edited)"
    for event in (answered, edited):
        assert (event.platform, event.account) == (Platform.JSONL, ACCOUNT)
        assert event.workflow_id == question.workflow_id
    again = await connector(tmp_path / "o.jsonl").parse_events(request)
    assert [e.key for e in again] == [answered.key, edited.key]


async def test_a_delivery_of_events_only_is_no_malformed_body(tmp_path: Path) -> None:
    request = delivery(lines(ANSWERED))
    assert await connector(tmp_path / "o.jsonl").parse(request) == []
    assert len(await connector(tmp_path / "o.jsonl").parse_events(request)) == 1


def test_the_file_helpers_split_interactions_and_events() -> None:
    body = lines(QUESTION, {**ANSWERED, "account": "other", "at": "2026-11-03T15:20:00"})
    assert [i.external_id for i in parse_lines(body, ACCOUNT)] == ["c-200"]
    [event] = parse_event_lines(body, ACCOUNT)
    assert event.account == "other" and event.at.tzinfo is not None
    interactions, events = read_lines(body, ACCOUNT)
    assert len(interactions) == len(events) == 1


@pytest.mark.parametrize(
    ("line", "where"),
    [
        (
            {"thread_event": "liked", "subject_id": "c-1", "at": "2026-11-03T15:20:00Z"},
            "thread_event",
        ),
        ({"thread_event": "deleted", "at": "2026-11-03T15:20:00Z"}, "subject_id"),
        ({"thread_event": "deleted", "subject_id": "c-1"}, "at"),
        ({**ANSWERED, "typo": 1}, "typo"),
    ],
)
async def test_a_bad_event_line_is_named(
    tmp_path: Path, line: dict[str, object], where: str
) -> None:
    request = delivery(lines(QUESTION, line))
    for parse in (
        connector(tmp_path / "o.jsonl").parse,
        connector(tmp_path / "o.jsonl").parse_events,
    ):
        with pytest.raises(MalformedPayload, match=f"line 2: {where}"):
            await parse(request)
