"""Benchmarks run against a real server (see bench/README.md)."""
