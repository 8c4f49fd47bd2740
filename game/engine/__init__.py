"""The story engine: pure Python, no Textual, Rich or file I/O.

Public API: load a ``Story`` with ``game.loader.load_story``, then play it with ``Game``::

    game = Game(story, seed=7)
    game.header(); game.text(); game.choices()
    outcome = game.choose("accept")     # outcome.result: the aftermath paragraphs; outcome.trust: what moved

Rendered text is ``str``; a paragraph with emphasis is a ``Styled`` (a ``str`` with ``emphasis`` ranges).
"""

# Each name is imported from its module when first asked for (PEP 562), so loading a story from the cache does not
# import what only playing it needs (the Game, its records, the reasons for disabled choices).
_WHERE = {
    "ConditionError": "conditions",
    **dict.fromkeys(
        ("ChoiceError", "Game", "ReplayError", "apply_effects", "available_choices", "describe_requirement"), "game"
    ),
    **dict.fromkeys(
        ("ChoiceView", "Header", "NameChange", "Outcome", "State", "TrustChange", "VariableChange"), "state"
    ),
    **dict.fromkeys(
        ("Chapter", "Choice", "Condition", "Effect", "Ending", "Faction", "GlossaryEntry", "Location", "Passage",
         "Pos", "Route", "RouteList", "Scene", "Story", "Variable"),
        "model",
    ),
    **dict.fromkeys(("Styled", "Template", "TextError", "emphasis_of", "number_words"), "text"),
}

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from .conditions import ConditionError
    from .game import ChoiceError, Game, ReplayError, apply_effects, available_choices, describe_requirement
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
    from .state import ChoiceView, Header, NameChange, Outcome, State, TrustChange, VariableChange
    from .text import Styled, Template, TextError, emphasis_of, number_words


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next look-up is a plain one
    return value


__all__ = [
    "Chapter", "Choice", "ChoiceError", "ChoiceView", "Condition", "ConditionError", "Effect", "Ending",
    "Faction", "Game", "GlossaryEntry", "Header", "Location", "NameChange", "Outcome", "Passage", "Pos",
    "ReplayError", "Route", "RouteList", "Scene", "State", "Story", "Styled", "Template", "TextError",
    "TrustChange", "Variable", "VariableChange", "apply_effects", "available_choices", "describe_requirement",
    "emphasis_of", "number_words",
]
