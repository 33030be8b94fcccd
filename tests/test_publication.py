"""The published document (…预算公开.docx / .pdf): the four parts in order, every table a Word
table whose figures are the tables JSON, the 绩效目标表 as in their workbook, the template's
styles, and — through LibreOffice — A4 pages whose 目录 numbers are the pages the parts start on.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from conftest import BASE_INFO, write_master
from xltools import narrative, performance
from xltools.reader import read_master
from xltools.tables import build_tables
from xltools.tables.profiles import PROFILES
from xltools.writers.performance_workbook import write_performance_workbook
from xltools.writers.publication_docx import publication_output_name, toc_entries, write_publication_docx
from xltools.writers.publication_styles import (PUBLICATION_STYLES, TemplateError, default_template,
                                                make_template, open_template)
from xltools.writers.publication_tables import is_landscape, table_layout
from xltools.writers.tables_json import tables_dict

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "master.xlsx").exists())
MONEY = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$")


def built(name: str, tmp_path: Path, template=None):
    master = read_master(str(FIXTURES / name / "master.xlsx"))
    ts = build_tables(master)
    perf, _ = performance.build(master, ts)
    story, _ = narrative.build(master, ts)
    target = tmp_path / publication_output_name(ts)
    write_publication_docx(story, ts, perf, str(target), template=template)
    return master, ts, perf, story, target


def cell_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


def table_rows(tbl) -> list[list[tuple[str, bool]]]:
    """Each row's cells as (text, vertically continued)."""
    out = []
    for tr in tbl.iterchildren(qn("w:tr")):
        row = []
        for tc in tr.iterchildren(qn("w:tc")):
            vm = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            row.append((cell_text(tc), vm is not None and vm.get(qn("w:val")) != "restart"))
        out.append(row)
    return out


def body_items(path: Path) -> list[tuple[str, str, object]]:
    """("p", style name, text) and ("tbl", "", element) in document order."""
    d = Document(str(path))
    names = {s.style_id: s.name for s in d.styles}
    out = []
    for el in d.element.body.iterchildren():
        if el.tag == qn("w:p"):
            ps = el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            style = names.get(ps.get(qn("w:val")), "") if ps is not None else "Normal"
            out.append(("p", style, "".join(t.text or "" for t in el.iter(qn("w:t")))))
        elif el.tag == qn("w:tbl"):
            out.append(("tbl", "", el))
    return out


def json_numbers(table: dict) -> Counter:
    """Every non-zero figure of a tables-JSON table, as printed (1,234.50)."""
    found = Counter()
    for sec in ("rows", "income_rows", "expense_rows"):
        for row in table.get(sec, []):
            values = row.get("values", {}) if "values" in row else {"amount": row.get("amount")}
            for v in values.values():
                if v:
                    found[f"{Decimal(repr(v)):,.2f}"] += 1
    return found


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_table_is_a_word_table_under_its_title_with_the_json_figures(name, tmp_path):
    master, ts, perf, story, target = built(name, tmp_path)
    items = body_items(target)
    parts = [text for kind, style, text in items if style == "Heading 1"]
    assert [p[:4] for p in parts] == ["第一部分", "第二部分", "第三部分", "第四部分"]
    tables = tables_dict(ts)["tables"]
    profile = PROFILES[ts.profile]
    sect = Document(str(target)).sections[-1]  # the template's page: portrait, its margins
    portrait = sect.page_width.twips - sect.left_margin.twips - sect.right_margin.twips
    widths = {False: portrait, True: sect.page_height.twips - sect.left_margin.twips - sect.right_margin.twips}
    position = 0
    for key, table in tables.items():
        at = next(i for i in range(position, len(items))
                  if items[i][1] == "表号" and items[i][2] == f"表{table['no']}")
        assert items[at + 1][1:] == ("表题", table["title"])
        assert items[at + 2][2].startswith(f"编制{ts.kind}：{ts.entity}") and items[at + 2][2].endswith("单位：万元")
        kind, _, tbl = items[at + 3]
        assert kind == "tbl", f"表{table['no']} has no Word table under its title"
        lay = table_layout(ts.tables[key])
        heads = lay.depth + (1 if profile.column_numbers and lay.column_numbers else 0)
        trs = list(tbl.iterchildren(qn("w:tr")))
        repeated = [tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for tr in trs]
        assert repeated == [True] * heads + [False] * (len(trs) - heads), f"表{table['no']} header"
        grid = sum(int(g.get(qn("w:w"))) for g in tbl.iter(qn("w:gridCol")))
        assert grid == widths[is_landscape(lay)], f"表{table['no']} is not exactly one page wide"
        body = table_rows(tbl)[heads:]
        assert all(len(r) == len(lay.leaves) for r in body), f"表{table['no']}: a cell per column"
        printed = Counter(text for row in body for text, _ in row if MONEY.match(text))
        assert printed == json_numbers(table), f"{name} 表{table['no']}"
        # zeros print blank, never 0.00
        assert not any(text in ("0.00", "0") for row in body for text, _ in row)
        if table.get("empty_note"):
            assert items[at + 4][1:] == ("表注", table["empty_note"])
        position = at + 4
    # the narrative follows the tables, and 第三部分 comes after the last one
    assert next(i for i, it in enumerate(items)
                if it[1] == "Heading 1" and it[2].startswith("第三部分")) > position


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_codes_are_text_cells_split_as_printed(name, tmp_path):
    _, ts, _, _, target = built(name, tmp_path)
    items = body_items(target)
    at = next(i for i, it in enumerate(items) if it[1] == "表号" and it[2] == "表3")
    rows = table_rows(items[at + 3][2])
    codes = [(r[0][0], r[1][0], r[2][0]) for r in rows if re.fullmatch(r"\d{3}", r[0][0])]
    expected = [(c[:3], c[3:5], c[5:7]) for c in
                (row["code"] for row in tables_dict(ts)["tables"]["T_expense"]["rows"]
                 if row.get("code") and row["kind"] in ("class", "project"))]
    assert codes == expected


def workbook_rows(ws) -> list[list[str]]:
    """A 绩效目标表 sheet's rows below the title and year: the non-empty texts, merged cells once."""
    covered = set()
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    out = []
    for row in ws.iter_rows(min_row=3):
        texts = []
        for cell in row:
            if (cell.row, cell.column) in covered or cell.value in (None, ""):
                continue
            v = cell.value
            if isinstance(v, (int, float)) and cell.number_format == "#,##0.00":
                texts.append(f"{Decimal(repr(v)):,.2f}")
            elif isinstance(v, float):
                texts.append(str(Decimal(repr(v))))
            else:
                texts.append(str(v))
        out.append(texts)
    return out


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_performance_tables_match_the_performance_workbook(name, tmp_path):
    master, ts, perf, story, target = built(name, tmp_path)
    book = tmp_path / "perf.xlsx"
    write_performance_workbook(master, ts, perf, str(book))
    wb = openpyxl.load_workbook(book)
    items = body_items(target)
    start = next(i for i, it in enumerate(items) if it[2] == perf.department.title)
    word_tables = [it[2] for it in items[start:] if it[0] == "tbl"]
    assert len(word_tables) == len(wb.sheetnames) == 1 + len(perf.printed_projects)
    titles = [it[2] for it in items[start:] if it[1] == "表题"]
    assert titles == [ws["A1"].value for ws in wb.worksheets]
    for ws, tbl in zip(wb.worksheets, word_tables):
        word = [[text for text, continued in row if text and not continued] for row in table_rows(tbl)]
        assert word == workbook_rows(ws), ws.title
    # …and they sit in 第三部分, before 第四部分
    fourth = next(i for i, it in enumerate(items) if it[1] == "Heading 1" and it[2].startswith("第四部分"))
    third = next(i for i, it in enumerate(items) if it[1] == "Heading 1" and it[2].startswith("第三部分"))
    assert third < start < fourth


def test_toc_is_a_field_with_the_narratives_entries(tmp_path):
    _, _, _, story, target = built("003_1c0f00ae3f1a4bcd", tmp_path)
    with zipfile.ZipFile(target) as z:
        document = z.read("word/document.xml").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
    assert 'TOC \\o "1-2"' in document
    assert "updateFields" in settings  # Word and WPS refresh the numbers on opening
    entries = [it[2] for it in body_items(target) if it[1] in ("toc 1", "toc 2")]
    assert entries == [text for _, text, _ in toc_entries(story)]


def test_front_matter_unnumbered_then_page_one(tmp_path):
    _, _, _, _, target = built("001_6c762a47265865d0", tmp_path)
    d = Document(str(target))
    sections = d.sections
    first = sections[0]._sectPr
    assert first.find(qn("w:footerReference")) is None  # 封面 and 目录: no page number
    starts = [s._sectPr.find(qn("w:pgNumType")) for s in sections[1:]]
    assert [s.get(qn("w:start")) if s is not None else None for s in starts][0] == "1"
    assert all(s is None for s in starts[1:])  # numbers run on
    tags = [el.tag.split("}")[1] for el in sections[1]._sectPr]
    assert tags.index("pgMar") < tags.index("pgNumType")  # Word rejects sectPr children out of order
    assert all(s._sectPr.find(qn("w:footerReference")) is not None for s in sections[1:])
    assert any(s.orientation == 1 for s in sections)  # wide tables are landscape


def test_template_is_the_committed_one_and_missing_styles_are_named(tmp_path):
    fresh = tmp_path / "fresh.docx"
    make_template(str(fresh))

    def styles(path):
        with zipfile.ZipFile(path) as z:
            return z.read("word/styles.xml")

    assert styles(fresh) == styles(default_template()), \
        "templates/预算公开模板.docx is stale: run templates/make_docx_template.py"
    d = Document(str(fresh))
    assert set(PUBLICATION_STYLES) <= {s.name for s in d.styles}
    d.styles["表格数字"].element.getparent().remove(d.styles["表格数字"].element)
    broken = tmp_path / "broken.docx"
    d.save(str(broken))
    with pytest.raises(TemplateError, match="缺少样式：表格数字"):
        open_template(str(broken))


def test_build_with_a_restyled_template_and_a_broken_one(tmp_path):
    import subprocess
    import sys

    restyled = tmp_path / "mine.docx"
    make_template(str(restyled))
    d = Document(str(restyled))
    d.styles["表格文字"].font.name = "楷体"
    d.save(str(restyled))
    master = FIXTURES / "001_6c762a47265865d0" / "master.xlsx"
    run = subprocess.run([sys.executable, "-m", "xltools", "build", str(master), "-o", str(tmp_path / "a"),
                          "--template", str(restyled)], capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    out = next((tmp_path / "a").glob("*预算公开.docx"))
    assert Document(str(out)).styles["表格文字"].font.name == "楷体"

    d.styles["表题"].element.getparent().remove(d.styles["表题"].element)
    d.save(str(restyled))
    run = subprocess.run([sys.executable, "-m", "xltools", "build", str(master), "-o", str(tmp_path / "b"),
                          "--template", str(restyled)], capture_output=True, text=True)
    assert run.returncode == 2
    assert "缺少样式：表题" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").iterdir())  # nothing written


def test_template_named_in_the_master(tmp_path):
    from xltools.pipeline import write_outputs

    restyled = tmp_path / "masters" / "样式" / "本局模板.docx"
    restyled.parent.mkdir(parents=True)
    make_template(str(restyled))
    d = Document(str(restyled))
    d.styles["表格文字"].font.name = "楷体"
    d.save(str(restyled))
    master = write_master(tmp_path / "masters" / "m.xlsx", info={**BASE_INFO, "公开模板": "样式/本局模板.docx"})
    m = read_master(str(master))
    _, paths, _ = write_outputs(m, str(tmp_path / "out"))
    doc = next(p for p in paths if p.endswith(".docx"))
    assert Document(doc).styles["表格文字"].font.name == "楷体"


def big_master(tmp_path, projects: int) -> Path:
    """A 部门 with ``projects`` projects (the shape of test_disclosure_live's long master)."""
    lines = [{"功能分类科目": "2080101", "经济分类科目": "30101", "支出类型": "人员经费",
              "资金来源": "一般公共预算", "金额": 800000}]
    for i in range(projects):
        lines.append({"功能分类科目": "2080799" if i % 2 else "2080101", "经济分类科目": "30299",
                      "支出类型": "项目支出", "项目名称": f"第{i + 1:03d}号就业补助与职业技能提升专项项目",
                      "资金来源": "一般公共预算", "金额": 10000 + 37 * i})
    return write_master(tmp_path / f"long{projects}.xlsx", lines=lines)


# -- through LibreOffice ------------------------------------------------------------------------

def _squash(text: str) -> str:
    return "".join(text.split())


def footer_number(page: str) -> int | None:
    m = re.search(r"—\s*(\d+)\s*—\s*$", page.strip())
    return int(m.group(1)) if m else None


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_pdf_a4_toc_numbers_are_the_pages_the_parts_start_on(soffice, name, tmp_path):
    from support.libreoffice import pdf_page_sizes, pdf_pages, require_poppler
    from xltools.pipeline import write_outputs

    require_poppler()
    master = read_master(str(FIXTURES / name / "master.xlsx"))
    ts, paths, _ = write_outputs(master, str(tmp_path), pdf=True)
    pdf = Path(paths[-1])
    assert pdf.name.endswith("预算公开.pdf")
    sizes = pdf_page_sizes(pdf)
    pages = pdf_pages(pdf)
    assert len(sizes) == len(pages) and all("(A4" in s for s in sizes), sizes
    import subprocess
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(r[-5] == "yes" for r in rows), fonts  # every font embedded
    first_part = next(i for i, p in enumerate(pages) if p.strip().startswith("第一部分"))
    assert all(footer_number(p) is None for p in pages[:first_part])  # 封面, 目录 unnumbered
    assert [footer_number(p) for p in pages[first_part:]] == list(range(1, len(pages) - first_part + 1))
    toc = "\n".join(pages[:first_part])
    by_number = {footer_number(p): _squash(p) for p in pages[first_part:]}
    for part in ("第一部分", "第二部分", "第三部分", "第四部分"):
        m = re.search(part + r"[^\n]*?\.{3,}\s*(\d+)\s*$", toc, re.M)
        assert m, f"{part} has no page number in the 目录"
        assert by_number[int(m.group(1))].startswith(part), f"{part}: 目录 says page {m.group(1)}"
    for t in ts.tables.values():
        m = re.search(re.escape(t.title) + r"\.{3,}\s*(\d+)\s*$", toc, re.M)
        assert m and t.title in by_number[int(m.group(1))], t.title
    # the tables in order, each title once on its first page
    firsts = [next(i for i, p in enumerate(pages[first_part:]) if f"表{t.no}{_squash(t.title)}" in _squash(p))
              for t in ts.tables.values()]
    assert firsts == sorted(firsts)
    # the .docx now carries the same numbers as the PDF
    docx_toc = [it[2] for it in body_items(Path(paths[2])) if it[1] == "toc 1"]
    assert all(re.search(r"\d+$", line) for line in docx_toc), docx_toc


def test_pdf_long_table_repeats_its_header_on_every_page(soffice, tmp_path):
    from support.libreoffice import pdf_pages, require_poppler
    from xltools.pipeline import write_outputs

    require_poppler()
    master = read_master(str(big_master(tmp_path, 150)))
    _, paths, _ = write_outputs(master, str(tmp_path / "out"), pdf=True)
    pages = pdf_pages(paths[-1])
    start = next(i for i, p in enumerate(pages) if "表7一般公共预算项目支出情况表" in _squash(p))
    nxt = next(i for i, p in enumerate(pages) if "表8政府性基金预算支出情况表" in _squash(p))
    assert nxt - start >= 2, "表7 of 150 projects should take more than one page"
    for page in pages[start + 1:nxt]:
        assert all(h in page for h in ("科目代码", "科目名称", "项目名称", "项目支出")), page  # header
        assert "一般公共预算项目支出情况表" not in page  # the title once
    assert any("第150号" in _squash(p) for p in pages[start:nxt])
