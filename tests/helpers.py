"""Test helpers: a config per test (own account, task queue and files) and pollers."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowQueryFailedError
from temporalio.service import RPCError

from connecteurs.jsonl import read_outbox
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from passerelle import operations
from passerelle.config import Config, parse
from passerelle.deliver import Delivery, deliver
from workflows.models import InteractionStatus


@dataclass
class Setup:
    config: Config
    account: str
    outbox: Path
    notifications: Path
    records: Path
    path: Path  # the same config as a file, for the command line

    def interaction(
        self,
        external_id: str,
        text: str,
        *,
        kind: InteractionKind = InteractionKind.COMMENT,
        thread_id: str | None = None,
        locale: str | None = None,
        handle: str = "someone",
    ) -> Interaction:
        now = datetime.now(UTC)
        return Interaction(
            id=Interaction.make_id(Platform.JSONL, self.account, external_id),
            platform=Platform.JSONL,
            account=self.account,
            external_id=external_id,
            kind=kind,
            author=Author(id=f"id-{handle}", handle=handle, locale=locale),
            text=text,
            thread_id=thread_id,
            parent_id=thread_id,
            created_at=now,
            received_at=now,
        )

    def ref(self, external_id: str) -> str:
        return Interaction.make_id(Platform.JSONL, self.account, external_id)

    async def deliver(self, client: Client, interaction: Interaction) -> Delivery:
        return await deliver(client, interaction, self.config.policy(), self.config.task_queue)

    def outbox_lines(self) -> list[dict[str, Any]]:
        return read_outbox(self.outbox)

    def notification_lines(self) -> list[dict[str, Any]]:
        return read_outbox(self.notifications)


def make_setup(
    tmp_path: Path,
    extra_toml: str = "",
    sla: dict[str, str] | None = None,
    targets: dict[str, str] | None = None,
) -> Setup:
    """A config of its own for one test: unique account and task queue, files in tmp_path.

    ``targets`` replaces the body of some ``[targets.NAME]`` tables (default: ``log``).
    """
    run = uuid.uuid4().hex[:10]
    account = f"t-{run}"
    sla = {"P1": "15m", "P2": "1h", "P3": "4h", "P4": "24h"} | (sla or {})
    # a value is a first-response duration, or the body of the [sla.Px] table
    bodies = {p: v if "=" in v else f'first_response = "{v}"' for p, v in sla.items()}
    sla_toml = "\n".join(f"[sla.{p}]\n{body}\n" for p, body in bodies.items())
    notifications = tmp_path / "notifications.jsonl"
    logged = f'notifier = "log"\noptions = {{ path = "{notifications.as_posix()}" }}'
    bodies_by_target = {name: logged for name in ("on-call", "team-lead", "manager")}
    targets_toml = "\n".join(
        f"[targets.{name}]\n{body}\n" for name, body in (bodies_by_target | (targets or {})).items()
    )
    text = f"""
task_queue = "tq-{run}"
records = "{(tmp_path / "records.jsonl").as_posix()}"
{extra_toml}

[[accounts]]
connector = "jsonl"
platform = "jsonl"
account = "{account}"
options = {{ outbox = "{(tmp_path / "outbox.jsonl").as_posix()}" }}

{targets_toml}
{sla_toml}
"""
    path = tmp_path / "passerelle.toml"
    path.write_text(text, encoding="utf-8")
    return Setup(
        path=path,
        config=parse(text, "test.toml"),
        account=account,
        outbox=tmp_path / "outbox.jsonl",
        notifications=notifications,
        records=tmp_path / "records.jsonl",
    )


async def eventually(
    probe: Callable[[], Awaitable[bool]], timeout: float = 20.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while not await probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.1)


async def wait_status(
    client: Client,
    reference: str,
    predicate: Callable[[InteractionStatus], bool],
    timeout: float = 20.0,
) -> InteractionStatus:
    seen: list[InteractionStatus] = []

    async def probe() -> bool:
        try:
            status = await operations.status(client, reference)
        except (RPCError, WorkflowQueryFailedError):
            return False  # not yet started by a worker
        seen[:] = [status]
        return not status.busy and predicate(status)

    try:
        await eventually(probe, timeout, f"{reference} to reach the expected status")
    except AssertionError as err:
        raise AssertionError(f"{err}; last status: {seen[-1] if seen else None}") from None
    return seen[-1]
