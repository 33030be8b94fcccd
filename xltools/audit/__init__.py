"""Audit a file: a master (its rules, then the tables it makes) or any disclosure workbook."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .. import pipeline
from ..findings import Finding, Severity
from ..reader.headers import normalise
from ..reader.master import INFO_SHEET, LINES_SHEET, read_master
from ..reader.workbook import open_workbook


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
        # 收支明细 or 基本信息 make it a master, even one missing the other sheet (its rules say so)
        if normalise(LINES_SHEET) in names or normalise(INFO_SHEET) in names:
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
    return AuditReport(os.path.abspath(path), "master", pipeline.check_master(read_master(path)))


def _audit_disclosure(path: str, sheets) -> AuditReport:
    findings, titles = pipeline.check_disclosure(sheets)
    return AuditReport(os.path.abspath(path), "disclosure", findings, titles)
