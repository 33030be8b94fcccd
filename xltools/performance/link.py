"""Tie 项目信息 rows and 绩效指标 rows to the 收支明细 projects whose money they describe.

A 项目信息 row is one 项目支出绩效目标表.  It covers the 收支明细 项目名称 listed in 对应明细项目
(blank: its own name) — real documents print one sheet for this year's money plus last
year's carryover of the same programme.  收支明细 projects no row covers are sheets of
their own, under their own name.  绩效指标 rows name a sheet, or 部门整体.

Names must be identical everywhere: the same project printed under two spellings (表7 vs the
绩效目标表) is the commonest mistake in the published documents.  A name that matches only
after ignoring brackets, dashes and spaces is still linked (so the amounts are right) but
reported; a name that matches nothing is an error because money or indicators would be
silently left off the sheets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..findings import Finding, error, warning
from ..model import Master
from .model import OVERALL, Indicator, ProjectInfo
from .read import INDICATOR_SHEET, PROJECT_SHEET, SheetData

_OVERALL_WORDS = frozenset({OVERALL, "单位整体", "整体", "部门整体绩效目标", "单位整体绩效目标"})
_DROP = re.compile(r"[\s【】\[\]〔〕（）()「」『』<>《》{}—–－\-~～_“”\"'‘’、，,。.：:；;·・]")


def loose(name: str) -> str:
    """The fixtures' loose comparison: no spaces, brackets, dashes or marks; half-width, lower."""
    return _DROP.sub("", unicodedata.normalize("NFKC", name)).lower()


@dataclass(frozen=True)
class LinkedProject:
    info: ProjectInfo
    keys: tuple[tuple[str, str], ...]  # the (unit, 收支明细 项目名称) whose lines it sums
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Linked:
    projects: tuple[LinkedProject, ...]
    overall: tuple[Indicator, ...]
    findings: tuple[Finding, ...]


def link(master: Master, sheets: SheetData) -> Linked:
    return _Linker(master, sheets).run()


class _Linker:
    def __init__(self, master: Master, sheets: SheetData):
        self.entity = master.info.entity if master.info else ""
        self.sheets = sheets
        self.findings: list[Finding] = []
        # 收支明细 projects: name → units, in the order lines list them.
        self.units: dict[str, list[str]] = {}
        for ln in master.lines:
            if not ln.basic and ln.project:
                units = self.units.setdefault(ln.project, [])
                if ln.unit not in units:
                    units.append(ln.unit)
        self.loose_names: dict[str, list[str]] = {}
        for name in self.units:
            self.loose_names.setdefault(loose(name), []).append(name)

    def pcell(self, column: str, row: int) -> str:
        cols = self.sheets.project_columns
        return f"{cols.get(column) or cols['项目名称']}{row}"

    def icell(self, column: str, row: int) -> str:
        return f"{self.sheets.indicator_columns[column]}{row}"

    def run(self) -> Linked:
        projects: list[tuple[ProjectInfo, list[tuple[str, str]]]] = []
        covered: dict[tuple[str, str], int] = {}  # key → 项目信息 row that covers it
        seen_names: dict[str, int] = {}
        for info in self.sheets.projects or ():
            if not info.name:
                self.findings.append(error(
                    "perf-field-missing", PROJECT_SHEET, self.pcell("项目名称", info.row),
                    "项目名称为空。请填写绩效目标表上印的项目名称，或删除这一行。"))
                continue
            if info.name in seen_names:
                self.findings.append(error(
                    "perf-project-duplicate", PROJECT_SHEET, self.pcell("项目名称", info.row),
                    f"项目“{info.name}”在第 {seen_names[info.name]} 行已经有一行。每个项目只能有一行，"
                    "请合并或删除重复的行。", actual=info.name))
                continue
            seen_names[info.name] = info.row
            projects.append((info, self._covered_keys(info, covered)))
        for name, units in self.units.items():
            keys = [(u, name) for u in units if (u, name) not in covered]
            if keys:
                projects.append((ProjectInfo(None, name, (name,), keys[0][0] if len(keys) == 1
                                             else ""), keys))
        indicators, overall = self._indicators(projects)
        for i, (info, keys) in enumerate(projects):
            if not keys and indicators.get(i):
                first = indicators[i][0]
                self.findings.append(error(
                    "perf-orphan-indicator", INDICATOR_SHEET, self.icell("项目名称", first.row),
                    f"“{info.name}”的 {len(indicators[i])} 个指标所属的项目在收支明细中没有任何金额"
                    f"（见项目信息第 {info.row} 行），不会生成绩效目标表。请先让项目信息的对应明细项目"
                    "指向收支明细中的项目。", actual=info.name))
        linked = tuple(LinkedProject(info, tuple(keys), tuple(indicators.get(i, ())))
                       for i, (info, keys) in enumerate(projects))
        return Linked(linked, tuple(overall), tuple(self.findings))

    # -- 项目信息 → 收支明细 ------------------------------------------------------------------
    def _covered_keys(self, info: ProjectInfo, covered) -> list[tuple[str, str]]:
        listed = info.covers != (info.name,)
        column = "对应明细项目" if listed else "项目名称"
        ref = self.pcell(column, info.row)
        keys: list[tuple[str, str]] = []
        resolved: list[str] = []
        for cover in info.covers:
            name = self._line_name(cover, ref, column)
            if name is None:
                continue
            resolved.append(name)
            units = self.units[name]
            if info.unit:
                if info.unit not in units:
                    self.findings.append(error(
                        "perf-name-mismatch", PROJECT_SHEET, self.pcell("单位名称", info.row),
                        f"收支明细中“{info.unit}”没有项目“{name}”（该项目属于“{'、'.join(units)}”）。"
                        "请把单位名称改成收支明细中的单位，或留空。",
                        expected="、".join(units), actual=info.unit))
                    continue
                units = [info.unit]
            for unit in units:
                key = (unit, name)
                if key in covered:
                    self.findings.append(error(
                        "perf-project-duplicate", PROJECT_SHEET, ref,
                        f"收支明细项目“{name}”已由项目信息第 {covered[key]} 行对应，同一笔资金不能"
                        "算进两张绩效目标表。请从其中一行删去它。", actual=name))
                    continue
                covered[key] = info.row
                keys.append(key)
        if listed and len(resolved) == 1 and resolved[0] != info.name:
            self.findings.append(warning(
                "perf-name-mismatch", PROJECT_SHEET, self.pcell("项目名称", info.row),
                f"绩效目标表的项目名称“{info.name}”与收支明细（表7 等公开表）的项目名称"
                f"“{resolved[0]}”不一致。同一个项目在公开表和绩效目标表上应使用同一个名称，请统一。",
                expected=resolved[0], actual=info.name))
        return keys

    def _line_name(self, cover: str, ref: str, column: str) -> str | None:
        if cover in self.units:
            return cover
        candidates = self.loose_names.get(loose(cover), [])
        if len(candidates) == 1:
            self.findings.append(warning(
                "perf-name-mismatch", PROJECT_SHEET, ref,
                f"{column}“{cover}”与收支明细的项目名称“{candidates[0]}”写法不同（括号、横线或空格），"
                f"已按“{candidates[0]}”对应。请改成与收支明细完全一致的名称。",
                expected=candidates[0], actual=cover))
            return candidates[0]
        self.findings.append(error(
            "perf-name-mismatch", PROJECT_SHEET, ref,
            f"收支明细中没有项目支出“{cover}”，这张绩效目标表的年度预算会缺少这部分金额。"
            "请在“对应明细项目”中填写收支明细里的项目名称（多个用“；”分隔）。", actual=cover))
        return None

    # -- 绩效指标 → sheets ------------------------------------------------------------------
    def _indicators(self, projects) -> tuple[dict[int, list[Indicator]], list[Indicator]]:
        exact: dict[str, int] = {}
        for i, (info, _) in enumerate(projects):
            exact.setdefault(info.name, i)
        # The 收支明细 spelling of a project a 项目信息 row prints under another name.
        by_line: dict[str, int] = {}
        for i, (info, keys) in enumerate(projects):
            for _, name in keys:
                by_line.setdefault(name, i)
        by_loose: dict[str, set[int]] = {}
        for name, i in exact.items():
            by_loose.setdefault(loose(name), set()).add(i)
        out: dict[int, list[Indicator]] = {}
        overall: list[Indicator] = []
        decided: dict[str, int | None] = {}  # owner → project index; -1 overall; None orphan
        for ind in self.sheets.indicators or ():
            if ind.owner not in decided:
                decided[ind.owner] = self._owner(ind, projects, exact, by_line, by_loose)
            target = decided[ind.owner]
            if target == -1:
                overall.append(ind)
            elif target is not None:
                out.setdefault(target, []).append(ind)
        return out, overall

    def _owner(self, ind: Indicator, projects, exact, by_line, by_loose) -> int | None:
        owner, ref = ind.owner, self.icell("项目名称", ind.row)
        if not owner:
            self.findings.append(error(
                "perf-field-missing", INDICATOR_SHEET, ref,
                "项目名称为空。请填写这个指标所属的项目（与项目信息表一致），部门整体指标填“部门整体”。"))
            return None
        if owner in _OVERALL_WORDS or "".join(owner.split()) == "".join(self.entity.split()):
            return -1
        if owner in exact:
            return exact[owner]
        if owner in by_line:
            i = by_line[owner]
            sheet = projects[i][0].name
            self.findings.append(warning(
                "perf-name-mismatch", INDICATOR_SHEET, ref,
                f"“{owner}”是收支明细的项目名称，项目信息中这个项目叫“{sheet}”；已按“{sheet}”归入。"
                "请统一使用项目信息中的项目名称。", expected=sheet, actual=owner))
            return i
        candidates = by_loose.get(loose(owner), set())
        if len(candidates) == 1:
            i = next(iter(candidates))
            sheet = projects[i][0].name
            self.findings.append(warning(
                "perf-name-mismatch", INDICATOR_SHEET, ref,
                f"项目名称“{owner}”与项目信息的“{sheet}”写法不同（括号、横线或空格），已按“{sheet}”"
                "归入。请改成完全一致的名称。", expected=sheet, actual=owner))
            return i
        count = sum(1 for other in self.sheets.indicators or () if other.owner == owner)
        self.findings.append(error(
            "perf-orphan-indicator", INDICATOR_SHEET, ref,
            f"第 {ind.row} 行起的 {count} 个指标属于“{owner}”，但收支明细和项目信息中都没有这个项目，"
            "这些指标不会出现在任何绩效目标表上。请改成项目信息中的项目名称，或删除这些指标。",
            actual=owner))
        return None
