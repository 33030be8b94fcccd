"""Word tables as WordprocessingML, built as text and parsed once.

python-docx's table API copies a row for every ``add_row`` and walks the rows for every
``cell()``: quadratic in the rows, minutes for a 3,000-project document.  Here a table is a
list of rows of ``Cell``s written straight to XML text (linear, a few µs a cell), which the
publication writer puts into word/document.xml as text.

A cell spans columns with ``span`` (w:gridSpan) and rows with ``vmerge`` — "restart" on the
first row, "continue" on the rows below, which still need their (empty) cell, as Word
requires one cell per grid column and row.  The first ``header_rows`` rows carry w:tblHeader:
Word, WPS and LibreOffice repeat them at the top of every page the table runs onto.
"""

from __future__ import annotations

from typing import NamedTuple
from xml.sax.saxutils import escape



class Cell(NamedTuple):
    """A tuple: ``table_xml`` takes plain tuples of the same five fields as well, which the
    loops making millions of cells at 1,000,000 lines build ten times faster."""

    text: str = ""
    style: str = ""  # the role of the cell's text: head, text, number, code, center
    span: int = 1
    vmerge: str | None = None  # None | "restart" | "continue"
    bold: bool = False


def table_xml(widths_twips: list[int], rows: list[list[Cell]], header_rows: int,
              styles: dict[str, str]) -> str:
    """One w:tbl; ``widths_twips`` are the grid columns, their sum the table width;
    ``styles`` maps a cell's role (Cell.style) to a paragraph style id."""
    total = sum(widths_twips)
    out = ['<w:tbl><w:tblPr>']
    out.append(f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
               '<w:tblBorders>'
               + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                         for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
               + '</w:tblBorders><w:tblLayout w:type="fixed"/>'
               '<w:tblCellMar><w:left w:w="28" w:type="dxa"/><w:right w:w="28" w:type="dxa"/>'
               '</w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>')
    out.extend(f'<w:gridCol w:w="{w}"/>' for w in widths_twips)
    out.append('</w:tblGrid>')
    heads = _cell_heads(tuple(widths_twips), styles)
    append = out.append
    for r, row in enumerate(rows):
        # A header row must not split across pages; body rows may (a long project goal).
        append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' if r < header_rows
               else '<w:tr>')
        col = 0
        for text, style, span, vmerge, bold in row:
            key = (col, span, vmerge, style)
            head = heads.get(key)
            if head is None:
                head = heads[key] = _cell_head(widths_twips, styles, *key)
            col += span
            if text and vmerge != "continue":
                append(f'{head}<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{_escape(text)}'
                       '</w:t></w:r></w:p></w:tc>' if bold else
                       f'{head}<w:r><w:t xml:space="preserve">{_escape(text)}</w:t></w:r></w:p></w:tc>')
            else:
                append(f'{head}</w:p></w:tc>')
        append('</w:tr>')
    out.append('</w:tbl>')
    return "".join(out)


_HEADS: dict[tuple, dict[tuple, str]] = {}


def _cell_heads(widths: tuple[int, ...], styles: dict[str, str]) -> dict[tuple, str]:
    """The opening XML of each kind of cell (column, span, vmerge, style) of tables with
    these widths: the thousands of 绩效 tables of a document share one set."""
    key = (widths, tuple(styles.items()))
    heads = _HEADS.get(key)
    if heads is None:
        if len(_HEADS) > 64:
            _HEADS.clear()
        heads = _HEADS[key] = {}
    return heads


def _cell_head(widths, styles: dict[str, str], col: int, span: int, vmerge: str | None,
               style: str) -> str:
    """A cell's w:tc up to its paragraph's first run."""
    out = [f'<w:tc><w:tcPr><w:tcW w:w="{sum(widths[col:col + span])}" w:type="dxa"/>']
    if span > 1:
        out.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge == "restart":
        out.append('<w:vMerge w:val="restart"/>')
    elif vmerge == "continue":
        out.append('<w:vMerge/>')
    out.append('<w:vAlign w:val="center"/></w:tcPr><w:p>')
    if style:
        out.append(f'<w:pPr><w:pStyle w:val="{styles[style]}"/></w:pPr>')
    return "".join(out)


def _escape(text: str) -> str:
    # most cells hold no &, < or >: saxutils.escape would still make three copies
    if "&" in text or "<" in text or ">" in text:
        return escape(text)
    return text


def paragraph_xml(text: str, style: str, *, outline: int | None = None, bold: bool = False) -> str:
    ppr = f'<w:pStyle w:val="{style}"/>'
    if outline is not None:
        ppr += f'<w:outlineLvl w:val="{outline}"/>'
    rpr = '<w:rPr><w:b/></w:rPr>' if bold else ''
    run = f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ''
    return f'<w:p><w:pPr>{ppr}</w:pPr>{run}</w:p>'


def proportional(weights: list[float], total_twips: int) -> list[int]:
    """Column widths in twips, proportional to ``weights``, summing to ``total_twips``."""
    s = sum(weights)
    widths = [int(total_twips * w / s) for w in weights]
    widths[-1] += total_twips - sum(widths)
    return widths
