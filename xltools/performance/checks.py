"""The rules a finance-bureau reviewer applies to 绩效目标表, on the linked data.

Severity follows what the reviewer does with the sheet:
- error — the sheet cannot be approved as it is: its score does not add up to the configured
  total (perf-weight-total), a project spending this year's 财政拨款 has no targets
  (perf-no-indicators), the 部门整体 sheet has none, or a cell the grid needs is empty
  (perf-field-missing).  Weight problems found while reading (perf-weight-invalid) and money
  or indicators that reach no sheet (perf-name-mismatch, perf-orphan-indicator,
  perf-project-duplicate, in link.py) are errors for the same reason.
- warning — the sheet prints and scores, but its wording will be questioned: a level name
  outside the standard framework (perf-level-unknown), a 指标值 that cannot be split into
  operator, number and unit (perf-value-unparsed), a project printed under two names
  (perf-name-mismatch), blank 项目负责人/总体目标/联系人 (perf-text-missing), or a missing
  optional sheet (perf-sheet-missing).  A project with only this year's 单位资金/财政专户 money
  and no targets is a warning too: many regions demand targets for 财政拨款 only.
- info — a project funded only by 上年结转 has no targets: they were set the year the money
  was budgeted, and the published documents print no sheet for it.
"""

from __future__ import annotations

from ..findings import Finding, error, info, warning
from ..model import Master
from .model import DepartmentSheet, Indicator, PerformanceData, ProjectSheet
from .read import INDICATOR_SHEET, PROJECT_SHEET, SheetData

INFO_SHEET = "基本信息"
LINES_SHEET = "收支明细"

# 项目支出: the common framework of 财预〔2020〕10号 and 财预〔2021〕101号 (which made 成本指标 a
# 一级指标 of its own; older sheets keep it as a 二级指标 of 产出指标).
PROJECT_LEVELS: dict[str, frozenset[str]] = {
    "产出指标": frozenset({"数量指标", "质量指标", "时效指标", "成本指标"}),
    "成本指标": frozenset({"经济成本指标", "社会成本指标", "生态环境成本指标"}),
    "效益指标": frozenset({"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"}),
    "满意度指标": frozenset({"服务对象满意度指标", "满意度指标"}),
}
# 部门整体: 履职效能 / 管理效率 / 运行成本 / 社会效应 / 服务对象满意度; some regions use the
# project framework for the whole department, so both are accepted.
OVERALL_LEVELS: dict[str, frozenset[str]] = {
    **PROJECT_LEVELS,
    "履职效能": PROJECT_LEVELS["产出指标"] | frozenset({"重点工作履职情况", "部门履职目标"}),
    "管理效率": frozenset({"预算编制", "预算执行", "预算管理", "财务管理", "资产管理", "内控管理",
                       "内部控制", "信息公开", "绩效管理", "预算执行效率", "预算管理效率"}),
    "运行成本": PROJECT_LEVELS["成本指标"] | frozenset({"成本指标", "运行成本指标"}),
    "社会效应": PROJECT_LEVELS["效益指标"],
    "服务对象满意度": PROJECT_LEVELS["满意度指标"],
}


def check(data: PerformanceData, sheets: SheetData, master: Master) -> list[Finding]:
    return _Checker(data, sheets, master).run()


class _Checker:
    def __init__(self, data: PerformanceData, sheets: SheetData, master: Master):
        self.data = data
        self.sheets = sheets
        self.first_line = {}
        for ln in master.lines:
            if not ln.basic and ln.project:
                self.first_line.setdefault(ln.project, ln.row)
        self.out: list[Finding] = []

    def cell(self, column: str, row: int) -> str:
        return f"{self.sheets.indicator_columns[column]}{row}"

    def run(self) -> list[Finding]:
        if INDICATOR_SHEET not in self.sheets.present:
            self.out.append(warning(
                "perf-sheet-missing", INDICATOR_SHEET, None,
                "底稿没有“绩效指标”工作表，绩效目标表的指标栏是空的。请按模板添加“绩效指标”表，"
                "每个项目一组指标，部门整体的指标在项目名称栏填“部门整体”。"))
        if PROJECT_SHEET not in self.sheets.present and self.data.printed_projects:
            self.out.append(warning(
                "perf-sheet-missing", PROJECT_SHEET, None,
                "底稿没有“项目信息”工作表，项目支出绩效目标表上的项目负责人和项目总体目标是空的。"
                "请按模板添加“项目信息”表，每个项目一行。"))
        self._overall(self.data.department)
        for project in self.data.projects:
            self._project(project)
        return self.out

    # -- sheets ----------------------------------------------------------------------------
    def _overall(self, sheet: DepartmentSheet) -> None:
        for key, value in (("联系人", sheet.contact), ("联系电话", sheet.phone),
                           ("年度绩效目标", sheet.goal)):
            if not value:
                self.out.append(warning(
                    "perf-text-missing", INFO_SHEET, None,
                    f"基本信息没有填写“{key}”，{sheet.title}上这一栏是空的。请在基本信息中添加“{key}”一行。"))
        if self.sheets.indicators is None:
            return
        if not sheet.indicators:
            self.out.append(error(
                "perf-no-indicators", INDICATOR_SHEET, None,
                f"绩效指标表中没有{sheet.title}的指标。请添加项目名称为“部门整体”的指标行"
                "（一级指标如 履职效能）。"))
            return
        self._grid(sheet.title, sheet.indicators, OVERALL_LEVELS, pairs=False)

    def _project(self, project: ProjectSheet) -> None:
        if project.budget.total <= 0:
            return  # no money: its 项目信息 row is reported by link.py
        if self.sheets.indicators is not None and not project.indicators:
            self._no_indicators(project)
        if not project.printed:
            return
        if project.indicators:
            self._grid(f"项目“{project.name}”", project.indicators, PROJECT_LEVELS, pairs=True)
        if project.info.row is None:
            if PROJECT_SHEET in self.sheets.present:
                self.out.append(warning(
                    "perf-text-missing", PROJECT_SHEET, None,
                    f"项目信息表中没有项目“{project.name}”，它的绩效目标表上项目负责人和项目总体目标是空的。"
                    "请为它添加一行。"))
            return
        cols = self.sheets.project_columns
        for column, what, value in (("项目负责人", "项目负责人", project.info.owner),
                                    ("总体目标", "项目总体目标", project.info.goal)):
            if not value:
                ref = f"{cols[column]}{project.info.row}" if column in cols else None
                self.out.append(warning(
                    "perf-text-missing", PROJECT_SHEET, ref,
                    f"项目“{project.name}”的{what}没有填写，绩效目标表上这一栏会是空的。"))

    def _no_indicators(self, project: ProjectSheet) -> None:
        if project.info.row is not None:
            sheet, ref = PROJECT_SHEET, f"{self.sheets.project_columns['项目名称']}{project.info.row}"
        else:
            row = self.first_line.get(project.info.covers[0])
            sheet, ref = LINES_SHEET, f"{row}:{row}" if row else None
        money = project.budget
        if money.current_fiscal:
            make, why = error, "使用了本年财政拨款，必须设定绩效目标"
        elif money.current:
            make, why = warning, "使用了本年单位资金或财政专户资金，一般也应设定绩效目标"
        else:
            make, why = info, "只有上年结转资金，绩效目标已在资金下达当年设定，不生成绩效目标表"
        self.out.append(make(
            "perf-no-indicators", sheet, ref,
            f"项目“{project.name}”在绩效指标表中没有指标；该项目{why}。"
            + ("请在绩效指标表中为它添加指标（项目名称与项目信息一致）。" if make is not info else "")))

    # -- the indicator grid ----------------------------------------------------------------
    def _grid(self, what: str, indicators: tuple[Indicator, ...], levels, pairs: bool) -> None:
        for ind in indicators:
            self._indicator(ind, levels, pairs)
        weights = [ind.weight for ind in indicators]
        if any(w is None for w in weights):
            return  # the bad cell is reported already; a total would only repeat it
        total = sum(weights)
        want = self.data.weight_total
        if total != want:
            rows = [ind.row for ind in indicators]
            column = self.sheets.indicator_columns["分值权重"]
            self.out.append(error(
                "perf-weight-total", INDICATOR_SHEET, f"{column}{min(rows)}:{column}{max(rows)}",
                f"{what}的 {len(indicators)} 个指标分值权重合计 {total}，应为 {want}"
                f"（基本信息“绩效权重合计”）。请调整权重使合计为 {want}。",
                expected=want, actual=str(total)))

    def _indicator(self, ind: Indicator, levels, pairs: bool) -> None:
        for column, value in (("一级指标", ind.level1), ("二级指标", ind.level2),
                              ("三级指标", ind.level3), ("指标值", ind.value)):
            if not value:
                self.out.append(error("perf-field-missing", INDICATOR_SHEET, self.cell(column, ind.row),
                                      f"{column}为空。请填写，绩效目标表上这一格不能空着。"))
        if ind.level1 and ind.level1 not in levels:
            self.out.append(warning(
                "perf-level-unknown", INDICATOR_SHEET, self.cell("一级指标", ind.row),
                f"一级指标“{ind.level1}”不是标准名称，可用：{'、'.join(levels)}。"
                "如确为本地区规定的名称，可忽略本提示。", actual=ind.level1))
        elif ind.level2:
            allowed = levels[ind.level1] if pairs and ind.level1 else frozenset().union(*levels.values())
            if ind.level2 not in allowed:
                self.out.append(warning(
                    "perf-level-unknown", INDICATOR_SHEET, self.cell("二级指标", ind.row),
                    f"二级指标“{ind.level2}”不是{'“' + ind.level1 + '”下的' if pairs else ''}标准名称，"
                    f"可用：{'、'.join(sorted(allowed, key=_framework_order))}。", actual=ind.level2))
        if ind.value and ind.parsed.kind == "unparsed":
            self.out.append(warning(
                "perf-value-unparsed", INDICATOR_SHEET, self.cell("指标值", ind.row),
                f"指标值“{ind.value}”无法拆成比较符号、数值和单位。请写成“≥95%”“≤600元/人”"
                "“=12次”“2026年12月10日前”这样的形式，定性指标写成文字（如“有所提升”）。",
                actual=ind.value))


_ORDER = [name for names in OVERALL_LEVELS.values() for name in sorted(names)]


def _framework_order(name: str) -> int:
    return _ORDER.index(name) if name in _ORDER else len(_ORDER)
