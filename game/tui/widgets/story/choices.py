"""The numbered choices: keys 1-9, arrows + Enter, or the mouse. Disabled choices are greyed, with their reason."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ....engine import ChoiceView
from ...text import line

ENDING_OPTION = "__ending__"


def choice_prompt(view: ChoiceView) -> Content:
    number = f"{view.number}. " if view.number <= 9 else "   "
    prompt = Content.assemble((number, "bold"), line(view.label))
    if not view.enabled:
        # Said in words, not only greyed, so it reads the same without colour.
        reason = line(view.reason) or "not available now"
        prompt = Content.assemble(prompt, "\n   ", (f"unavailable: {reason}", "italic"))
    return prompt


class ChoiceList(OptionList):
    """The current scene's choices. Option ids are the engine's choice ids."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.views: list[ChoiceView] = []

    def set_choices(self, views: list[ChoiceView]) -> None:
        self.views = views
        self.set_options(Option(choice_prompt(v), id=v.id, disabled=not v.enabled) for v in views)
        self.border_title = "What do you do?"
        first = next((i for i, v in enumerate(views) if v.enabled), None)
        self.highlighted = first

    def set_ending(self, title: str) -> None:
        """At an ending there is nothing to choose: one entry leads to the ending screen."""
        self.views = []
        self.set_options(
            [
                Option(
                    Content.assemble(("The end: ", "bold"), line(title), " \u2014 see the ending"),
                    id=ENDING_OPTION,
                )
            ]
        )
        self.border_title = "The story has ended"
        self.highlighted = 0

    def view_for_number(self, number: int) -> ChoiceView | None:
        return next((v for v in self.views if v.number == number), None)
