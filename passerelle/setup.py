"""``passerelle setup``: check the connection to a Temporal cluster step by step and register
Passerelle's search attributes on its namespace, idempotently.

Each step that fails says which one and what to do, because "could not connect" alone costs an
operator an hour: the address is unreachable, TLS is misconfigured, the credentials are
refused, the namespace does not exist, or the key may not register attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client
from temporalio.service import RetryConfig, RPCError, RPCStatusCode

from passerelle.temporal import _TYPE_NAMES, NoTemporal, TemporalSettings, connect, target
from workflows import search_attributes

QUICK = RetryConfig(max_retries=1, max_elapsed_time_millis=5000)


@dataclass
class Step:
    name: str
    ok: bool
    detail: str


@dataclass
class SetupReport:
    address: str
    namespace: str
    steps: list[Step] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)

    def add(self, name: str, ok: bool, detail: str) -> bool:
        self.steps.append(Step(name, ok, detail))
        return ok


def explain_connect_error(err: BaseException, address: str, tls: bool) -> str:
    text = str(err)
    lowered = text.lower()
    if "certificate" in lowered or "tls" in lowered or "handshake" in lowered:
        return (
            f"TLS with {address} failed ({text[:200]}): check TEMPORAL_TLS_CERT / "
            "TEMPORAL_TLS_KEY (client certificate and key, PEM) and that the address is the "
            "TLS endpoint"
        )
    if "unauthenticated" in lowered or "permission" in lowered or "api key" in lowered:
        return f"{address} refused the credentials: check TEMPORAL_API_KEY ({text[:200]})"
    hint = "" if tls else " (a Temporal Cloud address needs TEMPORAL_API_KEY or a client cert)"
    return (
        f"cannot reach Temporal at {address}: {text[:200]}; check TEMPORAL_ADDRESS "
        f"(host:port) and that the frontend is reachable from here{hint}"
    )


async def run_setup(register: bool = True) -> SetupReport:
    settings = TemporalSettings()
    try:
        address, namespace = target(settings)
    except NoTemporal as err:
        report = SetupReport(address="", namespace=settings.namespace)
        report.add("connect", False, str(err))
        return report
    report = SetupReport(address=address, namespace=namespace)
    tls = bool(settings.api_key or (settings.tls_cert and settings.tls_key))
    try:
        client = await connect(address, namespace, retry_config=QUICK)
    except Exception as err:  # the SDK raises RuntimeError for transport problems
        report.add("connect", False, explain_connect_error(err, address, tls))
        return report
    report.add("connect", True, f"{address} ({'TLS' if tls else 'plaintext'})")
    if not await _namespace(client, report):
        return report
    await _search_attributes(client, report, register)
    return report


async def _namespace(client: Client, report: SetupReport) -> bool:
    try:
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=client.namespace)
        )
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            detail = (
                f"namespace {client.namespace!r} does not exist: create it (temporal operator "
                "namespace create) or set TEMPORAL_NAMESPACE"
            )
        elif err.status in (RPCStatusCode.UNAUTHENTICATED, RPCStatusCode.PERMISSION_DENIED):
            detail = f"the credentials may not use namespace {client.namespace!r}: {err.message}"
        else:
            detail = f"describing namespace {client.namespace!r} failed: {err.message}"
        return report.add("namespace", False, detail)
    return report.add("namespace", True, client.namespace)


async def _search_attributes(client: Client, report: SetupReport, register: bool) -> None:
    try:
        listed = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=client.namespace)
        )
    except RPCError as err:
        report.add(
            "search attributes",
            False,
            f"cannot list search attributes ({err.message}); on Temporal Cloud add them in the "
            "namespace's settings or with tcld: " + _wanted(),
        )
        return
    known = {**listed.custom_attributes, **listed.system_attributes}
    wrong = [
        k.name
        for k in search_attributes.ALL
        if k.name in known and known[k.name] != int(k.indexed_value_type)
    ]
    if wrong:
        report.add(
            "search attributes",
            False,
            f"{', '.join(wrong)} exist with another type; rename or remove them first",
        )
        return
    missing = [k for k in search_attributes.ALL if k.name not in known]
    if not missing:
        report.add("search attributes", True, "all present")
        return
    if not register:
        report.add("search attributes", False, "missing: " + ", ".join(k.name for k in missing))
        return
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=client.namespace,
                search_attributes={
                    k.name: IndexedValueType.ValueType(int(k.indexed_value_type)) for k in missing
                },
            )
        )
    except RPCError as err:
        if err.status is RPCStatusCode.ALREADY_EXISTS:  # another setup got there first
            report.add("search attributes", True, "registered meanwhile by another process")
            return
        report.add(
            "search attributes",
            False,
            f"registering failed ({err.message}); an operator can run: " + _wanted(),
        )
        return
    report.registered = [k.name for k in missing]
    report.add("search attributes", True, "registered " + ", ".join(report.registered))


def _wanted() -> str:
    return " ".join(f"{k.name}={_TYPE_NAMES[k.indexed_value_type]}" for k in search_attributes.ALL)
