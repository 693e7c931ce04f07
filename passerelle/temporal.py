"""The one place a Temporal client is made: pydantic converter, env names of Temporal's CLI,
and the embedded dev server's address from ``.passerelle/dev.json`` when nothing is set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_settings import BaseSettings, SettingsConfigDict
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeIndexedValueType, SearchAttributeKey
from temporalio.runtime import Runtime
from temporalio.service import RetryConfig, RPCError, RPCStatusCode, TLSConfig

from passerelle.codec import data_converter
from workflows import search_attributes

STATE_DIR = Path(".passerelle")
DEV_FILE = STATE_DIR / "dev.json"


class TemporalSettings(BaseSettings):
    """``TEMPORAL_ADDRESS``, ``TEMPORAL_NAMESPACE``, ``TEMPORAL_API_KEY``,
    ``TEMPORAL_TLS_CERT``, ``TEMPORAL_TLS_KEY``: the names Temporal's own CLI reads."""

    model_config = SettingsConfigDict(env_prefix="TEMPORAL_", extra="ignore")

    address: str | None = None
    namespace: str = "default"
    api_key: str | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None


class DevStack(BaseModel):
    """What ``passerelle dev`` writes to ``.passerelle/dev.json``."""

    temporal_address: str
    namespace: str = "default"
    gateway_url: str | None = None
    ui_url: str | None = None
    pid: int | None = None


def read_dev_stack(path: Path = DEV_FILE) -> DevStack | None:
    try:
        return DevStack.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


class NoTemporal(Exception):
    """No Temporal address anywhere: neither the environment nor a running dev stack."""


def target(settings: TemporalSettings | None = None) -> tuple[str, str]:
    settings = settings or TemporalSettings()
    if settings.address:
        return settings.address, settings.namespace
    stack = read_dev_stack()
    if stack is not None:
        return stack.temporal_address, stack.namespace
    raise NoTemporal(
        "no Temporal server: set TEMPORAL_ADDRESS, or run `passerelle dev` in this directory"
    )


async def connect(
    address: str | None = None,
    namespace: str | None = None,
    *,
    lazy: bool = False,
    retry_config: RetryConfig | None = None,
    runtime: Runtime | None = None,
) -> Client:
    """The one client factory (pydantic converter, optional payload codec).

    Args:
        lazy: connect on first use, so a process that must answer while Temporal is down
            (the gateway answers 503) can start anyway.
        retry_config: how long one call keeps retrying before it fails.
        runtime: a Temporal runtime with telemetry (a worker's Prometheus endpoint).
    """
    settings = TemporalSettings()
    if address is None:
        address, default_namespace = target(settings)
        namespace = namespace or default_namespace
    tls: bool | TLSConfig = False
    if settings.tls_cert and settings.tls_key:
        tls = TLSConfig(
            client_cert=settings.tls_cert.read_bytes(),
            client_private_key=settings.tls_key.read_bytes(),
        )
    elif settings.api_key:
        tls = True
    return await Client.connect(
        address,
        namespace=namespace or settings.namespace,
        api_key=settings.api_key,
        tls=tls,
        data_converter=data_converter(),
        lazy=lazy,
        retry_config=retry_config,
        runtime=runtime,
    )


class MissingSearchAttributes(Exception):
    """The namespace lacks Passerelle's search attributes: workflows would fail to upsert."""

    def __init__(self, namespace: str, missing: list[SearchAttributeKey[Any]]) -> None:
        names = " ".join(
            f"--name {k.name} --type {_TYPE_NAMES[k.indexed_value_type]}" for k in missing
        )
        super().__init__(
            f"namespace {namespace!r} lacks search attribute(s) "
            f"{', '.join(k.name for k in missing)}; register them once with:\n"
            f"  temporal operator search-attribute create --namespace {namespace} {names}"
        )
        self.missing = missing


_TYPE_NAMES = {
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.TEXT: "Text",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.DOUBLE: "Double",
}


async def require_search_attributes(client: Client) -> None:
    """Fail early and clearly when the namespace cannot hold Passerelle's attributes."""
    try:
        response = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=client.namespace)
        )
    except RPCError as err:
        if err.status is RPCStatusCode.PERMISSION_DENIED:
            return  # e.g. a cloud API key without operator rights: the cluster's admins know
        raise
    known = set(response.custom_attributes) | set(response.system_attributes)
    missing = [key for key in search_attributes.ALL if key.name not in known]
    if missing:
        raise MissingSearchAttributes(client.namespace, missing)
