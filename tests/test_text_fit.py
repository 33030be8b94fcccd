"""Row heights: the lines a text needs, short texts answered without measuring them."""

from __future__ import annotations

import math

from xltools.writers.text_fit import display_units, lines_needed


def _measured(text: str, width: float) -> int:
    usable = max(1.0, width - 1.0)
    return sum(max(1, math.ceil(display_units(part) / usable)) for part in text.split("\n"))


def test_lines_are_those_measured_character_by_character():
    texts = ["", "a", "预算", "“208 社会保障和就业支出”（合计） = 下列各行之和", "x" * 69, "x" * 70,
             "汉" * 41, "汉" * 42, "汉" * 80, "第一行\n第二行", "mixed 中文 and ASCII " * 5]
    for width in (6, 24, 70, 71.5):
        for text in texts:
            lines_needed.cache_clear()
            assert lines_needed(text, width) == (_measured(text, width) if text else 1), (text, width)
    assert lines_needed("汉" * 42, 70) == 2 and lines_needed("汉" * 41, 70) == 1
