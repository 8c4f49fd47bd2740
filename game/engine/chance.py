"""Deterministic chance: every roll is a pure function of the playthrough's seed and where it happens.

Chance routes and shuffled text both draw from here, so a replay of the same choices with the same seed takes the
same branches and shows the same words.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1


def roll(seed: int, step: int, k: int) -> int:
    """A deterministic number 0..99 from the seed, the step and a third number (splitmix64)."""
    return mix(seed, step, k) % 100


def mix(seed: int, step: int, k: int) -> int:
    """A well-mixed 64-bit number from three integers (splitmix64's finaliser over a weighted sum)."""
    z = (seed * 0x9E3779B97F4A7C15 + (step + 1) * 0xBF58476D1CE4E5B9 + (k + 1) * 0x94D049BB133111EB) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)
