"""Fuzzing what users and other programs put in a workbook.

(a) Cell-value normalisation: parse_code and parse_amount on arbitrary values raise
nothing but their documented error (parse_code: none, it returns None; parse_amount:
AmountError), and are idempotent on what they return.
(b) The reader on randomly corrupted workbooks — bytes of the zip flipped, cut or
inserted, and the sheet XML mangled inside a valid zip — returns findings or raises
ReadError, never anything else.

Bounded (60 examples each, no deadline) so that CI runs them every time in seconds.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
import make_corpus as mc  # noqa: E402

from xltools.codes import ParsedCode, parse_code  # noqa: E402
from xltools.money import AmountError, parse_amount  # noqa: E402
from xltools.reader import ReadError, read_master  # noqa: E402

# 60 examples in CI; XLTOOLS_FUZZ_EXAMPLES=5000 for a long run on a workstation.
FUZZ = settings(max_examples=int(os.environ.get("XLTOOLS_FUZZ_EXAMPLES", 60)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Characters people paste into code and amount cells, plus anything at all.
_TYPED = st.sampled_from(list("0123456789 .,-—－０１２３４５６７８９．，　\t\n\xa0\u200b\ufeff"
                              "行政运行万元￥¥+eE()%#/"))
_TEXT = st.one_of(st.text(_TYPED, max_size=24), st.text(max_size=24))
_CELL = st.one_of(_TEXT, st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                  st.booleans(), st.none(), st.decimals(allow_nan=True, allow_infinity=True))


@FUZZ
@given(_CELL)
def test_parse_code_never_raises_and_is_idempotent(value):
    parsed = parse_code(value)
    if parsed is None:
        return
    assert parsed.code.isascii() and parsed.code.isdigit(), parsed
    assert parse_code(parsed.code) == ParsedCode(parsed.code, None)
    if parsed.name:
        assert parse_code(parsed.code + " " + parsed.name).code.startswith(parsed.code[:3])


@FUZZ
@given(_CELL)
def test_parse_amount_only_raises_amount_error_and_is_idempotent(value):
    try:
        amount, as_text = parse_amount(value)
    except AmountError as exc:
        assert str(exc)  # a message for the user
        return
    assert isinstance(amount, Decimal) and amount.is_finite()
    assert as_text == isinstance(value, str)
    # What it returns, written out plainly, reads back as itself.
    assert parse_amount(format(amount, "f")) == (amount, True)


# -- corrupted workbooks -------------------------------------------------------------------

def _baselines() -> list[bytes]:
    """Three writers' spellings of a valid master: openpyxl, XlsxWriter (shared strings,
    formula values), raw parts (inline strings, cells without address)."""
    with tempfile.TemporaryDirectory(prefix="xltools-fuzz-") as folder:
        out = []
        for build in (mc.plain, mc.formulas_with_cached_values, mc.cells_without_address):
            path = Path(folder) / f"{build.__name__}.xlsx"
            build(path)
            out.append(path.read_bytes())
    return out


BASES = _baselines()


@st.composite
def corrupted_zip(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at:at + draw(st.integers(1, 4096))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            data[at:at + draw(st.integers(1, 512))] = bytes(min(512, len(data) - at))
        if not data:
            break
    return bytes(data)


# Pieces of spreadsheet XML: mangling with them reaches the parsers, not just the zip layer.
_XML_BITS = st.sampled_from([b'<c r="A1">', b'<c r="XFD1048576"><v>1</v></c>', b"<v>", b"</v>",
                             b'<c r="B2" t="s"><v>99999</v></c>', b'<c t="e"><v>#N/A</v></c>',
                             b"<f>1/0</f>", b"</row>", b'<row r="0">', b'<row r="99999999">',
                             b"<is><t>", b"&amp;", b"&#0;", b"]]>", b"<![CDATA[", b"\xff\xfe",
                             b'<mergeCell ref="A1:XFD1048576"/>', b"<sheetData/>", b"<", b">", b'"'])


@st.composite
def mangled_xml(draw) -> bytes:
    base = draw(st.sampled_from(BASES))
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    name = draw(st.sampled_from(sorted(n for n in parts if n.endswith(".xml"))))
    xml = bytearray(parts[name])
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(xml)))
        end = at + draw(st.integers(0, 40))
        xml[at:end] = draw(st.one_of(_XML_BITS, st.binary(max_size=16)))
    parts[name] = bytes(xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in parts.items():
            z.writestr(n, d)
    return out.getvalue()


def _read(data: bytes, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "底稿.xlsx"
    path.write_bytes(data)
    try:
        master = read_master(str(path))
    except ReadError as exc:
        assert exc.finding.rule.startswith("file-") and exc.finding.message
        return
    for f in master.findings:
        assert f.rule and f.message


@FUZZ
@given(corrupted_zip())
def test_reader_on_corrupted_zip_bytes(tmp_path_factory, data):
    _read(data, tmp_path_factory)


@FUZZ
@given(mangled_xml())
def test_reader_on_mangled_sheet_xml(tmp_path_factory, data):
    _read(data, tmp_path_factory)
