"""A faulty platform for ``passerelle bench chaos``: the jsonl connector (its outbox is the
platform's log, one entry per idempotency key) answering 429, 500 or a timeout to a seeded
share of calls.

Each decision is a pure function of (seed, idempotency key, activity attempt), so a run is
reproducible and a retry of a failed call gets a fresh draw. The timeout is the interesting
fault: the post lands, then the answer is lost, so the retry must find the earlier post
through its idempotency key instead of posting again. Every injected fault is appended to a
JSON Lines file that the bench counts (the workers are other processes).

Workers load it as a connector plugin named ``chaos``: :func:`plugin_site` writes the
``dist-info`` folder that registers the entry point, to put on the workers' PYTHONPATH
(Passerelle's own pyproject stays untouched).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import uuid
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field
from temporalio import activity

from connecteurs.base import Manifest
from connecteurs.errors import RateLimited, TransientError
from connecteurs.jsonl import JsonlConnecteur, JsonlOptions
from connecteurs.models import ActionResult, Interaction

NAME = "chaos"
ENTRY_POINT = f"{NAME} = passerelle.bench.chaos_platform:ChaosConnecteur"


class Fault(StrEnum):
    RATE_LIMITED = "rate_limited"  # 429 before anything is written
    SERVER_ERROR = "server_error"  # 500 before anything is written
    TIMEOUT_AFTER_WRITE = "timeout_after_write"  # written, then no answer


class ChaosOptions(JsonlOptions):
    seed: int = Field(default=0, description="Seed of the fault decisions.")
    fault_rate: float = Field(default=0.1, ge=0.0, le=1.0, description="Share of calls failed.")
    faults: Path | None = Field(default=None, description="JSON Lines file of injected faults.")
    retry_after: float = Field(default=0.5, ge=0.0, description="Retry-After of a 429, seconds.")
    latency: float = Field(default=0.0, ge=0.0, description="Seconds each call takes.")
    in_flight: Path | None = Field(
        default=None, description="Folder holding one file per call under way, named by pid."
    )


def decide(seed: int, key: str, attempt: int, rate: float) -> Fault | None:
    """The fault for this call, if any: the same inputs always give the same answer."""
    digest = hashlib.sha256(f"{seed}:{key}:{attempt}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") / 2**64
    if draw >= rate:
        return None
    faults = list(Fault)
    return faults[digest[8] % len(faults)]


def read_faults(path: Path) -> Counter[str]:
    """Injected faults by kind; a line torn by a SIGKILL mid-write is skipped."""
    counts: Counter[str] = Counter()
    if not path.exists():
        return counts
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            counts[str(json.loads(line)["fault"])] += 1
        except (ValueError, KeyError, TypeError):
            continue
    return counts


def plugin_site(folder: Path) -> Path:
    """A folder that, on PYTHONPATH, makes the ``chaos`` connector an installed plugin."""
    dist = folder / "passerelle_bench_chaos-0.1.0.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: passerelle-bench-chaos\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        f"[passerelle.connecteurs]\n{ENTRY_POINT}\n", encoding="utf-8"
    )
    return folder


class ChaosConnecteur(JsonlConnecteur):
    manifest: ClassVar[Manifest] = JsonlConnecteur.manifest.model_copy(
        update={
            "name": NAME,
            "options_model": ChaosOptions,
            "documentation": ("passerelle/bench/chaos_platform.py",),
        }
    )

    async def _emit(
        self, action: str, interaction: Interaction, idempotency_key: str, **fields: Any
    ) -> ActionResult:
        options = self.context.options
        if not isinstance(options, ChaosOptions):
            return await super()._emit(action, interaction, idempotency_key, **fields)
        marker = None
        if options.in_flight is not None:
            # The bench kills a worker while it has a call under way (a kill between calls
            # tests little): it finds which worker by these files' names.
            marker = options.in_flight / f"{os.getpid()}-{uuid.uuid4().hex}"
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        try:
            return await self._call(options, action, interaction, idempotency_key, **fields)
        finally:
            if marker is not None:
                marker.unlink(missing_ok=True)

    async def _call(
        self,
        options: ChaosOptions,
        action: str,
        interaction: Interaction,
        idempotency_key: str,
        **fields: Any,
    ) -> ActionResult:
        # A real platform takes a few hundred ms, half on the way there, half on the way
        # back: a worker killed mid-call dies before or after its post landed.
        await asyncio.sleep(options.latency / 2)
        attempt = activity.info().attempt if activity.in_activity() else 1
        fault = decide(options.seed, idempotency_key, attempt, options.fault_rate)
        if fault is not None:
            self._count(options, fault, action, idempotency_key, attempt)
        if fault is Fault.RATE_LIMITED:
            raise RateLimited(options.retry_after, "429 Too Many Requests (chaos)")
        if fault is Fault.SERVER_ERROR:
            raise TransientError("500 Internal Server Error (chaos)")
        result = await super()._emit(action, interaction, idempotency_key, **fields)
        await asyncio.sleep(options.latency / 2)
        if fault is Fault.TIMEOUT_AFTER_WRITE:
            # Not a real hang past the 60 s activity timeout: the effect on the retry (the
            # post exists already) is the same, and the run stays bounded.
            raise TransientError("timeout: the platform did not answer (chaos)")
        return result

    @staticmethod
    def _count(options: ChaosOptions, fault: Fault, action: str, key: str, attempt: int) -> None:
        if options.faults is None:
            return
        line = json.dumps({"fault": fault.value, "action": action, "key": key, "attempt": attempt})
        # One O_APPEND write per line: workers in several processes never interleave lines.
        fd = os.open(options.faults, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
