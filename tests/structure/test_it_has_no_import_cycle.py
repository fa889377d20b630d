"""No two modules of src/yakuba import each other, directly or round a circle (function-local
imports counted): each layer only reaches down."""

from tests.structure.graph import cycles, edges, modules


def test_it_works():
    graph = edges()
    found = cycles(graph)
    described = ["; ".join(f"{m} -> {sorted(graph[m] & set(c))}" for m in c) for c in found]
    assert found == [], "import cycles:\n" + "\n".join(described)


def test_it_reads_imports_inside_functions(tmp_path):
    pkg = tmp_path / "yakuba"
    (pkg / "a").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a" / "__init__.py").write_text("")
    (pkg / "a" / "one.py").write_text("def f():\n    from yakuba.a import two\n")
    (pkg / "a" / "two.py").write_text("from . import one\n")
    (pkg / "a" / "three.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from yakuba.a import one\n")
    graph = edges(modules(tmp_path))
    assert cycles(graph) == [["yakuba.a.one", "yakuba.a.two"]]
    assert graph["yakuba.a.three"] == set()

