"""Prometheus metrics of one gateway (its own registry, so tests can run several)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram


@dataclass
class GatewayMetrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "passerelle_gateway_requests",
            "Webhook requests by connector and HTTP status.",
            ["connector", "status"],
            registry=self.registry,
        )
        self.accept_seconds = Histogram(
            "passerelle_gateway_accept_seconds",
            "Time from request to durable acceptance (every workflow started) of a delivery.",
            ["connector"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.interactions = Counter(
            "passerelle_gateway_interactions",
            "Interactions handed to Temporal, by outcome (started, duplicate, follow_up).",
            ["connector", "outcome"],
            registry=self.registry,
        )
        self.signature_failures = Counter(
            "passerelle_gateway_signature_failures",
            "Deliveries refused for a missing or wrong signature.",
            ["connector"],
            registry=self.registry,
        )
        self.unknown_accounts = Counter(
            "passerelle_gateway_unknown_accounts",
            "Events for accounts that are not in the config (refused, logged).",
            ["connector"],
            registry=self.registry,
        )
