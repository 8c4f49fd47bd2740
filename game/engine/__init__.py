"""The story engine: pure Python, no Textual, Rich or file I/O.

Public API: load a ``Story`` with ``game.loader.load_story``, then play it with ``Game``::

    game = Game(story, seed=7)
    game.header(); game.text(); game.choices()
    outcome = game.choose("accept")     # outcome.result: the aftermath paragraphs; outcome.trust: what moved

Rendered text is ``str``; a paragraph with emphasis is a ``Styled`` (a ``str`` with ``emphasis`` ranges).
"""

from .conditions import ConditionError
from .game import (
    ChoiceError,
    ChoiceView,
    Game,
    Header,
    NameChange,
    Outcome,
    ReplayError,
    State,
    TrustChange,
    VariableChange,
    apply_effects,
    available_choices,
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
    RouteList,
    Scene,
    Story,
    Variable,
)
from .text import Styled, Template, TextError, emphasis_of, number_words

__all__ = [
    "Chapter", "Choice", "ChoiceError", "ChoiceView", "Condition", "ConditionError", "Effect", "Ending",
    "Faction", "Game", "GlossaryEntry", "Header", "Location", "NameChange", "Outcome", "Passage", "Pos",
    "ReplayError", "Route", "RouteList", "Scene", "State", "Story", "Styled", "Template", "TextError",
    "TrustChange", "Variable", "VariableChange", "apply_effects", "available_choices", "describe_requirement",
    "emphasis_of", "number_words",
]
