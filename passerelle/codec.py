"""Optional encryption of every payload Passerelle stores in Temporal (messages, replies,
classifications, decision records), so a history at rest holds no readable text about the
people who wrote in. Search attributes (state, platform, priority, categories, assignee) stay
readable: they are how ``list`` and the UI find interactions.

Enable it by pointing ``PASSERELLE_PAYLOAD_KEY_FILE`` at a file of base64-encoded 32-byte
keys, one per line: the first encrypts, all of them decrypt (rotation: put the new key
first, keep the old ones until their histories are gone). Every process that touches
histories needs the same file: workers, the gateway, the CLI, audits.

    python -c "import os, base64; print(base64.b64encode(os.urandom(32)).decode())" > key
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

KEY_FILE_ENV = "PASSERELLE_PAYLOAD_KEY_FILE"
ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class CodecError(Exception):
    """A key is missing, malformed, or does not open a payload."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:12]


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over each serialized payload, tagged with the id of the key used."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise CodecError("no encryption key")
        for key in keys:
            if len(key) != 32:
                raise CodecError(f"keys must be 32 bytes, got {len(key)}")
        self._current = keys[0]
        self._by_id = {key_id(key): AESGCM(key) for key in keys}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        current = key_id(self._current)
        cipher = self._by_id[current]
        encoded = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            sealed = cipher.encrypt(nonce, payload.SerializeToString(), None)
            encoded.append(
                Payload(
                    metadata={"encoding": ENCODING, KEY_ID: current.encode()},
                    data=nonce + sealed,
                )
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                decoded.append(payload)  # written before encryption was turned on
                continue
            wanted = payload.metadata.get(KEY_ID, b"").decode()
            cipher = self._by_id.get(wanted)
            if cipher is None:
                raise CodecError(f"payload encrypted with key {wanted}, which is not loaded")
            try:
                plain = cipher.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], None)
            except InvalidTag as err:
                raise CodecError(f"payload under key {wanted} failed authentication") from err
            decoded.append(Payload.FromString(plain))
        return decoded


def keys_from_file(path: Path) -> list[bytes]:
    keys = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            keys.append(base64.b64decode(line.strip(), validate=True))
        except binascii.Error as err:
            raise CodecError(f"{path}:{number}: not base64") from err
    return keys


def codec_from_environment() -> EncryptionCodec | None:
    path = os.environ.get(KEY_FILE_ENV)
    if not path:
        return None
    try:
        return EncryptionCodec(keys_from_file(Path(path)))
    except OSError as err:
        raise CodecError(f"{KEY_FILE_ENV}={path}: {err.strerror}") from err


def data_converter(codec: PayloadCodec | None = None) -> DataConverter:
    """The pydantic converter, with the payload codec of the environment if one is set."""
    codec = codec or codec_from_environment()
    if codec is None:
        return pydantic_data_converter
    # Failure messages and stack traces can quote a message too: encrypt them as well.
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=codec,
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


async def decode_history(history: WorkflowHistory, codec: PayloadCodec | None) -> None:
    """Decrypt, in place, the payloads an audit reads (inputs, results, memos)."""
    if codec is None:
        return
    for payloads in _payload_lists(history):
        decoded = await codec.decode(list(payloads.payloads))
        del payloads.payloads[:]
        payloads.payloads.extend(decoded)
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
            fields = event.workflow_properties_modified_event_attributes.upserted_memo.fields
            for key in list(fields):
                [plain] = await codec.decode([fields[key]])
                fields[key].CopyFrom(plain)


LOCAL_ACTIVITY_MARKER = "core_local_activity"  # what Temporal's core names it


def _payload_lists(history: WorkflowHistory) -> Iterable[Payloads]:
    for event in history.events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            yield event.workflow_execution_started_event_attributes.input
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            yield event.activity_task_scheduled_event_attributes.input
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            yield event.activity_task_completed_event_attributes.result
        elif kind == EventType.EVENT_TYPE_MARKER_RECORDED:
            # A local activity's result (the classification); the marker's other details
            # are the SDK's own and never pass through the codec.
            marker = event.marker_recorded_event_attributes
            if marker.marker_name == LOCAL_ACTIVITY_MARKER and "result" in marker.details:
                yield marker.details["result"]
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            yield event.workflow_execution_signaled_event_attributes.input
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            attributes = event.workflow_execution_update_accepted_event_attributes
            yield attributes.accepted_request.input.args
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
            yield event.workflow_execution_completed_event_attributes.result
