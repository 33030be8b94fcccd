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
from itertools import chain
from typing import Callable, Iterable, Iterator
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
    with atomic_path(target) as tmp:
        try:
            _write(story, ts, perf, tmp, template, pages, zip64=False)
        except _NeedsZip64:
            # word/document.xml's local header says whether it has ZIP64 sizes before its
            # data, whose size is known only at its end: a body over 2 GiB is written again.
            _write(story, ts, perf, tmp, template, pages, zip64=True)


def _write(story: NarrativeDoc, ts: TableSet, perf: PerformanceData, path: str, template: str | None,
           pages, zip64: bool) -> None:
    d = open_template(template)
    writer = _Writer(d, ts, pages)
    props = d.core_properties
    props.title = f"{ts.entity}{ts.year}年{ts.kind}预算公开"
    props.author = ts.entity
    props.language = "zh-CN"
    writer.settings()
    # The body is text: lxml takes seconds to move a large parsed table into another
    # document, so python-docx saves the package around a marker and the body's parts are
    # streamed in the marker's place in word/document.xml as they are made — never held
    # whole: at 1,000,000 lines the body is some 400 MB of XML, which made the build's peak.
    d.save(path)
    # document.xml again once the body is done: the final section's sectPr, after the
    # marker, is finished by the last part.
    _fill_body(path, writer.parts(story, perf), lambda: d.part.blob, zip64)


_CHUNK = 1 << 20  # characters
_MARK_BYTES = _MARK.encode("ascii")
_ZIP64_AT = zipfile.ZIP64_LIMIT  # bytes of an entry beyond which it needs ZIP64 sizes


class _NeedsZip64(Exception):
    """word/document.xml outgrew what an entry without ZIP64 sizes can hold."""


def _fill_body(path: str, parts: Iterable[str], document_xml: Callable[[], bytes], zip64: bool) -> None:
    """Rewrite the package at ``path`` with ``parts`` in place of the body marker and the
    rest of word/document.xml taken from ``document_xml()`` once the parts are done."""
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            info.compress_type = zipfile.ZIP_DEFLATED
            if info.filename != "word/document.xml":
                z.writestr(info, data)
                continue
            with z.open(info, "w", force_zip64=zip64) as out:
                written = 0

                def write(piece: bytes) -> None:
                    nonlocal written
                    written += len(piece)
                    if written > _ZIP64_AT and not zip64:
                        raise _NeedsZip64  # before zipfile sees it: the entry stays closable
                    out.write(piece)

                write(_around_mark(data)[0])
                # Parts go out a megabyte at a time: one write per part (half a million at
                # 1,000,000 lines) cost more than compressing them.  Deflate's output does
                # not depend on how its input is cut.
                chunk: list[str] = []
                held = 0
                for part in parts:
                    chunk.append(part)
                    held += len(part)
                    if held >= _CHUNK:
                        write("".join(chunk).encode("utf-8"))
                        chunk, held = [], 0
                write("".join(chunk).encode("utf-8") + _around_mark(document_xml())[1])


def _around_mark(xml: bytes) -> tuple[bytes, bytes]:
    """document.xml before and after the body marker."""
    if xml.count(_MARK_BYTES) != 1:
        raise ValueError("document.xml lost the body marker")
    head, tail = xml.split(_MARK_BYTES)
    return head, tail


class _Writer:
    def __init__(self, d, ts: TableSet, pages):
        self.d, self.ts, self.pages = d, ts, pages
        body = d.element.body
        self.final = body.find(qn("w:sectPr"))
        for child in list(body):
            if child is not self.final:
                body.remove(child)
        self.final.addprevious(etree.Comment(_MARK[4:-3]))
        # The parts made and not yet given out: a section break may still go before the
        # last 第X部分 heading (``before``), so that heading and what follows it wait here.
        self.held: list[str] = []
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

    def parts(self, story: NarrativeDoc, perf: PerformanceData) -> Iterator[str]:
        """The body's XML, a part at a time as it is made; once they are all out, the final
        section (the template's sectPr, ``self.final``) is finished too."""
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
                for xml in self._performance(perf):  # thousands of tables: each goes out when made
                    self._append(xml)
                    yield from self._ready()
            else:
                if isinstance(block, Heading) and block.level == 1 and self.landscape:
                    self._section_break(numbered=True)
                    self.landscape = False
                self._append(block_xml(block, self.style, first_title))
                if isinstance(block, Heading) and block.level == 0:
                    first_title = False
                self.last_part_heading = (len(self.held) - 1
                                          if isinstance(block, Heading) and block.level == 1 else None)
            yield from self._ready()
        yield from self.held
        self.held = []
        self._finish_section(self.final, self.landscape, numbered=True)

    def _append(self, xml: str) -> None:
        self.held.append(xml)

    def _ready(self) -> list[str]:
        """The held parts nothing can be put before any more: all but the last 第X部分
        heading's, while it waits for what follows it."""
        cut = len(self.held) if self.last_part_heading is None else self.last_part_heading
        ready, self.held = self.held[:cut], self.held[cut:]
        if self.last_part_heading is not None:
            self.last_part_heading = 0
        return ready

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
            self.held.append(p)
        else:
            self.held.insert(before, p)

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

    def settings(self) -> None:
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

    def _performance(self, perf: PerformanceData) -> Iterator[str]:
        width = self.text_width[False]
        year = self.ts.year
        # each project's rows are made when its table is: all of them at once would be held
        sheets = chain([(perf.department.title, *overall_rows(perf.department))],
                       (("项目支出绩效目标表", *project_rows(p)) for p in perf.printed_projects))
        for title, weights, rows in sheets:
            yield paragraph_xml(title, self.ids[TABLE_TITLE])
            yield paragraph_xml(f"（{year}年）", self.cells["center"])
            yield table_xml(proportional(weights, width), rows, 0, self.cells)
            yield paragraph_xml("", self.cells["text"])
