"""Benchmarks: measure a plugin against labeled data (pure functions, no CLI)."""
