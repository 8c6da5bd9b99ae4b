"""The package's wings import only downwards (data <- model <- train, eval <- CLI), so the layout in
the README cannot silently decay: every import of every module, lazy ones inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "newsstance"
# Foundation modules at the package root, importable from every wing.
FOUNDATION = {"newsstance.errors", "newsstance.atomic", "newsstance.cache"}
# What each part may not import (a prefix match on the imported module's dotted name). The bare package
# (`import newsstance` for newsstance.load) is model-level API: fine for train and eval, not below.
FORBIDDEN = {
    "data": ("newsstance.model", "newsstance.train", "newsstance.eval", "newsstance.config", "newsstance.cli",
             "newsstance.predict_cli"),
    "model": ("newsstance.train", "newsstance.eval", "newsstance.cli", "newsstance.predict_cli"),
    "eval": ("newsstance.train", "newsstance.cli", "newsstance.predict_cli"),
    "train": ("newsstance.cli", "newsstance.predict_cli"),
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n == "newsstance" or n.startswith("newsstance.")}


def violations(wing: str) -> list[str]:
    found = []
    for path in sorted((PACKAGE / wing).rglob("*.py")):
        for name in imported_modules(path):
            upward_api = name == "newsstance" and wing in ("data", "model")
            if upward_api or any(name == f or name.startswith(f + ".") for f in FORBIDDEN[wing]):
                found.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    return found


def test_each_wing_imports_only_downwards():
    problems = [v for wing in FORBIDDEN for v in violations(wing)]
    assert not problems, "\n".join(problems)


def _in(name: str, modules: set[str]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in modules)


def test_foundation_modules_import_no_wing():
    for name in FOUNDATION:
        path = PACKAGE.parent / (name.replace(".", "/") + ".py")
        for imported in imported_modules(path):
            assert _in(imported, FOUNDATION), f"{name} imports {imported}"


def test_the_config_sits_between_data_and_model():
    # Configs name data specs (data) and are read by model, train and eval: only data below it.
    for name in imported_modules(PACKAGE / "config.py"):
        assert _in(name, FOUNDATION) or name.startswith("newsstance.data."), name


def test_the_checker_sees_a_violation(tmp_path):
    # The test above must be able to fail: an upward import in a data module is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from newsstance.model.network import StanceNetwork\n")
    assert "newsstance.model.network" in imported_modules(bad)
