"""情况说明: the narrative of the 部门预算公开 (第一部分 概况 … 第四部分 名词解释).

``build(master, ts, prior_master=None)`` returns the document as data (document.py) and every
finding; xltools.writers.narrative_docx writes it as .docx.  Every amount is a figure of
``ts`` (figures.py), every share and change is computed exactly (wording.py), last year's
figures come from 上年预算 or, with ``prior_master``, from last year's master (prior.py), and
the reasons always from 上年预算.
"""

from __future__ import annotations

from types import MappingProxyType

from .. import dictionaries
from ..findings import Finding
from ..model import Master
from ..performance import read_and_link
from ..performance.link import Linked
from ..performance.read import PROJECT_SHEET, SheetData
from ..tables.engine import TableSet
from . import checks, overview, sections
from .document import NarrativeDoc
from .figures import build_figures, running_cost
from .inputs import Inputs, ProjectTexts
from .matters import read_matters
from .prior import from_master, merge, read_prior

__all__ = ["build", "NarrativeDoc"]


def build(master: Master, ts: TableSet, prior_master: Master | None = None,
          linked: tuple[SheetData, Linked] | None = None) -> tuple[NarrativeDoc, list[Finding]]:
    """The 情况说明 of ``master`` whose tables are ``ts`` (build_tables(master)).

    ``prior_master``: last year's master (``--prior``); its tables give last year's figures.
    ``linked``: ``performance.read_and_link(master)`` when the caller has it.
    """
    findings: list[Finding] = []
    prior, found = read_prior(master)
    findings += found
    if prior_master is not None:
        computed, found = from_master(prior_master, ts.year)
        findings += found
        if computed.source == "master":
            prior, found = merge(prior, computed)
            findings += found
    if prior.source == "none":
        findings.append(checks.prior_missing())
    findings += checks.prior_identities(prior)
    matters, found = read_matters(master)
    findings += found
    findings += checks.matters_consistency(matters)

    names = dictionaries.func_names(ts.year - 1)  # codes of 上年预算 dropped from this year's list
    names.update(ts.func_names)
    units = tuple(dict.fromkeys(ln.unit for ln in master.lines))
    inp = Inputs(
        entity=ts.entity, year=ts.year, kind=ts.kind, profile=ts.profile,
        info=MappingProxyType(dict(master.info.extra)), units=units, figures=build_figures(ts), prior=prior,
        projects=_project_texts(master, linked), matters=matters, running_cost=running_cost(ts, matters),
        func_names=names)
    blocks = overview.document_blocks(inp, sections.part_three(inp))
    doc = NarrativeDoc(ts.entity, ts.year, ts.kind, ts.profile, tuple(blocks))
    findings += checks.staffing(overview.staff_numbers(inp))
    seen: set[tuple] = set()
    for placeholder in doc.placeholders():
        f = placeholder.finding
        key = (f.rule, f.sheet, f.cell, f.message)
        if key not in seen:  # one gap quoted twice is one thing to fix
            seen.add(key)
            findings.append(f)
    return doc, findings


def _project_texts(master: Master, read: tuple[SheetData, Linked] | None) -> ProjectTexts:
    """项目信息 rows by the 收支明细 projects they cover (the same linking as the 绩效目标表).

    The linking's own findings (names that do not match …) are the performance build's to
    report; repeating them here would list each problem twice."""
    sheets, linked = read or read_and_link(master)
    by_key = {key: lp.info for lp in linked.projects for key in lp.keys}
    by_name: dict[str, object] = {}
    for (_, name), info in by_key.items():
        by_name[name] = info if by_name.get(name, info) is info else None
    present = PROJECT_SHEET in sheets.present
    missing = None if present else checks.text_missing(
        PROJECT_SHEET, None, "项目信息",
        "请添加“项目信息”表（项目名称 | 对应明细项目 | 单位名称 | 项目负责人 | 政策依据 | 承担单位 | "
        "资金分配情况 | 执行时间 | 总体目标 | 其他说明），每个项目一行。")
    shared = frozenset(name for lp in linked.projects if len({n for _, n in lp.keys}) > 1
                       for _, name in lp.keys)
    return ProjectTexts(by_key, {k: v for k, v in by_name.items() if v is not None},
                        dict(sheets.project_columns), present, missing, shared)
