"""`xltools codes import | list` (issue 12 point 3): lists in the forms finance bureaus hand
out, kept in the user data folder (conftest points XDG_DATA_HOME at a tmp folder), used by
every later read of that year; a malformed list is refused whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from xltools import dictionaries
from xltools.codelists import CodeListError, read_code_list
from xltools.reader import read_master

# Neither 2089801 nor its 款 20898 is in any built-in list (and no real list has them).
CODE, PARENT = "2089801", "20898"
LINES = [{"功能分类科目": "2089801", "经济分类科目": "30101", "支出类型": "人员经费",
          "资金来源": "一般公共预算", "金额": 1000}]


@pytest.fixture(autouse=True)
def _not_built_in(builtin_dictionaries):
    for year in (2025, 2026):
        assert CODE not in dictionaries.func_names(year) and PARENT not in dictionaries.func_names(year)


def xltools(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xltools", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def stored(user_data_folder: Path, year: int) -> Path:
    return user_data_folder / "xltools" / "codes" / f"{year}.csv"


def write_xlsx(path: Path, rows) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    wb.save(path)
    return path


def imported_and_used(source: Path, tmp_path: Path) -> None:
    """`codes import SOURCE --year 2026` succeeds and a master then reads with its names."""
    run = xltools("codes", "import", str(source), "--year", "2026")
    assert run.returncode == 0, run.stderr
    assert_master_uses_the_import(tmp_path)


def assert_master_uses_the_import(tmp_path: Path, name: str = "测试科目") -> None:
    from conftest import write_master

    m = read_master(str(write_master(tmp_path / "m.xlsx", lines=LINES)))
    assert not m.findings, [str(f) for f in m.findings]
    assert m.func_names[CODE] == name and m.func_names[PARENT] == "测试款"
    assert m.name_sources[CODE] == "导入"


# -- each accepted form ------------------------------------------------------------------

def test_import_xlsx_then_build(tmp_path, user_data_folder):
    source = write_xlsx(tmp_path / "2026年支出功能分类科目.xlsx", [
        ["2026年政府收支分类科目"], [],
        ["科目编码", "科目名称"], ["208", "社会保障和就业支出"], [PARENT, "测试款"], [int(CODE), "测试科目"],
        ["30101", "基本工资"], ["501", "机关工资福利支出"], ["101", "税收收入"]])
    run = xltools("codes", "import", str(source))
    assert run.returncode == 0, run.stderr
    assert "已导入 2026 年科目" in run.stdout and "收入分类" in run.stdout
    assert str(stored(user_data_folder, 2026)) in run.stdout
    assert dictionaries.load("govecon", 2026)["501"] == "机关工资福利支出"
    assert all("101" not in names for names in dictionaries.imported_all(2026).values())
    assert_master_uses_the_import(tmp_path)

    from conftest import write_master

    master = write_master(tmp_path / "master.xlsx", lines=LINES)
    out = tmp_path / "out"
    run = xltools("build", str(master), "-o", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    book = openpyxl.load_workbook(next(out.glob("*预算公开表.xlsx")), read_only=True)
    texts = {str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
    assert "测试科目" in texts and "测试款" in texts


def test_import_gbk_csv(tmp_path, user_data_folder):
    source = tmp_path / "科目.csv"
    source.write_bytes(f"编码,名称\n{PARENT},测试款\n{CODE},测试科目\n".encode("gbk"))
    imported_and_used(source, tmp_path)


def test_import_split_columns_with_blank_class_under_it(tmp_path, user_data_folder):
    source = write_xlsx(tmp_path / "split.xlsx", [
        ["类", "款", "项", "科目名称"], ["208", None, None, "社会保障和就业支出"],
        [None, "98", None, "测试款"], [None, None, 1, "测试科目"], ["208", "98", "02", "测试科目二"]])
    found = read_code_list(str(source))
    assert found.lists["func"] == {"208": "社会保障和就业支出", PARENT: "测试款", CODE: "测试科目",
                                   "2089802": "测试科目二"}
    imported_and_used(source, tmp_path)


def test_import_text(tmp_path, user_data_folder):
    source = tmp_path / "2026.txt"
    source.write_text(f"{PARENT} 测试款\n\n{CODE}\t测试科目\n【30101】基本工资\n", encoding="utf-8")
    assert xltools("codes", "import", str(source)).returncode == 0
    assert_master_uses_the_import(tmp_path)


def test_import_text_copied_whole_from_the_ministrys_document(tmp_path, user_data_folder):
    """Title, part headings and notes are skipped and counted; every code line is taken."""
    source = tmp_path / "2026年科目.txt"
    source.write_text("2026年政府收支分类科目\n\n第二部分 支出功能分类科目\n一、一般公共服务支出\n"
                      f"说明：本表按类、款、项列示。\n{PARENT} 测试款\n【{CODE}】测试科目\n", encoding="utf-8")
    found = read_code_list(str(source))
    assert found.lists["func"] == {PARENT: "测试款", CODE: "测试科目"}
    assert found.skipped_text == ["第 1 行“2026年政府收支分类科目”", "第 3 行“第二部分 支出功能分类科目”",
                                  "第 4 行“一、一般公共服务支出”", "第 5 行“说明：本表按类、款、项列示。”"]
    run = xltools("codes", "import", str(source))
    assert run.returncode == 0, run.stderr
    assert "跳过 4 行" in run.stdout and "第 1 行“2026年政府收支分类科目”" in run.stdout
    assert_master_uses_the_import(tmp_path)


@pytest.mark.parametrize("merged", [False, True])
def test_import_two_row_header_class_item_under_the_code(tmp_path, user_data_folder, merged):
    """科目编码 over 类 | 款 | 项, 科目名称 spanning both rows, as printed lists are laid out."""
    rows = [["2026年支出功能分类科目表"], ["科目编码", None, None, "科目名称"], ["类", "款", "项", None],
            ["208", None, None, "社会保障和就业支出"], [None, "98", None, "测试款"], [None, None, "01", "测试科目"]]
    path = write_xlsx(tmp_path / "2026年两行表头.xlsx", rows)
    if merged:
        wb = openpyxl.load_workbook(path)
        wb.active.merge_cells("A2:C2")
        wb.active.merge_cells("D2:D3")
        wb.save(path)
    found = read_code_list(str(path))
    assert found.lists["func"] == {"208": "社会保障和就业支出", PARENT: "测试款", CODE: "测试科目"}


@pytest.mark.parametrize("as_table", [False, True])
def test_import_docx(tmp_path, user_data_folder, as_table):
    document = docx.Document()
    if as_table:
        table = document.add_table(rows=3, cols=2)
        for r, (code, name) in enumerate([("科目编码", "科目名称"), (PARENT, "测试款"), (CODE, "测试科目")]):
            table.cell(r, 0).text, table.cell(r, 1).text = code, name
    else:
        document.add_paragraph(f"{PARENT} 测试款")
        document.add_paragraph(f"{CODE} 测试科目")
    source = tmp_path / "科目表.docx"
    document.save(source)
    imported_and_used(source, tmp_path)


def test_import_is_for_its_year_only_and_merges(tmp_path, user_data_folder):
    first = tmp_path / "a.txt"
    first.write_text(f"{PARENT} 测试款\n{CODE} 测试科目\n", encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text(f"{CODE} 改过的名称\n", encoding="utf-8")
    assert xltools("codes", "import", str(first), "--year", "2026").returncode == 0
    assert xltools("codes", "import", str(second), "--year", "2026").returncode == 0
    assert_master_uses_the_import(tmp_path, "改过的名称")
    assert CODE not in dictionaries.func_names(2025)
    assert xltools("codes", "import", str(second), "--year", "2026", "--replace").returncode == 0
    assert dictionaries.imported("func", 2026) == {CODE: "改过的名称"}


# -- a malformed list ---------------------------------------------------------------------

@pytest.mark.parametrize("name, content, where", [
    ("bad.txt", f"{PARENT} 测试款\n4010101 不知道\n", "第 2 行"),
    ("bad5.txt", f"{PARENT} 测试款\n{CODE}\n", "第 2 行"),
    ("bad.csv", f"科目编码,科目名称\n{PARENT},测试款\n4010101,不知道\n", "第 3 行"),
    ("bad2.csv", f"科目编码,科目名称\n{PARENT},测试款\n{CODE},\n", "第 3 行"),
    ("bad3.csv", f"科目编码,科目名称\n{CODE},甲\n{CODE},乙\n", "第 3 行"),
    ("bad4.csv", "代号,说明\n208,社会保障\n", "表头"),
])
def test_malformed_list_is_refused_whole(tmp_path, user_data_folder, name, content, where):
    good = tmp_path / "good.txt"
    good.write_text("20801 人力资源和社会保障管理事务\n", encoding="utf-8")
    assert xltools("codes", "import", str(good), "--year", "2026").returncode == 0
    before = stored(user_data_folder, 2026).read_bytes()
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    run = xltools("codes", "import", str(source), "--year", "2026")
    assert run.returncode == 2
    assert where in run.stderr and "没有导入任何科目" in run.stderr and "Traceback" not in run.stderr
    assert stored(user_data_folder, 2026).read_bytes() == before
    assert [p.name for p in stored(user_data_folder, 2026).parent.iterdir()] == ["2026.csv"]


def test_malformed_list_first_import_stores_nothing(tmp_path, user_data_folder):
    source = tmp_path / "bad.txt"
    source.write_text("2089801\n", encoding="utf-8")
    with pytest.raises(CodeListError, match="第 1 行"):
        read_code_list(str(source))
    assert xltools("codes", "import", str(source), "--year", "2026").returncode == 2
    assert not (user_data_folder / "xltools").exists()


def test_year_needed_when_the_file_name_has_none(tmp_path):
    source = tmp_path / "list.txt"
    source.write_text(f"{CODE} 测试科目\n", encoding="utf-8")
    run = xltools("codes", "import", str(source))
    assert run.returncode == 2 and "--year" in run.stderr


# -- codes list ---------------------------------------------------------------------------

def test_list_shows_name_and_source(tmp_path):
    source = tmp_path / "2026.txt"
    source.write_text(f"{PARENT} 测试款\n{CODE} 测试科目\n", encoding="utf-8")
    assert xltools("codes", "import", str(source)).returncode == 0
    from conftest import write_master

    lines = [dict(LINES[0], 经济分类科目="30298 底稿里的名称")]
    master = write_master(tmp_path / "m.xlsx", lines=lines, extra_sheets={
        "科目字典": [["类型", "科目编码", "科目名称"], ["功能", "2080101", "字典里的名称"]]})
    run = xltools("codes", "list", "--year", "2026", "208 01 01", CODE, "30101")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["2080101\t行政运行\t支出功能分类\t内置",
                                       f"{CODE}\t测试科目\t支出功能分类\t导入",
                                       "30101\t基本工资\t部门经济分类\t内置"]
    run = xltools("codes", "list", "--master", str(master), "2080101", "30298")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["2080101\t字典里的名称\t支出功能分类\t科目字典",
                                       "30298\t底稿里的名称\t部门经济分类\t底稿"]
    run = xltools("codes", "list", "--year", "2026", "2999901")
    assert run.returncode == 1 and "2999901" in run.stderr
    everything = xltools("codes", "list", "--year", "2026").stdout.splitlines()
    assert f"{PARENT}\t测试款\t支出功能分类\t导入" in everything and len(everything) > 200


def test_template_offers_imported_codes(tmp_path):
    source = tmp_path / "x.txt"
    source.write_text(f"{PARENT} 测试款\n{CODE} 测试科目\n", encoding="utf-8")
    assert xltools("codes", "import", str(source), "--year", "2026").returncode == 0
    from xltools.writers.template import write_template

    target = tmp_path / "t.xlsx"
    write_template(str(target))
    book = openpyxl.load_workbook(target, read_only=True)
    texts = {str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
    assert any(CODE in t for t in texts)
