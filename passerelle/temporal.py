"""The one place a Temporal client is made: pydantic converter, env names of Temporal's CLI,
and the embedded dev server's address from ``.passerelle/dev.json`` when nothing is set."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel
from pydantic_settings import BaseSettings, SettingsConfigDict
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import TLSConfig

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


async def connect(address: str | None = None, namespace: str | None = None) -> Client:
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
        data_converter=pydantic_data_converter,
    )
