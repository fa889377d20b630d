"""No module of yakuba imports `http.server` (Python's own documentation says it is not for
production), nor the development servers built on it: the relay runs on gunicorn."""

from __future__ import annotations

import ast

from tests.structure.graph import modules

FORBIDDEN = ("http.server", "socketserver", "wsgiref.simple_server")


def _imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_it_works() -> None:
    offenders = {name: sorted(i for i in _imports(ast.parse(path.read_text(encoding="utf-8")))
                              if i.startswith(FORBIDDEN))
                 for name, path in modules().items()}
    assert {name: found for name, found in offenders.items() if found} == {}
    assert len(offenders) > 50  # it did look at the sources
