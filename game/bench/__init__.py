"""Benchmarks: ``qasas bench`` and the synthetic stories it measures."""
