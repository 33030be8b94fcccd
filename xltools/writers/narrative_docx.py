"""The narrative (情况说明) blocks in Word, laid out like an official document (GB/T 9704).

A4 portrait, margins 37/35/28/26 mm, body in 仿宋 三号 (16 pt) on a fixed 28 pt line with a
two-character first-line indent, 第X部分 and 一、 headings in 黑体, （一） headings in 楷体, the
title in 宋体 bold, page numbers "— N —" centred in the footer.  Fonts are set on the East
Asian slot (w:eastAsia) as well as the Latin ones, in the styles and the document defaults:
Word, WPS and LibreOffice pick the font for Chinese text from w:eastAsia only, and python-docx's
``font.name`` does not set it.

The styles are defined here once, for the Word template (templates/make_docx_template.py);
the publication writer (publication_docx.py) opens the template and appends the blocks.

Runs copied from the master (reasons, policy texts) carry the character style 底稿文字 and
look like the body; gaps to fill carry 待填写 (yellow highlight, bold), so they are seen at a
glance and a reviewer can find every one with Word's style search.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..narrative.document import Heading, PageBreak, Placeholder, Quote

LATIN = "Times New Roman"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
TITLE_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
FOOTER_SIZE = Pt(14)  # 四号
TOC_SIZE = Pt(14)
TOC_LINE = Pt(24)
LINE = Pt(28)
INDENT_TWIPS = 640  # two characters of 16 pt
QUOTE_STYLE = "底稿文字"
PLACEHOLDER_STYLE = "待填写"
TITLE_STYLE = "说明标题"
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
NARRATIVE_STYLES = ("Normal", TITLE_STYLE, QUOTE_STYLE, PLACEHOLDER_STYLE, *HEADING_STYLES.values())


def style_ids(d) -> dict[str, str]:
    """The ids of the styles the narrative uses, resolved once: python-docx scans every style
    for each styled paragraph or run (by name, and again to see whether it is the default)."""
    return {name: d.styles[name].style_id for name in NARRATIVE_STYLES}


def block_xml(block, style: dict[str, str], first_title: bool) -> str:
    """One heading, paragraph or page break of the narrative as WordprocessingML text.

    Written as text, not through python-docx: its add_paragraph looks for the body's sectPr
    among all the body's children on every call, which is quadratic in a long document."""
    if isinstance(block, PageBreak):
        return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
    if isinstance(block, Heading):
        name = TITLE_STYLE if block.level == 0 else HEADING_STYLES[block.level]
        # the cover's title sits low, as printed (120 pt before)
        extra = '<w:spacing w:before="2400"/>' if block.level == 0 and first_title else ""
        return f'<w:p><w:pPr><w:pStyle w:val="{style[name]}"/>{extra}</w:pPr>{_run(block.text)}</w:p>'
    ppr = ""
    if block.align == "table":
        ppr = '<w:ind w:left="640" w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="left"/>'
    elif block.align in ("toc1", "toc2"):
        # 目录 in 四号 on a tighter line; a section's wrapped line hangs under its text.
        hang = '' if block.align == "toc1" else ' w:left="560" w:hanging="280" w:hangingChars="0"'
        ppr = (f'<w:spacing w:line="480" w:lineRule="exact"/><w:ind{hang} w:firstLine="0" '
               'w:firstLineChars="0"/><w:jc w:val="left"/>')
    elif block.align == "center":
        ppr = '<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="center"/>'
    elif block.align == "right":
        ppr = '<w:spacing w:before="560"/><w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="right"/>'
    runs = []
    for part in block.parts:
        if isinstance(part, Placeholder):
            runs.append(_run(part.text, style[PLACEHOLDER_STYLE]))
        elif isinstance(part, Quote):
            runs.append(_run(part.text, style[QUOTE_STYLE]))
        else:
            runs.append(_run(part))
    return f'<w:p>{"<w:pPr>" + ppr + "</w:pPr>" if ppr else ""}{"".join(runs)}</w:p>'


def _run(text: str, char_style: str | None = None) -> str:
    rpr = f'<w:rPr><w:rStyle w:val="{char_style}"/></w:rPr>' if char_style else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""


def _no_char_indent(p) -> None:
    # Normal indents by characters (w:firstLineChars), which wins over a length in Word:
    # a paragraph without indent must say so in characters too.
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "0")


def portrait_page(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)


def _fonts(rpr, latin: str, east_asian: str) -> None:
    """Set every font slot; drop theme fonts, which would override the names."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian),
                       ("w:cs", latin)):
        rfonts.set(qn(attr), name)


def _lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _char_indent(style, chars: int) -> None:
    fmt = style.paragraph_format
    fmt.first_line_indent = Pt(16 * chars)
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def narrative_styles(d) -> None:
    """Define the narrative's styles in ``d`` (the Word template is made with them)."""
    styles = d.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr_default, LATIN, BODY_FONT)
    _lang(rpr_default)

    normal = styles["Normal"]
    normal.font.size = BODY_SIZE
    _fonts(normal.element.get_or_add_rPr(), LATIN, BODY_FONT)
    _lang(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = True
    _char_indent(normal, 2)

    title = styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    title.font.size = TITLE_SIZE
    title.font.bold = True
    _fonts(title.element.get_or_add_rPr(), LATIN, TITLE_FONT)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(40)
    title.paragraph_format.space_after = Pt(12)
    _char_indent(title, 0)

    for level, (font, align, size) in {
        1: (HEADING_FONT, WD_ALIGN_PARAGRAPH.CENTER, Pt(18)),
        2: (HEADING_FONT, WD_ALIGN_PARAGRAPH.JUSTIFY, BODY_SIZE),
        3: (SUBHEADING_FONT, WD_ALIGN_PARAGRAPH.JUSTIFY, BODY_SIZE),
    }.items():
        style = styles[HEADING_STYLES[level]]
        style.base_style = normal
        style.font.size = size
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element.get_or_add_rPr(), LATIN, font)
        pf = style.paragraph_format
        pf.alignment = align
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(32) if level == 1 else LINE
        pf.space_before = Pt(12) if level == 1 else Pt(0)
        pf.space_after = Pt(12) if level == 1 else Pt(0)
        pf.keep_with_next = True
        pf.page_break_before = level == 1  # every part starts on a new page
        _char_indent(style, 0 if level == 1 else 2)

    quote = styles.add_style(QUOTE_STYLE, WD_STYLE_TYPE.CHARACTER)
    quote.base_style = styles["Default Paragraph Font"]
    placeholder = styles.add_style(PLACEHOLDER_STYLE, WD_STYLE_TYPE.CHARACTER)
    placeholder.base_style = styles["Default Paragraph Font"]
    placeholder.font.bold = True
    placeholder.font.highlight_color = WD_COLOR_INDEX.YELLOW
    placeholder.font.color.rgb = RGBColor(0xC0, 0, 0)


def page_footer(section) -> None:
    """"— N —" centred: a PAGE field in the footer of ``section``."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    _no_char_indent(p)

    def run(text: str | None = None):
        r = p.add_run(text)
        r.font.size = FOOTER_SIZE
        _fonts(r._r.get_or_add_rPr(), LATIN, TITLE_FONT)
        return r

    run("— ")
    # A PAGE field, one element a run as Word writes it, with a cached "1" for viewers
    # that do not update fields.
    run()._r.append(_fld_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run()._r.append(instr)
    run()._r.append(_fld_char("separate"))
    run("1")
    run()._r.append(_fld_char("end"))
    run(" —")


def _fld_char(kind: str):
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    return el
