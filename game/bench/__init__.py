"""Benchmarks: ``qasas bench`` and the synthetic stories it measures.

- ``synthetic``: the seeded synthetic story of any size (``qasas bench --write-synthetic N DIR``);
- ``suite``: what is measured against what, the targets, and the table;
- ``worker`` and ``startup``: the measured side, each sample in a fresh interpreter;
- ``measure``: medians, worker processes, the machine's description.
"""
