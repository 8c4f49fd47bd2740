"""The story engine: pure Python, no Textual, Rich or file I/O.

Public API: load a ``Story`` with ``game.loader.load_story``, then play it with ``Game``::

    game = Game(story, seed=7)
    game.text(); game.choices()
    outcome = game.choose("accept")
"""

from .conditions import ConditionError
from .game import (
    ChoiceError,
    ChoiceView,
    Game,
    Outcome,
    ReplayError,
    State,
    TrustChange,
    VariableChange,
    describe_requirement,
)
from .model import (
    Chapter,
    Choice,
    Condition,
    Effect,
    Ending,
    Faction,
    GlossaryEntry,
    Location,
    Passage,
    Pos,
    Route,
    Scene,
    Story,
    Template,
    Variable,
)

__all__ = [
    "Chapter", "Choice", "ChoiceError", "ChoiceView", "Condition", "ConditionError", "Effect", "Ending",
    "Faction", "Game", "GlossaryEntry", "Location", "Outcome", "Passage", "Pos", "ReplayError", "Route",
    "Scene", "State", "Story", "Template", "TrustChange", "Variable", "VariableChange", "describe_requirement",
]
