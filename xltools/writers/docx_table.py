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

from dataclasses import dataclass
from xml.sax.saxutils import escape



@dataclass(frozen=True, slots=True)
class Cell:
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
    for r, row in enumerate(rows):
        # A header row must not split across pages; body rows may (a long project goal).
        out.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' if r < header_rows
                   else '<w:tr>')
        col = 0
        for cell in row:
            width = sum(widths_twips[col:col + cell.span])
            col += cell.span
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>')
            if cell.span > 1:
                out.append(f'<w:gridSpan w:val="{cell.span}"/>')
            if cell.vmerge == "restart":
                out.append('<w:vMerge w:val="restart"/>')
            elif cell.vmerge == "continue":
                out.append('<w:vMerge/>')
            out.append('<w:vAlign w:val="center"/></w:tcPr><w:p>')
            if cell.style:
                out.append(f'<w:pPr><w:pStyle w:val="{styles[cell.style]}"/></w:pPr>')
            if cell.text and cell.vmerge != "continue":
                out.append('<w:r>')
                if cell.bold:
                    out.append('<w:rPr><w:b/></w:rPr>')
                out.append(f'<w:t xml:space="preserve">{escape(cell.text)}</w:t></w:r>')
            out.append('</w:p></w:tc>')
        out.append('</w:tr>')
    out.append('</w:tbl>')
    return "".join(out)


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
