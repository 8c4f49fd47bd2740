"""Jaysh al-Qasas: a terminal interactive-fiction game and the choice-based story engine behind it."""

__version__ = "0.1.0"
