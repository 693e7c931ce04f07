"""JSON Lines connector: files in, files out; the connector of the demo and the tests."""

from connecteurs.jsonl.connecteur import (
    JsonlConnecteur,
    JsonlOptions,
    parse_event_lines,
    parse_lines,
    read_lines,
    read_outbox,
)

__all__ = [
    "JsonlConnecteur",
    "JsonlOptions",
    "parse_event_lines",
    "parse_lines",
    "read_lines",
    "read_outbox",
]
