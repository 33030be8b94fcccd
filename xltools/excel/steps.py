"""The command line's steps, on a master read from the live workbook instead of a file.

``xltools build`` and ``xltools check`` take a path (cli._build, audit.audit); the add-in
has the values Excel holds, unsaved edits included.  These functions chain the same core
calls in the same order, so the ribbon writes what ``xltools build`` writes
(tests/test_excel_ribbon.py compares the two on every fixture).
"""

from __future__ import annotations

import os
from typing import Callable

from .. import narrative, performance
from ..audit.disclosure import read_disclosure
from ..audit.structure import structure_findings
from ..checks.identities import check_tables
from ..findings import Finding, Severity
from ..model import Master
from ..reader.workbook import Sheet
from ..tables import build_tables
from ..tables.engine import TableSet
from ..writers.disclosure_workbook import output_name, write_disclosure_workbook
from ..writers.narrative_docx import narrative_output_name, write_narrative_docx
from ..writers.performance_workbook import performance_output_name, write_performance_workbook
from ..writers.tables_json import tables_dict

Release = Callable[[str], None]  # frees a target about to be replaced (closes it in Excel)


def errors_of(findings) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def master_errors(master: Master) -> list[Finding]:
    """What stops a build (cli._load): the reader's errors, or 基本信息 unusable."""
    return errors_of(master.findings)


def check_master(master: Master) -> list[Finding]:
    """Everything ``xltools check`` finds in a master (audit._audit_master): its rules,
    then the identities of the tables it makes, the 绩效 and the 情况说明 rules."""
    findings = list(master.findings)
    if master.info is not None and not master_errors(master):
        ts = build_tables(master)
        findings += ts.findings + check_tables(tables_dict(ts))
        findings += performance.build(master, ts)[1] + narrative.build(master, ts)[1]
    return findings


def check_disclosure(sheets: list[Sheet]) -> list[Finding]:
    """Everything ``xltools check`` finds in a disclosure workbook (audit._audit_disclosure)."""
    d = read_disclosure(sheets)
    findings = list(d.findings) + structure_findings(d)
    return findings + check_tables(d.document(), place=d.place, slips=True)


def tables_with_checks(master: Master) -> tuple[TableSet, list[Finding]]:
    """The tables of an error-free master and the findings a build reports (cli._build)."""
    ts = build_tables(master)
    # The identities hold by construction; checking them proves it on every build.
    return ts, list(master.findings) + ts.findings + check_tables(tables_dict(ts))


def build_outputs(master: Master, outdir: str, release: Release) -> tuple[list[str], list[Finding]]:
    """cli.build_outputs for an error-free master, without --pdf and --prior: the disclosure
    workbook, the 绩效目标表 and the 情况说明, replacing earlier outputs (the ribbon is
    pressed again after each correction)."""
    ts, findings = tables_with_checks(master)
    perf, perf_findings = performance.build(master, ts)
    story, story_findings = narrative.build(master, ts, None)
    findings += perf_findings + story_findings
    targets = [os.path.join(outdir, name) for name in
               (output_name(ts), performance_output_name(ts), narrative_output_name(ts))]
    for target in targets:
        release(target)
    write_disclosure_workbook(ts, targets[0])
    write_performance_workbook(master, ts, perf, targets[1])
    write_narrative_docx(story, targets[2])
    return targets, findings
