"""`xltools addin build`: the .xlam's package structure, its compiled VBA project, and the
agreement between the ribbon XML, the VBA sources and the Python they call.

What only Excel can prove (that it loads the add-in, compiles the VBA, shows the tab) is the
manual checklist of docs/excel.md.
"""

from __future__ import annotations

import inspect
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import olefile
import pytest
from ms_ovba_compression.ms_ovba import MsOvba

from xltools.excel import addin, ribbon, udfs

MACROS = Path(__file__).resolve().parent.parent / "macros"
UI_NS = {"ui": "http://schemas.microsoft.com/office/2009/07/customui"}
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def xltools(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xltools", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("addin") / "xltools.xlam"
    run = xltools("addin", "build", "-o", str(target))
    assert run.returncode == 0, run.stderr
    assert f"已生成加载项：{target}" in run.stdout
    return target


def bas_modules() -> dict[str, str]:
    return {p.stem: p.read_text("ascii") for p in sorted(MACROS.glob("*.bas"))}


# -- the package -------------------------------------------------------------------------
def test_package_has_the_vba_project_the_ribbon_and_the_addin_content_type(xlam: Path):
    with zipfile.ZipFile(xlam) as z:
        names = set(z.namelist())
        assert {"xl/vbaProject.bin", "customUI/customUI14.xml", "xl/workbook.xml"} <= names
        assert z.read("customUI/customUI14.xml") == (MACROS / "customUI14.xml").read_bytes()

        rels = ElementTree.fromstring(z.read("_rels/.rels"))
        ui = [r for r in rels.iter(f"{REL_NS}Relationship") if r.get("Target") == "customUI/customUI14.xml"]
        assert [r.get("Type") for r in ui] == [
            "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"]
        assert len({r.get("Id") for r in rels.iter(f"{REL_NS}Relationship")}) == len(list(rels))

        types = ElementTree.fromstring(z.read("[Content_Types].xml"))
        overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT_NS}Override")}
        defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{CT_NS}Default")}
        assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        assert "macroEnabled.main" not in str(set(overrides.values()) - {overrides["/xl/workbook.xml"]})
        assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
        assert defaults["xml"] == "application/xml"  # the customUI part's type

        book_rels = z.read("xl/_rels/workbook.xml.rels").decode()
        assert 'Target="vbaProject.bin"' in book_rels and "relationships/vbaProject" in book_rels
        assert 'codeName="ThisWorkbook"' in z.read("xl/workbook.xml").decode()
        assert 'codeName="Sheet1"' in z.read("xl/worksheets/sheet1.xml").decode()


# -- the compiled VBA project ------------------------------------------------------------
def _records(data: bytes) -> list[tuple[int, bytes]]:
    """The records of a decompressed dir stream (MS-OVBA 2.3.4.2); fails on a corrupt one."""
    out, i = [], 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        i += 6
        if rid == 0x0009:  # PROJECTVERSION: its "size" is a reserved 4, followed by 6 bytes
            size = 6
        assert i + size <= len(data), f"record {rid:#06x} runs past the end"
        out.append((rid, data[i:i + size]))
        i += size
    return out


@pytest.fixture(scope="module")
def project(xlam: Path) -> olefile.OleFileIO:
    with zipfile.ZipFile(xlam) as z:
        return olefile.OleFileIO(z.read("xl/vbaProject.bin"))


def test_every_module_stream_holds_its_source(project):
    expected = {"ThisWorkbook", "Sheet1", *bas_modules()}
    streams = {"/".join(s) for s in project.listdir()}
    assert streams == {"PROJECT", "VBA/dir", "VBA/_VBA_PROJECT"} | {f"VBA/{m}" for m in expected}
    for name, source in bas_modules().items():
        text = MsOvba().decompress(project.openstream(f"VBA/{name}").read()).decode("ascii")
        assert text == source.replace("\n", "\r\n"), name
    for name, guid in (("ThisWorkbook", "00020819"), ("Sheet1", "00020820")):
        text = MsOvba().decompress(project.openstream(f"VBA/{name}").read()).decode("ascii")
        assert text.startswith(f'Attribute VB_Name = "{name}"\r\nAttribute VB_Base = "0{{{guid}-')
    # No compiled cache: Excel compiles the source when it opens the add-in.
    assert project.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x03\x00"


def test_dir_stream_lists_every_module_with_its_source_at_offset_0(project):
    records = _records(MsOvba().decompress(project.openstream("VBA/dir").read()))
    assert records[-1] == (0x0010, b"")
    names = [data.decode("ascii") for rid, data in records if rid == 0x0019]
    assert names == ["ThisWorkbook", "Sheet1", *bas_modules()]
    count = next(data for rid, data in records if rid == 0x000F)
    assert struct.unpack("<H", count) == (len(names),)
    offsets = [struct.unpack("<I", data)[0] for rid, data in records if rid == 0x0031]
    assert offsets == [0] * len(names)
    kinds = [rid for rid, _ in records if rid in (0x0021, 0x0022)]
    assert kinds == [0x0022, 0x0022] + [0x0021] * len(bas_modules())  # document, then standard
    references = [data for rid, data in records if rid == 0x000D]
    assert any(b"{00020430-0000-0000-C000-000000000046}" in r for r in references)  # stdole


def test_this_workbook_counts_calculations_and_edits(project):
    """The stamp the functions pass: AfterCalculate and SheetChange move it (docs/excel.md)."""
    text = MsOvba().decompress(project.openstream("VBA/ThisWorkbook").read()).decode("ascii")
    assert "Private WithEvents App As Application\r\n" in text
    assert "Private Sub Workbook_Open()\r\n    Set App = Application\r\n" in text
    for event in ("App_AfterCalculate()", "App_SheetChange(ByVal Sh As Object, ByVal Target As Range)"):
        handler = text.split(f"Private Sub {event}\r\n", 1)[1].split("End Sub", 1)[0]
        assert handler.strip() == "Calculations = Calculations + 1", event
    stamp = text.split("Public Function CalculationStamp() As String\r\n", 1)[1].split("End Function")[0]
    assert 'CalculationStamp = Application.Hwnd & ":" & Calculations' in stamp
    assert "If App Is Nothing Then Set App = Application" in stamp


def test_project_stream_names_the_modules(project):
    text = project.openstream("PROJECT").read().decode("ascii")
    assert text.startswith('ID="{')
    assert "Document=ThisWorkbook/&H00000000\r\n" in text and "Document=Sheet1/&H00000000\r\n" in text
    for name in bas_modules():
        assert f"Module={name}\r\n" in text


# -- the sources and what they call ------------------------------------------------------
def test_vba_sources_are_ascii():
    for path in list(MACROS.glob("*.bas")) + list(MACROS.glob("*.cls")):
        assert path.read_bytes().isascii(), path.name


def _unescape(text: str) -> str:
    return re.sub(r"\\u([0-9A-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def test_chinese_messages_in_vba_decode_to_chinese():
    text = bas_modules()["XltoolsText"]
    consts = dict(re.findall(r'Public Const (\w+) As String = "([^"]*)"', text))
    assert _unescape(consts["MISSING_XLWINGS"]).startswith("没有找到 xlwings 加载项，无法运行 xltools。")
    assert _unescape(consts["MISSING_XLWINGS_CELL"]).startswith("#错误：没有找到 xlwings 加载项")
    assert "Option Private Module" in text  # Unescape is no worksheet function


def _buttons() -> list[ElementTree.Element]:
    ui = ElementTree.parse(MACROS / "customUI14.xml").getroot()
    return list(ui.iterfind(".//ui:button", UI_NS))


def test_every_button_has_a_dispatch_entry_and_a_vba_callback():
    buttons = _buttons()
    ids = [b.get("id") for b in buttons]
    assert sorted(ids) == sorted(ribbon.ENTRIES)
    assert [b.get("label") for b in buttons] == ["生成公开表", "校验", "导出绩效目标表", "导出预算公开文档",
                                                 "新建底稿"]
    callbacks = {f"{module}.{sub}" for module, text in bas_modules().items()
                 for sub in re.findall(r"^Public Sub (\w+)\(control As Object\)", text, re.M)}
    assert {b.get("onAction") for b in buttons} == {"XltoolsRibbon.XltoolsButton"} <= callbacks
    assert all(b.get("imageMso") for b in buttons)
    tab = ElementTree.parse(MACROS / "customUI14.xml").getroot().find(".//ui:tab", UI_NS)
    assert tab.get("label") == "预算公开"
    ribbon_bas = bas_modules()["XltoolsRibbon"]
    assert ("\"import xltools.excel.ribbon as r; r.dispatch('\" & control.Id & \"')\""
            in ribbon_bas)
    assert "Application.Run \"'xlwings.xlam'!RunPython\", command" in ribbon_bas


def test_every_function_has_a_vba_wrapper_with_its_arguments():
    text = bas_modules()["XltoolsFunctions"]
    wrappers = {m.group(1): m for m in re.finditer(
        r"Public Function (\w+)\(([^)]*)\)\n(.*?)End Function", text, re.S)}
    functions = {n: f for n, f in vars(udfs).items() if n.startswith("BUDGET_") and callable(f)}
    assert set(wrappers) == set(functions) == {"BUDGET_SUM", "BUDGET_NAME", "BUDGET_TABLE", "BUDGET_CHECK"}
    for name, f in functions.items():
        params = list(inspect.signature(f).parameters)
        assert params[-2:] == ["recalc", "caller"]
        declared = [a.replace("Optional", "").strip() for a in wrappers[name].group(2).split(",") if a.strip()]
        assert declared == params[:-2], name
        body = wrappers[name].group(3)
        assert "Application.Volatile" in body
        passed = params[:-2] + ["ThisWorkbook.CalculationStamp", "Nothing"]
        assert f'{name} = CallXltools("{name}", Array({", ".join(passed)}))' in body
    assert f'server.CallUDF("{addin.UDF_MODULE}", name, args, ActiveWorkbook, Application.Caller)' in text


# -- failures ----------------------------------------------------------------------------
def test_a_non_ascii_vba_source_is_refused(tmp_path: Path):
    macros = tmp_path / "macros"
    shutil.copytree(MACROS, macros)
    with (macros / "XltoolsRibbon.bas").open("a", encoding="utf-8") as fh:
        fh.write("' 中文注释\n")
    with pytest.raises(addin.AddinError, match="XltoolsRibbon.bas”含有非 ASCII 字符"):
        addin.build_addin(str(tmp_path / "x.xlam"), macros)
    assert not (tmp_path / "x.xlam").exists()


@pytest.mark.skipif(sys.platform.startswith("win"), reason="installs into Excel on Windows")
def test_install_outside_windows_exits_2_with_a_chinese_message(tmp_path: Path):
    run = xltools("addin", "install", cwd=tmp_path)
    assert run.returncode == 2
    assert "只能在装有 Excel 的 Windows 电脑上运行" in run.stderr
    assert "Traceback" not in run.stderr and list(tmp_path.iterdir()) == []


def test_xlwings_config_keeps_other_settings(tmp_path: Path):
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\n"SHOW CONSOLE","False"\n', "utf-8")
    addin.update_config(conf, {"INTERPRETER_WIN": "C:\\venv\\python.exe", "UDF MODULES": "xltools.excel.udfs"})
    assert conf.read_text("utf-8").splitlines() == [
        '"SHOW CONSOLE","False"', '"INTERPRETER_WIN","C:\\venv\\python.exe"',
        '"UDF MODULES","xltools.excel.udfs"']


def test_the_core_never_imports_xlwings():
    package = Path(addin.__file__).resolve().parent.parent
    offenders = [str(p.relative_to(package)) for p in package.rglob("*.py")
                 if "excel" not in p.relative_to(package).parts
                 and re.search(r"^\s*(import|from)\s+xlwings", p.read_text("utf-8"), re.M)]
    assert offenders == []
    # The command line loads the addin group without xlwings or ms-ovba.
    run = subprocess.run([sys.executable, "-c", "import sys, xltools.cli; "
                          "print(sorted(m for m in sys.modules if m.split('.')[0] in ('xlwings', 'ms_ovba')))"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "[]", run.stderr


def test_install_compiles_the_rounding_search_once_for_later(tmp_path: Path):
    """`xltools addin install` compiles the 舍位平衡 search before Excel first needs it: its
    machine code is on disk afterwards (search_code; here in an empty folder of the test's),
    and a second install finds it there."""
    script = ("import sys; from pathlib import Path; from xltools import search_code; "
              "search_code._folders = lambda: [Path(sys.argv[1])]; "
              "from xltools.excel.addin import prepare_search; print(prepare_search())")
    said = []
    for _ in range(2):
        run = subprocess.run([sys.executable, "-c", script, str(tmp_path / "code")],
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr[-2000:]
        said.append(run.stdout.strip())
    assert said[0].startswith("舍位平衡的计算已编译（") and said[1] == "舍位平衡的计算已编译过，可直接使用"
    assert len(list((tmp_path / "code").glob("search-*.o"))) == 1
