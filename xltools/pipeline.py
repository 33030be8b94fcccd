"""The steps every front end runs — command line, batch, Excel add-in — on data already read.

Reading differs (a file on disk, the values Excel holds); what follows does not: a master
is checked, its tables built and verified, the 绩效 and 情况说明 derived, and the outputs
written, always in this order and by these functions only.
"""

from __future__ import annotations

import gc
import os
from typing import Callable

from . import collector, narrative, performance, search_worker
from .audit.disclosure import read_disclosure
from .audit.structure import structure_findings
from .checks.identities import Identity, check_tables, evaluate, figure_reader, identities
from .findings import Finding, Severity
from .model import Master
from .rounding_memo import RoundingMemo
from .tables import build_tables
from .tables.engine import TableSet
from .writers.disclosure_pdf import pdf_name, write_disclosure_pdf
from .writers import in_parallel
from .writers.disclosure_workbook import output_name, write_disclosure_workbook
from .writers.publication_docx import publication_output_name, toc_entries, write_publication_docx
from .writers.publication_pdf import write_publication_pdf
from .writers.publication_styles import open_template
from .writers.performance_workbook import performance_output_name, write_performance_workbook
from .writers.tables_json import tables_dict


def errors_of(findings) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def usable(master: Master) -> bool:
    """A master the tables can be built from: 基本信息 read and no reader error."""
    return master.info is not None and not errors_of(master.findings)


def tables_with_checks(master: Master, memo: RoundingMemo | None = None
                       ) -> tuple[TableSet, list[Finding]]:
    """The tables of a usable master, with the reader's findings and the identity check
    (the identities hold by construction; checking them proves it every time).  ``memo``:
    舍位平衡's answers kept on disk (the Excel add-in's; rounding_memo)."""
    ts = build_tables(master, memo=memo)
    checked = _identities(ts)[3]
    return ts, list(master.findings) + ts.findings + checked


def _identities(ts: TableSet) -> tuple[dict, list[Identity], list[tuple[int, int]], list[Finding]]:
    """The tables' JSON form, their identities, each identity's two sides (evaluated once,
    on the integer figures, for the check and the 校验 sheet) and the findings."""
    doc = tables_dict(ts)
    idents = identities(doc)
    sides = evaluate(idents, figure_reader(ts))
    return doc, idents, sides, check_tables(doc, idents=idents, sides_of=sides)


def check_master(master: Master, memo: RoundingMemo | None = None) -> list[Finding]:
    """Everything ``check`` finds in a master: its rules, then — when the tables can be
    built — the identities, the 绩效 and the 情况说明 rules."""
    if not usable(master):
        return list(master.findings)
    ts, findings = tables_with_checks(master, memo)
    linked = performance.read_and_link(master)
    return findings + performance.build(master, ts, linked)[1] + narrative.build(master, ts, linked=linked)[1]


def check_disclosure(sheets) -> tuple[list[Finding], dict[str, str]]:
    """Everything ``check`` finds in a disclosure workbook, and each table sheet's title."""
    d = read_disclosure(sheets)
    findings = list(d.findings) + structure_findings(d)
    findings += check_tables(d.document(), place=d.place, slips=True)
    return findings, {t.sheet: t.title for t in d.tables.values()}


TEMPLATE_KEY = "公开模板"


def publication_template(master: Master) -> str | None:
    """基本信息 “公开模板”: a Word template, relative to the master's folder."""
    value = master.info.extra.get(TEMPLATE_KEY) if master.info is not None else None
    if value is None or not str(value).strip():
        return None
    path = str(value).strip()
    if not os.path.isabs(path) and master.path:
        path = os.path.join(os.path.dirname(os.path.abspath(master.path)), path)
    return path


def output_paths(ts: TableSet, outdir: str, pdf: bool) -> list[str]:
    """公开表.xlsx, 绩效目标表.xlsx, 预算公开.docx (the whole published document), then with
    ``pdf`` the tables' PDF and the document's."""
    docx = os.path.join(outdir, publication_output_name(ts))
    paths = [os.path.join(outdir, output_name(ts)), os.path.join(outdir, performance_output_name(ts)),
             docx]
    if pdf:
        paths += [os.path.join(outdir, pdf_name(ts)), os.path.splitext(docx)[0] + ".pdf"]
    return paths


def write_outputs(master: Master, outdir: str, *, prior: Master | None = None, pdf: bool = False,
                  template: str | None = None, before_write: Callable[[list[str]], None] | None = None,
                  parallel: bool = False, memo: RoundingMemo | None = None
                  ) -> tuple[TableSet, list[str], list[Finding]]:
    """Build everything from a usable master and write it; returns (tables, files, findings).

    ``before_write(paths)`` runs once every figure is computed and before any file is
    written: the command line refuses to overwrite there, the add-in closes open copies.
    PDFs come last, so a missing LibreOffice leaves the Excel and Word files complete.
    ``template``: the Word template of the document (default: 基本信息 “公开模板”, else
    templates/预算公开模板.docx).
    ``parallel``: write the document and the 绩效 workbook in forked processes (one each,
    or one for both on two cores) while this one checks the identities and writes the
    tables (writers/in_parallel.py: where fork is available).  The command line asks for it; batch runs files in parallel
    already, the add-in runs in a thread.  ``memo``: as for tables_with_checks.
    """
    with collector.paused():
        ts = build_tables(master, memo=memo)
        # Only the worksheet functions rebuild from the figures' layout; at 1,000,000 lines
        # its memberships are a few hundred MB that the writers would otherwise carry.
        ts.layout = None
        return _write(master, ts, outdir, prior, pdf, template, before_write, parallel)


def _write(master: Master, ts: TableSet, outdir: str, prior: Master | None, pdf: bool,
           template: str | None, before_write, parallel: bool) -> tuple[TableSet, list[str], list[Finding]]:
    linked = performance.read_and_link(master)  # 项目信息 and 绩效指标, for both
    perf, perf_findings = performance.build(master, ts, linked)
    story, story_findings = narrative.build(master, ts, prior, linked)
    paths = output_paths(ts, outdir, pdf)
    template = template or publication_template(master)
    open_template(template)  # a template that cannot be used stops the build before any file is written
    if before_write is not None:
        before_write(paths)

    def document(target: str, pages=None) -> None:
        write_publication_docx(story, ts, perf, target, template=template, pages=pages)

    # The identities are enumerated and checked here while the other processes write: they
    # are needed by the 校验 sheet only (seconds at 100,000 lines).
    checked: list[Finding] = []

    def disclosure() -> None:
        doc, idents, sides, identity_findings = _identities(ts)
        checked.extend(identity_findings)
        write_disclosure_workbook(ts, paths[0], checked=(doc, idents, sides))

    # Every search of this build is done (the prior year's tables too): the rounding
    # worker's memory is the writers' now.
    search_worker.stop()
    # Writing is bound by CPU: a process beyond the cores only waits for one, and each
    # forked process keeps its own copy of every page of figures it reads (1,000,000 lines,
    # 2 cores: 1.35–1.4 GB in two processes since the document is streamed; 2.0 GB before,
    # 2.5 GB in three).  Sharing a process, the collector frees what the document left
    # before the 绩效 workbook starts; the 绩效 workbook, last, closes as the disclosure
    # workbook does here, which is the build's peak.
    in_parallel.run(*in_parallel.at_most(
        in_parallel.cores(), [disclosure, gc.collect],
        [lambda: document(paths[2]), gc.collect],
        [lambda: write_performance_workbook(master, ts, perf, paths[1])]), parallel=parallel)
    findings = list(master.findings) + ts.findings + checked + perf_findings + story_findings
    if pdf:
        write_disclosure_pdf(ts, paths[3])
        write_publication_pdf(document, toc_entries(story), paths[2], paths[4])
    return ts, paths, findings
