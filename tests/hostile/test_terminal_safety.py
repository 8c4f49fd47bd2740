"""Terminal safety: text from a story, a save or a file name never drives the terminal and is never read as markup.

The probes are Textual markup that would quit the app if interpreted (``[@click=app.quit]``, a stray ``[/]``) and
escape sequences that would retitle the window or clear the screen (``ESC ] 0 ; title BEL``, ``ESC [ 2 J``). They
go through every door: plain play, ``qasas lint`` (in a key, a scene id, a condition, a file name), replay
transcripts and failures, and the TUI. Everywhere the brackets must show literally and no ESC, BEL or C1 byte may
come out. The last tests audit the source: every notify/Static/Label/Button/border_title in the TUI is built so
that markup is off.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
from hostile_helpers import ROOT, error_lines, qasas

from game.sanitize import sanitize, sanitize_line

CLICK = "[@click=app.quit]click me[/]"
CLOSE = "[/]"
OSC = "\x1b]0;pwned title\x07"
CLEAR = "\x1b[2J"
CSI8 = "\x9b2J"
NAME_PROBE = "[@click=app.quit]click me[b]"  # a file name cannot hold the '/' of '[/]'
RLO = "\u202e"
# The same, as YAML double-quoted escapes (raw control characters are refused by YAML itself).
Y_OSC, Y_CLEAR, Y_CSI8, Y_RLO = "\\e]0;pwned title\\a", "\\e[2J", "\\x9b2J", "\\u202e"
FORBIDDEN = (b"\x1b", b"\x07", b"\xc2\x9b", b"\xc2\x9d", RLO.encode())


def probe(label: str) -> str:
    """A YAML double-quoted value carrying every probe around a readable label."""
    return f'"{label} {CLICK} {Y_OSC}{Y_CLEAR}{Y_CSI8}{Y_RLO} {CLOSE} end"'


def nasty_story(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(
        f"story: {{id: nasty, title: {probe('Story')}, start: a}}\n"
        f"chapters: {{one: {{title: {probe('Chapter')}, order: 1}}}}\n"
        f"factions: {{f: {{name: {probe('Faction')}, description: {probe('Described')}}}}}\n"
        "variables: {flag: {type: bool, default: false}}\n"
        f"endings: {{done: {{title: {probe('Ending')}}}}}\n"
        f"locations: {{here: {{name: {probe('Place')}}}}}\n"
        f"glossary: {{Place: {{kind: invented, text: {probe('Gloss')}}}}}\n",
        encoding="utf-8",
    )
    (root / "scenes.yaml").write_text(
        "chapter: one\nscenes:\n"
        f"  - id: a\n    title: {probe('Title')}\n    place: {probe('Where')}\n    location: here\n"
        f"    text:\n      - {probe('Para')}\n      - {probe('Second')}\n"
        "    choices:\n"
        f"      - {{id: go, label: {probe('Go')}, effects: {{trust: {{f: 5}}}}, goto: b}}\n"
        f"      - {{id: locked, label: {probe('Locked')}, requires: flag, reason: {probe('Reason')}, goto: b}}\n"
        f"  - {{id: b, title: {probe('Last')}, ending: done, text: {probe('Bye')}}}\n",
        encoding="utf-8",
    )
    return root


def assert_inert(data: bytes, *must_show: str) -> str:
    for bad in FORBIDDEN:
        assert bad not in data, f"{bad!r} reached the terminal:\n{data[-2000:]!r}"
    text = data.decode("utf-8")
    for wanted in must_show:
        assert wanted in text, f"{wanted!r} not shown literally:\n{text[-3000:]}"
    return text


# --------------------------------------------------------------------------------------- the sanitiser


@pytest.mark.parametrize(
    ("raw", "multi", "single"),
    [
        (OSC + "x", "x", "x"),
        (CLEAR + "x", "x", "x"),
        ("a" + CSI8 + "b", "ab", "ab"),
        ("a\x9d0;t\x9cb", "ab", "ab"),
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab", "ab"),  # DCS (sixel) with its terminator
        (
            "a\x1b]0;unterminated\nnext",
            "a\nnext",
            "a next",
        ),  # stops at the line's end, the next line survives
        ("a\x07b\x08c\x7fd\x00e", "abcde", "abcde"),
        ("r\u202eL\u2066i\u2069", "rLi", "rLi"),
        (
            "keep\u200fRLM\u061cALM\u200eLRM",
            "keep\u200fRLM\u061cALM\u200eLRM",
            "keep\u200fRLM\u061cALM\u200eLRM",
        ),
        ("a\x85b\u2028c\u2029d\re\r\nf", "a\nb\nc\nd\ne\nf", "a b c d e f"),
        ("tab\there", "tab\there", "tab here"),
        ("lone \udcff surrogate", "lone \ufffd surrogate", "lone \ufffd surrogate"),
        (CLICK + CLOSE, CLICK + CLOSE, CLICK + CLOSE),  # markup is the TUI's business: kept as text here
        ("قبل النهر 🙂 e\u0301", "قبل النهر 🙂 e\u0301", "قبل النهر 🙂 e\u0301"),
    ],
)
def test_the_sanitiser(raw: str, multi: str, single: str) -> None:
    assert sanitize(raw) == multi
    assert sanitize_line(raw) == single
    for out in (sanitize(raw), sanitize_line(raw), sanitize(raw, keep_newlines=False)):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", out)
        out.encode("utf-8")  # always printable as UTF-8


def test_the_sanitiser_is_idempotent_and_cheap_on_plain_text() -> None:
    text = "A plain paragraph, with 'quotes' and [brackets], in Arabic قبل too. " * 2000
    assert sanitize(text) is text and sanitize_line(text) is text
    for raw in (OSC + CLEAR + "x\x85y", "a\x1b[31mred\x1b[0m\u202e"):
        assert sanitize(sanitize(raw)) == sanitize(raw)
        assert sanitize_line(sanitize_line(raw)) == sanitize_line(raw)


# ------------------------------------------------------------------------------------------- plain mode


def test_plain_play_shows_probes_inertly(tmp_path: Path) -> None:
    story = nasty_story(tmp_path / "story")
    run = qasas(
        "play", "--plain", "--scenes", str(story), "--seed", "1", cwd=tmp_path, stdin=f"t\n2\n{CLICK}\n1\n"
    )
    assert run.returncode == 0, run.output
    text = assert_inert(
        run.stdout.encode(),
        f"Para {CLICK}",
        f"Go {CLICK}",
        f"Reason {CLICK}",
        f"Faction {CLICK}",
        f"Ending {CLICK}",
        f"Chapter {CLICK}",
        CLOSE + " end",
    )
    assert "pwned title" not in text  # the OSC payload is removed with its escape, not shown as a title


# ------------------------------------------------------------------------------------------- qasas lint


def test_lint_errors_show_probes_inertly(tmp_path: Path) -> None:
    story = nasty_story(tmp_path / "story")
    scenes = story / "scenes.yaml"
    text = scenes.read_text()
    text = text.replace("    place:", f'    "bad {CLICK}{Y_OSC}{Y_CLEAR} key": 1\n    place:', 1)
    text = text.replace("{id: b,", f'{{id: "b{CLOSE}{Y_CLEAR}", x: 1}}\n  - {{id: b,', 1)
    text = text.replace("requires: flag", f'requires: "flag and {CLICK}{Y_CLEAR}"', 1)
    scenes.write_text(text)
    # A file name can hold anything but '/' and NUL: escapes, brackets, a newline that could forge a line.
    (story / f"x{OSC}{CLEAR}{NAME_PROBE}\nforged.yaml:1:1: error: fake.yaml").write_text(
        "chapter: one\nscenes: x\n"
    )
    run = qasas("lint", "story", cwd=tmp_path)
    assert run.returncode == 2
    out = assert_inert((run.stdout + run.stderr).encode(), CLICK, "bad [@click=app.quit]click me[/]", "[/]")
    assert "Traceback" not in out
    errors = error_lines(run)  # every line is one well-formed error: the newline in the name forged nothing
    assert any("\\x1b" in m["message"] or "\\x1b" in m["file"] for m in errors)  # escapes shown, visibly
    assert not any(m["file"].startswith("forged") for m in errors)
    json_run = qasas("lint", "--json", "story", cwd=tmp_path)
    assert json_run.returncode == 2
    assert_inert(json_run.stdout.encode(), "[@click=app.quit]")


# ------------------------------------------------------------------------------------------- replay


def test_replay_transcripts_and_failures_show_probes_inertly(tmp_path: Path) -> None:
    story = nasty_story(tmp_path / "story")
    good = tmp_path / "good.yaml"
    good.write_text("seed: 1\nchoices: [a.go]\nexpect: {ending: done}\n")
    run = qasas("replay", "--transcript", "--scenes", str(story), str(good), cwd=tmp_path)
    assert run.returncode == 0, run.output
    assert_inert((run.stdout + run.stderr).encode(), f"Para {CLICK}", f"Go {CLICK}", f"Bye {CLICK}")
    bad = tmp_path / f"bad{NAME_PROBE}.yaml"
    bad.write_text(f"seed: 1\nchoices: [a.go]\nexpect: {{text: {probe('Missing')}}}\n")
    run = qasas("replay", "--scenes", str(story), str(bad), cwd=tmp_path)
    assert run.returncode == 1, run.output
    assert_inert(
        (run.stdout + run.stderr).encode(), f"FAIL {tmp_path / 'bad'}{NAME_PROBE}.yaml", f"Missing {CLICK}"
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text(f"seed: 1\nchoices: [a.go]\nexpect: {{{probe('weird')}: 1}}\n")
    run = qasas("replay", "--scenes", str(story), str(broken), cwd=tmp_path)
    assert run.returncode == 2, run.output
    assert_inert((run.stdout + run.stderr).encode(), CLICK)


# ---------------------------------------------------------------------------------------------- the TUI


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """The characters on the app's screen, line by line, from its SVG screenshot (a public API)."""
    svg = app.export_screenshot()
    rows: dict[float, list[str]] = {}
    for y, body in re.findall(r'<text [^>]*?y="([\d.]+)"[^>]*>(.*?)</text>', svg, re.DOTALL):
        rows.setdefault(float(y), []).append(html.unescape(body))
    return "\n".join("".join(parts).replace("\xa0", " ") for _, parts in sorted(rows.items()))


async def test_tui_shows_probes_literally_and_stays_up(tmp_path: Path) -> None:
    from textual.widgets import Input

    from game.loader import load_story
    from game.tui.app import QasasApp
    from game.tui.screens.game import GameScreen
    from game.tui.widgets.story.scene import StoryView

    story_dir = nasty_story(tmp_path / "story")
    app = QasasApp(
        load_story(str(story_dir)),
        story_dir=str(story_dir),
        saves_dir=tmp_path / "saves",
        seed=1,
        theme="textual-dark",
        clock=lambda: 0.0,
        author_mode=True,
    )
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        shown = screen_text(app)
        for wanted in (f"Title {CLICK}", f"Para {CLICK}", f"Go {CLICK}", "[/] end"):
            assert wanted in shown, shown
        for bad in ("\x1b", "\x07", "\x9b", RLO):
            assert bad not in shown
        # Clicking where the "link" is drawn does nothing but move the focus: it is text, not an action.
        await pilot.click(StoryView, offset=(12, 3))
        await pilot.click(StoryView, offset=(20, 4))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, GameScreen)

        # A save named with every probe: stored and listed as text, shown literally.
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = f"save {CLICK}{OSC}{CLEAR}{RLO}"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        notes = list(app.notices_seen)
        assert any(f"save {CLICK}" in n for n in notes), notes
        assert not any("\x1b" in n or RLO in n for n in notes)
        await pilot.press("ctrl+o")
        await pilot.pause()
        listed = screen_text(app)
        assert "save [@click=app.quit]cl" in listed, listed  # the slot column may cut the name short
        assert "\x1b" not in listed
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert f"Ending {CLICK}" in screen_text(app) or f"Bye {CLICK}" in screen_text(app)
        assert app.is_running


# ------------------------------------------------------------------------------------- the source audit

TUI = ROOT / "game" / "tui"
# Calls whose result is never read as markup: Content built from text, Rich Text, and the TUI's own helpers that
# return Content (each of them builds it from sanitised text).
SAFE_BUILDERS = {
    "Content",
    "styled",
    "assemble",
    "join",
    "plain",
    "Text",
    "delta_content",
    "changes_content",
    "scene_body",
    "scene_header",
    "trust_table",
    "steps_content",
    "entry_content",
    "map_content",
    "choice_prompt",
    "stylize",
    "from_rich_text",
    "_title_content",
    # Visuals built from Content (hanging indents), and the builders that make their Content.
    "wrapped",
    "Hanging",
    "journal_visual",
    "faction_details",
    "too_small_message",
    "rendered",
}
# Widgets and calls that render their first argument (Hit: its second) as markup when given a str.
DISPLAY_CALLS = {"notify": 0, "Static": 0, "Label": 0, "Button": 0, "Option": 0, "Hit": 1, "update": 0}
MARKUP_ATTRIBUTES = ("border_title", "border_subtitle", "tooltip")


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        func = node.func
        return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return ""


def _is_safe_value(node: ast.AST, env: dict[str, list[ast.AST]], depth: int = 0) -> bool:
    if isinstance(node, ast.Constant):
        return True  # a literal we wrote
    if isinstance(node, ast.IfExp):
        return _is_safe_value(node.body, env, depth) and _is_safe_value(node.orelse, env, depth)
    if isinstance(node, ast.Name) and node.id in env and depth < 5:
        return all(_is_safe_value(v, env, depth + 1) for v in env[node.id])
    return _call_name(node) in SAFE_BUILDERS


def _assignments(func: ast.AST) -> dict[str, list[ast.AST]]:
    env: dict[str, list[ast.AST]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    env.setdefault(target.id, []).append(node.value)
    return env


def _unsafe_display_calls() -> list[str]:
    found = []
    for path in sorted(TUI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
            env = _assignments(func)
            for node in ast.walk(func):
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
                name = _call_name(node)
                if isinstance(node, ast.Call) and name in DISPLAY_CALLS:
                    kwargs = {k.arg: k.value for k in node.keywords}
                    if isinstance(kwargs.get("markup"), ast.Constant) and kwargs["markup"].value is False:
                        continue
                    if name == "update" and "Static" not in ast.unparse(node.func):
                        continue  # only Static.update renders its argument
                    index = DISPLAY_CALLS[name]
                    shown = (
                        node.args[index]
                        if len(node.args) > index
                        else kwargs.get("message") or kwargs.get("prompt")
                    )
                    if shown is None or _is_safe_value(shown, env):
                        continue
                    found.append(f"{where}: {name}({ast.unparse(shown)[:60]}) may be read as markup")
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Attribute) and target.attr in MARKUP_ATTRIBUTES:
                            value = node.value
                            # The dialogs' titles: checked at every call site by the next test.
                            dialog_title = isinstance(value, ast.Attribute) and value.attr == "title_text"
                            if not (_is_safe_value(value, env) or dialog_title):
                                found.append(
                                    f"{where}: {target.attr} = {ast.unparse(value)[:60]} is read as markup"
                                )
    return sorted(set(found))


def test_no_tui_display_call_reads_text_as_markup() -> None:
    # border_title/tooltip strings and notify() messages are parsed as markup by Textual unless told otherwise.
    assert _unsafe_display_calls() == []


def test_dialog_titles_are_only_our_own_words() -> None:
    # ErrorDialog/ChoiceDialog/ConfirmDialog put their title in border_title (markup): every caller passes a literal.
    bad = []
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                _call_name(node) in ("ErrorDialog", "ChoiceDialog")
                and node.args
                and not isinstance(node.args[0], ast.Constant)
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if _call_name(node) == "ConfirmDialog":
                title = {k.arg: k.value for k in node.keywords}.get("title")
                if title is not None and not isinstance(title, ast.Constant):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == []
