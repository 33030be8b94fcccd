"""The Word template of the published document: its named styles, how it is made, how it is
opened and checked.

A department restyles its 预算公开 by editing these styles in Word or WPS (fonts, sizes,
spacing, the footer); the writer only ever refers to a style by name.  A template that lacks
one gets a Chinese error naming it — never a silently unstyled document.
"""

from __future__ import annotations

import os
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Mm, Pt

from .narrative_docx import (BODY_FONT, HEADING_FONT, LATIN, NARRATIVE_STYLES, TITLE_FONT, TOC_LINE,
                             TOC_SIZE, _char_indent, _fonts, narrative_styles, page_footer,
                             portrait_page)

TEMPLATE_NAME = "预算公开模板.docx"

# Logical name → style name in the template.
TOC_TITLE = "目录标题"
TOC_LEVELS = {1: "toc 1", 2: "toc 2"}  # Word's built-in names: its TOC field fills them
TABLE_NO = "表号"
TABLE_TITLE = "表题"
TABLE_MAKER = "表头信息"
TABLE_NOTE = "表注"
CELL_STYLES = {"head": "表格标题", "text": "表格文字", "number": "表格数字", "code": "表格代码",
               "center": "表格居中"}
FOOTER = "Footer"
PUBLICATION_STYLES = (*NARRATIVE_STYLES, TOC_TITLE, *TOC_LEVELS.values(), TABLE_NO, TABLE_TITLE,
                      TABLE_MAKER, TABLE_NOTE, *CELL_STYLES.values(), FOOTER)

TABLE_FONT = "宋体"
TABLE_SIZE = Pt(9)  # 小五: twelve value columns fit a landscape page
TEXT_WIDTH_MM = 156  # A4 portrait less the 28/26 mm margins


class TemplateError(Exception):
    """The Word template cannot be used; the message (Chinese) says why and what to do."""


def default_template() -> Path:
    """templates/预算公开模板.docx: inside the package when installed, else the repository's."""
    packaged = Path(__file__).parent.parent / "templates" / TEMPLATE_NAME
    if packaged.exists():
        return packaged
    return Path(__file__).parent.parent.parent / "templates" / TEMPLATE_NAME


def open_template(path: str | os.PathLike | None = None):
    """The template as a python-docx Document, checked to hold every style the writer uses."""
    path = Path(path) if path else default_template()
    if not path.exists():
        raise TemplateError(f"找不到公开文档模板“{path}”。请检查 --template 或基本信息“公开模板”中的路径。")
    try:
        d = Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a file that is no .docx
        raise TemplateError(f"公开文档模板“{path.name}”不是有效的 Word 文档（.docx）：{exc}") from None
    names = {s.name for s in d.styles}
    missing = [name for name in PUBLICATION_STYLES if name not in names]
    if missing:
        raise TemplateError(f"公开文档模板“{path.name}”缺少样式：{'、'.join(missing)}。"
                            "请在 Word 或 WPS 中按此名称新建样式，或改用 templates/ 中的默认模板。")
    return d


def make_template(target: str) -> None:
    """Write the default template: A4, official-document body, the styles above, the footer."""
    d = Document()
    portrait_page(d.sections[0])
    narrative_styles(d)
    page_footer(d.sections[0])
    styles = d.styles
    normal = styles["Normal"]

    def paragraph_style(name: str, *, font: str = TABLE_FONT, size=TABLE_SIZE, bold: bool = False,
                        align=WD_ALIGN_PARAGRAPH.LEFT, line=None):
        style = styles[name] if name in {s.name for s in styles} else \
            styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = size
        style.font.bold = bold
        _fonts(style.element.get_or_add_rPr(), LATIN, font)
        pf = style.paragraph_format
        pf.alignment = align
        if line is None:
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = line
        pf.space_before = pf.space_after = Pt(0)
        _char_indent(style, 0)
        return style

    paragraph_style(TOC_TITLE, font=HEADING_FONT, size=Pt(18), align=WD_ALIGN_PARAGRAPH.CENTER,
                    line=Pt(40)).paragraph_format.space_after = Pt(12)
    text_right = Mm(TEXT_WIDTH_MM)
    for level, name in TOC_LEVELS.items():
        style = paragraph_style(name, font=BODY_FONT, size=TOC_SIZE, line=TOC_LINE)
        style.paragraph_format.left_indent = Pt(0) if level == 1 else 2 * TOC_SIZE
        style.paragraph_format.first_line_indent = Pt(0) if level == 1 else -TOC_SIZE
        style.paragraph_format.tab_stops.add_tab_stop(text_right, WD_TAB_ALIGNMENT.RIGHT,
                                                      WD_TAB_LEADER.DOTS)
    paragraph_style(TABLE_NO, font=HEADING_FONT, size=Pt(12)).paragraph_format.keep_with_next = True
    title = paragraph_style(TABLE_TITLE, font=TITLE_FONT, size=Pt(18), bold=True,
                            align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(32))
    title.paragraph_format.space_after = Pt(6)
    title.paragraph_format.keep_with_next = True
    maker = paragraph_style(TABLE_MAKER, size=Pt(10.5))
    maker.paragraph_format.keep_with_next = True
    maker.paragraph_format.space_after = Pt(3)
    paragraph_style(TABLE_NOTE, size=Pt(10.5)).paragraph_format.space_before = Pt(6)
    paragraph_style(CELL_STYLES["head"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(CELL_STYLES["text"])
    paragraph_style(CELL_STYLES["number"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph_style(CELL_STYLES["code"], align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(CELL_STYLES["center"], align=WD_ALIGN_PARAGRAPH.CENTER)
    footer = styles[FOOTER]
    _fonts(footer.element.get_or_add_rPr(), LATIN, TITLE_FONT)
    _char_indent(footer, 0)
    d.core_properties.title = "预算公开模板"
    d.core_properties.language = "zh-CN"
    d.save(target)
