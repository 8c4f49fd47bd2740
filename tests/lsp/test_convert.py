"""Positions between the loader (1-based lines and characters) and the protocol (0-based, in the units the client
chose: UTF-16 by default, or UTF-8 or UTF-32), and the exact range of a problem."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from game.loader import Problem
from game.loader.index import Ref, Span
from game.lsp.convert import Lines, ref_starts

TEXT = "chapter: kobani\n  - {id: x, title: Kobanî 𝄞, goto: kob_relay}\n"


@pytest.mark.parametrize(
    ("encoding", "character"),
    [(types.PositionEncodingKind.Utf16, 36), (types.PositionEncodingKind.Utf8, 39), (types.PositionEncodingKind.Utf32, 35)],
)
def test_a_column_after_wide_characters_in_each_encoding(encoding: str, character: int) -> None:
    lines = Lines(TEXT, PositionCodec(encoding))
    column = TEXT.split("\n")[1].index("kob_relay") + 1  # 1-based, in characters
    assert lines.position(2, column) == types.Position(line=1, character=character)
    assert lines.cursor(types.Position(line=1, character=character)) == (2, column)


def test_a_problem_covers_the_name_the_index_knows_else_the_word_there() -> None:
    lines = Lines(TEXT, PositionCodec(types.PositionEncodingKind.Utf32))  # (columns counted in characters)
    col = TEXT.split("\n")[1].index("kob_relay") + 1
    problem = Problem("f.yaml", 2, col, "unknown scene 'kob_relay'")
    assert lines.problem_range(problem) == types.Range(types.Position(1, col - 1), types.Position(1, col - 1 + 9))
    ref = Ref("scene", "kob_relay", Span("f.yaml", 2, col, 2, col + 3))  # (a narrower range, to tell them apart)
    assert lines.problem_range(problem, ref_starts([ref])).end.character == col - 1 + 3
    # A problem with no line (a file that cannot be read) covers the first line.
    assert lines.problem_range(Problem("f.yaml", 0, 0, "cannot read file")) == types.Range(
        types.Position(0, 0), types.Position(0, len("chapter: kobani")))


def test_a_verdict_covers_the_whole_condition_an_error_the_name() -> None:
    text = "        if: waited > 1\n"
    lines = Lines(text, PositionCodec())
    name = Ref("name", "waited", Span("f", 1, 13, 1, 19))
    cond = Ref("condition", "waited > 1", Span("f", 1, 13, 1, 23), how="if")
    starts = ref_starts([name, cond])
    verdict = Problem("f", 1, 13, "condition 'waited > 1' is always true", "warning")
    error = Problem("f", 1, 13, "in condition 'waited > 1': unknown name 'waited'")
    assert lines.problem_range(verdict, starts).end.character == 22
    assert lines.problem_range(error, starts).end.character == 18
