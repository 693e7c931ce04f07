"""Temporal down behind a running gateway: deliveries get 503 (the platform retries), and
after the server comes back the retried delivery is accepted once — the gateway itself is
served by uvicorn on 127.0.0.1, as in production."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from connecteurs.signatures import SIGNATURE_HEADER, sign
from connecteurs.webhook.conformite import SECRET
from passerelle import devserver
from passerelle.config import parse
from passerelle.gateway.serve import GATEWAY_RETRY, gateway_for, uvicorn_server
from passerelle.temporal import connect
from tests.helpers import eventually

pytestmark = pytest.mark.temporal

CONFIG = """
task_queue = "outage"

[[accounts]]
connector = "webhook"
platform = "webhook"
account = "crm"
secrets = { signing_secret = "env:OUTAGE_SIGNING_SECRET" }

[sla.P1]
first_response = "15m"
[sla.P2]
first_response = "1h"
[sla.P3]
first_response = "4h"
[sla.P4]
first_response = "1d"
"""


URL = "/webhooks/webhook/crm"


async def runs_of(client: Client, external_id: str) -> list[object]:
    query = f"WorkflowId = 'interaction/webhook/crm/{external_id}'"
    return [w async for w in client.list_workflows(query)]


def signed(external_id: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {"external_id": external_id, "text": "Bonjour ?", "author": {"id": "a", "handle": "a"}}
    ).encode()
    return body, {
        "content-type": "application/json",
        SIGNATURE_HEADER: sign(SECRET, body, int(time.time())),
    }


async def test_503_while_temporal_is_down_then_accepted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUTAGE_SIGNING_SECRET", SECRET)
    database = tmp_path / "temporal.db"
    port = devserver.free_port()
    env = await devserver.start(database, port=port)
    client = await connect(f"127.0.0.1:{port}", "default", lazy=True, retry_config=GATEWAY_RETRY)
    gateway_port = devserver.free_port()
    gateway = gateway_for(parse(CONFIG, "outage.toml"), client)
    server = uvicorn_server(gateway, "127.0.0.1", gateway_port, embedded=True)
    serving = asyncio.create_task(server.serve())

    async def listening() -> bool:
        return bool(server.started)

    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gateway_port}") as http:

            async def deliver(body: bytes, headers: dict[str, str]) -> httpx.Response:
                return await http.post(URL, content=body, headers=headers, timeout=30)

            await eventually(listening, what="the gateway to listen")
            before = await deliver(*signed("before-outage"))

            await env.shutdown()
            body, headers = signed("during-outage")
            down = await deliver(body, headers)
            not_ready = await http.get("/readyz")

            env = await devserver.start(database, port=port)
            retried = await deliver(body, headers)
            for _ in range(50):  # the platform's retries, until the client has reconnected
                if retried.status_code == 200:
                    break
                await asyncio.sleep(0.2)
                retried = await deliver(body, headers)
            again = await deliver(body, headers)
        runs = await runs_of(env.client, "during-outage")
        survived = await runs_of(env.client, "before-outage")
    finally:
        server.should_exit = True
        await serving
        await env.shutdown()
    assert before.status_code == 200
    assert down.status_code == 503 and down.headers["retry-after"]
    assert "Temporal is unavailable" in down.json()["error"]
    assert not_ready.status_code == 503
    assert retried.status_code == 200
    assert retried.json()["outcomes"] == ["started"]
    assert again.json()["outcomes"] == ["duplicate"]
    assert len(runs) == 1 and len(survived) == 1  # the SQLite file kept the first one
