"""The 情况说明 as data: headings and paragraphs, ready for any writer.

A paragraph is a sequence of parts of three kinds, because a reader of the document (and
the tests) must be able to tell them apart:
- plain ``str`` — text the tool wrote, every figure in it computed from the tables;
- ``Quote`` — text copied from the master as the accountant wrote it (a reason from 上年预算,
  a policy basis from 项目信息, 主要职能); the tool vouches for none of its figures;
- ``Placeholder`` — a visible gap the accountant has to fill.  Each one carries the warning
  that names the cell to fill, so the document and the findings can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding


@dataclass(frozen=True, slots=True)
class Quote:
    text: str


@dataclass(frozen=True, slots=True)
class Placeholder:
    text: str
    finding: Finding


Part = str | Quote | Placeholder


@dataclass(frozen=True, slots=True)
class Paragraph:
    parts: tuple[Part, ...]
    # body: justified with a two-character first-line indent, like an official document;
    # table: a table's name in 第二部分; toc1/toc2: 目录 lines of a part / a
    # section; center; right (the signature).
    align: str = "body"

    @property
    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        return tuple(p for p in self.parts if isinstance(p, Placeholder))


@dataclass(frozen=True, slots=True)
class Heading:
    """level 0: the document title; 1: 第X部分; 2: 一、…; 3: （一）…"""

    text: str
    level: int


@dataclass(frozen=True, slots=True)
class PageBreak:
    pass


@dataclass(frozen=True, slots=True)
class TableSlot:
    """Where 第二部分 prints 表``no`` (a writer puts the table there, under its 表N and title)."""

    no: int
    title: str
    empty: bool


@dataclass(frozen=True, slots=True)
class PerformanceSlot:
    """Where the 部门整体 and 项目支出 绩效目标表 go (after 预算绩效情况, as published)."""


Block = Heading | Paragraph | PageBreak | TableSlot | PerformanceSlot


@dataclass(frozen=True)
class NarrativeDoc:
    entity: str
    year: int
    kind: str  # 部门 | 单位
    profile: str
    blocks: tuple[Block, ...]

    @property
    def title(self) -> str:
        return f"{self.entity}{self.year}年{self.kind}预算情况说明"

    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    def placeholders(self) -> tuple[Placeholder, ...]:
        return tuple(p for para in self.paragraphs() for p in para.placeholders)


def para(*parts: Part | tuple, align: str = "body") -> Paragraph:
    """A paragraph from parts; nested tuples (what wording functions return) are flattened and
    adjacent plain strings merged, so equal text always has equal parts."""
    if all(type(p) is str for p in parts):  # most paragraphs: the strings joined
        text = "".join(parts)
        return Paragraph((text,) if text else (), align)
    flat: list[Part] = []
    stack = list(parts)[::-1]
    while stack:
        p = stack.pop()
        if isinstance(p, tuple):
            stack.extend(reversed(p))
        elif isinstance(p, str):
            if not p:
                continue
            if flat and isinstance(flat[-1], str):
                flat[-1] += p
            else:
                flat.append(p)
        else:
            flat.append(p)
    return Paragraph(tuple(flat), align)
