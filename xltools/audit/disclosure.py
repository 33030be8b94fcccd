"""Read the tables out of any disclosure workbook into the JSON form of tables.md.

Tables are found by their titles anywhere in the workbook (one per sheet or several stacked
on one sheet); a title followed by nothing but other titles is a 目录 line.  Under a title
come the 编制部门 line, the header rows (a 栏次 row of ※ and 1 2 3 is part of them) and the
body, which ends at the next title, the 空表 sentence or the end of the sheet.  Every figure
keeps its sheet!cell so that a broken identity points at the cell a reviewer must look at.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ..checks.identities import Ref
from ..findings import Finding, warning
from ..reader.workbook import Sheet, cell_ref
from ..tables.spec import table_specs
from .cells import NotANumber, figure, is_figure, joined_code, split_code
from .columns import (CLASS, CODE, KUAN, LABEL, NAME, PROJECT, XIANG, header_paths, stub_role,
                      value_role)
from .titles import contents_no, normal, table_key, table_no

HEADER_WORDS = {"项目", "科目名称", "科目代码", "科目编码", "类", "款", "项", "合计", "总计", "预算数",
                "收入", "支出", "项目名称", "三公经费支出内容", "功能分类科目编码", "科目",
                "财政拨款收入", "财政拨款支出", "支出功能分类科目", "功能分类科目名称", "资金来源"}
# The code and name headers in all their spellings: 经济分类科目编码, 部门预算支出经济分类科目,
# 功能分类科目代码 …  Without them a header whose first row holds only these (表6 often) would
# start one row late, and its name column, 总计 included, would be read as no column at all.
HEADER_STUB = re.compile(r".{0,8}?(?:功能|经济)分类(?:科目)?(?:编码|代码|名称)?|科目(?:编码|代码|名称)?")
TOTAL_LABELS = {"总计", "合计", "收入总计", "支出总计", "总合计"}


def is_total(label: str) -> bool:
    """总计, 合计, 合  计, 总计： … (spaces and a trailing colon as people type them)."""
    return normal(label).rstrip(":：") in TOTAL_LABELS

MAKER = re.compile(r"^编制(部门|单位)[:：]\s*(.*?)\s*(?:单位[:：].*)?$")
UNIT_SUFFIX = re.compile(r"(局|中心|所|站|院|校|学校|委员会|委|办公室|办|处|队|馆|会|厅|部|室|园|场|台|社|中队|大队)$")
LOOKAHEAD = 8  # rows after a title in which a table's header must start


@dataclass
class FoundTable:
    key: str
    no: int | None
    title: str
    sheet: str
    title_cell: str
    doc: dict  # this table in the JSON form of tables.md
    places: dict[tuple[str, int, str], str] = field(default_factory=dict)  # (section, row, col) → cell
    label_cells: dict[tuple[str, int], str] = field(default_factory=dict)  # (section, row) → cell
    empty_note: tuple[str, str] | None = None  # (text, cell)


@dataclass
class ContentsEntry:
    key: str
    no: int | None
    text: str
    sheet: str
    cell: str


@dataclass
class Disclosure:
    entity: str
    kind: str
    year: int | None
    tables: dict[str, FoundTable]
    contents: list[ContentsEntry]
    findings: list[Finding]

    def document(self) -> dict:
        return {"entity": self.entity, "year": self.year, "kind": self.kind, "unit": "万元",
                "tables": {k: t.doc for k, t in self.tables.items()}}

    def place(self, ref: Ref) -> tuple[str, str | None]:
        table = self.tables[ref.table]
        return table.sheet, table.places.get((ref.section, ref.row, ref.col))


def _norm_label(text: str) -> str:
    t = normal(text)
    t = re.sub(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|其中[:：])", "", t)
    return t.replace("其中：", "").replace("其中:", "")


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_disclosure(sheets: list[Sheet]) -> Disclosure:
    findings: list[Finding] = []
    tables: dict[str, FoundTable] = {}
    contents: list[ContentsEntry] = []
    makers: Counter = Counter()
    years: Counter = Counter()
    for sheet in sheets:
        rows = sheet.rows
        hits = []
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    if (key := table_key(v)) is not None:
                        hits.append((r, c, key, v))
                    for y in re.findall(r"(20\d{2})\s*年", v):
                        # a year beside 预算 (…2026年部门预算…, 预算年度) is the budget year;
                        # others (project names: 2025年…补助资金) count little
                        years[int(y)] += 10 if re.search(r"20\d{2}\s*年度?\s*(?:部门|单位)?\s*预算", v) else 1
                    if (m := MAKER.match(normal(v))) and m.group(2):
                        makers[(m.group(1), m.group(2))] += 1
        table_rows = [h for h in hits if _starts_table(rows, h[0], hits) and normal(sheet.name) != "目录"]
        for h in hits:
            if h not in table_rows:
                no = contents_no(h[3])
                if no is None:  # 表N in a cell of its own on the same line
                    no = next((n for v in rows[h[0]] if (n := table_no(v)) is not None), None)
                contents.append(ContentsEntry(h[2], no, h[3], sheet.name, cell_ref(h[0], h[1])))
        for i, (r, c, key, text) in enumerate(table_rows):
            end = table_rows[i + 1][0] if i + 1 < len(table_rows) else len(rows)
            start_prev = table_rows[i - 1][0] if i else -1
            found = _read_table(sheet, key, text, r, c, end, start_prev, findings)
            if found is None:
                continue
            if key in tables:
                findings.append(warning("table-duplicate", sheet.name, found.title_cell,
                                        f"“{found.title}”出现了不止一次，只核对了第一张（"
                                        f"{tables[key].sheet}!{tables[key].title_cell}）。"))
                continue
            tables[key] = found
    (kind, entity), _ = makers.most_common(1)[0] if makers else (("部门", ""), 0)
    year = years.most_common(1)[0][0] if years else None
    return Disclosure(entity, kind, year, tables, contents, findings)


def _header_texts(row) -> set[str]:
    texts = {normal(v) for v in row if isinstance(v, str)}
    return {t for t in texts if t in HEADER_WORDS or HEADER_STUB.fullmatch(t)}


def _starts_table(rows, r: int, hits) -> bool:
    """A title starts a table when header words follow before the next title."""
    later = [h[0] for h in hits if h[0] > r]
    stop = min([r + 1 + LOOKAHEAD, len(rows)] + later)
    for rr in range(r + 1, stop):
        texts = {normal(v) for v in rows[rr] if isinstance(v, str)}
        if _header_texts(rows[rr]) or any(t.startswith("单位：") or t.startswith("单位:") for t in texts):
            return True
    return False


def _number_above(rows, r: int, c: int, text: str, floor: int) -> int | None:
    if (n := table_no(text)) is not None:
        return n
    for rr in range(r, max(floor, r - 3), -1):
        for v in rows[rr]:
            if isinstance(v, str) and (n := table_no(v)) is not None and normal(v) == f"表{n}":
                return n
    return None


def _header_start(rows, start: int, end: int) -> int | None:
    for r in range(start, end):
        texts = {normal(v) for v in rows[r] if isinstance(v, str)}
        if _header_texts(rows[r]) and not any(MAKER.match(t) for t in texts):
            return r
    return None


def _is_column_numbers(row) -> bool:
    cells = [v for v in row if v is not None and _text(v)]
    if not cells:
        return False
    stars = sum(_text(v) in ("※", "*", "栏次") for v in cells)
    ints = [v for v in cells if _text(v).isdigit()]
    return stars > 0 and stars + len(ints) == len(cells) or (
        len(ints) == len(cells) >= 3 and [int(_text(v)) for v in ints] == list(range(1, len(ints) + 1)))


def _looks_like_body(row) -> bool:
    if _is_column_numbers(row):
        return False
    cells = [v for v in row if v is not None and _text(v)]
    if any(is_figure(v) and not (isinstance(v, str) and re.fullmatch(r"[类款项]", v.strip())) for v in cells):
        return True
    texts = [normal(v) for v in cells if isinstance(v, str)]
    if any(joined_code(v) for v in cells if isinstance(v, str)):
        return True
    # A lone label is a body row with blank figures (因公出国（境）费, a project without
    # money) unless it is a header word.
    return len(texts) == 1 and (is_total(texts[0]) or not _header_texts(texts))


def _read_table(sheet: Sheet, key, text, r, c, end, floor, findings) -> FoundTable | None:
    rows = sheet.rows
    title = normal(text)
    no = _number_above(rows, r, c, text, floor)
    hs = _header_start(rows, r + 1, end)
    if hs is None:
        return None
    he = hs
    while he + 1 < end and not _looks_like_body(rows[he + 1]):
        if not any(v is not None and _text(v) for v in rows[he + 1]):
            break
        he += 1
    width = max((len(rows[i]) for i in range(hs, min(end, len(rows)))), default=0)
    header_rows = [i for i in range(hs, he + 1) if not _is_column_numbers(rows[i])]
    paths = header_paths(rows, header_rows[0], header_rows[-1], width) if header_rows else []
    roles: dict[int, str] = {}
    for col, path in enumerate(paths):
        if not path:
            continue
        role = stub_role(key, path)
        if role in (LABEL, NAME, PROJECT):
            # "项目支出" is a figure column although it says 项目; figures win over labels.
            role = value_role(key, path) or role
        elif role is None:
            role = value_role(key, path)
        if role is not None:
            roles[col] = role
    found = FoundTable(key, no, re.sub(r"^表\d+", "", title), sheet.name, cell_ref(r, c),
                       {"no": no, "title": re.sub(r"^表\d+", "", title)})
    body = _Body(sheet, key, roles, found, findings)
    body.read(he + 1, end)
    return found


class _Body:
    def __init__(self, sheet: Sheet, key: str, roles: dict[int, str], found: FoundTable, findings):
        self.sheet, self.key, self.roles, self.found, self.findings = sheet, key, roles, found, findings

    def _value(self, r: int, c: int) -> Decimal | None:
        row = self.sheet.rows[r]
        v = row[c] if c < len(row) else None
        try:
            return figure(v)
        except NotANumber:
            self.findings.append(warning("value-not-number", self.sheet.name, cell_ref(r, c),
                                         f"“{v}”不是数字，按 0 核对。请填写金额（万元）或留空。"))
            return None

    def _note(self, row) -> str | None:
        for v in row:
            if isinstance(v, str) and len(v) > 12 and ("空表" in v or "没有" in v):
                return v
        return None

    def read(self, first: int, end: int) -> None:
        two_sided = self.key in ("T_income_expense", "T_fiscal")
        values = {c: k for c, k in self.roles.items() if not k.startswith("@")}
        self.found.doc["columns"] = list(dict.fromkeys(values.values()))
        if two_sided:
            self._two_sided(first, end)
        else:
            self._rows(first, end)

    # -- one row section ----------------------------------------------------------------
    def _rows(self, first: int, end: int) -> None:
        rows_out: list[dict] = []
        unit = None
        prev_code = ""
        stubs = {k: c for c, k in self.roles.items() if k.startswith("@")}
        values = {c: k for c, k in self.roles.items() if not k.startswith("@")}
        fixed = self.key == "T_three_public"
        for r in range(first, min(end, len(self.sheet.rows))):
            row = self.sheet.rows[r]
            if (note := self._note(row)) is not None:
                self.found.empty_note = (note, cell_ref(r, next(i for i, v in enumerate(row) if v == note)))
                continue
            code, name = self._code(row, stubs, prev_code)
            label = name or self._stub_text(row, stubs, NAME) or self._stub_text(row, stubs, LABEL)
            if not label and not code:  # 总计 written across the merged 类/款/项 cells
                label = next((t for c in sorted(stubs.values()) if (t := _text(row[c] if c < len(row) else None))), "")
            project = self._stub_text(row, stubs, PROJECT)
            vals = {k: v for c, k in values.items() if (v := self._value(r, c)) is not None}
            if not code and not label and not vals:
                continue
            index = len(rows_out)
            if fixed:
                fkey = _three_public_key(label)
                if fkey is None:
                    continue
                rows_out.append({"key": fkey, "label": label, "values": vals})
            else:
                kind = self._kind(code, label, project)
                if kind == "unit":
                    unit = label
                row_unit = unit if kind != "total" else None
                rows_out.append({"kind": kind, "code": code or None, "label": label, "unit": row_unit,
                                 "project": project or (label if kind == "project" and not code else None),
                                 "values": vals})
                prev_code = code or prev_code
            for c, k in values.items():
                self.found.places.setdefault(("rows", index, k), cell_ref(r, c))
            label_col = stubs.get(NAME, stubs.get(LABEL))
            if label_col is not None:
                self.found.label_cells[("rows", index)] = cell_ref(r, label_col)
        self.found.doc["rows"] = rows_out
        self.found.doc["empty"] = not any(row["values"] for row in rows_out)

    @staticmethod
    def _stub_text(row, stubs, role) -> str:
        c = stubs.get(role)
        return _text(row[c]) if c is not None and c < len(row) else ""

    def _code(self, row, stubs, prev_code: str) -> tuple[str, str | None]:
        def get(role):
            c = stubs.get(role)
            return row[c] if c is not None and c < len(row) else None

        if self.key in ("T_carryover", "T_entrusted", "T_three_public"):
            return "", None  # rows are projects and units: a name such as 2025年… is no code
        if CLASS in stubs or KUAN in stubs:
            return split_code([get(CLASS), get(KUAN), get(XIANG)], prev_code), None
        for role in (CODE, NAME, LABEL):
            parsed = joined_code(get(role))
            if parsed:
                return parsed
        return "", None

    def _kind(self, code: str, label: str, project: str) -> str:
        if not code and is_total(label):
            return "total"
        if code:
            return "project" if project else "class"
        if self.key in ("T_carryover", "T_entrusted"):
            return "unit" if _unit_like(label) else "project"
        return "unit"

    # -- 表1 / 表4 ----------------------------------------------------------------------
    def _two_sided(self, first: int, end: int) -> None:
        labels = sorted(c for c, k in self.roles.items() if k in (LABEL, NAME, CODE))
        if not labels:
            return
        split = labels[1] if len(labels) > 1 else None
        expense_stubs = labels[1:]
        income_vals = {c: k for c, k in self.roles.items() if not k.startswith("@") and (split is None or c < split)}
        expense_vals = {c: k for c, k in self.roles.items() if not k.startswith("@") and split is not None and c > split}
        income_out, expense_out = [], []
        fixed = _income_keys(self.key)
        pointer = 0
        for r in range(first, min(end, len(self.sheet.rows))):
            row = self.sheet.rows[r]
            if self._note(row) is not None:
                continue
            in_label = _text(row[labels[0]]) if labels[0] < len(row) else ""
            if in_label:
                key, pointer = _match_fixed(in_label, fixed, pointer)
                if key is not None:
                    idx = len(income_out)
                    amount = next((v for c in income_vals if (v := self._value(r, c)) is not None), None)
                    income_out.append({"key": key, "label": in_label, "amount": amount})
                    for c in income_vals:
                        self.found.places.setdefault(("income_rows", idx, "amount"), cell_ref(r, c))
                    self.found.label_cells[("income_rows", idx)] = cell_ref(r, labels[0])
            texts = [t for c in expense_stubs if (t := _text(row[c] if c < len(row) else None))]
            if texts:
                # the code and the name in one cell or in two (科目编码 | 科目名称)
                ex_label = " ".join(texts)
                parsed = joined_code(ex_label)
                total = any(is_total(_norm_label(t)) and "收入" not in t for t in texts)
                if parsed is None and not total:
                    continue
                idx = len(expense_out)
                vals = {k: v for c, k in expense_vals.items() if (v := self._value(r, c)) is not None}
                item = {"code": parsed[0] if parsed else None,
                        "key": "expense_grand_total" if total else None,
                        "label": (parsed[1] or "") if parsed else ex_label}
                if self.key == "T_income_expense":
                    item["amount"] = vals.get("amount")
                else:
                    item["values"] = vals
                expense_out.append(item)
                for c, k in expense_vals.items():
                    self.found.places.setdefault(("expense_rows", idx, k), cell_ref(r, c))
                self.found.label_cells[("expense_rows", idx)] = cell_ref(r, split)
        self.found.doc["income_rows"] = income_out
        self.found.doc["expense_rows"] = expense_out
        if self.key == "T_fiscal":
            self.found.doc["columns"] = list(dict.fromkeys(expense_vals.values()))
        self.found.doc["empty"] = not any(x.get("amount") for x in income_out)


def _unit_like(label: str) -> bool:
    t = normal(label)
    return bool(UNIT_SUFFIX.search(t)) and not re.search(r"\d", t) and len(t) <= 40


def _three_public_key(label: str) -> str | None:
    t = _norm_label(label)
    if is_total(t):
        return "total"
    if "出国" in t:
        return "abroad"
    if "接待" in t:
        return "reception"
    if "购置及运行" in t or "小计" in t:
        return "vehicle"
    if "购置" in t:
        return "vehicle_purchase"
    if "运行" in t:
        return "vehicle_operation"
    return None


def _canon(text: str) -> str:
    t = _norm_label(text).rstrip(":：")
    for noise in ("政府性", "安排的", "安排", "的", "预算"):
        t = t.replace(noise, "")
    return t


def _income_keys(table: str) -> list[tuple[str, str]]:
    specs = table_specs(True, "")
    sec = next(s for s in specs[table].sections if s.name == "income_rows")
    return [(r.key, _canon(r.label)) for r in sec.rows.rows]


_INCOME_SYNONYMS = {"一般公共拨款": "一般公共拨款", "本年收入": "本年收入", "上年结转": "上年结转结余",
                    "财政专户管理资金": "财政专户核拨", "财政拨款": "财政拨款（补助）",
                    "总计": "收入总计", "合计": "收入总计"}


def _match_fixed(label: str, fixed: list[tuple[str, str]], pointer: int) -> tuple[str | None, int]:
    """The fixed income row this label is, searching forward from the last match: the same
    words (其中, 1. and 一般财力 vs 一般公共预算 aside) mean different rows before and after
    二、上年结转结余, and order tells them apart."""
    want = _canon(label)
    want = _INCOME_SYNONYMS.get(want, want)
    for i in range(pointer, len(fixed)):
        if fixed[i][1] == want or fixed[i][1].replace("（补助）", "") == want:
            return fixed[i][0], i + 1
    return None, pointer
