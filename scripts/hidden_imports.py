"""List imports of another of our apps made inside a function or method (exit 1 if any).

Layers read top to bottom (README, Architecture; `make lint` checks them with import-linter,
which sees imports at any depth). An import of another app tucked inside a function is how a
cycle between apps gets dodged, so none is allowed, but where Django itself asks for one: an
app's `ready()` (`apps.py`), which runs once every app is loaded. Inside one app, a page model
may still reach its own views lazily (Wagtail routes call views that import the model). Test
code and the scripts under bench/ (which set Django up first) are not app code.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(
    path.parent.name for path in ROOT.glob("*/apps.py") if path.parent.name not in {"config"}
)
OURS = {*APPS, "config"}
SKIPPED_PARTS = {"tests", "migrations", ".venv", "node_modules"}


def _module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: resolve against the importing module's package
            base = module.split(".")[: -node.level]
            return [".".join([*base, node.module or ""]).strip(".")]
        return [node.module or ""]
    return [alias.name for alias in node.names]


def hidden_imports(path: Path) -> list[tuple[int, str]]:
    module = _module_of(path)
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for outer in ast.walk(tree):
        if not isinstance(outer, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if path.name == "apps.py" and outer.name == "ready":
            continue
        for node in ast.walk(outer):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for name in _imported(node, module):
                    if name.split(".")[0] in OURS and name.split(".")[0] != module.split(".")[0]:
                        found.append((node.lineno, name))
    return found


def main() -> int:
    problems = []
    for app in sorted(OURS):
        for path in sorted((ROOT / app).rglob("*.py")):
            if SKIPPED_PARTS & set(path.relative_to(ROOT).parts):
                continue
            for line, name in hidden_imports(path):
                problems.append(
                    f"{path.relative_to(ROOT)}:{line}: imports {name} inside a function"
                )
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} import(s) of another app inside functions: move them to the top.")
        return 1
    print(f"No import of another app inside a function ({len(OURS)} packages checked).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
