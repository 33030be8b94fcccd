"""The published document's body is streamed: each part goes into word/document.xml when it
is made, so the writer never holds the whole body (at 1,000,000 lines some 400 MB of XML,
which made the build's peak memory); a 第X部分 heading only waits for the table it moves
with, and a body too large for an ordinary zip entry is written again with ZIP64 sizes.
"""

from __future__ import annotations

import dataclasses
import os
import struct
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from xltools import narrative, performance
from xltools.narrative.document import Heading, TableSlot
from xltools.reader import read_master
from xltools.tables import build_tables
from xltools.writers import publication_docx
from xltools.writers.publication_docx import _fill_body, _Writer, write_publication_docx
from xltools.writers.publication_styles import open_template
from xltools.writers.publication_tables import is_landscape, table_layout

FIXTURE = Path(__file__).parent / "fixtures" / "000_40205af73c47f1b3" / "master.xlsx"


@pytest.fixture(scope="module")
def inputs():
    master = read_master(str(FIXTURE))
    ts = build_tables(master)
    perf, _ = performance.build(master, ts)
    story, _ = narrative.build(master, ts)
    return ts, perf, story


def test_each_table_is_given_out_before_the_next_is_made(inputs, monkeypatch):
    ts, perf, story = inputs
    made = []
    real = publication_docx.table_xml
    monkeypatch.setattr(publication_docx, "table_xml", lambda *a: made.append(1) or real(*a))
    given = 0
    parts = _Writer(open_template(None), ts, None).parts(story, perf)
    for part in parts:
        given += part.count("<w:tbl>")
        assert len(made) <= given + 1  # nothing made beyond the table going out with this block
    assert given == len(ts.tables) + 1 + len(perf.printed_projects)


def test_a_heading_waits_for_its_landscape_table_and_moves_with_it(inputs, tmp_path):
    ts, perf, story = inputs
    tables = {t.no: t for t in ts.tables.values()}
    blocks = list(story.blocks)
    at = next(i for i, b in enumerate(blocks)
              if isinstance(b, TableSlot) and is_landscape(table_layout(tables[b.no])))
    blocks.insert(at, Heading("第九部分 宽表", 1))
    target = tmp_path / "x.docx"
    write_publication_docx(dataclasses.replace(story, blocks=tuple(blocks)), ts, perf, str(target))
    body = list(Document(str(target)).element.body.iterchildren())
    texts = ["".join(t.text or "" for t in el.iter(qn("w:t"))) for el in body]
    heading = texts.index("第九部分 宽表")
    # the section before ends just above the heading: it starts the landscape section
    assert body[heading - 1].find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    assert body[heading - 2].find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None
    assert texts[heading + 1].startswith("表")
    assert body[heading + 1].find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is None


def test_parts_reach_the_file_while_they_are_still_being_made(inputs, tmp_path):
    ts, perf, story = inputs
    target = tmp_path / "x.docx"
    d = open_template(None)
    writer = _Writer(d, ts, None)
    writer.settings()
    d.save(str(target))
    sizes = []

    def parts():
        for i in range(64):  # 8 MB of text that deflate cannot shrink much
            yield f"<w:p><w:r><w:t>{os.urandom(1 << 16).hex()}</w:t></w:r></w:p>"
            sizes.append(target.stat().st_size)
        yield from writer.parts(story, perf)

    _fill_body(str(target), parts(), lambda: d.part.blob, zip64=False)
    assert sizes[-1] > sizes[0] + (2 << 20)  # megabytes on disk before the last part was made
    assert len(Document(str(target)).tables) == len(ts.tables) + 1 + len(perf.printed_projects)


def _local_extra(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        fh.seek(name_len, 1)
        return fh.read(extra_len)


def test_a_body_too_large_for_a_plain_entry_is_written_again_with_zip64(inputs, tmp_path, monkeypatch):
    ts, perf, story = inputs
    plain, large = tmp_path / "plain.docx", tmp_path / "large.docx"
    write_publication_docx(story, ts, perf, str(plain))
    monkeypatch.setattr(publication_docx, "_ZIP64_AT", 100_000)
    write_publication_docx(story, ts, perf, str(large))
    assert _local_extra(plain, "word/document.xml") == b""
    assert _local_extra(large, "word/document.xml")[:2] == b"\x01\x00"  # the ZIP64 sizes
    with zipfile.ZipFile(plain) as a, zipfile.ZipFile(large) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["large.docx", "plain.docx"]
