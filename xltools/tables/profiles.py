"""表样: which tables a disclosure publishes, their numbers and print conventions.

Seen in the reference documents: 2023–2025 publish tables 1–10 plus, when there is
carryover, 上年结转结余情况明细表 as 表11; 2026 publishes twelve tables, adding
财政拨款委托业务费支出情况表 (表11) and 上年结转结余情况表 (表12).
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_TABLES = (
    "T_income_expense", "T_income", "T_expense", "T_fiscal", "T_gpb", "T_gpb_basic",
    "T_gpb_project", "T_gov_fund", "T_state_capital", "T_three_public",
)


@dataclass(frozen=True)
class Profile:
    name: str
    tables: tuple[str, ...]  # in printed order; 表N = position + 1
    carryover_title: str
    carryover_optional: bool  # 2023–2025: 基本信息.上年结转表 decides
    total_first: bool  # where 总计 is printed in tree tables
    total_label: str
    column_numbers: bool = False  # print the 栏次 row (※ … 1 2 3) under the headers


PROFILES: dict[str, Profile] = {
    **{str(y): Profile(str(y), BASE_TABLES + ("T_carryover",), "上年结转结余情况明细表",
                       True, True, "合计", True) for y in (2023, 2024, 2025)},
    "2026": Profile("2026", BASE_TABLES + ("T_entrusted", "T_carryover"), "上年结转结余情况表",
                    False, False, "总计"),
}


def default_profile(year: int) -> str:
    if year >= 2026:
        return "2026"
    return str(max(2023, year))


def published_tables(profile: Profile, carryover_table: bool | None, has_carryover: bool
                     ) -> tuple[str, ...]:
    if not profile.carryover_optional:
        return profile.tables
    wanted = has_carryover if carryover_table is None else carryover_table
    return profile.tables if wanted else tuple(t for t in profile.tables if t != "T_carryover")
