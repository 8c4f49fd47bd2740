"""No code is made from text at run time anywhere in ``game/``: no ``exec``, ``eval`` or ``compile`` of source, and
nothing pickled or marshalled (SECURITY.md). Checked on the syntax tree, so a comment or a string saying so, or
``re.compile``, does not count."""

from __future__ import annotations

import ast
from pathlib import Path

GAME = Path(__file__).resolve().parents[1] / "game"
_CALLS = {"exec", "eval", "compile", "__import__"}
_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle"}


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else None
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "builtins":
                name = func.attr
            if name in _CALLS:
                found.append(f"{where}: {name}()")
        elif isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names if a.name.split(".")[0] in _MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _MODULES:
            found.append(f"{where}: from {node.module} import ...")
    return found


def test_no_source_is_compiled_or_executed_and_nothing_is_pickled() -> None:
    paths = sorted(GAME.rglob("*.py"))
    assert len(paths) > 50  # the tree really was found
    offences = [f"{path.parent.relative_to(GAME.parent)}/{o}" for path in paths for o in _offences(path)]
    assert offences == []


def test_the_check_sees_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import pickle\nimport re\nre.compile('x')\nexec('1')\nbuiltins.eval('1')\n# eval(x)\n")
    assert _offences(sample) == ["sample.py:1: import pickle", "sample.py:4: exec()", "sample.py:5: eval()"]
