"""Distinct values numbered by first appearance (xltools/factorize.py), as pandas' factorize
numbered them before: the engine's atom order and the reader's duplicate check rely on it."""

import numpy as np

from xltools.factorize import factorize, factorize_ints


def test_codes_follow_first_appearance_and_blanks_are_minus_one():
    codes, uniques = factorize(["乙", None, "甲", "乙", float("nan"), "丙", "甲"])
    assert uniques == ["乙", "甲", "丙"]
    assert codes.tolist() == [0, -1, 1, 0, -1, 2, 1]
    assert codes.dtype == np.int64


def test_object_array_and_empty():
    arr = np.empty(3, dtype=object)
    arr[:] = ["a", "b", "a"]
    codes, uniques = factorize(arr)
    assert codes.tolist() == [0, 1, 0] and uniques == ["a", "b"]
    codes, uniques = factorize([])
    assert codes.tolist() == [] and uniques == []


def test_integer_keys_renumbered_by_first_appearance():
    key = np.array([907, 5, 907, -3, 5, 12], np.int64)
    assert factorize_ints(key).tolist() == [0, 1, 0, 2, 1, 3]
    assert factorize_ints(np.zeros(0, np.int64)).tolist() == []


def test_integer_keys_large_random_agree_with_a_dict():
    rng = np.random.default_rng(7)
    key = rng.integers(0, 5_000, 200_000)
    number: dict[int, int] = {}
    expected = [number.setdefault(k, len(number)) for k in key.tolist()]
    assert factorize_ints(key).tolist() == expected
