"""The trust core is a library: nothing under credstack.standards imports Django or an app."""

from __future__ import annotations

import ast
from pathlib import Path

import credstack.standards

FORBIDDEN = ("django", "ninja", "huey", "credstack.")
ALLOWED_INTERNAL = "credstack.standards"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_it_keeps_the_trust_core_free_of_django_and_the_apps() -> None:
    root = Path(credstack.standards.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for name in _imports(path):
            if name.startswith(ALLOWED_INTERNAL):
                continue
            if name == "django" or name.startswith(FORBIDDEN):
                offenders.append(f"{path.relative_to(root)} imports {name}")
    assert offenders == []
