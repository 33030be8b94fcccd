"""…预算公开.pdf: the published document printed by LibreOffice, its 目录 with true page numbers.

LibreOffice prints a TOC field as cached, without updating it.  So the document is printed
once, the page each 目录 line's heading starts on is read from that PDF (pdftotext, page by
page), the numbers are written into the TOC field's cached entries, and the document is
written and printed again.  Only digits change between the two prints, after a right tab, so
no line wraps differently and the pages stay where they were measured.  The .docx is rewritten
with the numbers too, so the Word file and the PDF agree even before anyone updates the field.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from typing import Callable

from ..atomic import atomic_path
from ..office import OfficeError, to_pdf


def _squash(text: str) -> str:
    return "".join(text.split())


def pdf_page_texts(pdf: str) -> list[str]:
    if shutil.which("pdftotext") is None:
        raise OfficeError("没有找到 pdftotext（poppler-utils），无法计算目录页码。请安装 poppler-utils。")
    done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", pdf, "-"], capture_output=True,
                          timeout=300)
    if done.returncode != 0:
        raise OfficeError(f"pdftotext 无法读取生成的 PDF：{done.stderr.decode('utf-8', 'replace')[-200:]}")
    pages = done.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def heading_pages(pages: list[str], entries: list[tuple[int, str, str]]) -> list[int | None]:
    """The printed page number of each 目录 line: the first page after the 目录 (searched in
    order, each heading after the previous one) that holds the line's text; page 1 is the
    page 第一部分 starts on."""
    squashed = [_squash(p) for p in pages]
    texts = [_squash(needle) for _, _, needle in entries]
    listed = _squash(entries[-1][1]) if entries else ""
    if not texts:
        return []
    # The 目录 itself lists every heading: the body starts after the page with its last line.
    start = next((i + 1 for i, p in enumerate(squashed) if listed in p), 0)
    first = next((i for i in range(start, len(squashed)) if texts[0] in squashed[i]), None)
    if first is None:
        return [None] * len(texts)
    out: list[int | None] = []
    at = first
    for text in texts:
        found = next((i for i in range(at, len(squashed)) if text in squashed[i]), None)
        if found is None:
            out.append(None)
            continue
        out.append(found - first + 1)
        at = found
    return out


def write_publication_pdf(write_docx: Callable[[str, list[int | None] | None], None],
                          entries: list[tuple[int, str, str]], docx_target: str, pdf_target: str) -> None:
    """``write_docx(path, pages)`` writes the document; print it, measure, write and print again."""
    with tempfile.TemporaryDirectory(prefix="xltools-pub-") as work:
        draft_pdf = os.path.join(work, "draft.pdf")
        to_pdf(docx_target, draft_pdf)
        pages = heading_pages(pdf_page_texts(draft_pdf), entries)
        final_docx = os.path.join(work, "final.docx")
        write_docx(final_docx, pages)
        to_pdf(final_docx, pdf_target)
        with atomic_path(docx_target) as tmp:
            shutil.copyfile(final_docx, tmp)
