"""Which budget lines a table, a column or a fixed row adds up — as data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Select:
    """A conjunction of conditions on a line; None means "any"."""

    sources: frozenset[str] | None = None
    types: frozenset[str] | None = None
    econ: tuple[str, ...] | None = None  # 经济分类 prefixes

    def matches(self, line) -> bool:
        if self.sources is not None and line.source not in self.sources:
            return False
        if self.types is not None and line.type not in self.types:
            return False
        if self.econ is not None and not line.econ.startswith(self.econ):
            return False
        return True

    def __and__(self, other: "Select") -> "Select":
        return Select(
            _meet(self.sources, other.sources),
            _meet(self.types, other.types),
            _meet_prefixes(self.econ, other.econ),
        )


ANY = Select()


def _meet(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _meet_prefixes(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return tuple(p for p in a if p.startswith(b)) + tuple(
        q for q in b if q.startswith(a) and q not in a
    )


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    select: Select = ANY
