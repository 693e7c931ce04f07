"""Offline checks of ``deploy/``.

Every YAML document parses; ``compose.yaml`` follows the Compose Specification's JSON
schema, each Kubernetes manifest the schema of its kind and apiVersion, and
``kustomization.yaml`` SchemaStore's (all vendored in ``tests/data/schemas``, see SOURCES.md).
Then what no schema knows: the config they carry passes ``passerelle config check``, every
secret it references is provided, probes and ports follow the runtime contract, selectors
select the pods they mean, one image everywhere, and the Dockerfile builds a pinned, non-root
image with a health check.

Each consistency check is a function returning its problems; the last tests break a copy of
the real files in one place each and show that the checks notice.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shutil
import subprocess
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from passerelle.checks import check_file
from passerelle.config import parse

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
SCHEMAS = ROOT / "tests" / "data" / "schemas"
K8S_SCHEMAS = SCHEMAS / "kubernetes" / "v1.32.2-standalone-strict"
EXAMPLE_CONFIG = DEPLOY / "passerelle.example.toml"

# The runtime contract the artifacts deploy.
WORKER_HEALTH_PORT = 8081
WORKER_METRICS_PORT = 9464
GATEWAY_PORT = 8080
GATEWAY_ARGS = ["gateway", "--host", "0.0.0.0", "--port", str(GATEWAY_PORT)]
PROBE_PATHS = {"startupProbe": "/healthz", "livenessProbe": "/healthz", "readinessProbe": "/readyz"}
HEALTH_PATHS = {"/healthz", "/readyz"}
IMAGE_NAME = "registry.example.org/passerelle"
PINNED_BASE = re.compile(r"^python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?$")
# A worker's stop must outlast [worker] graceful_shutdown by this much (SDK shutdown, exit).
SHUTDOWN_MARGIN = timedelta(seconds=10)
BUILD_TOOLS = ("gcc", "g++", "build-essential", "make ", "clang", "git ", "-dev ")

Problems = list[str]
Doc = dict[str, Any]


# ---------------------------------------------------------------------------------------
# Loading


def yaml_docs(path: Path) -> list[Any]:
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def kustomization() -> Doc:
    docs = yaml_docs(K8S / "kustomization.yaml")
    assert len(docs) == 1
    doc: Doc = docs[0]
    return doc


def k8s_files() -> list[Path]:
    return [K8S / name for name in kustomization()["resources"]]


def k8s_objects() -> list[Doc]:
    return [doc for path in k8s_files() for doc in yaml_docs(path)]


@dataclass
class Bundle:
    """Everything the consistency checks read, freshly parsed (tests may break a copy)."""

    compose: Doc
    objects: list[Doc]
    example_config: str
    prometheus: Doc
    dockerfile: str
    dockerignore: str
    pyproject: Doc


def load_bundle() -> Bundle:
    return Bundle(
        compose=yaml_docs(DEPLOY / "compose.yaml")[0],
        objects=k8s_objects(),
        example_config=EXAMPLE_CONFIG.read_text(encoding="utf-8"),
        prometheus=yaml_docs(DEPLOY / "prometheus.yml")[0],
        dockerfile=(DEPLOY / "Dockerfile").read_text(encoding="utf-8"),
        dockerignore=(ROOT / ".dockerignore").read_text(encoding="utf-8"),
        pyproject=tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8")),
    )


@cache
def schema(path: Path) -> Doc:
    loaded: Doc = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def schema_errors(schema_doc: Doc, instance: Any) -> Problems:
    cls = jsonschema.validators.validator_for(schema_doc, default=jsonschema.Draft7Validator)
    validator = cls(schema_doc)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{e.json_path}: {e.message}" for e in errors]


def k8s_schema_path(doc: Doc) -> Path:
    """kubeconform's naming: ``{kind}-{group's first label}-{version}.json``."""
    group, _, version = str(doc["apiVersion"]).rpartition("/")
    kind = str(doc["kind"]).lower()
    name = f"{kind}-{group.split('.')[0]}-{version}" if group else f"{kind}-{version}"
    return K8S_SCHEMAS / f"{name}.json"


# ---------------------------------------------------------------------------------------
# Helpers over the objects


def of_kind(objects: list[Doc], kind: str) -> list[Doc]:
    return [o for o in objects if o.get("kind") == kind]


def named(objects: list[Doc], kind: str, name: str) -> Doc:
    found = [o for o in of_kind(objects, kind) if o["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def ident(obj: Doc) -> str:
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


def pod_template(workload: Doc) -> Doc:
    template: Doc = workload["spec"]["template"]
    return template


def pod_labels(workload: Doc) -> dict[str, str]:
    labels: dict[str, str] = pod_template(workload).get("metadata", {}).get("labels") or {}
    return labels


def containers(workload: Doc) -> list[Doc]:
    spec = pod_template(workload)["spec"]
    return [*spec.get("initContainers", []), *spec.get("containers", [])]


def role(container: Doc) -> str | None:
    args = container.get("args") or container.get("command") or []
    return str(args[0]) if args else None


def workloads(objects: list[Doc]) -> list[Doc]:
    return [o for o in objects if o.get("kind") in ("Deployment", "Job")]


def for_role(objects: list[Doc], wanted: str) -> tuple[Doc, Doc] | None:
    """The Deployment running ``passerelle {wanted}`` and that container."""
    for deployment in of_kind(objects, "Deployment"):
        for container in containers(deployment):
            if role(container) == wanted:
                return deployment, container
    return None


def port_number(container: Doc, port: int | str) -> int | None:
    if isinstance(port, int):
        declared = {p["containerPort"] for p in container.get("ports", [])}
        return port if port in declared else None
    for declared_port in container.get("ports", []):
        if declared_port.get("name") == port:
            number: int = declared_port["containerPort"]
            return number
    return None


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def env_of(container: Doc) -> dict[str, Any]:
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def compose_env(service: Doc) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def secret_references(config_text: str) -> tuple[set[str], set[str]]:
    """The ``env:NAME`` names and ``file:PATH`` paths of every ``secrets`` table."""
    env: set[str] = set()
    files: set[str] = set()

    def walk(node: Any, in_secrets: bool) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, in_secrets or key == "secrets")
        elif isinstance(node, list):
            for item in node:
                walk(item, in_secrets)
        elif in_secrets and isinstance(node, str):
            scheme, _, where = node.partition(":")
            if scheme == "env":
                env.add(where)
            elif scheme == "file":
                files.add(where)

    walk(tomllib.loads(config_text), False)
    return env, files


def graceful_shutdown(config_text: str) -> timedelta:
    return parse(config_text, "config").worker.graceful_shutdown


def configmap_config(objects: list[Doc]) -> str:
    """The TOML the worker reads: the ConfigMap key its PASSERELLE_CONFIG points at."""
    found = for_role(objects, "worker")
    assert found is not None, "no worker Deployment"
    deployment, container = found
    directory, key = posixpath.split(str(env_of(container)["PASSERELLE_CONFIG"]))
    volumes = {v["name"]: v for v in pod_template(deployment)["spec"].get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        volume = volumes.get(mount["name"], {})
        if mount["mountPath"].rstrip("/") == directory and "configMap" in volume:
            configmap = named(objects, "ConfigMap", volume["configMap"]["name"])
            text: str = configmap["data"][key]
            return text
    raise AssertionError("the worker mounts no ConfigMap at its PASSERELLE_CONFIG")


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s|us)")


def compose_duration(value: str | int) -> timedelta:
    if isinstance(value, int):
        return timedelta(seconds=value)
    unit = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 0.000001}
    parts = _DURATION.findall(value)
    assert "".join(n + u for n, u in parts) == value, f"not a compose duration: {value!r}"
    return timedelta(seconds=sum(float(n) * unit[u] for n, u in parts))


def interpolate_default(value: str) -> str:
    """``${VAR:-default}`` as Compose reads it with VAR unset."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", r"\1", value)


def healthcheck_urls(test: list[str] | str) -> list[tuple[int, str]]:
    text = test if isinstance(test, str) else " ".join(test)
    return [
        (int(port), path)
        for port, path in re.findall(r"https?://(?:127\.0\.0\.1|localhost):(\d+)(/[\w-]+)", text)
    ]


# ---------------------------------------------------------------------------------------
# Consistency checks: each returns its problems


def selector_problems(objects: list[Doc]) -> Problems:
    problems: Problems = []
    deployments = of_kind(objects, "Deployment")
    hpas = of_kind(objects, "HorizontalPodAutoscaler")
    for deployment in deployments:
        selector = deployment["spec"]["selector"].get("matchLabels") or {}
        if not selects(selector, pod_labels(deployment)):
            problems.append(f"{ident(deployment)}: selector {selector} misses its own pods")
    for pdb in of_kind(objects, "PodDisruptionBudget"):
        selector = pdb["spec"]["selector"].get("matchLabels") or {}
        hits = [d for d in deployments if selects(selector, pod_labels(d))]
        if len(hits) != 1:
            names = [ident(d) for d in hits]
            problems.append(f"{ident(pdb)}: selector {selector} matches {names}, want one")
            continue
        target = hits[0]
        name = target["metadata"]["name"]
        scaled = [h for h in hpas if h["spec"]["scaleTargetRef"]["name"] == name]
        if scaled:
            least = scaled[0]["spec"].get("minReplicas", 1)
        else:
            least = target["spec"].get("replicas", 1)
        min_available = pdb["spec"].get("minAvailable")
        if isinstance(min_available, int) and min_available >= least:
            problems.append(f"{ident(pdb)}: minAvailable {min_available} blocks every eviction")
        if pdb["spec"].get("maxUnavailable") == 0:
            problems.append(f"{ident(pdb)}: maxUnavailable 0 blocks every eviction")
    services = {s["metadata"]["name"]: s for s in of_kind(objects, "Service")}
    for service in services.values():
        selector = service["spec"].get("selector") or {}
        hits = [d for d in deployments if selects(selector, pod_labels(d))]
        if len(hits) != 1:
            names = [ident(d) for d in hits]
            problems.append(f"{ident(service)}: selector {selector} matches {names}, want one")
            continue
        for port in service["spec"]["ports"]:
            target_port = port.get("targetPort", port["port"])
            if not any(port_number(c, target_port) for c in containers(hits[0])):
                problems.append(
                    f"{ident(service)}: targetPort {target_port!r} is no port of {ident(hits[0])}"
                )
    for ingress in of_kind(objects, "Ingress"):
        for rule in ingress["spec"].get("rules", []):
            for path in rule.get("http", {}).get("paths", []):
                backend = path["backend"]["service"]
                service = services.get(backend["name"])
                if service is None:
                    problems.append(f"{ident(ingress)}: no Service {backend['name']}")
                    continue
                wanted = backend["port"]
                ports = service["spec"]["ports"]
                if not any(
                    p.get("name") == wanted.get("name") or p["port"] == wanted.get("number")
                    for p in ports
                ):
                    problems.append(f"{ident(ingress)}: {ident(service)} has no port {wanted}")
    return problems


def hpa_problems(objects: list[Doc]) -> Problems:
    found = for_role(objects, "worker")
    if found is None:
        return ["no Deployment runs `passerelle worker`"]
    worker, _ = found
    problems: Problems = []
    hpas = of_kind(objects, "HorizontalPodAutoscaler")
    if not hpas:
        problems.append("no HorizontalPodAutoscaler for the workers")
    for hpa in hpas:
        spec = hpa["spec"]
        ref = spec["scaleTargetRef"]
        target = (ref.get("apiVersion"), ref.get("kind"), ref.get("name"))
        if target != ("apps/v1", "Deployment", worker["metadata"]["name"]):
            problems.append(f"{ident(hpa)}: targets {target}, not {ident(worker)}")
        cpu = [
            m
            for m in spec.get("metrics", [])
            if m.get("type") == "Resource" and m["resource"]["name"] == "cpu"
        ]
        if not cpu:
            problems.append(f"{ident(hpa)}: no CPU metric")
        if spec.get("minReplicas", 1) < 2:
            problems.append(f"{ident(hpa)}: minReplicas below 2")
        if spec["maxReplicas"] < spec.get("minReplicas", 1):
            problems.append(f"{ident(hpa)}: maxReplicas below minReplicas")
    for container in containers(worker):
        if "cpu" not in container.get("resources", {}).get("requests", {}):
            problems.append(f"{ident(worker)}: no CPU request, CPU utilization is undefined")
    if "replicas" in worker["spec"]:
        problems.append(f"{ident(worker)}: sets replicas, which the HPA owns")
    return problems


def probe_problems(objects: list[Doc]) -> Problems:
    problems: Problems = []
    for workload in workloads(objects):
        for container in containers(workload):
            where = f"{ident(workload)} container {container['name']}"
            kind = role(container)
            if workload["kind"] == "Job":
                if container.get("args") != ["setup"]:
                    problems.append(f"{where}: a Job runs `passerelle setup`, not {kind}")
                continue
            if kind == "worker":
                health, metrics = WORKER_HEALTH_PORT, WORKER_METRICS_PORT
                env = env_of(container)
                for var, want in (
                    ("PASSERELLE_HEALTH_PORT", health),
                    ("PASSERELLE_METRICS_PORT", metrics),
                ):
                    if var in env and env[var] != str(want):
                        problems.append(f"{where}: {var}={env[var]}, the contract says {want}")
            elif kind == "gateway":
                health = metrics = GATEWAY_PORT
                if container.get("args") != GATEWAY_ARGS:
                    problems.append(f"{where}: args {container.get('args')}, want {GATEWAY_ARGS}")
            else:
                problems.append(f"{where}: runs {kind!r}, not worker or gateway")
                continue
            declared = {p["containerPort"] for p in container.get("ports", [])}
            for port in sorted({health, metrics} - declared):
                problems.append(f"{where}: port {port} not declared")
            for probe, path in PROBE_PATHS.items():
                http = (container.get(probe) or {}).get("httpGet")
                if http is None:
                    problems.append(f"{where}: no HTTP {probe}")
                    continue
                if http.get("path") != path:
                    problems.append(f"{where}: {probe} on {http.get('path')}, want {path}")
                if port_number(container, http["port"]) != health:
                    problems.append(f"{where}: {probe} on port {http['port']}, want {health}")
            annotations = pod_template(workload).get("metadata", {}).get("annotations") or {}
            if annotations.get("prometheus.io/scrape") != "true":
                problems.append(f"{ident(workload)}: pods not annotated for Prometheus")
            elif (
                annotations.get("prometheus.io/port") != str(metrics)
                or annotations.get("prometheus.io/path", "/metrics") != "/metrics"
            ):
                problems.append(f"{ident(workload)}: scrape annotations miss :{metrics}/metrics")
    return problems


def secret_problems(objects: list[Doc], config_text: str) -> Problems:
    """Every env:NAME the config references reaches the worker and the gateway, every
    file:PATH is a key of a mounted Secret, and the Secrets hold placeholders only."""
    env_refs, file_refs = secret_references(config_text)
    secrets = {
        s["metadata"]["name"]: {**(s.get("data") or {}), **(s.get("stringData") or {})}
        for s in of_kind(objects, "Secret")
    }
    problems: Problems = []
    for wanted in ("worker", "gateway"):
        found = for_role(objects, wanted)
        if found is None:
            problems.append(f"no Deployment runs `passerelle {wanted}`")
            continue
        deployment, container = found
        where = f"{ident(deployment)} container {container['name']}"
        provided = set(env_of(container))
        for source in container.get("envFrom", []):
            name = source.get("secretRef", {}).get("name")
            if name is None:
                continue
            if name not in secrets:
                problems.append(f"{where}: envFrom Secret {name} is not in the manifests")
            provided |= set(secrets.get(name, {}))
        for missing in sorted(env_refs - provided):
            problems.append(f"{where}: the config reads env:{missing}, nothing provides it")
        volumes = {v["name"]: v for v in pod_template(deployment)["spec"].get("volumes", [])}
        mounts = {m["mountPath"].rstrip("/"): m for m in container.get("volumeMounts", [])}
        for path in sorted(file_refs):
            directory, key = posixpath.split(path)
            mount = mounts.get(directory)
            secret = volumes.get(mount["name"], {}).get("secret") if mount else None
            if secret is None:
                problems.append(f"{where}: no Secret mounted at {directory} for file:{path}")
                continue
            keys = set(secrets.get(secret["secretName"], {}))
            items = {i["path"]: i["key"] for i in secret.get("items", [])}
            if (items.get(key) not in keys) if items else (key not in keys):
                problems.append(f"{where}: Secret {secret['secretName']} has no {key} for {path}")
    for secret in of_kind(objects, "Secret"):
        if secret.get("data"):
            problems.append(
                f"{ident(secret)}: data (base64) given; keep placeholders in stringData"
            )
        for key, value in (secret.get("stringData") or {}).items():
            if "replace-me" not in str(value).lower():
                problems.append(f"{ident(secret)}: {key} is not a REPLACE-ME placeholder")
    return problems


def config_mount_problems(objects: list[Doc]) -> Problems:
    problems: Problems = []
    for workload in workloads(objects):
        volumes = {v["name"]: v for v in pod_template(workload)["spec"].get("volumes", [])}
        for container in containers(workload):
            config_path = env_of(container).get("PASSERELLE_CONFIG")
            if role(container) in ("worker", "gateway") and config_path is None:
                problems.append(f"{ident(workload)}: no PASSERELLE_CONFIG")
            if config_path is None:
                continue
            directory, key = posixpath.split(str(config_path))
            mounted = [
                volumes.get(m["name"], {}).get("configMap")
                for m in container.get("volumeMounts", [])
                if m["mountPath"].rstrip("/") == directory
            ]
            if not mounted or mounted[0] is None:
                problems.append(f"{ident(workload)}: no ConfigMap mounted at {directory}")
                continue
            configmaps = [
                c
                for c in of_kind(objects, "ConfigMap")
                if c["metadata"]["name"] == mounted[0]["name"]
            ]
            if not configmaps or key not in (configmaps[0].get("data") or {}):
                problems.append(f"{ident(workload)}: ConfigMap {mounted[0]['name']} has no {key}")
    return problems


def hardening_problems(objects: list[Doc], config_text: str) -> Problems:
    problems: Problems = []
    for workload in workloads(objects):
        spec = pod_template(workload)["spec"]
        pod_security = spec.get("securityContext") or {}
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{ident(workload)}: mounts a service account token")
        if spec.get("enableServiceLinks") is not False:
            problems.append(f"{ident(workload)}: service links put *_PORT variables in its env")
        if (pod_security.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
            problems.append(f"{ident(workload)}: no RuntimeDefault seccomp profile")
        volumes = {v["name"] for v in spec.get("volumes", [])}
        for container in containers(workload):
            where = f"{ident(workload)} container {container['name']}"
            security = container.get("securityContext") or {}
            if security.get("runAsNonRoot", pod_security.get("runAsNonRoot")) is not True:
                problems.append(f"{where}: runAsNonRoot is not true")
            if security.get("runAsUser", pod_security.get("runAsUser")) in (None, 0):
                problems.append(f"{where}: no non-root runAsUser")
            if security.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if security.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: root filesystem is writable")
            if "ALL" not in (security.get("capabilities") or {}).get("drop", []):
                problems.append(f"{where}: capabilities not dropped")
            resources = container.get("resources") or {}
            for section in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if resource not in (resources.get(section) or {}):
                        problems.append(f"{where}: no {resource} {section[:-1]}")
            for mount in container.get("volumeMounts", []):
                if mount["name"] not in volumes:
                    problems.append(f"{where}: mounts unknown volume {mount['name']}")
    found = for_role(objects, "worker")
    if found is not None:
        worker, _ = found
        grace = timedelta(
            seconds=pod_template(worker)["spec"].get("terminationGracePeriodSeconds", 30)
        )
        needed = graceful_shutdown(config_text) + SHUTDOWN_MARGIN
        if grace < needed:
            problems.append(f"{ident(worker)}: terminationGracePeriodSeconds under {needed}")
    return problems


def compose_problems(compose: Doc, config_text: str) -> Problems:
    services: dict[str, Doc] = compose.get("services", {})
    roles = {"passerelle-setup": ["setup"], "worker": ["worker"], "gateway": GATEWAY_ARGS}
    missing = [name for name in roles if name not in services]
    if missing:
        return [f"compose: no service {name}" for name in missing]
    problems: Problems = []
    for name, command in roles.items():
        if services[name].get("command") != command:
            problems.append(f"compose {name}: command {services[name].get('command')}")
    if (services["worker"].get("deploy") or {}).get("replicas") != 2:
        problems.append("compose worker: not 2 replicas")

    def depends(name: str) -> dict[str, str]:
        found = services[name].get("depends_on") or {}
        if isinstance(found, list):
            return dict.fromkeys(found, "service_started")
        return {dep: spec.get("condition", "service_started") for dep, spec in found.items()}

    for name in services:
        for dep in depends(name):
            if dep not in services:
                problems.append(f"compose {name}: depends on unknown service {dep}")
    for name in ("worker", "gateway"):
        if depends(name).get("passerelle-setup") != "service_completed_successfully":
            problems.append(f"compose {name}: does not wait for passerelle-setup to succeed")

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        deps = depends(start) if start in services else {}
        return goal in deps or any(reaches(d, goal, seen | {start}) for d in deps if d not in seen)

    if not reaches("passerelle-setup", "temporal"):
        problems.append("compose passerelle-setup: does not wait for temporal")

    env_refs, file_refs = secret_references(config_text)
    health = {"worker": WORKER_HEALTH_PORT, "gateway": GATEWAY_PORT}
    for name in roles:
        service = services[name]
        env = compose_env(service)
        for ref in sorted(env_refs):
            if ref not in env:
                problems.append(f"compose {name}: the config reads env:{ref}, not set")
            elif not env[ref].startswith("${" + ref):
                problems.append(f"compose {name}: {ref} is written in the file, not taken from env")
        config_path = env.get("PASSERELLE_CONFIG")
        targets = {c.get("target") for c in service.get("configs", []) if isinstance(c, dict)}
        if config_path is None or config_path not in targets:
            problems.append(f"compose {name}: no config mounted at PASSERELLE_CONFIG")
        for entry in service.get("configs", []):
            source = entry["source"] if isinstance(entry, dict) else entry
            file = compose.get("configs", {}).get(source, {}).get("file")
            if file is None or not (DEPLOY / file).is_file():
                problems.append(f"compose {name}: config {source} has no file")
        mounted: dict[str, str] = {}
        for entry in service.get("secrets", []):
            source = entry if isinstance(entry, str) else entry["source"]
            target = source if isinstance(entry, str) else entry.get("target", source)
            mounted[posixpath.join("/run/secrets", target)] = source
        for path in sorted(file_refs):
            source_name = mounted.get(path)
            if source_name is None:
                problems.append(f"compose {name}: no secret mounted at {path}")
                continue
            file = compose.get("secrets", {}).get(source_name, {}).get("file")
            if file is None or not (DEPLOY / interpolate_default(file)).is_file():
                problems.append(f"compose {name}: secret {source_name} has no file")
        if name in health:
            test = (service.get("healthcheck") or {}).get("test", [])
            urls = healthcheck_urls(test)
            if not urls or any(
                port != health[name] or path not in HEALTH_PATHS for port, path in urls
            ):
                problems.append(f"compose {name}: healthcheck {urls}, want :{health[name]}")
    published = [str(p).rsplit(":", 1)[-1] for p in services["gateway"].get("ports", [])]
    if str(GATEWAY_PORT) not in published:
        problems.append(f"compose gateway: container port {GATEWAY_PORT} not published")
    stop = compose_duration(services["worker"].get("stop_grace_period", "10s"))
    if stop < graceful_shutdown(config_text) + SHUTDOWN_MARGIN:
        problems.append(f"compose worker: stop_grace_period {stop} under graceful shutdown")
    prometheus = services.get("prometheus")
    if prometheus is None or "monitoring" not in prometheus.get("profiles", []):
        problems.append("compose: no prometheus service in the monitoring profile")
    return problems


def prometheus_problems(prometheus: Doc, compose: Doc) -> Problems:
    scraped: set[tuple[str, int, str]] = set()
    for job in prometheus.get("scrape_configs", []):
        path = job.get("metrics_path", "/metrics")
        for static in job.get("static_configs", []):
            for target in static.get("targets", []):
                host, _, port = str(target).rpartition(":")
                scraped.add((host, int(port), path))
        for dns in job.get("dns_sd_configs", []):
            for host in dns.get("names", []):
                scraped.add((host, int(dns["port"]), path))
    problems: Problems = []
    for wanted in (
        ("worker", WORKER_METRICS_PORT, "/metrics"),
        ("gateway", GATEWAY_PORT, "/metrics"),
    ):
        if wanted not in scraped:
            problems.append(f"prometheus.yml: does not scrape {wanted[0]}:{wanted[1]}{wanted[2]}")
    for host, _, _ in scraped:
        if host not in compose.get("services", {}):
            problems.append(f"prometheus.yml: {host} is no compose service")
    return problems


def image_problems(compose: Doc, objects: list[Doc], pyproject: Doc) -> Problems:
    expected = f"{IMAGE_NAME}:{pyproject['project']['version']}"
    problems: Problems = []
    for name, service in compose.get("services", {}).items():
        image = str(service.get("image", ""))
        if "build" in service or image.startswith(IMAGE_NAME):
            if image != expected:
                problems.append(f"compose {name}: image {image!r}, want {expected}")
            continue
        repository, _, tag = image.partition("@")[0].rpartition(":")
        if not repository or tag in ("", "latest") or not re.search(r"\d", tag):
            problems.append(f"compose {name}: image {image!r} is not pinned to a version")
    for workload in workloads(objects):
        for container in containers(workload):
            if container["image"] != expected:
                problems.append(f"{ident(workload)}: image {container['image']}, want {expected}")
    version = str(pyproject["project"]["version"])
    for entry in kustomization().get("images", []):
        if entry.get("name") == IMAGE_NAME and entry.get("newTag", version) != version:
            problems.append(f"kustomization: newTag {entry.get('newTag')}, want {version}")
    return problems


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        if line:
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def dockerfile_problems(text: str) -> Problems:
    instructions = dockerfile_instructions(text)
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    if not starts:
        return ["Dockerfile: no FROM"]
    problems: Problems = []
    stages: set[str] = set()
    for index in starts:
        parts = instructions[index][1].split()
        image = next(p for p in parts if not p.startswith("--"))
        if image not in stages and not PINNED_BASE.match(image):
            problems.append(f"Dockerfile: base {image} is not python:3.11.<patch>-slim-bookworm")
        if len(parts) >= 3 and parts[-2].upper() == "AS":
            stages.add(parts[-1])
    final = instructions[starts[-1] + 1 :]
    users = [arguments for keyword, arguments in final if keyword == "USER"]
    if not users or users[-1].split(":")[0] in ("", "root", "0"):
        problems.append("Dockerfile: the final stage does not switch to a non-root USER")
    checks = [arguments for keyword, arguments in final if keyword == "HEALTHCHECK"]
    if not checks or checks[-1].upper().startswith("NONE"):
        problems.append("Dockerfile: no HEALTHCHECK in the final stage")
    elif str(WORKER_HEALTH_PORT) not in checks[-1] or "/healthz" not in checks[-1]:
        problems.append(f"Dockerfile: HEALTHCHECK does not probe :{WORKER_HEALTH_PORT}/healthz")
    exposed = {
        int(port.split("/")[0])
        for keyword, arguments in final
        if keyword == "EXPOSE"
        for port in arguments.split()
    }
    for port in sorted({GATEWAY_PORT, WORKER_HEALTH_PORT, WORKER_METRICS_PORT} - exposed):
        problems.append(f"Dockerfile: port {port} not exposed")
    forms = {keyword: arguments for keyword, arguments in final if keyword in ("ENTRYPOINT", "CMD")}
    for keyword, wanted in (("ENTRYPOINT", ["passerelle"]), ("CMD", ["worker"])):
        try:
            found = json.loads(forms.get(keyword, "null"))
        except json.JSONDecodeError:
            found = forms.get(keyword)
        if found != wanted:
            problems.append(f"Dockerfile: {keyword} {found}, want {wanted}")
    for keyword, arguments in final:
        if keyword == "RUN" and any(tool in arguments + " " for tool in BUILD_TOOLS):
            problems.append(f"Dockerfile: the final stage installs build tools: {arguments}")
    if not any(k == "COPY" and "--from=" in a for k, a in final):
        problems.append("Dockerfile: the final stage copies nothing from the builder")
    return problems


def dockerignore_problems(text: str, pyproject: Doc) -> Problems:
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    if not lines or lines[0] != "*":
        return [".dockerignore: not an allow-list (first pattern `*`)"]
    allowed = {line[1:].strip("/") for line in lines if line.startswith("!")}
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    needed = {"pyproject.toml", pyproject["project"]["readme"]}
    needed |= {pattern.rstrip("*").rstrip(".") for pattern in include}
    return [f".dockerignore: {name} is left out of the build" for name in sorted(needed - allowed)]


def all_problems(bundle: Bundle) -> Problems:
    config = configmap_config(bundle.objects)
    return [
        *selector_problems(bundle.objects),
        *hpa_problems(bundle.objects),
        *probe_problems(bundle.objects),
        *secret_problems(bundle.objects, config),
        *config_mount_problems(bundle.objects),
        *hardening_problems(bundle.objects, config),
        *compose_problems(bundle.compose, bundle.example_config),
        *prometheus_problems(bundle.prometheus, bundle.compose),
        *image_problems(bundle.compose, bundle.objects, bundle.pyproject),
        *dockerfile_problems(bundle.dockerfile),
        *dockerignore_problems(bundle.dockerignore, bundle.pyproject),
    ]


# ---------------------------------------------------------------------------------------
# Parsing and schemas

YAML_FILES = sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yaml", ".yml"))


def test_deploy_has_the_artifacts() -> None:
    for name in ("Dockerfile", "compose.yaml", "prometheus.yml", "k8s/kustomization.yaml"):
        assert (DEPLOY / name).is_file(), name
    assert len(YAML_FILES) >= 14


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(DEPLOY)))
def test_every_yaml_document_parses(path: Path) -> None:
    docs = yaml_docs(path)
    assert docs, f"{path} holds no document"
    assert all(isinstance(doc, dict) for doc in docs)


def test_compose_follows_the_compose_specification() -> None:
    compose = yaml_docs(DEPLOY / "compose.yaml")
    assert len(compose) == 1
    assert schema_errors(schema(SCHEMAS / "compose-spec.json"), compose[0]) == []


def k8s_cases() -> Iterator[Any]:
    for path in k8s_files():
        for index, doc in enumerate(yaml_docs(path)):
            yield pytest.param(doc, id=f"{path.name}#{index}-{doc.get('kind')}")


@pytest.mark.parametrize("doc", list(k8s_cases()))
def test_manifest_follows_the_kubernetes_schema_of_its_kind(doc: Doc) -> None:
    path = k8s_schema_path(doc)
    assert path.is_file(), f"no schema vendored for {doc['apiVersion']} {doc['kind']}: {path}"
    assert schema_errors(schema(path), doc) == []


def test_kustomization_follows_its_schema_and_lists_every_manifest() -> None:
    doc = kustomization()
    assert schema_errors(schema(SCHEMAS / "kustomization.json"), doc) == []
    listed = doc["resources"]
    assert len(listed) == len(set(listed))
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(listed) == present
    namespaces = [o for o in k8s_objects() if o["kind"] == "Namespace"]
    assert [n["metadata"]["name"] for n in namespaces] == [doc["namespace"]]
    for obj in k8s_objects():
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == doc["namespace"], ident(obj)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_renders_every_manifest_with_the_release_image() -> None:
    """Where kubectl is at hand: its kustomize builds the directory (offline)."""
    result = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    rendered = [doc for doc in yaml.safe_load_all(result.stdout) if doc is not None]
    assert sorted(map(ident, rendered)) == sorted(map(ident, k8s_objects()))
    bundle = load_bundle()
    assert image_problems(bundle.compose, rendered, bundle.pyproject) == []


def test_vendored_schemas_are_documented_and_unchanged() -> None:
    """SOURCES.md names each schema with its upstream git blob id: the file is that blob."""
    rows = (SCHEMAS / "SOURCES.md").read_text(encoding="utf-8").splitlines()
    paths = sorted(SCHEMAS.rglob("*.json"))
    assert len(paths) >= 11
    for path in paths:
        row = [line for line in rows if line.startswith("|") and f"`{path.name}`" in line]
        assert len(row) == 1, f"{path.name} is not in SOURCES.md"
        data = path.read_bytes()
        blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        assert re.findall(r"`([0-9a-f]{40})`", row[0])[-1] == blob, path.name


# ---------------------------------------------------------------------------------------
# The config they carry


def errors_of(path: Path) -> Problems:
    config, problems = check_file(path)
    assert config is not None, [str(p) for p in problems]
    return [str(p) for p in problems if p.severity == "error"]


def test_example_config_passes_config_check() -> None:
    parse(EXAMPLE_CONFIG.read_text(encoding="utf-8"), str(EXAMPLE_CONFIG))
    assert errors_of(EXAMPLE_CONFIG) == []


def test_configmap_config_passes_config_check(tmp_path: Path) -> None:
    text = configmap_config(k8s_objects())
    parse(text, "configmap.yaml:passerelle.toml")
    path = tmp_path / "passerelle.toml"
    path.write_text(text, encoding="utf-8")
    assert errors_of(path) == []


def test_configmap_carries_the_example_config() -> None:
    """One production config: deploy/passerelle.example.toml and the ConfigMap say the same
    (edit both)."""
    carried = tomllib.loads(configmap_config(k8s_objects()))
    assert carried == tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))


def test_config_references_secrets_both_ways() -> None:
    env, files = secret_references(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    assert "META_APP_SECRET" in env and "SLACK_ONCALL_WEBHOOK_URL" in env
    assert "/run/secrets/meta_page_token" in files


# ---------------------------------------------------------------------------------------
# Consistency


def test_selectors_select_the_pods_they_mean() -> None:
    assert selector_problems(k8s_objects()) == []


def test_hpa_scales_the_worker_deployment() -> None:
    assert hpa_problems(k8s_objects()) == []


def test_probes_and_ports_follow_the_runtime_contract() -> None:
    assert probe_problems(k8s_objects()) == []


def test_every_secret_the_config_references_is_provided() -> None:
    objects = k8s_objects()
    assert secret_problems(objects, configmap_config(objects)) == []


def test_config_is_mounted_where_passerelle_config_points() -> None:
    assert config_mount_problems(k8s_objects()) == []


def test_pods_are_hardened_and_bounded() -> None:
    objects = k8s_objects()
    assert hardening_problems(objects, configmap_config(objects)) == []


def test_compose_cluster_is_wired() -> None:
    bundle = load_bundle()
    assert compose_problems(bundle.compose, bundle.example_config) == []


def test_prometheus_scrapes_workers_and_gateway() -> None:
    bundle = load_bundle()
    assert prometheus_problems(bundle.prometheus, bundle.compose) == []


def test_one_passerelle_image_everywhere_and_third_party_images_pinned() -> None:
    bundle = load_bundle()
    assert image_problems(bundle.compose, bundle.objects, bundle.pyproject) == []


def test_dockerfile_is_pinned_non_root_and_health_checked() -> None:
    assert dockerfile_problems(load_bundle().dockerfile) == []


def test_dockerignore_lets_every_package_in() -> None:
    bundle = load_bundle()
    assert dockerignore_problems(bundle.dockerignore, bundle.pyproject) == []


# ---------------------------------------------------------------------------------------
# The checks can fail: one break each, in a copy of the real files


def _deployment(bundle: Bundle, wanted: str) -> Doc:
    found = for_role(bundle.objects, wanted)
    assert found is not None
    return found[0]


def _container(bundle: Bundle, wanted: str) -> Doc:
    found = for_role(bundle.objects, wanted)
    assert found is not None
    return found[1]


def _break_pdb_selector(b: Bundle) -> None:
    pdb = named(b.objects, "PodDisruptionBudget", "passerelle-worker")
    pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] = "wroker"


def _break_service_selector(b: Bundle) -> None:
    service = named(b.objects, "Service", "passerelle-gateway")
    service["spec"]["selector"] = {"app.kubernetes.io/name": "passerelle"}


def _break_hpa_target(b: Bundle) -> None:
    hpa = named(b.objects, "HorizontalPodAutoscaler", "passerelle-worker")
    hpa["spec"]["scaleTargetRef"]["name"] = "passerelle-gateway"


def _break_readiness_port(b: Bundle) -> None:
    _container(b, "worker")["readinessProbe"]["httpGet"]["port"] = GATEWAY_PORT


def _break_liveness_path(b: Bundle) -> None:
    _container(b, "gateway")["livenessProbe"]["httpGet"]["path"] = "/health"


def _drop_secret_key(b: Bundle) -> None:
    del named(b.objects, "Secret", "passerelle-env")["stringData"]["META_APP_SECRET"]


def _drop_secret_file(b: Bundle) -> None:
    del named(b.objects, "Secret", "passerelle-files")["stringData"]["youtube_token"]


def _real_looking_secret(b: Bundle) -> None:
    named(b.objects, "Secret", "passerelle-env")["stringData"]["MASTODON_TOKEN"] = "s3cr3t"


def _short_grace(b: Bundle) -> None:
    pod_template(_deployment(b, "worker"))["spec"]["terminationGracePeriodSeconds"] = 30


def _writable_root(b: Bundle) -> None:
    _container(b, "gateway")["securityContext"]["readOnlyRootFilesystem"] = False


def _one_compose_worker(b: Bundle) -> None:
    b.compose["services"]["worker"]["deploy"]["replicas"] = 1


def _compose_missing_env(b: Bundle) -> None:
    del b.compose["services"]["gateway"]["environment"]["PRESS_WEBHOOK_SECRET"]


def _compose_health_port(b: Bundle) -> None:
    b.compose["services"]["worker"]["healthcheck"]["test"][-1] = (
        "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/readyz')"
    )


def _image_tag_drift(b: Bundle) -> None:
    _container(b, "worker")["image"] = f"{IMAGE_NAME}:latest"


def _unpinned_postgres(b: Bundle) -> None:
    b.compose["services"]["postgresql"]["image"] = "postgres:latest"


def _root_user(b: Bundle) -> None:
    b.dockerfile = b.dockerfile.replace(
        'ENTRYPOINT ["passerelle"]', 'USER root\nENTRYPOINT ["passerelle"]'
    )


def _floating_base(b: Bundle) -> None:
    b.dockerfile = re.sub(r"python:3\.11\.\d+-slim-bookworm", "python:3.11-slim", b.dockerfile)


def _no_healthcheck(b: Bundle) -> None:
    b.dockerfile = re.sub(r"(?m)^HEALTHCHECK[^\n]*\\\n[^\n]*\n", "", b.dockerfile)


def _prometheus_wrong_port(b: Bundle) -> None:
    b.prometheus["scrape_configs"][0]["dns_sd_configs"][0]["port"] = 8081


def _package_left_out(b: Bundle) -> None:
    b.dockerignore = b.dockerignore.replace("!connecteurs\n", "")


BREAKS: list[tuple[Callable[[Bundle], None], str]] = [
    (_break_pdb_selector, "PodDisruptionBudget/passerelle-worker: selector"),
    (_break_service_selector, "Service/passerelle-gateway: selector"),
    (_break_hpa_target, "targets ('apps/v1', 'Deployment', 'passerelle-gateway')"),
    (_break_readiness_port, "readinessProbe on port 8080, want 8081"),
    (_break_liveness_path, "livenessProbe on /health, want /healthz"),
    (_drop_secret_key, "the config reads env:META_APP_SECRET, nothing provides it"),
    (_drop_secret_file, "has no youtube_token"),
    (_real_looking_secret, "MASTODON_TOKEN is not a REPLACE-ME placeholder"),
    (_short_grace, "terminationGracePeriodSeconds under"),
    (_writable_root, "root filesystem is writable"),
    (_one_compose_worker, "compose worker: not 2 replicas"),
    (_compose_missing_env, "compose gateway: the config reads env:PRESS_WEBHOOK_SECRET"),
    (_compose_health_port, "compose worker: healthcheck"),
    (_image_tag_drift, f"image {IMAGE_NAME}:latest"),
    (_unpinned_postgres, "compose postgresql: image 'postgres:latest' is not pinned"),
    (_root_user, "does not switch to a non-root USER"),
    (_floating_base, "base python:3.11-slim is not"),
    (_no_healthcheck, "no HEALTHCHECK"),
    (_prometheus_wrong_port, "does not scrape worker:9464/metrics"),
    (_package_left_out, "connecteurs is left out of the build"),
]


def test_the_real_files_have_no_problem() -> None:
    assert all_problems(load_bundle()) == []


@pytest.mark.parametrize(("breaks", "expected"), BREAKS, ids=[b.__name__[1:] for b, _ in BREAKS])
def test_each_check_catches_its_break(breaks: Callable[[Bundle], None], expected: str) -> None:
    bundle = load_bundle()
    breaks(bundle)
    assert bundle != load_bundle(), "the break changed nothing"
    found = all_problems(bundle)
    assert any(expected in problem for problem in found), found
