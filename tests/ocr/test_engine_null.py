"""The null engine answers from its mapping, or "" at confidence 0; the registry finds engines."""

import numpy as np
import pytest

from yakuba.ocr.engines import Engine, NullEngine, Reading, combine_cells, get_engine


def test_null_engine_answers_from_mapping_else_empty():
    eng = NullEngine({"katakana": "ヤマダ", "postal": ("1000001", 0.8)})
    crop = np.full((40, 200), 255, np.uint8)
    assert eng.read_text(crop, "katakana") == Reading("ヤマダ", 1.0)
    assert eng.read_cells([crop] * 7, "postal") == Reading("1000001", 0.8)
    assert eng.read_text(crop, "kanji") == Reading("", 0.0)
    assert isinstance(eng, Engine)


def test_registry_finds_null_and_rejects_unknown():
    assert get_engine("null").name == "null"
    with pytest.raises(KeyError):
        get_engine("no-such-engine")


def test_cells_combine_to_weakest_confidence_and_skip_blanks():
    r = combine_cells([Reading("1", 0.99), Reading("", 0.97), Reading("2", 0.6, (("7", 0.3),))])
    assert r.text == "12" and r.confidence == 0.6
    assert r.alternatives == (("17", 0.3),)
