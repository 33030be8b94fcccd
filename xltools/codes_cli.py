"""``xltools codes import | list``: the user's classification lists."""

from __future__ import annotations

import datetime

import click

from . import dictionaries
from .codelists import KIND_LABELS, CodeListError, kind_of, read_code_list, year_from_name

EXIT_ERRORS, EXIT_UNREADABLE = 1, 2


@click.group()
def codes() -> None:
    """导入、查看政府收支分类科目表。"""


@codes.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--year", type=click.IntRange(2000, 2100), help="科目表的年度（默认取文件名中的年份）")
@click.option("--replace", is_flag=True, help="替换该年度以前导入的科目表（默认合并，新名称优先）")
def import_(file: str, year: int | None, replace: bool) -> None:
    """导入科目表（.xlsx/.csv/.txt/.docx），此后该年度的生成、校验和模板都使用它。"""
    from .cli import Failure

    year = year or year_from_name(file)
    if year is None:
        raise Failure(f"无法从文件名“{file}”看出年度，请用 --year 指定，如 --year 2026。", EXIT_UNREADABLE)
    try:
        found = read_code_list(file)
    except CodeListError as exc:
        raise Failure(f"[错误] {file}：{exc}\n没有导入任何科目。", EXIT_UNREADABLE) from None
    path = dictionaries.save_imported(year, found.lists, replace=replace)
    counts = "、".join(f"{KIND_LABELS[k]} {len(v)} 个" for k, v in sorted(found.lists.items()))
    click.echo(f"已导入 {year} 年科目：{counts}。保存在：{path}")
    if found.skipped_income:
        click.echo(f"另有 {found.skipped_income} 个收入分类科目，xltools 不使用，已跳过。")
    if found.skipped_text:
        shown = "、".join(found.skipped_text[:3]) + ("等" if len(found.skipped_text) > 3 else "")
        click.echo(f"跳过 {len(found.skipped_text)} 行不以科目编码开头的文字（标题、说明），"
                   f"如{shown}。若其中有科目，请在编码前补上数字后重新导入。")


@codes.command("list")
@click.argument("code", nargs=-1)
@click.option("--year", type=click.IntRange(2000, 2100), help="年度（默认：底稿的预算年度，否则今年）")
@click.option("--master", type=click.Path(dir_okay=False), help="同时列出这个底稿“科目字典”和收支明细中的名称")
def list_(code: tuple[str, ...], year: int | None, master: str | None) -> None:
    """列出科目的名称和来源（内置、导入、科目字典、底稿）。"""
    from .cli import Failure
    from .codes import parse_code
    from .reader import read_master

    names: dict[str, str] = {}
    sources: dict[str, str] = {}
    m = read_master(master) if master else None
    if year is None:
        year = m.info.year if m is not None and m.info else datetime.date.today().year
    for kind in KIND_LABELS:
        names.update(dictionaries.load(kind, year))
        sources.update(dictionaries.sources(kind, year))
    if m is not None:
        names.update(m.func_names)
        names.update(m.econ_names)
        sources.update(m.name_sources)
    wanted = []
    for text in code:
        parsed = parse_code(text)
        if parsed is None or not parsed.code:
            raise Failure(f"“{text}”不是科目编码。", EXIT_UNREADABLE)
        wanted.append(parsed.code)
    missing = []
    for c in wanted or sorted(names, key=lambda c: (kind_of(c) or "", c)):
        if c in names:
            kind = KIND_LABELS.get(kind_of(c) or "", "")
            click.echo(f"{c}\t{names[c]}\t{kind}\t{sources.get(c, '')}")
        else:
            missing.append(c)
            click.echo(f"{c}\t（没有名称）")
    if missing:
        raise Failure(f"{year} 年的科目表中没有 {'、'.join(missing)}。可用 xltools codes import 导入"
                      "财政部门下发的科目表，或在底稿“科目字典”表补充。", EXIT_ERRORS)
