"""A worker's health endpoints, for container probes: ``/healthz`` (the process is alive and its
worker has not stopped) and ``/readyz`` (the worker runs and Temporal answers)."""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from temporalio.client import Client
from temporalio.worker import Worker


def worker_health_app(worker: Worker, client: Client) -> Starlette:
    async def healthz(_: Request) -> Response:
        if worker.is_shutdown:
            return JSONResponse({"status": "stopped"}, status_code=503)
        return JSONResponse({"status": "ok", "task_queue": worker.task_queue})

    async def readyz(_: Request) -> Response:
        if not worker.is_running:
            return JSONResponse({"status": "not running"}, status_code=503)
        try:
            reachable = await client.service_client.check_health(timeout=timedelta(seconds=2))
        except Exception:  # unreachable is an answer here
            reachable = False
        if not reachable:
            return JSONResponse({"status": "temporal unreachable"}, status_code=503)
        return JSONResponse({"status": "ready", "task_queue": worker.task_queue})

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ]
    )
