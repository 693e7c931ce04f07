"""Audit: export interaction histories, read their story from the history alone, replay them.

Every decision the workflow makes is also written into its history as a memo upsert (one
``timeline.NNNNN`` key per entry), so an exported file tells who decided what, when and why
without Temporal, a worker, or this version of the code. Histories from before those records
existed are read from their raw events (start input, signals, activity results, Updates).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from connecteurs.models import ActionResult, Classification, Interaction
from passerelle import __version__
from passerelle.codec import (
    ENCODING,
    KEY_FILE_ENV,
    CodecError,
    codec_from_environment,
    data_converter,
    decode_history,
)
from workflows.interaction import InteractionWorkflow
from workflows.models import (
    TIMELINE_MEMO_PREFIX,
    InteractionStart,
    TimelineEntry,
)

MANIFEST = "manifest.json"
T = TypeVar("T")


def _decode(payload: Payload, kind: type[T]) -> T:
    if payload.metadata.get("encoding") == ENCODING:
        raise CodecError(f"this history is encrypted: set {KEY_FILE_ENV} to its key file")
    [value] = pydantic_data_converter.payload_converter.from_payloads([payload], [kind])
    return value  # type: ignore[no-any-return]


def _first(payloads: Payloads, kind: type[T]) -> T | None:
    return _decode(payloads.payloads[0], kind) if payloads.payloads else None


def load_history(path: Path) -> WorkflowHistory:
    """A history exported by ``audit export`` (or by ``temporal workflow show -o json``)."""
    text = path.read_text(encoding="utf-8")
    manifest = path.parent / MANIFEST
    own = path.with_name(f"{path.stem}.{MANIFEST}")
    if own.exists():
        manifest = own
    workflow_id = path.stem
    if manifest.exists():
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
        workflow_id = next((f["workflow_id"] for f in files if f["file"] == path.name), path.stem)
    return WorkflowHistory.from_json(workflow_id, text)


def start_of(history: WorkflowHistory) -> InteractionStart:
    first = history.events[0]
    if first.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        raise ValueError("not a workflow history: the first event is not the start")
    start = _first(first.workflow_execution_started_event_attributes.input, InteractionStart)
    if start is None:
        raise ValueError("the history has no start input")
    return start


def recorded_timeline(history: WorkflowHistory) -> list[TimelineEntry]:
    """The decision records the workflow wrote into its history, in order."""
    entries: dict[str, TimelineEntry] = {}
    for event in history.events:
        if event.event_type != EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
            continue
        fields = event.workflow_properties_modified_event_attributes.upserted_memo.fields
        for key, payload in fields.items():
            if key.startswith(TIMELINE_MEMO_PREFIX):
                entries[key] = _decode(payload, TimelineEntry)
    return [entries[key] for key in sorted(entries)]


def reconstructed_timeline(history: WorkflowHistory) -> list[TimelineEntry]:
    """For histories without decision records: what the raw events say."""
    start = start_of(history)
    entries = [_received(start.interaction, "received", history.events[0])]
    scheduled: dict[int, str] = {}
    for event in history.events[1:]:
        at = event.event_time.ToDatetime(tzinfo=UTC)
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled_attributes = event.activity_task_scheduled_event_attributes
            scheduled[event.event_id] = scheduled_attributes.activity_type.name
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            completed = event.activity_task_completed_event_attributes
            name = scheduled.get(completed.scheduled_event_id, "activity")
            entries.extend(_activity_entry(name, completed.result, at))
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
            failed = event.activity_task_failed_event_attributes
            name = scheduled.get(failed.scheduled_event_id, "activity")
            summary = f"{name}: {failed.failure.message}"
            entries.append(
                TimelineEntry(at=at, event="parked", actor="passerelle", summary=summary)
            )
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            signal = event.workflow_execution_signaled_event_attributes
            follow_up = _first(signal.input, Interaction)
            if follow_up is not None:
                entries.append(_received(follow_up, "follow_up", event))
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
            args = request.input.args
            request_body = _decode(args.payloads[0], dict) if args.payloads else {}
            actor = request_body.get("actor", "unknown")
            entries.append(
                TimelineEntry(
                    at=at,
                    event=request.input.name,
                    actor=str(actor),
                    summary=f"{request.input.name} by {actor}",
                )
            )
        elif kind == EventType.EVENT_TYPE_TIMER_FIRED:
            entries.append(
                TimelineEntry(
                    at=at,
                    event="timer_fired",
                    actor="passerelle",
                    summary="a deadline or wait ended",
                )
            )
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
            entries.append(
                TimelineEntry(
                    at=at, event="completed", actor="passerelle", summary="the interaction ended"
                )
            )
    return entries


def _received(message: Interaction, event: str, source: HistoryEvent) -> TimelineEntry:
    return TimelineEntry(
        at=source.event_time.ToDatetime(tzinfo=UTC),
        event=event,
        actor=f"{message.platform.value}:{message.author.handle}",
        summary=f"{message.kind.value} from @{message.author.handle}: {message.text[:140]}",
        data={"interaction_id": message.id, "author": message.author.handle},
    )


def _activity_entry(name: str, result: Payloads, at: datetime) -> Iterator[TimelineEntry]:
    if not result.payloads:
        return
    if name == "classify":
        classification = _first(result, Classification)
        if classification is not None:
            categories = sorted(c.value for c in classification.categories)
            yield TimelineEntry(
                at=at,
                event="classified",
                actor=classification.classifier,
                summary=f"{', '.join(categories)}; risk {classification.risk.value}",
                data={"categories": categories, "reasons": list(classification.reasons)},
            )
        return
    outcome = _first(result, ActionResult)
    if outcome is not None:
        yield TimelineEntry(
            at=at,
            event=outcome.action,
            actor="passerelle",
            summary=f"{outcome.action}: {'ok' if outcome.ok else 'failed'} "
            f"({outcome.platform_ref or outcome.error})",
        )


def timeline_of(history: WorkflowHistory) -> tuple[list[TimelineEntry], bool]:
    """The timeline, and whether it came from recorded decisions (else raw events)."""
    recorded = recorded_timeline(history)
    return (recorded, True) if recorded else (reconstructed_timeline(history), False)


def redact(entries: Iterable[TimelineEntry], handles: Iterable[str]) -> list[TimelineEntry]:
    """Author handles replaced by stable pseudonyms, for exports that leave the team."""
    names = {h: f"author-{hashlib.sha256(h.encode()).hexdigest()[:8]}" for h in handles if h}

    def scrub(text: str) -> str:
        for handle, alias in names.items():
            text = text.replace(handle, alias)
        return text

    cleaned = []
    for entry in entries:
        data = json.loads(scrub(json.dumps(entry.data, ensure_ascii=False)))
        cleaned.append(
            entry.model_copy(
                update={"actor": scrub(entry.actor), "summary": scrub(entry.summary), "data": data}
            )
        )
    return cleaned


def authors_in(history: WorkflowHistory) -> set[str]:
    handles = {start_of(history).interaction.author.handle}
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            message = _first(event.workflow_execution_signaled_event_attributes.input, Interaction)
            if message is not None:
                handles.add(message.author.handle)
    return handles


def markdown(workflow_id: str, entries: list[TimelineEntry], timezone: str) -> str:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)
    lines = [
        f"# {workflow_id}",
        "",
        f"Times in {timezone}.",
        "",
        "| time | event | actor | what |",
        "|---|---|---|---|",
    ]
    for entry in entries:
        when = entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        what = entry.summary.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {when} | {entry.event} | {entry.actor} | {what} |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ export


@dataclass
class ExportedFile:
    workflow_id: str
    file: str
    sha256: str
    events: int
    classifiers: list[str]
    policy_sha256: str


@dataclass
class Manifest:
    passerelle_version: str
    exported_at: str
    query: str | None
    files: list[ExportedFile] = field(default_factory=list)
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "passerelle_version": self.passerelle_version,
            "exported_at": self.exported_at,
            "query": self.query,
            "truncated": self.truncated,
            "classifiers": sorted({c for f in self.files for c in f.classifiers}),
            "config_sha256": sorted({f.policy_sha256 for f in self.files}),
            "files": [f.__dict__ for f in self.files],
        }


def file_name(workflow_id: str) -> str:
    return workflow_id.replace("/", "__") + ".json"


async def describe_export(workflow_id: str, text: str, name: str) -> ExportedFile:
    history = WorkflowHistory.from_json(workflow_id, text)
    await decode_history(history, codec_from_environment())
    entries, _ = timeline_of(history)
    start_of(history)  # refuse what is not an interaction history
    # The start input as stored, not as re-serialized by today's code: stable across versions.
    raw_start = history.events[0].workflow_execution_started_event_attributes.input.payloads[0]
    return ExportedFile(
        workflow_id=workflow_id,
        file=name,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        events=len(history.events),
        classifiers=sorted({e.actor for e in entries if e.event == "classified"}),
        policy_sha256=hashlib.sha256(raw_start.data).hexdigest(),
    )


async def fetch_json(client: Client, workflow_id: str) -> str:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return history.to_json()


async def export(
    client: Client,
    workflow_ids: list[str],
    directory: Path,
    query: str | None,
    *,
    manifest_name: str = MANIFEST,
    truncated: bool = False,
) -> Manifest:
    """Write each history and the manifest into ``directory`` (which must exist)."""
    manifest = Manifest(__version__, datetime.now(UTC).isoformat(), query, truncated=truncated)
    for workflow_id in workflow_ids:
        text = await fetch_json(client, workflow_id)
        name = file_name(workflow_id)
        (directory / name).write_text(text, encoding="utf-8")
        manifest.files.append(await describe_export(workflow_id, text, name))
    (directory / manifest_name).write_text(
        json.dumps(manifest.to_json(), indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return manifest


# ------------------------------------------------------------------------------ replay


@dataclass
class ReplayOutcome:
    file: str
    workflow_id: str
    ok: bool
    divergence: str | None = None
    needs_key: bool = False


def history_files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.glob("*.json")) if not p.name.endswith(MANIFEST))
        else:
            found.append(path)
    return found


async def replay(paths: Iterable[Path]) -> list[ReplayOutcome]:
    """Replay each history against the installed workflow code; never raises per history."""
    codec = codec_from_environment()
    replayer = Replayer(workflows=[InteractionWorkflow], data_converter=data_converter(codec))
    outcomes = []
    for path in history_files(paths):
        try:
            history = load_history(path)
        except (OSError, ValueError) as err:
            outcomes.append(ReplayOutcome(str(path), "", False, f"unreadable: {err}"))
            continue
        first = history.events[0].workflow_execution_started_event_attributes.input.payloads
        if first and first[0].metadata.get("encoding") == ENCODING and codec is None:
            message = f"encrypted: set {KEY_FILE_ENV} to its key file"
            outcomes.append(ReplayOutcome(str(path), history.workflow_id, False, message, True))
            continue
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        failure = result.replay_failure
        outcomes.append(
            ReplayOutcome(
                str(path),
                history.workflow_id,
                failure is None,
                None if failure is None else f"{type(failure).__name__}: {failure}",
            )
        )
    return outcomes
