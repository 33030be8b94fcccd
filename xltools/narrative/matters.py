"""其他事项: the figures of 其他重要事项 that no table holds (政府采购, 国有资产, 机关运行经费).

The sheet has two columns, 项目 | 内容, like 基本信息.  Money is in 基本信息.金额单位, as every
amount of the master; it is kept in 分 (for exact comparisons: 车辆价值 = Σ the vehicles) and
printed in 百元.  本年购置车辆经费 may be an amount or words such as 未安排.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping

from ..findings import Finding, error, info
from ..model import Master
from ..money import AmountError, FEN_PER_BAIYUAN, half_up_div, parse_amount, to_fen
from ..reader.headers import normalise
from ..reader.workbook import cell_ref

MATTERS_SHEET = "其他事项"

PROCUREMENT = ("政府采购货物", "政府采购工程", "政府采购服务")
RESERVED = ("面向中小企业预留", "其中小微企业预留")
VEHICLE_COUNTS = ("一般公务用车数", "执法执勤用车数", "其他车辆数")
VEHICLE_VALUES = ("一般公务用车价值", "执法执勤用车价值", "其他车辆价值")
MONEY_KEYS = (*PROCUREMENT, *RESERVED, "房屋价值", "车辆价值", *VEHICLE_VALUES, "办公家具价值",
              "其他资产价值", "机关运行经费")
COUNT_KEYS = ("车辆总数", *VEHICLE_COUNTS, "50万元以上设备台数", "100万元以上设备台数",
              "本年购置50万元以上设备台数", "本年购置100万元以上设备台数")
AREA_KEYS = ("房屋面积",)
TEXT_KEYS = ("国有资产截至日期", "非财政拨款项目说明")
VEHICLE_FUNDS = "本年购置车辆经费"  # an amount, or words (未安排)
KNOWN = frozenset((*MONEY_KEYS, *COUNT_KEYS, *AREA_KEYS, *TEXT_KEYS, VEHICLE_FUNDS))


@dataclass(frozen=True, slots=True)
class Matter:
    key: str
    value: object  # money: 百元 int; count: int; area: Decimal; text: str
    cell: str
    fen: int | None = None  # money only: the exact amount


@dataclass(frozen=True)
class Matters:
    present: bool  # the master has the sheet
    values: Mapping[str, Matter]

    def get(self, key: str) -> Matter | None:
        return self.values.get(key)


def read_matters(master: Master) -> tuple[Matters, list[Finding]]:
    rows = None
    for name, sheet_rows in master.sheets.items():
        if normalise(name) == normalise(MATTERS_SHEET):
            rows = sheet_rows
    if rows is None:
        return Matters(False, MappingProxyType({})), []
    unit = master.info.unit
    findings: list[Finding] = []
    values: dict[str, Matter] = {}
    for r, row in enumerate(rows):
        key = normalise(row[0]) if row else ""
        if not key or (r == 0 and key in ("项目", "key")):
            continue
        raw = row[1] if len(row) > 1 else None
        ref = cell_ref(r, 1)
        if key not in KNOWN:
            findings.append(info("other-matter-unknown", MATTERS_SHEET, cell_ref(r, 0),
                                 f"“{row[0]}”不是其他事项的标准项目，已忽略。"))
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue  # blank: reported where the narrative needs it
        try:
            values[key] = _value(key, raw, ref, unit)
        except AmountError as exc:
            findings.append(error("other-matter-bad", MATTERS_SHEET, ref,
                                  f"其他事项“{key}”{exc}。{_hint(key, unit)}", actual=raw))
    return Matters(True, MappingProxyType(values)), findings


def _value(key: str, raw: object, ref: str, unit: str) -> Matter:
    if key in TEXT_KEYS:
        return Matter(key, _text(raw), ref)
    if key == VEHICLE_FUNDS:
        try:
            return _money(key, raw, ref, unit)
        except AmountError:
            return Matter(key, _text(raw), ref)
    if key in MONEY_KEYS:
        return _money(key, raw, ref, unit)
    number = _number(raw)
    if key in COUNT_KEYS:
        if number != number.to_integral_value():
            raise AmountError(f"{number} 不是整数")
        return Matter(key, int(number), ref)
    return Matter(key, number, ref)


def _money(key: str, raw: object, ref: str, unit: str) -> Matter:
    fen, _ = to_fen(_number(raw), unit)
    return Matter(key, half_up_div(fen, FEN_PER_BAIYUAN), ref, fen)


def _number(raw: object) -> Decimal:
    try:
        amount, _ = parse_amount(raw)
    except AmountError:
        raise AmountError(f"“{raw}”不是数字") from None
    if amount < 0:
        raise AmountError(f"{amount} 为负数")
    return amount


def _text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _hint(key: str, unit: str) -> str:
    if key in MONEY_KEYS:
        return f"请填写金额数字（{unit}），不要带单位或文字。"
    if key in COUNT_KEYS:
        return "请填写整数（辆、台）。"
    return "请填写数字（平方米）。"
