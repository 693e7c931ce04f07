"""Assemble a gateway from the config and a Temporal client, and serve it with uvicorn."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from temporalio.client import Client
from temporalio.service import RetryConfig

from connecteurs.models import Interaction, ThreadEvent
from passerelle.config import Config
from passerelle.deliver import Delivery, deliver, deliver_event
from passerelle.gateway.app import DEFAULT_MAX_BODY, Gateway, build_app
from passerelle.gateway.directory import Directory
from passerelle.worker import build_connectors

#: A delivery is answered within seconds either way: a platform waits a few seconds at most
#: (X re-checks CRC within 3 s, Meta times out at 20 s) and a 503 makes it come back.
GATEWAY_RETRY = RetryConfig(
    initial_interval_millis=50,
    max_interval_millis=500,
    max_elapsed_time_millis=3000,
    max_retries=4,
)
HEALTH_TIMEOUT = timedelta(seconds=2)


def gateway_for(
    config: Config,
    client: Client,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    base_dir: Path | None = None,
) -> Gateway:
    connectors = build_connectors(config, base_dir=base_dir)
    names = {f"{a.platform.value}/{a.account}": a.connector for a in config.accounts}
    policy = config.policy()

    async def hand_over(interaction: Interaction) -> Delivery:
        return await deliver(client, interaction, policy, config.task_queue)

    async def hand_event(event: ThreadEvent) -> Delivery:
        return await deliver_event(client, event, policy, config.task_queue)

    async def ready() -> bool:
        try:
            return await client.service_client.check_health(timeout=HEALTH_TIMEOUT)
        except Exception:  # unreachable is an answer here, not an error
            return False

    return Gateway(
        directory=Directory.of(connectors, names),
        deliver=hand_over,
        deliver_event=hand_event,
        ready=ready,
        max_body=max_body,
    )


class EmbeddedServer(uvicorn.Server):
    """A server inside ``passerelle dev``: the dev command owns Ctrl-C and SIGTERM, and stops
    it with ``should_exit``."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def uvicorn_server(
    gateway: Gateway, host: str, port: int, *, embedded: bool = False
) -> uvicorn.Server:
    return asgi_server(build_app(gateway), host, port, embedded=embedded)


def asgi_server(app: Starlette, host: str, port: int, *, embedded: bool = False) -> uvicorn.Server:
    """Uvicorn without its access log (query strings can carry tokens, hub.verify_token) and
    without its own logging setup (logs go through structlog, which redacts)."""
    settings = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_config=None,
        timeout_graceful_shutdown=10,
        server_header=False,
    )
    return EmbeddedServer(settings) if embedded else uvicorn.Server(settings)
