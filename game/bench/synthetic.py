"""Seeded synthetic stories of any size, the common input for benchmarks (``qasas bench --write-synthetic``).

Shape: N scenes in files of at most 1,000 scenes; each non-final scene has 3 choices whose targets are 1-5 scenes
ahead; the first choice is guarded by ``trust > 20`` on one of three factions; each choice changes one of three
factions' trust by +-3 or +-5; each scene's text interpolates one trust value; the last scene is an ending.
The same N always gives the same story.
"""

from __future__ import annotations

import os
import random

FACTIONS = ("north", "river", "hills")
SCENES_PER_FILE = 1000


def synthetic_files(n: int, seed: int = 2014) -> dict[str, str]:
    """The story's files as {relative path: YAML text}."""
    if n < 2:
        raise ValueError("a synthetic story needs at least 2 scenes")
    rng = random.Random(seed * 1_000_003 + n)
    files: dict[str, str] = {
        "story.yaml": (
            f"story: {{id: synthetic-{n}, title: Synthetic story of {n} scenes, start: s0}}\n"
            "chapters:\n  main: {title: Main, order: 1}\n"
            "factions:\n"
            + "".join(f"  {f}: {{name: {f.title()}, description: The {f} faction., initial: 30}}\n" for f in FACTIONS)
            + "endings:\n  end: {title: The End}\n"
        )
    }
    last = n - 1
    for start in range(0, n, SCENES_PER_FILE):
        out = ["chapter: main\nscenes:\n"]
        for i in range(start, min(start + SCENES_PER_FILE, n)):
            shown = FACTIONS[rng.randrange(3)]
            out.append(f"  - id: s{i}\n    title: Scene {i}\n    text: You stand at step {i}. Trust in {shown} is {{{shown}}}.\n")
            if i == last:
                out.append("    ending: end\n")
                continue
            out.append("    choices:\n")
            for k in range(3):
                target = min(last, i + rng.randint(1, 5))
                faction = FACTIONS[rng.randrange(3)]
                amount = rng.choice((-5, -3, 3, 5))
                guard = f", if: {FACTIONS[rng.randrange(3)]} > 20" if k == 0 else ""
                out.append(
                    f"      - {{id: c{k}, label: Choice {k} at {i}{guard}, "
                    f"effects: {{trust: {{{faction}: {amount}}}}}, goto: s{target}}}\n"
                )
        files[f"part{start // SCENES_PER_FILE:03d}.yaml"] = "".join(out)
    return files


def write_synthetic(n: int, directory: str, seed: int = 2014) -> list[str]:
    """Write the synthetic story of ``n`` scenes into ``directory``; returns the paths written."""
    os.makedirs(directory, exist_ok=True)
    paths = []
    for name, text in synthetic_files(n, seed).items():
        path = os.path.join(directory, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        paths.append(path)
    return paths
