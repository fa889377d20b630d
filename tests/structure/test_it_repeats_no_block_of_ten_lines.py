"""No block of ten or more lines stands twice in src/yakuba (outside migrations): the same
lines, or the same shape with other names. What two places share lives in one function."""

from tests.structure.blocks import repeated, shapes


def test_it_works():
    pairs = repeated(10)
    assert pairs == [], "repeated blocks:\n" + "\n".join(f"{a} ~ {b}" for a, b in pairs)


LOGIC_BLOCK = """
def {name}(rows, limit):
    total = 0
    for row in rows:
        if row.{field} is None:
            continue
        if row.{field} > limit:
            raise ValueError("{text}")
        total += row.{field}
    if total == 0:
        return None
    result = total * {number}
    return result
"""


def test_it_finds_the_same_shape_with_other_names(tmp_path):
    (tmp_path / "a.py").write_text(LOGIC_BLOCK.format(name="first", field="size", text="too big", number=2))
    (tmp_path / "b.py").write_text('"""Doc."""\nimport os\n\n# a comment\n'
                                   + LOGIC_BLOCK.format(name="second", field="weight", text="重すぎ", number=7))
    pairs = repeated(10, root=tmp_path)
    assert [(a.path.name, b.path.name) for a, b in pairs] == [("a.py", "b.py")]


def test_it_passes_over_declarations(tmp_path):
    fields = "\n".join(f"    field_{i} = models.CharField('{i}', max_length={i})" for i in range(14))
    (tmp_path / "a.py").write_text(f"class A:\n{fields}\n")
    (tmp_path / "b.py").write_text(f"class B:\n{fields}\n")
    assert repeated(10, root=tmp_path) == []


def test_it_reads_the_shape_of_a_line():
    [line] = shapes('x = call(name, "text", 3)  # note\n')
    assert line.shape == "N = N ( N , S , 0 )"
