"""Encrypted payloads: nothing readable in Temporal, everything readable with the key."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from connecteurs.models import Classification
from passerelle import operations
from passerelle.codec import (
    KEY_FILE_ENV,
    LOCAL_ACTIVITY_MARKER,
    EncryptionCodec,
    data_converter,
    decode_history,
)
from passerelle.worker import build_runtime, create_worker
from tests.helpers import make_setup, wait_status
from tests.integration.test_cli import run_cli
from workflows.models import State

SECRET_TEXT = "Merci Zephyrinette pour la video sur le sommeil"


async def test_histories_are_encrypted_at_rest_and_audits_need_the_key(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    key = os.urandom(32)
    key_file = tmp_path / "payload.key"
    key_file.write_text(base64.b64encode(key).decode() + "\n")
    address = temporal_env.client.service_client.config.target_host
    client = await Client.connect(address, data_converter=data_converter(EncryptionCodec([key])))
    setup = make_setup(tmp_path)
    ref = setup.ref("enc")
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("enc", SECRET_TEXT, handle="zephyrinette"))
        status = await wait_status(client, ref, lambda s: s.state is State.ANSWERED)
        history = await operations.handle(client, ref).fetch_history()
    assert status.categories  # the workflow worked on the decrypted payloads
    raw = history.to_json()
    assert "Zephyrinette" not in raw and "zephyrinette" not in raw
    exported = tmp_path / "enc.json"
    exported.write_text(raw)

    # Decoded with the key, every payload an audit reads is plain, the classification
    # (a local activity's result, kept in a marker) included.
    await decode_history(history, EncryptionCodec([key]))
    [marker] = [
        e.marker_recorded_event_attributes
        for e in history.events
        if e.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
    ]
    [verdict] = pydantic_data_converter.payload_converter.from_payloads(
        list(marker.details["result"].payloads), [Classification]
    )
    assert sorted(verdict.categories) == list(status.categories)

    code, stdout, stderr = await run_cli(
        "audit",
        "timeline",
        str(exported),
        "--json",
        cwd=tmp_path,
        env={KEY_FILE_ENV: str(key_file)},
    )
    assert code == 0, stderr
    assert "Zephyrinette" in stdout and '"decided"' in stdout

    code, _, stderr = await run_cli(
        "audit", "timeline", str(exported), cwd=tmp_path, env={KEY_FILE_ENV: ""}
    )
    assert code == 2 and KEY_FILE_ENV in stderr

    other = tmp_path / "other.key"
    other.write_text(base64.b64encode(os.urandom(32)).decode())
    code, _, stderr = await run_cli(
        "audit", "timeline", str(exported), cwd=tmp_path, env={KEY_FILE_ENV: str(other)}
    )
    assert code == 2 and "not loaded" in stderr

    code, stdout, _ = await run_cli("audit", "replay", str(exported), "--json", cwd=tmp_path)
    assert code == 2 and json.loads(stdout)[0]["needs_key"]  # not reported as a divergence
    code, _, stderr = await run_cli(
        "audit", "replay", str(exported), cwd=tmp_path, env={KEY_FILE_ENV: str(key_file)}
    )
    assert code == 0, stderr
