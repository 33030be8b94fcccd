"""Audit a file: a master (its rules, then the tables it makes) or any disclosure workbook."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .. import narrative, performance
from ..checks.identities import check_tables
from ..findings import Finding, Severity
from ..reader.headers import normalise
from ..reader.master import LINES_SHEET, read_master
from ..reader.workbook import open_workbook
from ..tables import build_tables
from ..writers.tables_json import tables_dict
from .disclosure import read_disclosure
from .structure import structure_findings


@dataclass
class AuditReport:
    file: str
    kind: str  # master | disclosure
    findings: list[Finding]
    titles: dict[str, str] = field(default_factory=dict)  # sheet → what it holds, for the report

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    def as_dict(self) -> dict:
        return {"file": self.file, "kind": self.kind, "findings": [f.as_dict() for f in self.findings]}


def audit(path: str) -> AuditReport:
    """Raise ReadError when ``path`` is not a readable workbook at all."""
    book = open_workbook(path)
    try:
        names = [normalise(n) for n in book.sheet_names]
        if normalise(LINES_SHEET) in names:
            kind = "master"
        else:
            kind = "disclosure"
            sheets = [book.sheet(n) for n in book.sheet_names]
    finally:
        book.close()
    if kind == "master":
        return _audit_master(path)
    return _audit_disclosure(path, sheets)


def _audit_master(path: str) -> AuditReport:
    master = read_master(path)
    findings = list(master.findings)
    if master.info is not None and not any(f.severity is Severity.ERROR for f in findings):
        ts = build_tables(master)
        findings += ts.findings + check_tables(tables_dict(ts))
        findings += performance.build(master, ts)[1] + narrative.build(master, ts)[1]
    return AuditReport(os.path.abspath(path), "master", findings)


def _audit_disclosure(path: str, sheets) -> AuditReport:
    d = read_disclosure(sheets)
    findings = list(d.findings) + structure_findings(d)
    findings += check_tables(d.document(), place=d.place, slips=True)
    titles = {t.sheet: t.title for t in d.tables.values()}
    return AuditReport(os.path.abspath(path), "disclosure", findings, titles)
