"""Apps import downwards only (STYLE.md; docs/ARCHITECTURE.md shows the layers): an app may use any app of a lower
layer, none of its own layer or above. What a lower app needs from a higher one it gets through a registry the
higher app fills at start-up (history labels, the signed-in person's annotations, task names)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

QIBU = Path(__file__).resolve().parents[2] / "qibu"

# The layers, lowest first. Every app of Qibu is listed; a new app must be placed here.
LAYERS: dict[str, int] = {
    "core": 0,
    "audit": 1,
    "jobs": 1,
    "org": 2,
    "cycles": 3,
    "notify": 3,
    "okrs": 4,
    "discuss": 5,
    "rhythm": 5,
    "plans": 5,
    "planning": 5,
    "reports": 6,
    "search": 6,
    "publish": 6,
    "projects": 6,
    "blockers": 6,
    "standups": 7,
    "oneonones": 7,
    "assess": 5,
    "reflect": 6,
    "meetings": 8,
    "updates": 7,
    "celebrate": 7,
    "workshop": 5,
    "quarter": 9,
    "api": 10,
    "backup": 11,
    "demo": 11,
}


def _apps() -> list[str]:
    return sorted(
        p.name for p in QIBU.iterdir() if (p / "apps.py").exists() or ((p / "__init__.py").exists() and p.is_dir())
    )


def _imports(path: Path) -> list[tuple[int, str]]:
    """The qibu apps a module imports at run time (imports under `if TYPE_CHECKING:` are for types only)."""
    tree = ast.parse(path.read_text())
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only |= {id(child) for child in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only or not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.ImportFrom):
            names = [node.module] if node.module else []
        else:
            names = [alias.name for alias in node.names]
        found += [(node.lineno, name.split(".")[1]) for name in names if name.startswith("qibu.") and "." in name]
    return found


def test_every_app_has_a_layer() -> None:
    assert sorted(set(_apps()) - set(LAYERS)) == [], "place the new app in LAYERS (and in docs/ARCHITECTURE.md)"


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_an_app_imports_only_apps_below_it(app: str) -> None:
    upward = []
    for path in sorted((QIBU / app).rglob("*.py")):
        for line, other in _imports(path):
            if other != app and other in LAYERS and LAYERS[other] >= LAYERS[app]:
                upward.append(f"{path.relative_to(QIBU.parent)}:{line} imports qibu.{other}")
    assert upward == []
