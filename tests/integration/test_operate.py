"""Operating on a cluster: `passerelle setup` explains each failure and registers what is
missing; a `passerelle worker` serves its probes and metrics and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import uuid
from pathlib import Path

import httpx
import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client

from tests.helpers import eventually, make_setup
from tests.integration.test_cli import PASSERELLE, run_cli

pytestmark = pytest.mark.temporal


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def temporal_env(client: Client, namespace: str | None = None) -> dict[str, str]:
    return {
        "TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": namespace or client.namespace,
    }


async def setup_json(tmp_path: Path, env: dict[str, str]) -> tuple[int, dict[str, object]]:
    code, stdout, _ = await run_cli("setup", "--json", cwd=tmp_path, env=env)
    return code, json.loads(stdout)


async def test_setup_registers_missing_attributes_once(client: Client, tmp_path: Path) -> None:
    namespace = f"ns-{uuid.uuid4().hex[:8]}"
    await client.workflow_service.register_namespace(
        RegisterNamespaceRequest(
            namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400)
        )
    )
    env = temporal_env(client, namespace)

    async def first_run() -> bool:  # a new namespace takes a moment to be served
        code, report = await setup_json(tmp_path, env)
        first.append((code, report))
        return code == 0

    first: list[tuple[int, dict[str, object]]] = []
    await eventually(first_run, timeout=30, what="setup to succeed on the new namespace")
    report = first[-1][1]
    again_code, again = await setup_json(tmp_path, env)
    assert report["ok"] is True and "PasserelleState" in report["registered"]  # type: ignore[operator]
    assert again_code == 0 and again["registered"] == []
    steps = {s["name"]: s["detail"] for s in again["steps"]}  # type: ignore[union-attr]
    assert steps["search attributes"] == "all present"


async def test_setup_names_each_failure(client: Client, tmp_path: Path) -> None:
    code, missing_namespace = await setup_json(tmp_path, temporal_env(client, "no-such-ns"))
    assert code == 1
    steps = {s["name"]: s for s in missing_namespace["steps"]}  # type: ignore[union-attr]
    assert steps["connect"]["ok"] is True
    assert "does not exist" in steps["namespace"]["detail"]

    unreachable = {"TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}", "TEMPORAL_NAMESPACE": "default"}
    code, report = await setup_json(tmp_path, unreachable)
    assert code == 1
    assert "cannot reach Temporal" in report["steps"][0]["detail"]  # type: ignore[index]


async def test_worker_serves_probes_and_metrics_and_stops_on_sigterm(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path, '[worker]\ngraceful_shutdown = "2s"\n')
    health, metrics = free_port(), free_port()
    process = await asyncio.create_subprocess_exec(
        PASSERELLE,
        "worker",
        "--health-port",
        str(health),
        "--metrics-port",
        str(metrics),
        cwd=tmp_path,
        env={**os.environ, "PASSERELLE_CONFIG": str(setup.path), **temporal_env(client)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{health}") as http:

            async def ready() -> bool:
                if process.returncode is not None:
                    raise AssertionError(f"the worker exited with {process.returncode}")
                try:
                    return (await http.get("/readyz")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(ready, timeout=60, what="the worker's /readyz")
            alive = await http.get("/healthz")
            await setup.deliver(client, setup.interaction("m1", "Merci pour tout, super atelier !"))

            async def counted() -> bool:
                text = (await http.get(f"http://127.0.0.1:{metrics}/metrics")).text
                return (
                    "passerelle_classification_latency_count" in text
                    and "passerelle_interaction_transitions" in text
                    and "passerelle_channel_health{" in text
                )

            await eventually(counted, timeout=30, what="Passerelle's metrics")
            exposition = (await http.get(f"http://127.0.0.1:{metrics}/metrics")).text
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert alive.json()["task_queue"] == setup.config.task_queue
    assert "temporal_worker_task_slots_available" in exposition
    assert "passerelle_interaction_transitions_total{" in exposition or (
        "passerelle_interaction_transitions{" in exposition
    )
    # The worker started the account's health check, which reports through the gauge.
    [gauge] = [
        line
        for line in exposition.splitlines()
        if line.startswith("passerelle_channel_health{") and setup.account in line
    ]
    assert 'platform="jsonl"' in gauge and gauge.rsplit(" ", 1)[1] in {"0", "0.0"}, gauge
    assert process.returncode == 0
