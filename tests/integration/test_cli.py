"""The `passerelle` command as a user runs it, in a subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from passerelle import devserver
from passerelle.worker import build_runtime, create_worker
from tests.helpers import eventually, make_setup, wait_status
from workflows.models import State

PASSERELLE = str(Path(sys.executable).parent / "passerelle")


async def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        PASSERELLE,
        *args,
        cwd=cwd,
        env={**os.environ, "PASSERELLE_ACTOR": "cli:test", **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 180)
    return process.returncode or 0, stdout.decode(), stderr.decode()


async def test_demo_runs_end_to_end_and_prints_json(tmp_path: Path) -> None:
    env = {k: "" for k in ("TEMPORAL_ADDRESS",)}
    code, stdout, stderr = await run_cli("demo", "--json", cwd=tmp_path, env=env)
    assert code == 0, stderr
    document = json.loads(stdout)  # nothing but the JSON document on stdout
    rows: dict[str, dict[str, Any]] = {
        r["id"].rsplit(":", 1)[1]: r for r in document["interactions"]
    }
    for row in rows.values():
        assert {"id", "state", "categories", "route", "actions", "breached"} <= row.keys()
        assert row["as_expected"], row
    assert len(rows) == 10 and document["summary"]["deliveries"] == 12
    assert rows["crisis"]["state"] == "escalated"
    assert rows["crisis"]["actions"] == ["notify", "direct_message"]
    assert "hide" not in rows["crisis"]["actions"]
    assert [k for k, r in rows.items() if r["breached"]] == ["complaint-en"]
    assert rows["spam"]["actions"] == ["hide"] and rows["insult"]["actions"] == ["hide"]
    assert rows["praise-fr"]["messages"] == 2  # the follow-up reopened the thread
    assert rows["q-en"]["messages"] == 1  # the redelivery started nothing
    outbox = tmp_path / document["summary"]["run_dir"] / "outbox.jsonl"
    assert len(outbox.read_text().splitlines()) == document["summary"]["outbox_actions"] == 6
    # The server is gone; the exported histories still tell the crisis story.
    histories = tmp_path / document["summary"]["histories"]
    assert len(list(histories.glob("interaction__*.json"))) == 10
    [crisis_file] = histories.glob("*__crisis.json")
    code, stdout, stderr = await run_cli(
        "audit", "timeline", str(crisis_file), "--json", cwd=tmp_path
    )
    assert code == 0, stderr
    events = [e["event"] for e in json.loads(stdout)["entries"]]
    assert events == [
        "received",
        "classified",
        "decided",
        "notify",
        "crisis_support",
        "direct_message",
    ]


async def test_list_show_answer_close_from_the_command_line(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    env = {"TEMPORAL_ADDRESS": client.service_client.config.target_host}
    ref = setup.ref("cli1")
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("cli1", "Where can I find the replay?"))
        await wait_status(client, ref, lambda s: s.state is State.AWAITING_RESPONSE)

        async def listed() -> bool:
            code, stdout, _ = await run_cli(
                "list", "--state", "awaiting_response", "--json", cwd=tmp_path, env=env
            )
            return code == 0 and any(r["id"] == ref for r in json.loads(stdout))

        await eventually(listed, what="`passerelle list` to show the interaction")
        code, stdout, stderr = await run_cli(
            "answer", ref, "Here: https://example.org", cwd=tmp_path, env=env
        )
        assert code == 0, stderr
        code, stdout, stderr = await run_cli("show", ref, "--json", cwd=tmp_path, env=env)
        assert code == 0, stderr
        shown = json.loads(stdout)
        code, human, _ = await run_cli("show", ref, cwd=tmp_path, env=env)
        assert code == 0 and "timeline" in human and "answered" in human
        code, _, stderr = await run_cli("close", ref, cwd=tmp_path, env=env)
        assert code == 0, stderr
        code, _, stderr = await run_cli("close", ref, cwd=tmp_path, env=env)
    assert code == 1 and "already closed" in stderr
    assert shown["status"]["state"] == "answered"
    answered = [e for e in shown["timeline"]["entries"] if e["event"] == "answered"]
    assert answered[0]["actor"] == "cli:test"


async def test_config_check_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('timezone = "America/Montreal"\n\n[sla.P1]\nfirst_reponse = "15m"\n')
    code, stdout, _ = await run_cli("config", "check", str(bad), "--json", cwd=tmp_path)
    assert code == 1
    problems = json.loads(stdout)["problems"]
    assert {
        "file": str(bad),
        "line": 4,
        "key": "sla.P1.first_reponse",
        "message": "unknown key",
        "severity": "error",
    } in problems


async def test_help_teaches(tmp_path: Path) -> None:
    code, stdout, _ = await run_cli("--help", cwd=tmp_path)
    assert code == 0
    for command in ("demo", "dev", "worker", "ingest", "list", "show", "answer", "close"):
        assert command in stdout


async def test_ingest_starts_each_interaction_once(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    events = tmp_path / "events.jsonl"
    author = '"author": {"id": "u1", "handle": "marie"}'
    events.write_text(
        f'{{"external_id": "i1", "text": "Merci beaucoup !", {author}}}\n'
        f'{{"external_id": "i2", "text": "Where is the replay?", {author}}}\n'
        f'{{"external_id": "i1", "text": "Merci beaucoup !", {author}}}\n'
        f'{{"external_id": "i3", "text": "And the slides?", "thread_id": "i2", {author}}}\n'
    )
    env = {"TEMPORAL_ADDRESS": client.service_client.config.target_host}
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        code, stdout, stderr = await run_cli(
            "--config",
            str(setup.path),
            "ingest",
            str(events),
            "--account",
            setup.account,
            "--json",
            cwd=tmp_path,
            env=env,
        )
        assert code == 0, stderr
        rows = json.loads(stdout)
        status = await wait_status(
            client,
            setup.ref("i2"),
            lambda s: s.messages == 2 and s.state is State.AWAITING_RESPONSE,
        )
    assert [
        (r["interaction_id"].rsplit(":", 1)[1], r["outcome"], r["duplicate"]) for r in rows
    ] == [
        ("i1", "started", False),
        ("i2", "started", False),
        ("i1", "duplicate", True),
        ("i3", "follow_up", False),
    ]
    assert status.workflow_id == rows[1]["workflow_id"] == rows[3]["workflow_id"]


async def test_ingest_signals_thread_event_lines_and_starts_nothing_for_them(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    events = tmp_path / "events.jsonl"
    author = '"author": {"id": "u1", "handle": "marie"}'
    answer = '"author": {"id": "page", "handle": "page"}, "at": "2026-11-03T15:20:00Z"'
    events.write_text(
        f'{{"thread_event": "answered", "subject_id": "q1", "text": "Oui !", {answer}}}\n'
        f'{{"external_id": "q1", "text": "Is the Thursday group still on?", {author}}}\n'
        f'{{"thread_event": "answered", "subject_id": "nobody", "text": "Hm", {answer}}}\n'
    )
    env = {"TEMPORAL_ADDRESS": client.service_client.config.target_host}
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        code, stdout, stderr = await run_cli(
            "--config",
            str(setup.path),
            "ingest",
            str(events),
            "--account",
            setup.account,
            "--json",
            cwd=tmp_path,
            env=env,
        )
        assert code == 0, stderr
        rows = json.loads(stdout)
        status = await wait_status(client, setup.ref("q1"), lambda s: s.state is State.ANSWERED)
    # The interaction first, then the events: the answer finds its thread started.
    assert [(r["interaction_id"].rsplit(":", 1)[1], r["outcome"]) for r in rows] == [
        ("q1", "started"),
        ("q1", "event"),
        ("nobody", "ignored"),
    ]
    assert rows[1]["workflow_id"] == status.workflow_id
    assert setup.outbox_lines() == []  # answered on the platform: Passerelle posted nothing


async def test_bad_event_line_is_named_and_nothing_started(tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"external_id": "ok", "text": "hi", "author": {"id": "u", "handle": "u"}}\n'
        '{"external_id": "bad", "author": {"id": "u", "handle": "u"}}\n'
    )
    code, _, stderr = await run_cli(
        "--config",
        str(setup.path),
        "ingest",
        str(events),
        "--account",
        setup.account,
        cwd=tmp_path,
        env={"TEMPORAL_ADDRESS": "127.0.0.1:1"},
    )
    assert code == 2
    assert "line 2" in stderr and "text" in stderr


async def test_worker_refuses_a_namespace_without_search_attributes(tmp_path: Path) -> None:
    bare = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(devserver.temporal_binary())
    )
    try:
        address = bare.client.service_client.config.target_host
        code, _, stderr = await run_cli("worker", cwd=tmp_path, env={"TEMPORAL_ADDRESS": address})
    finally:
        await bare.shutdown()
    assert code == 2
    assert "PasserelleState" in stderr and "temporal operator search-attribute create" in stderr
    assert "--name PasserelleCategories --type KeywordList" in stderr.replace("\n", " ")


async def test_approve_and_acknowledge_from_the_command_line(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path, '[crisis]\nmode = "approve"\napprove_within = "10m"\n')
    env = {"TEMPORAL_ADDRESS": client.service_client.config.target_host}
    ref = setup.ref("cr")
    crisis = "Je veux mourir, je n'en peux plus."
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("cr", crisis, locale="fr-CA"))
        await wait_status(client, ref, lambda s: bool(s.drafts))
        code, shown, _ = await run_cli("show", ref, cwd=tmp_path, env=env)
        assert code == 0 and f"passerelle approve {ref} draft-1" in shown.replace("\n", " ")
        code, stdout, stderr = await run_cli("approve", ref, "draft-1", cwd=tmp_path, env=env)
        assert code == 0 and stdout.startswith("sent"), stderr
        code, _, stderr = await run_cli("approve", ref, "draft-1", cwd=tmp_path, env=env)
        assert code == 1 and "no draft 'draft-1'" in stderr  # already sent
        code, stdout, stderr = await run_cli(
            "acknowledge", ref, "--note", "calling her", cwd=tmp_path, env=env
        )
        assert code == 0, stderr
        status = await wait_status(client, ref, lambda s: s.acknowledged)
    assert status.drafts == () and status.sla_deadline is None
    [sent] = setup.outbox_lines()
    assert "1 866 APPELLE" in sent["text"]


async def test_classify_and_bench_classify_from_the_command_line(tmp_path: Path) -> None:
    code, stdout, stderr = await run_cli(
        "classify", "Je veux mourir", "Where is the replay?", "--json", cwd=tmp_path
    )
    assert code == 0, stderr
    first, second = (json.loads(line) for line in stdout.splitlines())
    assert "crisis" in first["categories"] and first["risk"] == "critical"
    assert second["categories"] == ["question"] and second["sentiment"]["label"]
    data = tmp_path / "labeled.jsonl"
    rows = [
        {"text": "Je veux mourir, je n'en peux plus", "language": "fr", "categories": ["crisis"]},
        {"text": "Where can I find the replay?", "language": "en", "categories": ["question"]},
    ]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    code, stdout, stderr = await run_cli(
        "bench", "classify", "--data", str(data), "--json", cwd=tmp_path
    )
    assert code == 0, stderr
    report = json.loads(stdout)
    assert {
        "per_class",
        "crisis_recall",
        "crisis_precision",
        "language_accuracy",
        "texts_per_second",
    } <= report.keys()
    assert report["crisis_recall"] == 1.0 and report["per_class"]["question"]["support"] == 1
