"""Parse a master workbook (预算底稿) into basic information, lines and findings.

Sheets are found by name and columns by header text (row 1), never by position.  Every
problem becomes a finding that names the cell; parsing goes on so that one run reports
everything the accountant has to fix.
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np

from .. import collector, dictionaries
from ..codes import ParsedCode, parse_code
from ..findings import Finding, error, info, warning
from ..model import Info, Line, Master
from ..money import AmountError, parse_amount, to_fen
from ..sources import EXPENSE_TYPES, resolve
from ..tables.profiles import PROFILES, default_profile
from .codecolumns import ECON, FUNC, code_layout, joined_code
from .codenames import CodeNamer
from .columns import cell_text as _text, clean_lines, distinct, first_of_equal, new_lines
from .headers import (CHECK_COLUMNS, DICT_COLUMNS, LINE_COLUMNS, LINE_REQUIRED, TEMPLATE_SHEETS,
                      alias_map, find_columns, header_unit, normalise)
from .workbook import Sheet, Workbook, cell_ref, col_letter, open_workbook

INFO_SHEET = "基本信息"
LINES_SHEET = "收支明细"
DICT_SHEET = "科目字典"
KNOWN_SHEETS = (INFO_SHEET, LINES_SHEET, "上年预算", "项目信息", "绩效指标", "其他事项", DICT_SHEET)
OPTIONAL_READ = ("上年预算", "项目信息", "绩效指标", "其他事项")

# 人员经费 are paid from 工资福利 and 对个人和家庭的补助; 公用经费 from 商品和服务支出 and
# 资本性支出 (equipment bought for running the office).
TYPE_ECON_CLASSES = {"人员经费": ("301", "303"), "公用经费": ("302", "310")}


def read_master(path: str) -> Master:
    """Read ``path``; raise ReadError only when it is not a readable workbook at all.

    The cyclic collector is paused meanwhile (xltools/collector.py): the cells and lines of a
    big master are millions of objects without cycles, which it would walk again and again."""
    with collector.paused():
        book = open_workbook(path)
        try:
            return _MasterParser(book).parse()
        finally:
            book.close()


class _MasterParser:
    def __init__(self, book: Workbook):
        self.book = book
        self.findings: list[Finding] = []
        self.sheet_by_name = {normalise(n): n for n in book.sheet_names}

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def _sheet(self, name: str, required: bool) -> Sheet | None:
        actual = self.sheet_by_name.get(normalise(name))
        if actual is None:
            if required:
                self.add(error("sheet-missing", name, None,
                               f"缺少工作表“{name}”。请按模板（xltools template）添加这张表。"))
            return None
        return self.book.sheet(actual)

    def parse(self) -> Master:
        known = {normalise(k) for k in KNOWN_SHEETS + TEMPLATE_SHEETS}
        for n in self.book.sheet_names:
            if normalise(n) not in known:
                self.add(info("sheet-extra", n, None, f"工作表“{n}”不是底稿的组成部分，已忽略。"))
        info_sheet = self._sheet(INFO_SHEET, True)
        lines_sheet = self._sheet(LINES_SHEET, True)
        basic = self._parse_info(info_sheet) if info_sheet else None
        year = basic.year if basic else 2026
        listed = {"func": dictionaries.func_names(year), "econ": dictionaries.econ_names(year)}
        dictionary: dict[str, dict[str, str]] = {"func": {}, "econ": {}}
        dict_sheet = self._sheet(DICT_SHEET, False)
        if dict_sheet:
            self._parse_dictionary(dict_sheet, dictionary["func"], dictionary["econ"])
        names = {k: {**listed[k], **dictionary[k]} for k in listed}
        sources = {**dictionaries.sources("func", year), **dictionaries.sources("econ", year)}
        sources.update(dict.fromkeys([*dictionary["func"], *dictionary["econ"]], "科目字典"))
        lines: list[Line] = []
        if lines_sheet:
            # Without 基本信息 the amounts' unit is unknown; still check the codes and words.
            fallback = Info(year, "", "单位", "", default_profile(year), None, 11, 90)
            parser = _LineParser(self, lines_sheet, basic or fallback, listed, dictionary)
            parsed = parser.parse()
            lines = parsed if basic is not None else []
            for k, namer in parser.namers.items():
                names[k].update({c: n for c, n in namer.names.items() if c not in names[k]})
                sources.update({c: "底稿" for c in namer.names if c not in sources})
        func_names, econ_names = names["func"], names["econ"]
        extra = {}
        for name in OPTIONAL_READ:
            sheet = self._sheet(name, False)
            if sheet:
                extra[name] = sheet.rows
        return Master(self.book.path, basic, tuple(lines), func_names, econ_names,
                      tuple(self.findings), extra, name_sources=sources)

    # -- 基本信息 -------------------------------------------------------------------------
    def _parse_info(self, sheet: Sheet) -> Info | None:
        values: dict[str, tuple[object, str]] = {}
        for r, row in enumerate(sheet.rows):
            key = normalise(row[0]) if row else ""
            if not key or (r == 0 and key in ("项目", "key")):
                continue
            value = row[1] if len(row) > 1 else None
            values[key] = (value, cell_ref(r, 1))
        last = len(sheet.rows)
        ok = True

        def need(key: str) -> tuple[object, str] | None:
            nonlocal ok
            value, ref = values.get(key, (None, None))
            if ref is None:
                self.add(error("info-key-missing", INFO_SHEET, f"A{last + 1}",
                               f"基本信息缺少“{key}”。请在 A 列新增一行“{key}”，在 B 列填写内容。"))
                ok = False
                return None
            if value is None or _text(value) == "":
                self.add(error("info-key-missing", INFO_SHEET, ref, f"基本信息“{key}”没有填写内容。"))
                ok = False
                return None
            return value, ref

        def bad(key: str, ref: str, message: str) -> None:
            nonlocal ok
            self.add(error("info-value-bad", INFO_SHEET, ref, f"基本信息“{key}”{message}"))
            ok = False

        year = 0
        got = need("预算年度")
        if got:
            text = _text(got[0]).removesuffix("年")
            if text.isdigit() and 2000 <= int(text) <= 2100:
                year = int(text)
            else:
                bad("预算年度", got[1], f"应为四位年份（如 2026），现为“{got[0]}”。")
        entity = ""
        got = need("单位名称")
        if got:
            entity = _text(got[0])
        def choice(key: str, allowed: tuple[str, str]) -> str:
            got = need(key)
            if not got:
                return ""
            text = _text(got[0])
            if text not in allowed:
                bad(key, got[1], f"应为“{allowed[0]}”或“{allowed[1]}”，现为“{got[0]}”。")
            return text

        kind = choice("公开口径", ("部门", "单位"))
        unit = choice("金额单位", ("元", "万元"))
        profile = default_profile(year) if year else "2026"
        if "表样" in values and _text(values["表样"][0]):
            value, ref = values["表样"]
            name = _text(value).removesuffix("年")
            if name in PROFILES:
                profile = name
            else:
                bad("表样", ref, f"“{value}”不是已知表样，可选：{'、'.join(PROFILES)}。")
        carry = None
        if "上年结转表" in values and _text(values["上年结转表"][0]):
            value, ref = values["上年结转表"]
            carry = {"是": True, "否": False}.get(_text(value))
            if carry is None:
                bad("上年结转表", ref, f"应为“是”或“否”，现为“{value}”。")
        columns = self._int_key(values, "收入表列", 11, (11, 12), bad)
        weights = self._int_key(values, "绩效权重合计", 90, None, bad)
        if not ok:
            return None
        extra = {k: v for k, (v, _) in values.items()}
        return Info(year, entity, kind, unit, profile, carry, columns, weights, extra)

    @staticmethod
    def _int_key(values, key, default, allowed, bad) -> int:
        if key not in values or _text(values[key][0]) == "":
            return default
        value, ref = values[key]
        text = _text(value)
        if not text.isdigit() or (allowed and int(text) not in allowed) or int(text) <= 0:
            hint = "或".join(str(a) for a in allowed) if allowed else "正整数"
            bad(key, ref, f"应为 {hint}，现为“{value}”。")
            return default
        return int(text)

    # -- 科目字典 -------------------------------------------------------------------------
    def _parse_dictionary(self, sheet: Sheet, func_names, econ_names) -> None:
        cols = _find_columns(self, sheet, DICT_COLUMNS, ("类型", "科目编码", "科目名称"))
        if cols is None:
            return
        for r in range(1, len(sheet.rows)):
            row = sheet.rows[r]
            kind = _text(_get(row, cols["类型"]))
            parsed = parse_code(_get(row, cols["科目编码"]))
            name = _text(_get(row, cols["科目名称"])) or (parsed.name if parsed else "")
            if not kind and parsed is None:
                continue
            ref = cell_ref(r, cols["科目编码"])
            if kind not in ("功能", "经济"):
                self.add(error("dict-bad", DICT_SHEET, cell_ref(r, cols["类型"]),
                               f"科目字典“类型”应为“功能”或“经济”，现为“{kind}”。"))
                continue
            lengths = (3, 5, 7) if kind == "功能" else (3, 5)
            if parsed is None or len(parsed.code) not in lengths or not name:
                self.add(error("dict-bad", DICT_SHEET, ref,
                               f"科目字典第 {r + 1} 行需要 {'/'.join(map(str, lengths))} 位编码和科目名称。"))
                continue
            (func_names if kind == "功能" else econ_names)[parsed.code] = name


_CHECK_HEADERS = frozenset(normalise(h) for h in CHECK_COLUMNS)


def _get(row: list, index: int | None):
    if index is None or index >= len(row):
        return None
    return row[index]


def _find_columns(parser: _MasterParser, sheet: Sheet, columns, required,
                  header: list | None = None) -> dict[str, int | None] | None:
    """Map canonical column names to indices by the header row; report missing/duplicates."""
    found = find_columns(sheet.name, sheet.row(0) if header is None else header, columns, required,
                         parser.add, ignore=_CHECK_HEADERS, hint=_header_below(sheet, columns, required))
    if found is None:
        return None
    return {name: found.get(name) for name in columns}


def _header_below(sheet: Sheet, columns, required) -> str:
    """Exports often print a title above the headers: say where the headers are."""
    aliases = alias_map(columns)
    for r in range(1, min(sheet.nrows, 10)):
        named = {aliases.get(normalise(v)) for v in sheet.row(r) if v is not None}
        if all(name in named for name in required):
            return f"表头现在在第 {r + 1} 行：请删除上面的 {r} 行标题，让表头位于第 1 行。"
    return ""


class _LineParser:
    """收支明细 rows → Lines, with one finding per problem cell."""

    def __init__(self, parser: _MasterParser, sheet: Sheet, basic: Info, listed, dictionary):
        self.p = parser
        self.sheet = sheet
        self.basic = basic
        self.listed = listed
        self.dictionary = dictionary
        self.known = {k: {**listed[k], **dictionary[k]} for k in listed}
        self.econ_names = self.known["econ"]
        self.namers: dict[str, CodeNamer] = {}

    def err(self, rule, r, c, message, **kw):
        self.p.add(error(rule, self.sheet.name, cell_ref(r, c), message, **kw))

    def warn(self, rule, r, c, message, **kw):
        self.p.add(warning(rule, self.sheet.name, cell_ref(r, c), message, **kw))

    def parse(self) -> list[Line]:
        layout = code_layout(self.sheet.row(0), LINE_COLUMNS)
        cols = _find_columns(self.p, self.sheet, LINE_COLUMNS, LINE_REQUIRED, layout.header)
        if cols is None:
            return []
        self.cols = cols
        self.split, self.name_cols = layout.split, layout.names
        if not self._has_lines():
            self.p.add(error("lines-empty", self.sheet.name, None,
                             "收支明细没有任何预算行：第 1 行是表头，请从第 2 行起每行填写一笔预算"
                             "（功能分类科目、经济分类科目、支出类型、资金来源、金额）。"))
            return []
        for dim, column in (("func", FUNC), ("econ", ECON)):
            self.namers[dim] = CodeNamer(dim, column, self.basic.year, self.listed[dim],
                                         self.dictionary[dim], self._written_names(column))
        stated = header_unit(_get(self.sheet.row(0), cols["金额"]))
        if stated and self.basic.unit and stated != self.basic.unit:
            self.err("amount-unit-conflict", 0, cols["金额"],
                     f"金额列标题写的是{stated}，但基本信息“金额单位”是{self.basic.unit}。请统一单位。")
            return []
        self.merges = self._merged_cells()
        lines = self._lines()
        self._duplicates(lines)
        for r in sorted(self._row_findings):
            self.p.findings.extend(self._row_findings[r])
        # calamine's range ends at the last cell with a value: rows below made only of
        # uncalculated formulas are not in it, but the user meant them as lines.
        letters = {col_letter(c) for c in cols.values() if c is not None}
        below = self.sheet.problem_cells_below(self.sheet.nrows, letters)
        for ref, value in sorted(below.items()):
            if value:
                self.p.add(error("formula-error", self.sheet.name, ref,
                                 f"公式结果是错误值 {value}。请修正这个单元格的公式。", actual=value))
            else:
                self.p.add(error("formula-no-value", self.sheet.name, ref, _NO_VALUE))
        return lines

    def _lines(self) -> list[Line]:
        """Clean rows in bulk (columns.py); every other row by the per-row rules below,
        its findings kept by row so that they come out in row order."""
        cols = self.cols
        nrows = self.sheet.nrows
        filled = self.sheet.filled_rows()
        slow = np.zeros(nrows, dtype=bool)
        for r0, _, r1, _ in self.merges:
            slow[r0:r1 + 1] = True
        letters = {col_letter(c): c for c in cols.values() if c is not None}
        for ref in self.sheet.problem_cells_below(0, set(letters)):
            r = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - 1
            if r < nrows:
                slow[r] = True
        candidates = filled & ~slow
        candidates[:1] = False
        clean = clean_lines(self.sheet, cols, candidates, self.basic.entity, self.basic.unit,
                            self._clean_code(FUNC, "func", 7), self._clean_code(ECON, "econ", 5),
                            TYPE_ECON_CLASSES, MAX_FEN)
        rest = filled | slow
        rest[clean.rows] = False
        rest[:1] = False
        self._row_findings: dict[int, list[Finding]] = {}
        parsed: dict[int, Line] = {}
        # The per-row rules also read the split 款/项 columns and the name columns.
        wanted = {c for c in cols.values() if c is not None}
        wanted.update(c for parts in self.split.values() for c in parts)
        wanted.update(c for c in self.name_cols.values() if c is not None)
        width = max(wanted) + 1
        columns = {c: self.sheet.column(c) for c in sorted(wanted)}
        for r in np.flatnonzero(rest).tolist():
            start = len(self.p.findings)
            if not filled[r]:
                if any(self.sheet.formula_without_value(cell_ref(r, c))
                       or self.sheet.error_value(cell_ref(r, c)) for c in columns):
                    self._uncached_row(r)
            else:
                row = [None] * width
                for c, values in columns.items():
                    row[c] = values[r]
                line = self._line(r, row)
                if line is not None:
                    parsed[r] = line
            if len(self.p.findings) > start:
                self._row_findings[r] = self.p.findings[start:]
                del self.p.findings[start:]
        del columns
        self.sheet.drop_values()  # before the lines are made, not after: the peak of a big read
        bulk = new_lines((clean.rows + 1).tolist(), clean.unit.tolist(), clean.func.tolist(),
                         clean.econ.tolist(), clean.type.tolist(), clean.project.tolist(),
                         clean.source.tolist(), clean.amount.tolist(), clean.note.tolist())
        if not parsed:
            return bulk
        return sorted([*bulk, *parsed.values()], key=attrgetter("row"))

    def _duplicates(self, lines: list[Line]) -> None:
        """Warn on each line identical to an earlier one in every field but its note."""
        # Only lines whose amount comes twice can be equal (amounts are mostly distinct).
        amounts = np.fromiter(map(attrgetter("amount"), lines), dtype=np.int64, count=len(lines))
        _, which, counts = np.unique(amounts, return_inverse=True, return_counts=True)
        maybe = np.flatnonzero(counts[which] > 1)
        if not len(maybe):
            return
        twice = [lines[i] for i in maybe.tolist()]
        first = first_of_equal([list(map(attrgetter(f), twice)) for f in _SAME_FIELDS])
        for i in np.flatnonzero(first != np.arange(len(twice))).tolist():
            line = twice[i]
            self._row_findings.setdefault(line.row - 1, []).append(warning(
                "line-duplicate", self.sheet.name, cell_ref(line.row - 1, self.cols["金额"]),
                f"第 {line.row} 行与第 {twice[first[i]].row} 行完全相同，是否重复录入？"
                "如确实是两笔，请在备注中说明。"))

    def _clean_code(self, name: str, dim: str, length: int):
        """The bulk path's code rule: a cell's code when the per-row rules (``_code`` and the
        CodeNamer) would say nothing about it, else None (the row then takes the per-row path).

        Split 类|款|项 columns and name columns are read per row only: their values are not
        in the one code column the bulk path looks at.
        """
        if name in self.split or name in self.name_cols:
            return lambda value: None
        listed, dictionary, known = self.listed[dim], self.dictionary[dim], self.known[dim]
        parents = (3, 5) if dim == "func" else (3,)

        def clean(value) -> str | None:
            parsed = parse_code(value)
            if parsed is None or len(parsed.code) != length:
                return None
            code = parsed.code
            if code not in known or any(code[:n] not in known for n in parents):
                return None
            if parsed.name and code not in dictionary \
                    and normalise(parsed.name) != normalise(listed.get(code, "")):
                return None  # unlisted or named differently: a warning belongs to the row
            return code
        return clean

    def _has_lines(self) -> bool:
        """Whether any row below the header holds something (an uncalculated formula counts)."""
        if self.sheet.filled_rows()[1:].any():
            return True
        letters = {col_letter(c) for c in self.cols.values() if c is not None}
        return bool(self.sheet.problem_cells_below(1, letters))

    def _code_value(self, row: list, name: str) -> object:
        if name in self.split:
            return joined_code([_get(row, c) for c in self.split[name]])
        return _get(row, self.cols[name])

    def _name_written(self, row: list, name: str, parsed: ParsedCode | None) -> str | None:
        """The name the master gives this line's code: in the code cell, else in its name column."""
        if parsed is not None and parsed.name:
            return parsed.name
        return _text(_get(row, self.name_cols.get(name))) or None

    def _written_names(self, name: str) -> dict[str, str]:
        """code → the first name the master writes for it, anywhere in the sheet."""
        if name in self.split:
            codes = [joined_code(list(parts))
                     for parts in zip(*(self.sheet.column(c) for c in self.split[name]))]
        elif self.cols.get(name) is not None:
            codes = self.sheet.column(self.cols[name])
        else:
            return {}
        name_col = self.name_cols.get(name)
        named = self.sheet.column(name_col) if name_col is not None else None
        written: dict[str, str] = {}
        if named is None:
            # Only the code cells can carry a name: each distinct spelling once, in row order.
            for value in distinct(codes[1:]):
                parsed = parse_code(value)
                if parsed is not None and parsed.name:
                    written.setdefault(parsed.code, parsed.name)
            return written
        for value, name_cell in zip(codes[1:], named[1:]):
            if value is None:
                continue
            parsed = parse_code(value)
            here = (parsed.name if parsed is not None and parsed.name else _text(name_cell)) or None
            if parsed is not None and here:
                written.setdefault(parsed.code, here)
        return written

    def _merged_cells(self) -> list[tuple[int, int, int, int]]:
        """Report merged ranges over the lines' columns: only their first cell holds the
        value, so every other line they cover would lose it (or, for 单位名称, silently
        fall back to 基本信息).  Returns them as (r0, c0, r1, c1) for _hidden."""
        watched = {c: name for name, c in self.cols.items() if c is not None and name != "备注"}
        found = []
        for (r0, c0), (r1, c1) in self.sheet.merged:
            names = [watched[c] for c in sorted(watched) if c0 <= c <= c1]
            if r1 < 1 or not names:
                continue  # a merged title in the header row takes nothing from the lines
            first, last = cell_ref(r0, c0), cell_ref(r1, c1)
            self.err("merged-cells", r0, c0,
                     f"{first}:{last} 是合并单元格，只有 {first} 有内容，合并区域里其他行的"
                     f"“{'”“'.join(names)}”都是空的。请取消合并（开始→合并后居中），"
                     "并在每一行都填上内容。", actual=f"{first}:{last}")
            found.append((r0, c0, r1, c1))
        return found

    def _hidden(self, r: int, c: int) -> bool:
        """Whether (r, c) is a covered cell of a merged range already reported."""
        return any(r0 <= r <= r1 and c0 <= c <= c1 and (r, c) != (r0, c0)
                   for r0, c0, r1, c1 in self.merges)

    def _uncached_row(self, r: int) -> None:
        for c in self.cols.values():
            if c is not None:
                self._formula_problem(r, c)

    def _formula_problem(self, r: int, c: int) -> bool:
        """Report a formula cell that looks empty (error value or never calculated)."""
        error_value = self.sheet.error_value(cell_ref(r, c))
        if error_value:
            self.err("formula-error", r, c, f"公式结果是错误值 {error_value}。请修正这个单元格的公式。",
                     actual=error_value)
        elif self.sheet.formula_without_value(cell_ref(r, c)):
            self.err("formula-no-value", r, c, _NO_VALUE)
        else:
            return False
        return True

    def _cell(self, row, name):
        return _get(row, self.cols[name])

    def _missing(self, r: int, name: str) -> bool:
        """Report an empty required cell; a formula without cached value gets its own rule."""
        c = self.cols[name]
        if not self._formula_problem(r, c) and not self._hidden(r, c):
            self.err(f"{_RULE_PREFIX[name]}-missing", r, c, f"“{name}”为空，请填写。")
        return False

    def _line(self, r: int, row: list) -> Line | None:
        ok = True
        func = self._code(r, row, "功能分类科目", "func", (7,))
        econ = self._code(r, row, "经济分类科目", "econ", (5,))
        ok &= func is not None and econ is not None

        type_ = _text(self._cell(row, "支出类型")).replace(" ", "")
        if not type_:
            ok = self._missing(r, "支出类型")
        elif type_ not in EXPENSE_TYPES:
            self.err("type-unknown", r, self.cols["支出类型"],
                     f"支出类型“{type_}”无效，只能是 人员经费、公用经费 或 项目支出。", actual=type_)
            ok = False

        project = _text(self._cell(row, "项目名称")) or None if self.cols["项目名称"] is not None else None
        if type_ == "项目支出" and not project:
            c = self.cols["项目名称"] if self.cols["项目名称"] is not None else self.cols["支出类型"]
            if not self._hidden(r, c):
                self.err("project-name-missing", r, c, "项目支出必须填写项目名称。")
            ok = False
        if type_ in TYPE_ECON_CLASSES and project:
            self.warn("project-name-basic", r, self.cols["项目名称"],
                      f"{type_}属于基本支出，不填项目名称；已忽略“{project}”。")
            project = None

        source_text = _text(self._cell(row, "资金来源"))
        source = resolve(source_text) if source_text else None
        if not source_text:
            ok = self._missing(r, "资金来源")
        elif source is None:
            self.err("source-unknown", r, self.cols["资金来源"],
                     f"资金来源“{source_text}”无效。请从下拉列表选择，例如 一般公共预算、"
                     "上级一般公共预算转移支付、财政专户、上年结转-一般公共预算。", actual=source_text)
            ok = False

        amount = self._amount(r, row)
        ok &= amount is not None

        if ok and type_ in TYPE_ECON_CLASSES and not econ.startswith(TYPE_ECON_CLASSES[type_]):
            classes = "、".join(TYPE_ECON_CLASSES[type_])
            self.warn("type-econ-mismatch", r, self.cols["经济分类科目"],
                      f"{type_}的经济分类一般在 {classes} 类，本行是 {econ}"
                      f"（{self._econ_name(econ)}）。请确认支出类型或经济分类。")
        if not ok:
            return None
        if self.cols["单位名称"] is not None and self._hidden(r, self.cols["单位名称"]):
            return None  # its 单位名称 is in a merged cell: reported, never guessed
        unit = _text(self._cell(row, "单位名称")) if self.cols["单位名称"] is not None else ""
        note = _text(self._cell(row, "备注")) or None if self.cols["备注"] is not None else None
        return Line(r + 1, unit or self.basic.entity, func, econ, type_, project, source.name,
                    amount, note)

    def _econ_name(self, code: str) -> str:
        return self.econ_names.get(code) or self.namers["econ"].names.get(code, "")

    def _code(self, r, row, name, dim, lengths) -> str | None:
        c = self.cols[name]
        value = self._code_value(row, name)
        names = self.known[dim]
        if value is None:
            return self._missing(r, name) or None
        parsed: ParsedCode | None = parse_code(value)
        label = "功能分类" if dim == "func" else "经济分类"
        shown = _text(value)  # 80101, not the float 80101.0 calamine reads
        if parsed is None or not parsed.code:
            self.err(f"{dim}-code-bad", r, c, f"{name}“{shown}”不是科目编码。请填写数字编码，"
                     f"如 {'2080101' if dim == 'func' else '30101'}。", actual=value)
            return None
        code = parsed.code
        if len(code) not in lengths:
            want = {7: "项级（7 位）", 5: "款级（5 位）"}[lengths[0]]
            if len(code) in (3, 5) and len(code) < lengths[0] and code[:3] in names:
                self.err(f"{dim}-code-level", r, c, f"{name}“{code}”不是{want}科目。"
                         f"请填写到{want[:1]}级，例如 {code}{'01' * ((lengths[0] - len(code)) // 2)}。",
                         actual=code)
            else:
                hint = ""
                if len(code) < lengths[0]:
                    # 80101 from 2080101, 101 from 30101: a number cell or a cut paste
                    hint = ("是否缺了开头的数字？如果这一列是数字格式，请改为文本格式后重新填写"
                            "完整编码。")
                self.err(f"{dim}-code-bad", r, c, f"{name}“{shown}”位数不对，{label}应为{want}编码"
                         f"（如 {'2080101' if dim == 'func' else '30101'}）。{hint}", actual=value)
            return None
        verdict = self.namers[dim].check(code, self._name_written(row, name, parsed))
        if verdict.rule:
            (self.err if verdict.error else self.warn)(verdict.rule, r, c, verdict.message,
                                                        actual=verdict.actual)
        return code if verdict.ok else None

    def _amount(self, r: int, row: list) -> int | None:
        c = self.cols["金额"]
        value = _get(row, c)
        if value is None:
            self._missing(r, "金额")
            return None
        try:
            amount, as_text = parse_amount(value)
        except AmountError as exc:
            self.err("amount-not-number", r, c, f"金额{exc}。请填写数字（{self.basic.unit}），"
                     "不要带单位或文字。", actual=value)
            return None
        if amount < 0:
            self.err("amount-negative", r, c, f"金额 {amount:f} 为负数。预算数不能为负，"
                     "调减请直接修改原行金额。", actual=str(amount))
            return None
        fen, lost = to_fen(amount, self.basic.unit or "元")
        if fen >= MAX_FEN:
            self.err("amount-too-large", r, c, f"金额“{value}”{self.basic.unit}超过 10 万亿元，"
                     "超出 Excel 能准确保存的位数。请检查是否多输了位数，或选错了金额单位。",
                     actual=str(amount))
            return None
        if as_text:
            self.p.add(info("amount-text", self.sheet.name, cell_ref(r, c),
                            f"金额“{value}”是以文本形式存储的数字，已按 {amount:f} 读取。"))
        if lost and self.basic.unit:  # without a valid 金额单位 the unit is only a guess
            self.warn("amount-precision", r, c, f"金额 {amount:f}{self.basic.unit} 精确到了分以下，"
                      "已四舍五入到分。", actual=str(amount))
        return fen


# 10 万亿元 in 分: beyond 15 significant digits Excel itself cannot hold an amount to the 分,
# and no department's line comes near it — such a figure is a typing or unit slip.
MAX_FEN = 10 ** 13 * 100

_NO_VALUE = ("公式没有计算结果（文件未经 Excel/WPS 计算保存）。"
             "请在 Excel 或 WPS 中打开底稿，按 F9 重算后保存。")

_SAME_FIELDS = ("unit", "func", "econ", "type", "project", "source", "amount")

_RULE_PREFIX = {"功能分类科目": "func-code", "经济分类科目": "econ-code", "支出类型": "type",
                "资金来源": "source", "金额": "amount"}
