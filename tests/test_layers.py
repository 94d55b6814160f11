"""A package imports only from the layers below it: ingest → assistant → ui / eval → cli."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

BELOW = {
    "ingest": {"ingest"},
    "assistant": {"ingest", "assistant"},
    "ui": {"ingest", "assistant", "ui"},
    "eval": {"ingest", "assistant", "eval"},
    "cli": {"ingest", "assistant", "ui", "eval", "cli"},
}


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(BELOW))
def test_package_imports_only_from_below(package):
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in _imports(path)
        if name in BELOW and name not in BELOW[package]
    )
    assert not wrong, wrong
