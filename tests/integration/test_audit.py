"""Audit from the command line: export, timeline from the history alone, replay."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from temporalio.client import Client

from passerelle import operations
from passerelle.worker import build_runtime, create_worker
from tests.helpers import eventually, make_setup, wait_status
from tests.integration.test_cli import run_cli
from workflows.models import State

QUESTION = "Bonjour, est-ce que l'atelier de jeudi est gratuit ?"
SPAM = "🔥 Gagnez 500$ en bitcoin !!! https://bit.ly/x https://t.co/y"


async def test_export_timeline_and_replay_an_interaction(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path, 'close_answered_after = "1s"\nreopen_window = "1s"')
    env = {"TEMPORAL_ADDRESS": client.service_client.config.target_host}
    ref = setup.ref("au")
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("au", QUESTION, handle="sophie.t"))
        await wait_status(client, ref, lambda s: s.state is State.AWAITING_RESPONSE)
        await operations.answer(client, ref, "Oui, c'est gratuit.", "agent:camille")
        await operations.handle(client, ref).result()
    # No worker from here on: the audit reads the history only.
    exported = tmp_path / "export" / "au.json"
    code, _, stderr = await run_cli(
        "audit", "export", ref, "-o", str(exported), cwd=tmp_path, env=env
    )
    assert code == 0, stderr
    manifest = json.loads((exported.parent / "au.manifest.json").read_text())
    [entry] = manifest["files"]
    assert (
        entry["file"] == "au.json"
        and entry["workflow_id"] == f"interaction/jsonl/{setup.account}/au"
    )
    assert entry["sha256"] == hashlib.sha256(exported.read_bytes()).hexdigest()
    assert manifest["classifiers"] and manifest["classifiers"][0].startswith("mots-cles@")
    assert len(manifest["config_sha256"]) == 1

    code, stdout, stderr = await run_cli("audit", "timeline", str(exported), "--json", cwd=tmp_path)
    assert code == 0, stderr
    timeline = json.loads(stdout)
    assert timeline["source"] == "decision records"
    events = [(e["event"], e["actor"]) for e in timeline["entries"]]
    assert events[:3] == [
        ("received", "jsonl:sophie.t"),
        ("classified", events[1][1]),
        ("decided", "policy:question"),
    ]
    assert ("answered", "agent:camille") in events and events[-1][0] == "closed"
    decided = timeline["entries"][2]["data"]
    assert decided["rule_id"] == "question" and decided["priority"] == "P3"

    code, stdout, _ = await run_cli(
        "audit", "timeline", str(exported), "--markdown", "--redact", cwd=tmp_path
    )
    assert code == 0 and "| received |" in stdout and "sophie.t" not in stdout

    code, stdout, stderr = await run_cli("audit", "timeline", ref, cwd=tmp_path, env=env)
    assert code == 0 and "agent:camille" in stdout  # straight from the server, no worker

    code, _, stderr = await run_cli("audit", "export", ref, cwd=tmp_path, env=env)
    default = tmp_path / f"interaction__jsonl__{setup.account}__au.json"
    assert code == 0, stderr

    def shape(path: Path) -> list[tuple[str, str]]:
        # Map fields (search attributes) serialize in no fixed order: compare the events.
        return [(e["eventId"], e["eventType"]) for e in json.loads(path.read_text())["events"]]

    assert shape(default) == shape(exported)

    code, stdout, stderr = await run_cli("audit", "replay", str(exported.parent), cwd=tmp_path)
    assert code == 0, stdout + stderr
    assert "OK" in stdout and "1/1" in stderr


async def test_export_by_query_and_a_tampered_history_diverges(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path, 'reopen_window = "1s"')
    env = {"TEMPORAL_ADDRESS": client.service_client.config.target_host}
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        for n in range(3):
            delivery = await setup.deliver(client, setup.interaction(f"q{n}", SPAM, handle="bot"))
            await operations.handle(client, delivery.workflow_id).result()
    directory = tmp_path / "by-query"
    prefix = f"interaction/jsonl/{setup.account}/"
    query = f"WorkflowId STARTS_WITH '{prefix}'"

    async def exported_all() -> bool:
        code, stdout, _ = await run_cli(
            "audit",
            "export",
            "--query",
            query,
            "--state",
            "closed",
            "--platform",
            "jsonl",
            "--since",
            "2020-01-01",
            "-o",
            str(directory),
            "--json",
            cwd=tmp_path,
            env=env,
        )
        return code == 0 and len(json.loads(stdout)["files"]) == 3

    await eventually(exported_all, what="visibility to list the three closed interactions")
    code, _, stderr = await run_cli("audit", "replay", str(directory), "--json", cwd=tmp_path)
    assert code == 0, stderr

    # A history whose recorded commands no longer match the code: the spam's hide step
    # renamed, as if the workflow had been changed without workflow.patched.
    victim = sorted(p for p in directory.glob("*.json") if p.name != "manifest.json")[0]
    original = victim.read_text()
    victim.write_text(original.replace('"name": "moderate"', '"name": "reply"', 1))
    assert victim.read_text() != original
    code, stdout, _ = await run_cli("audit", "replay", str(directory), "--json", cwd=tmp_path)
    outcomes = {Path(o["file"]).name: o for o in json.loads(stdout)}
    assert code == 1
    assert not outcomes[victim.name]["ok"]
    assert (
        "reply" in outcomes[victim.name]["divergence"]
        or "moderate" in outcomes[victim.name]["divergence"]
    )
    assert sum(o["ok"] for o in outcomes.values()) == 2
