"""Plain play in locales that cannot show every character: text degrades (a character the locale lacks is spelled
in ASCII or replaced), never a crash, and what the player types in the locale's own encoding is understood."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from plain_helpers import qasas

STORY = {
    "story.yaml": """\
story: {id: worldly, title: "Kobanî \u2014 \u062c\u064a\u0634", start: gate}
chapters: {one: {title: "Tell Abyad, \u201cthe white hill\u201d", order: 1}}
factions: {ypg: {name: "YPG \u2014 the units", description: "Kurdish units \u2026 of Kobanî."}}
endings: {through: {title: "Through \u2713"}}
glossary:
  Kobanî: {kind: historical, text: "A town on the border \u2014 \u0643\u0648\u0628\u0627\u0646\u064a."}
""",
    "scenes.yaml": """\
chapter: one
scenes:
  - id: gate
    title: "Kobanî \u2014 at the gate"
    text: "Caf\u00e9 \u2026 \U0001f642 \u200fthe road\u200f. \u0642\u0628\u0644 \u0627\u0644\u0646\u0647\u0631."
    choices:
      - {id: go, label: "\u0418\u0434\u0442\u0438 \u2192 through", effects: {trust: {ypg: 5}}, goto: through}
  - {id: through, title: "Through \u2713", ending: through, text: "\u0634\u0643\u0631\u0627\u064b."}
""",
}
LOCALES = {
    "C, PYTHONIOENCODING empty": {"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": ""},
    "C without coercion or UTF-8 mode": {
        "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0",
    },
    "KOI8-R encoding": {"PYTHONIOENCODING": "koi8-r"},
}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("worldly")
    for name, text in STORY.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def play(story: Path, saves: Path, typed: bytes, locale: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return qasas("play", "--plain", "--scenes", str(story), "--seed", "1", stdin=typed, saves=saves,
                 extra_env=locale)


@pytest.mark.parametrize("name", list(LOCALES))
def test_every_command_in_a_narrow_locale_degrades_and_never_crashes(story: Path, tmp_path: Path, name: str) -> None:
    typed = b"help\ntrust\nglossary kobani\nwhere\njournal\nsave \xff here\nload\n1\n1\n"
    proc = play(story, tmp_path, typed, LOCALES[name])
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr
    assert "Koban" in proc.stdout and "A town on the border" in proc.stdout
    assert "The end: Through" in proc.stdout and "Endings discovered: 1 of 1" in proc.stdout


def test_a_koi8_r_player_types_cyrillic_and_is_understood(story: Path, tmp_path: Path) -> None:
    typed = "\u0438\u0434\u0442\u0438\n".encode("koi8-r")  # "идти", the first word of the only choice
    proc = play(story, tmp_path, typed, LOCALES["KOI8-R encoding"])
    assert proc.returncode == 0, proc.stderr
    assert "The end: Through" in proc.stdout


def test_a_real_koi8_r_locale_if_the_machine_has_one(story: Path, tmp_path: Path) -> None:
    found = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.split()
    koi = next((loc for loc in found if "koi8" in loc.lower()), None)
    if koi is None:
        pytest.skip("no KOI8 locale installed (PYTHONIOENCODING=koi8-r covers the same encoder)")
    typed = "help\ntrust\n\u0438\u0434\u0442\u0438\n".encode("koi8-r")
    proc = play(story, tmp_path, typed, {"LC_ALL": koi, "LANG": koi, "PYTHONIOENCODING": ""})
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "The end: Through" in proc.stdout.encode("utf-8", "replace").decode("utf-8")
