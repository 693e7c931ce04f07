"""`passerelle dev`: the local stack a developer starts, stops and starts again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
from pathlib import Path

from tests.helpers import eventually
from tests.integration.test_cli import PASSERELLE, run_cli


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_dev(cwd: Path, port: int) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        PASSERELLE,
        "dev",
        "--temporal-port",
        str(port),
        cwd=cwd,
        env={k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    dev_file = cwd / ".passerelle" / "dev.json"

    async def ready() -> bool:
        if process.returncode is not None:
            raise AssertionError(f"passerelle dev exited with {process.returncode}")
        return dev_file.exists()

    await eventually(ready, timeout=60, what="passerelle dev to write .passerelle/dev.json")
    return process


async def stop_dev(process: asyncio.subprocess.Process) -> int:
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.communicate(), 60)
    return process.returncode if process.returncode is not None else -1


async def test_dev_stack_serves_the_cli_and_survives_a_restart(tmp_path: Path) -> None:
    port = free_port()
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"external_id": "d1", "text": "Where can I find the replay?", '
        '"author": {"id": "u1", "handle": "jamie"}}\n'
    )
    process = await start_dev(tmp_path, port)
    try:
        stack = json.loads((tmp_path / ".passerelle" / "dev.json").read_text())
        assert stack["temporal_address"] == f"127.0.0.1:{port}"
        code, _, stderr = await run_cli("ingest", str(events), cwd=tmp_path)
        assert code == 0, stderr

        async def waiting() -> bool:
            code, stdout, _ = await run_cli("show", "jsonl:local:d1", "--json", cwd=tmp_path)
            return code == 0 and json.loads(stdout)["status"]["state"] == "awaiting_response"

        await eventually(waiting, timeout=30, what="d1 to await a response")
    finally:
        assert await stop_dev(process) == 0
    assert not (tmp_path / ".passerelle" / "dev.json").exists()
    assert (tmp_path / ".passerelle" / "temporal.db").exists()

    process = await start_dev(tmp_path, port)
    try:
        code, stdout, stderr = await run_cli("list", "--json", cwd=tmp_path)
        assert code == 0, stderr
        assert [r["id"] for r in json.loads(stdout)] == ["jsonl:local:d1"]
        code, _, stderr = await run_cli("answer", "jsonl:local:d1", "On YouTube.", cwd=tmp_path)
        assert code == 0, stderr
        code, stdout, _ = await run_cli("show", "jsonl:local:d1", "--json", cwd=tmp_path)
        assert json.loads(stdout)["status"]["state"] == "answered"
    finally:
        assert await stop_dev(process) == 0
    outbox = (tmp_path / ".passerelle" / "outbox.jsonl").read_text().splitlines()
    assert [json.loads(line)["text"] for line in outbox] == ["On YouTube."]
