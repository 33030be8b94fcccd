"""Assemble xltools.xlam from macros/ on any OS, and install it in Excel on Windows.

An .xlam is an .xlsm with another content type.  XlsxWriter writes the workbook and embeds
the VBA project; the VBA project is compiled from the .bas/.cls sources by ms-ovba, which
stores the source with no compiled cache, so Excel compiles it when it first opens the
add-in (for its own bitness and version).  Then three things XlsxWriter does not do: the
add-in content type for xl/workbook.xml, the ribbon part customUI/customUI14.xml and the
package relationship that makes Office read it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from pathlib import Path

from ..atomic import atomic_path

ADDIN_NAME = "xltools.xlam"
UDF_MODULE = "xltools.excel.udfs"
WORKBOOK_PART = "/xl/workbook.xml"
ADDIN_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CUSTOM_UI_PART = "customUI/customUI14.xml"
# The Office 2010 ribbon schema (customUI14) is found through this type; the 2006 type is
# for the Office 2007 part customUI/customUI.xml.
CUSTOM_UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOM_UI_REL_ID = "rIdXltoolsRibbon"

# Document modules: the classes Excel binds to the workbook and its one sheet.
_DOCUMENT_GUIDS = {"ThisWorkbook": "00020819-0000-0000-C000-000000000046",
                   "Sheet1": "00020820-0000-0000-C000-000000000046"}
# The references of a new Excel VBA project (VBA and Excel themselves are implicit).
_REFERENCES = (
    ("stdole", "00020430-0000-0000-C000-000000000046", r"C:\Windows\System32\stdole2.tlb",
     "OLE Automation"),
    ("Office", "2DF8D04C-5BFA-101B-BDE5-00AA0044DE52",
     r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
     "Microsoft Office 16.0 Object Library"),
)


class AddinError(Exception):
    """The add-in cannot be built or installed; the message says why, in Chinese."""


def macros_dir() -> Path:
    """The VBA sources and ribbon XML: inside the package when installed, else the repository's."""
    packaged = Path(__file__).resolve().parent.parent / "macros"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent.parent / "macros"


def _modules(macros: Path) -> list[Path]:
    modules = sorted(macros.glob("*.bas"))
    if not modules:
        raise AddinError(f"在“{macros}”里没有找到 VBA 源文件（*.bas）。")
    for path in modules + [macros / f"{name}.cls" for name in _DOCUMENT_GUIDS]:
        if not path.is_file():
            raise AddinError(f"缺少 VBA 源文件“{path}”。")
        try:
            path.read_text("ascii")
        except UnicodeDecodeError:
            raise AddinError(f"VBA 源文件“{path.name}”含有非 ASCII 字符；中文请写成 \\uXXXX。") from None
    return modules


@contextlib.contextmanager
def _long_matches_fixed():
    """ms-ovba-compression 1.0.1 caps a copy token's length at 0xFFFF << (BitCount + 3)
    instead of (0xFFFF >> BitCount) + 3 (MS-OVBA 2.4.1.3.19.1), so a repeat longer than a
    token can hold overflows into the offset bits and corrupts the stream (the dir stream
    of this project did).  Correct the cap while compiling; harmless once fixed upstream."""
    from ms_ovba_compression.ms_ovba import MsOvba

    original = MsOvba.__dict__["copytoken_help"]

    def copytoken_help(difference: int) -> dict:
        help_ = original.__func__(difference)
        return {**help_, "maxLength": (0xFFFF >> help_["bitCount"]) + 3}

    MsOvba.copytoken_help = staticmethod(copytoken_help)
    try:
        yield
    finally:
        MsOvba.copytoken_help = original


def compile_vba(macros: Path) -> bytes:
    """vbaProject.bin holding the document modules and every *.bas of ``macros``."""
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    modules = _modules(macros)
    with tempfile.TemporaryDirectory(prefix="xltools-vba-") as work:
        # ms-ovba writes its intermediate files next to each source and in the current
        # folder, so it works on copies, in a folder of its own.
        copy = Path(work)
        project = VbaProject()
        # A fixed id: the same sources give the same project.
        project.project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xltools.xlam")).upper() + "}"
        for name, guid in _DOCUMENT_GUIDS.items():
            module = DocModule(name)
            module.add_file(str(shutil.copy(macros / f"{name}.cls", copy)))
            module.add_guid(uuid.UUID(guid))
            module.normalize_file()
            project.add_module(module)
        for source in modules:
            module = StdModule(source.stem)
            module.add_file(str(shutil.copy(source, copy)))
            module.normalize_file()
            project.add_module(module)
        for name, guid, path, title in _REFERENCES:
            libid = LibidReference(uuid.UUID(guid), "2.0", "0", path, title)
            project.add_reference(Reference(ReferenceRegistered(libid), name))
        with contextlib.chdir(copy), _long_matches_fixed():
            ProjectOleFile.write_file(project)
            return (copy / "vbaProject.bin").read_bytes()


def _workbook(vba: bytes, path: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(path)
    wb.set_vba_name("ThisWorkbook")
    ws = wb.add_worksheet("xltools")
    ws.set_vba_name("Sheet1")
    ws.set_column(0, 0, 80)
    ws.write(0, 0, "xltools 加载项：功能区“预算公开”选项卡和 BUDGET_SUM 等工作表函数。")
    ws.write(1, 0, "此文件由 xltools addin build 生成，请勿直接修改；需要 xlwings 加载项。")
    wb.add_vba_project(io.BytesIO(vba), is_stream=True)
    wb.close()


def _content_types(xml: str) -> str:
    if MACRO_TYPE not in xml:
        raise AddinError("XlsxWriter 没有按启用宏的工作簿写入内容类型，无法生成加载项。")
    return xml.replace(MACRO_TYPE, ADDIN_TYPE)


def _relationships(xml: str) -> str:
    rel = f'<Relationship Id="{CUSTOM_UI_REL_ID}" Type="{CUSTOM_UI_REL}" Target="{CUSTOM_UI_PART}"/>'
    return re.sub(r"</Relationships>\s*$", rel + "</Relationships>", xml)


def build_addin(target: str, macros: Path | None = None) -> str:
    """Write the add-in to ``target`` (completely or not at all); returns its path."""
    macros = macros or macros_dir()
    ribbon = macros / "customUI14.xml"
    if not ribbon.is_file():
        raise AddinError(f"缺少功能区定义“{ribbon}”。")
    vba = compile_vba(macros)
    with tempfile.TemporaryDirectory(prefix="xltools-xlam-") as work:
        plain = os.path.join(work, "addin.xlsm")
        _workbook(vba, plain)
        with zipfile.ZipFile(plain) as src, atomic_path(target) as tmp:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
                for item in src.infolist():
                    data = src.read(item.filename)
                    if item.filename == "[Content_Types].xml":
                        data = _content_types(data.decode("utf-8")).encode("utf-8")
                    elif item.filename == "_rels/.rels":
                        data = _relationships(data.decode("utf-8")).encode("utf-8")
                    out.writestr(item, data)
                out.writestr(CUSTOM_UI_PART, ribbon.read_bytes())
    return target


# -- installing (Windows) -----------------------------------------------------------------
def xlwings_config_path() -> Path:
    """xlwings' user settings, as its ribbon and `xlwings config create` write them."""
    return Path.home() / ".xlwings" / "xlwings.conf"


def update_config(path: Path, settings: dict[str, str]) -> None:
    """Set ``settings`` in an xlwings.conf (lines ``"KEY","value"``), keeping the others."""
    lines = path.read_text("utf-8").splitlines() if path.is_file() else []
    keys = {f'"{k}"' for k in settings}
    kept = [ln for ln in lines if ln.strip() and ln.split(",", 1)[0] not in keys]
    kept += [f'"{k}","{v}"' for k, v in settings.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(str(path)) as tmp:
        Path(tmp).write_text("\n".join(kept) + "\n", "utf-8")


def _xlwings(*args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "xlwings.cli", *args], capture_output=True,
                         text=True, timeout=600)
    output = (run.stdout + run.stderr).strip()
    # xlwings prints its failures and still exits 0.
    if run.returncode != 0 or "Successfully" not in output:
        raise AddinError(f"xlwings {' '.join(args)} 没有成功：{output or run.returncode}")
    return output


def prepare_search() -> str:
    """Compile the 舍位平衡 search now and keep its machine code on disk (search_code), so
    that no recalculation after installing waits the seconds a compile takes, nor loads
    numba.  Returns what was done."""
    import time

    from ..rounding_search import warm_up

    start = time.perf_counter()
    if warm_up() == "machine code":
        return "舍位平衡的计算已编译过，可直接使用"
    return f"舍位平衡的计算已编译（{time.perf_counter() - start:.0f} 秒，只在安装后做一次）"


def install(addin: str) -> list[str]:
    """Install the xlwings add-in and ``addin`` in Excel's XLSTART folder, and point
    xlwings at this Python and at the worksheet functions.  Returns what was done."""
    done = [_xlwings("addin", "install")]
    done.append(_xlwings("addin", "install", "--file", addin))
    update_config(xlwings_config_path(), {"INTERPRETER_WIN": sys.executable,
                                          "UDF MODULES": UDF_MODULE})
    done.append(f"xlwings 设置：{xlwings_config_path()}（Python：{sys.executable}，函数模块：{UDF_MODULE}）")
    return done
