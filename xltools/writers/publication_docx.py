"""The published document, …预算公开.docx: 封面 and 目录, 第一部分, 第二部分 (the tables as
Word tables), 第三部分 情况说明 (with the 绩效目标表), 第四部分 — the one file a department puts on
its website, built from the styled Word template.

Sections: the 封面 and 目录 carry no page number; page 1 is the first page of 第一部分 and the
numbers run on through every later section.  A table wider than a portrait page gets a
landscape section of its own; every table is as wide as its page's text, never wider.

The 目录 is a real TOC field (Word, WPS and LibreOffice update it).  Its cached entries are
the narrative's 目录 lines; their page numbers are filled in when they are known (``pages``,
measured on the PDF by publication_pdf.py), else left for the reader's update, which the
document asks for on opening (w:updateFields).
"""

from __future__ import annotations

import copy
import zipfile
from xml.sax.saxutils import escape

from docx.oxml.ns import qn
from lxml import etree

from ..atomic import atomic_path
from ..narrative.inputs import cn_number
from ..narrative.document import Heading, NarrativeDoc, PageBreak, Paragraph, PerformanceSlot, TableSlot
from ..performance.model import PerformanceData
from ..tables.engine import TableSet
from ..tables.profiles import PROFILES
from .docx_table import paragraph_xml, proportional, table_xml
from .narrative_docx import block_xml, style_ids
from .publication_performance import overall_rows, project_rows
from .publication_styles import (CELL_STYLES, TABLE_MAKER, TABLE_NO, TABLE_NOTE, TABLE_TITLE,
                                 TOC_LEVELS, TOC_TITLE, open_template)
from .publication_tables import body_rows, column_weights, header_rows, is_landscape, table_layout

TOC_INSTRUCTION = ' TOC \\o "1-2" \\h \\z \\u '
_MARK = "<!--xltools-body-->"


def publication_output_name(ts: TableSet) -> str:
    return f"{ts.entity}{ts.year}年{ts.kind}预算公开.docx"


def toc_entries(story: NarrativeDoc) -> list[tuple[int, str, str]]:
    """(level, text, what the page starts with) of the 目录 lines, in order: a table's line
    "一、部门收支总体情况表" finds its page by the table's title."""
    titles = {f"{cn_number(b.no)}、{b.title}": b.title for b in story.blocks if isinstance(b, TableSlot)}
    return [(1 if b.align == "toc1" else 2, b.text, titles.get(b.text, b.text)) for b in story.blocks
            if isinstance(b, Paragraph) and b.align in ("toc1", "toc2")]


def write_publication_docx(story: NarrativeDoc, ts: TableSet, perf: PerformanceData, target: str, *,
                           template: str | None = None, pages: list[int | None] | None = None) -> None:
    """Write the whole document to ``target``, completely or not at all.

    ``pages``: the printed page number of each 目录 line (toc_entries order), when known."""
    d = open_template(template)
    writer = _Writer(d, ts, pages)
    writer.write(story, perf)
    props = d.core_properties
    props.title = f"{ts.entity}{ts.year}年{ts.kind}预算公开"
    props.author = ts.entity
    props.language = "zh-CN"
    # The body is text until here: lxml takes seconds to move a large parsed table into
    # another document, so python-docx saves the package around a marker and the body's
    # parts are streamed in the marker's place in word/document.xml — never joined into one
    # string: at 100,000 lines the body is some 150 MB of XML, and its copies made the
    # build's peak memory.
    with atomic_path(target) as tmp:
        d.save(tmp)
        _fill_body(tmp, writer.parts)


_CHUNK = 1 << 20  # characters


def _fill_body(path: str, parts: list[str]) -> None:
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            info.compress_type = zipfile.ZIP_DEFLATED
            if info.filename != "word/document.xml":
                z.writestr(info, data)
                continue
            text = data.decode("utf-8")
            if text.count(_MARK) != 1:
                raise ValueError("document.xml lost the body marker")
            head, tail = text.split(_MARK)
            # at most 3 bytes of UTF-8 per character: whether the entry needs ZIP64
            size = 3 * (len(text) + sum(map(len, parts)))
            with z.open(info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as out:
                out.write(head.encode("utf-8"))
                # Parts go out a megabyte at a time: one write per part (half a million at
                # 1,000,000 lines) cost more than compressing them.  Deflate's output does
                # not depend on how its input is cut.
                chunk: list[str] = []
                held = 0
                for part in parts:
                    chunk.append(part)
                    held += len(part)
                    if held >= _CHUNK:
                        out.write("".join(chunk).encode("utf-8"))
                        chunk, held = [], 0
                out.write(("".join(chunk) + tail).encode("utf-8"))


class _Writer:
    def __init__(self, d, ts: TableSet, pages):
        self.d, self.ts, self.pages = d, ts, pages
        body = d.element.body
        self.final = body.find(qn("w:sectPr"))
        for child in list(body):
            if child is not self.final:
                body.remove(child)
        self.final.addprevious(etree.Comment(_MARK[4:-3]))
        self.parts: list[str] = []
        # The template's section: page size, margins and the footer every numbered page uses.
        self.base = copy.deepcopy(self.final)
        self.style = style_ids(d)
        names = {TOC_TITLE: TOC_TITLE, TABLE_NO: TABLE_NO, TABLE_TITLE: TABLE_TITLE,
                 TABLE_MAKER: TABLE_MAKER, TABLE_NOTE: TABLE_NOTE,
                 **{f"toc{k}": v for k, v in TOC_LEVELS.items()}}
        self.ids = {key: d.styles[name].style_id for key, name in names.items()}
        self.cells = {key: d.styles[name].style_id for key, name in CELL_STYLES.items()}
        self.landscape = False  # the orientation of the section being written
        self.started = False  # whether a section's sectPr has restarted the page numbers
        self.numbered = False  # whether a section break has ended the unnumbered front matter
        self.last_part_heading = None  # the last 第X部分 heading, when nothing followed it yet
        self.profile = PROFILES[ts.profile]
        pg = self.base.find(qn("w:pgSz"))
        mar = self.base.find(qn("w:pgMar"))
        w, h = int(pg.get(qn("w:w"))), int(pg.get(qn("w:h")))
        left, right = int(mar.get(qn("w:left"))), int(mar.get(qn("w:right")))
        self.portrait_size = (min(w, h), max(w, h))
        self.text_width = {False: min(w, h) - left - right, True: max(w, h) - left - right}

    # -- the flow ------------------------------------------------------------------------------

    def write(self, story: NarrativeDoc, perf: PerformanceData) -> None:
        toc: list[Paragraph] = []
        first_title = True
        table_no = {t.no: t for t in self.ts.tables.values()}
        for block in story.blocks:
            if isinstance(block, Paragraph) and block.align in ("toc1", "toc2"):
                toc.append(block)
            elif isinstance(block, Paragraph) and block.align == "center" and not self.numbered \
                    and block.text.replace(" ", "") == "目录":
                # The 封面 has its page; the 目录 starts the next.
                self._append(f'<w:p><w:pPr><w:pStyle w:val="{self.ids[TOC_TITLE]}"/><w:pageBreakBefore/>'
                             '</w:pPr><w:r><w:t xml:space="preserve">目  录</w:t></w:r></w:p>')
            elif isinstance(block, PageBreak) and not self.numbered:
                self._toc(toc)
                self._section_break(numbered=False)
                self.numbered = True
            elif isinstance(block, TableSlot):
                self._table(table_no[block.no])
            elif isinstance(block, PerformanceSlot):
                self._performance(perf)
            else:
                if isinstance(block, Heading) and block.level == 1 and self.landscape:
                    self._section_break(numbered=True)
                    self.landscape = False
                self.parts.append(block_xml(block, self.style, first_title))
                if isinstance(block, Heading) and block.level == 0:
                    first_title = False
                self.last_part_heading = (len(self.parts) - 1
                                          if isinstance(block, Heading) and block.level == 1 else None)
        self._finish_section(self.final, self.landscape, numbered=True)
        self._settings()

    def _append(self, xml: str) -> None:
        self.parts.append(xml)

    # -- sections --------------------------------------------------------------------------------

    def _sect_pr(self, landscape: bool, numbered: bool):
        sp = copy.deepcopy(self.base)
        self._finish_section(sp, landscape, numbered)
        return sp

    def _finish_section(self, sp, landscape: bool, numbered: bool) -> None:
        short, long_ = self.portrait_size
        pg = sp.find(qn("w:pgSz"))
        pg.set(qn("w:w"), str(long_ if landscape else short))
        pg.set(qn("w:h"), str(short if landscape else long_))
        if landscape:
            pg.set(qn("w:orient"), "landscape")
        else:
            pg.attrib.pop(qn("w:orient"), None)
        for ref in sp.findall(qn("w:footerReference")) + sp.findall(qn("w:headerReference")):
            if not numbered:
                sp.remove(ref)
        start = sp.find(qn("w:pgNumType"))
        if start is not None:
            sp.remove(start)
        if numbered and not self.started:
            # page 1 is the first page of 第一部分: the first numbered section restarts at 1
            num = sp.makeelement(qn("w:pgNumType"), {qn("w:start"): "1"})
            # the schema's order: after pgSz, pgMar, paperSrc, pgBorders, lnNumType
            after = [sp.find(qn(f"w:{tag}")) for tag in ("pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType")]
            [el for el in after if el is not None][-1].addnext(num)
            self.started = True

    def _section_break(self, numbered: bool, before: int | None = None) -> None:
        """End the current section here (or just before part number ``before``)."""
        sp = etree.tostring(self._sect_pr(self.landscape, numbered), encoding="unicode")
        # the sectPr comes out with its own namespace declarations: harmless, and the same prefix
        p = ('<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
             f'<w:ind w:firstLine="0" w:firstLineChars="0"/>{sp}</w:pPr></w:p>')
        if before is None:
            self.parts.append(p)
        else:
            self.parts.insert(before, p)

    # -- 目录 ------------------------------------------------------------------------------------

    def _toc(self, entries: list[Paragraph]) -> None:
        if not entries:
            return
        parts = []
        for i, block in enumerate(entries):
            style = self.ids["toc1" if block.align == "toc1" else "toc2"]
            runs = []
            if i == 0:
                runs.append('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                            f'<w:r><w:instrText xml:space="preserve">{escape(TOC_INSTRUCTION)}</w:instrText></w:r>'
                            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
            runs.append(f'<w:r><w:t xml:space="preserve">{escape(block.text)}</w:t></w:r>')
            page = self.pages[i] if self.pages and i < len(self.pages) else None
            if page is not None:
                runs.append(f'<w:r><w:tab/></w:r><w:r><w:t>{page}</w:t></w:r>')
            if i == len(entries) - 1:
                runs.append('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
            parts.append(f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{"".join(runs)}</w:p>')
        self._append("".join(parts))

    def _settings(self) -> None:
        # Ask Word and WPS to update the 目录 on opening: the cached numbers may be missing.
        settings = self.d.settings.element
        if settings.find(qn("w:updateFields")) is None:
            el = settings.makeelement(qn("w:updateFields"), {qn("w:val"): "true"})
            settings.append(el)

    # -- 第二部分 --------------------------------------------------------------------------------

    def _table(self, table) -> None:
        lay = table_layout(table)
        landscape = is_landscape(lay)
        page_break = True
        if landscape != self.landscape:
            # A new orientation needs a section; right after the 第X部分 heading, the heading
            # moves with the table onto its page.
            before = self.last_part_heading
            self._section_break(numbered=True, before=before)
            self.landscape = landscape
            page_break = False
        elif self.last_part_heading is not None:
            page_break = False
        self.last_part_heading = None
        ts = self.ts
        width = self.text_width[landscape]
        widths = proportional(column_weights(lay), width)
        heads = header_rows(lay, self.profile.column_numbers)
        rows = heads + body_rows(table, lay, self.profile, ts.func_names)
        pb = '<w:pageBreakBefore/>' if page_break else ''
        xml = [f'<w:p><w:pPr><w:pStyle w:val="{self.ids[TABLE_NO]}"/>{pb}</w:pPr>'
               f'<w:r><w:t>表{table.no}</w:t></w:r></w:p>',
               paragraph_xml(table.title, self.ids[TABLE_TITLE], outline=1),
               f'<w:p><w:pPr><w:pStyle w:val="{self.ids[TABLE_MAKER]}"/><w:tabs>'
               f'<w:tab w:val="right" w:pos="{width}"/></w:tabs></w:pPr>'
               f'<w:r><w:t>{escape(f"编制{ts.kind}：{ts.entity}")}</w:t></w:r><w:r><w:tab/></w:r>'
               '<w:r><w:t>单位：万元</w:t></w:r></w:p>',
               table_xml(widths, rows, len(heads), self.cells)]
        if table.empty_note:
            xml.append(paragraph_xml(table.empty_note, self.ids[TABLE_NOTE]))
        self._append("".join(xml))

    # -- 绩效目标表 -------------------------------------------------------------------------------

    def _performance(self, perf: PerformanceData) -> None:
        width = self.text_width[False]
        year = self.ts.year
        sheets = [(perf.department.title, *overall_rows(perf.department))]
        sheets += [("项目支出绩效目标表", *project_rows(p)) for p in perf.printed_projects]
        xml = []
        for title, weights, rows in sheets:
            xml.append(paragraph_xml(title, self.ids[TABLE_TITLE]))
            xml.append(paragraph_xml(f"（{year}年）", self.cells["center"]))
            xml.append(table_xml(proportional(weights, width), rows, 0, self.cells))
            xml.append(paragraph_xml("", self.cells["text"]))
        self.parts.extend(xml)  # thousands of tables: not joined into one more copy
