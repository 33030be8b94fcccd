"""The bad-input corpus: case name → builder, expected exit code, rule and place.

A broken case expects one finding (its rule) at one place: ``sheet!cell`` for a problem
inside the workbook, the file name for a file that is not a readable workbook.  Exit code
2 means the file was refused as a whole, 1 that the master was read and has errors.
``check`` overrides what `xltools check` gives when it differs from `build` (a workbook
without 收支明细 is audited as a disclosure workbook).  A valid-but-unusual variant
expects exit 0 and names its ``twin``: `xltools tables --json` must print the same tables
for both.  ``bounded`` marks the bombs and huge sheets whose time and memory are measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import make_corpus as mc

REFUSED, ERRORS, OK = 2, 1, 0


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]
    exit: int
    rule: str | None = None
    place: str | None = None  # None: the file name
    filename: str = ""
    twin: str | None = None
    check: tuple[int, str | None, str | None] | None = None  # `check`'s (exit, rule, place), if different
    bounded: bool = False

    def where(self) -> str:
        return self.place or self.filename


def _case(name, build, exit, rule=None, place=None, filename=None, **kw) -> Case:
    return Case(name, build, exit, rule, place, filename or f"{name}.xlsx", **kw)


_CASES = [
    # -- not a workbook, or not one we may read ------------------------------------------
    _case("empty_file", mc.empty_file, REFUSED, "file-empty"),
    _case("text_named_xlsx", mc.text_named_xlsx, REFUSED, "file-format"),
    _case("csv_given", mc.csv_given, REFUSED, "file-format", filename="底稿.csv"),
    _case("xls_given", mc.xls_given, REFUSED, "file-format", filename="底稿.xls"),
    _case("ods_given", mc.ods_given, REFUSED, "file-format", filename="底稿.ods"),
    _case("zip_not_workbook", mc.zip_not_workbook, REFUSED, "file-format"),
    _case("excel_lock_file", mc.excel_lock_file, REFUSED, "file-format", filename="~$预算底稿.xlsx"),
    _case("missing_file", mc.missing_file, REFUSED, "file-not-found"),
    _case("directory_given", mc.directory_given, REFUSED, "file-not-found"),
    _case("encrypted", mc.encrypted, REFUSED, "file-encrypted", filename="加密底稿.xlsx"),
    _case("encrypted_large", mc.encrypted_large, REFUSED, "file-encrypted"),
    _case("truncated_zip", mc.truncated_zip, REFUSED, "file-corrupt"),
    _case("sheet_xml_broken", mc.sheet_xml_broken, REFUSED, "file-corrupt"),
    _case("crc_mismatch", mc.crc_mismatch, REFUSED, "file-corrupt"),
    _case("sheet_part_missing", mc.sheet_part_missing, REFUSED, "file-corrupt"),
    # -- bombs and huge sheets -----------------------------------------------------------
    _case("entity_bomb_shared_strings", mc.entity_bomb_shared_strings, REFUSED, "file-xml-entity",
          bounded=True),
    _case("entity_bomb_sheet", mc.entity_bomb_sheet, REFUSED, "file-xml-entity", bounded=True),
    _case("external_entity", mc.external_entity, REFUSED, "file-xml-entity"),
    _case("zip_bomb", mc.zip_bomb, REFUSED, "file-bomb", bounded=True),
    _case("zip_bomb_declared", mc.zip_bomb_declared, REFUSED, "file-bomb", bounded=True),
    _case("sheet_xml_too_large", mc.sheet_xml_too_large, REFUSED, "file-too-large", bounded=True),
    # Rows are counted when they hold something: the refusal names the first row too many.
    _case("rows_1048576", mc.rows_1048576, REFUSED, "file-too-large", "收支明细!G1000002",
          bounded=True),
    # The sparse-sheet case: a note far below the table is read (not refused as a sheet of
    # a million rows) and its row reported like any other.
    _case("sparse_sheet", mc.sparse_sheet, ERRORS, "func-code-missing", "收支明细!B1048547",
          bounded=True),
    # -- sheets and columns ----------------------------------------------------------------
    _case("missing_info_sheet", mc.missing_info_sheet, ERRORS, "sheet-missing", "基本信息"),
    # `check` audits a workbook without 收支明细 as a disclosure workbook (every table
    # missing, no place): only its exit code is pinned here, see the report of issue 8.
    _case("missing_lines_sheet", mc.missing_lines_sheet, ERRORS, "sheet-missing", "收支明细"),
    _case("missing_amount_column", mc.missing_amount_column, ERRORS, "column-missing", "收支明细!1:1"),
    _case("duplicate_header", mc.duplicate_header, ERRORS, "column-duplicate", "收支明细!I1"),
    _case("header_in_row_2", mc.header_in_row_2, ERRORS, "column-missing", "收支明细!1:1"),
    _case("merged_cells_over_lines", mc.merged_cells_over_lines, ERRORS, "merged-cells", "收支明细!D2"),
    _case("merged_unit_column", mc.merged_unit_column, ERRORS, "merged-cells", "收支明细!A2"),
    _case("formula_no_cached_value", mc.formula_no_cached_value, ERRORS, "formula-no-value",
          "收支明细!G2"),
    _case("formula_error_value", mc.formula_error_value, ERRORS, "formula-error", "收支明细!G2"),
    # -- amounts ---------------------------------------------------------------------------
    _case("amount_wan_suffix", mc.amount_wan_suffix, ERRORS, "amount-not-number", "收支明细!G2"),
    _case("amount_dash", mc.amount_dash, ERRORS, "amount-not-number", "收支明细!G2"),
    _case("amount_currency_sign", mc.amount_currency_sign, ERRORS, "amount-not-number", "收支明细!G2"),
    _case("amount_negative", mc.amount_negative, ERRORS, "amount-negative", "收支明细!G2"),
    _case("amount_negative_text", mc.amount_negative_text, ERRORS, "amount-negative", "收支明细!G2"),
    _case("amount_infinite", mc.amount_infinite, ERRORS, "amount-not-number", "收支明细!G2"),
    _case("amount_not_a_number", mc.amount_not_a_number, ERRORS, "amount-not-number", "收支明细!G2"),
    _case("amount_astronomical", mc.amount_astronomical, ERRORS, "amount-too-large", "收支明细!G2"),
    # -- codes and words -------------------------------------------------------------------
    _case("func_code_lost_class", mc.func_code_lost_class, ERRORS, "func-code-bad", "收支明细!B2"),
    _case("func_code_lost_digits", mc.func_code_lost_digits, ERRORS, "func-code-bad", "收支明细!B2"),
    _case("econ_code_lost_prefix", mc.econ_code_lost_prefix, ERRORS, "econ-code-bad", "收支明细!C2"),
    _case("func_code_fraction", mc.func_code_fraction, ERRORS, "func-code-bad", "收支明细!B2"),
    _case("unknown_source", mc.unknown_source, ERRORS, "source-unknown", "收支明细!F2"),
    _case("unknown_type", mc.unknown_type, ERRORS, "type-unknown", "收支明细!D2"),
    _case("info_unit_bad", mc.info_unit_bad, ERRORS, "info-value-bad", "基本信息!B5"),
    # -- valid but unusual -----------------------------------------------------------------
    _case("plain", mc.plain, OK),
    _case("amounts_as_text", mc.amounts_as_text, OK, twin="plain"),
    _case("codes_in_every_form", mc.codes_in_every_form, OK, twin="plain"),
    _case("invisible_characters", mc.invisible_characters, OK, twin="plain"),
    _case("blank_rows_inside", mc.blank_rows_inside, OK, twin="plain"),
    # A stray value far below or right of the table is one more row, not a million: the
    # sheet is read streaming (never as the dense grid of its used range).
    _case("stray_value_last_row", mc.stray_value_last_row, OK, twin="plain", bounded=True),
    _case("stray_value_last_cell", mc.stray_value_last_cell, OK, twin="plain", bounded=True),
    _case("used_range_too_wide", mc.used_range_too_wide, OK, twin="plain", bounded=True),
    _case("formatted_to_last_row", mc.formatted_to_last_row, OK, twin="plain", bounded=True),
    _case("dimension_claims_whole_sheet", mc.dimension_claims_whole_sheet, OK, twin="plain"),
    _case("inline_strings", mc.inline_strings, OK, twin="plain"),
    _case("cells_without_address", mc.cells_without_address, OK, twin="plain"),
    _case("prefixed_namespace", mc.prefixed_namespace, OK, twin="plain"),
    _case("macro_workbook", mc.macro_workbook, OK, twin="plain", filename="预算 底稿（宏）.XLSM"),
    _case("columns_shuffled", mc.columns_shuffled, OK, twin="plain"),
    _case("formulas_with_cached_values", mc.formulas_with_cached_values, OK, twin="plain"),
    _case("header_only_merged", mc.header_only_merged, OK, twin="plain"),
    _case("far_right_extra_column", mc.far_right_extra_column, OK, twin="plain"),
]

CASES: dict[str, Case] = {c.name: c for c in _CASES}
assert len(CASES) == len(_CASES), "case names must be unique"
BROKEN = [c.name for c in _CASES if c.exit != OK]
VARIANTS = [c.name for c in _CASES if c.twin]
