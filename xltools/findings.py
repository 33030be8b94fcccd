"""Findings: every problem the tool reports is data, not an exception.

A finding names a rule, a severity, the place (sheet and cell), a Chinese message that says
what to fix, and — where it makes sense — the expected and actual values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    sheet: str | None
    cell: str | None
    message: str
    expected: object = None
    actual: object = None

    @property
    def place(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def __str__(self) -> str:
        where = f"{self.place}: " if self.place else ""
        return f"[{self.severity.label}] {where}{self.message}"

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "expected": _jsonable(self.expected),
            "actual": _jsonable(self.actual),
        }


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@dataclass
class Findings:
    """An ordered collection with the counts the CLI and the exit code need."""

    items: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.items.append(finding)

    def extend(self, findings) -> None:
        self.items.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if f.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def error(rule: str, sheet: str | None, cell: str | None, message: str, **kw) -> Finding:
    return Finding(rule, Severity.ERROR, sheet, cell, message, kw.get("expected"), kw.get("actual"))


def warning(rule: str, sheet: str | None, cell: str | None, message: str, **kw) -> Finding:
    return Finding(rule, Severity.WARNING, sheet, cell, message, kw.get("expected"), kw.get("actual"))


def info(rule: str, sheet: str | None, cell: str | None, message: str, **kw) -> Finding:
    return Finding(rule, Severity.INFO, sheet, cell, message, kw.get("expected"), kw.get("actual"))


def summary(findings) -> str:
    """One line for the end of a run: 校验通过/不通过 and the count of each severity."""
    counts = {s: sum(f.severity is s for f in findings) for s in Severity}
    status = "通过" if not counts[Severity.ERROR] else "不通过"
    return (f"校验{status}：{counts[Severity.ERROR]} 个错误，{counts[Severity.WARNING]} 个警告，"
            f"{counts[Severity.INFO]} 条提示")
