"""Reproducible benchmarks against a seeded national-scale database."""
