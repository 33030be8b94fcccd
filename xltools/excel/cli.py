"""``xltools addin build [-o FILE]`` and ``xltools addin install`` (Windows)."""

from __future__ import annotations

import os
import sys
import tempfile

import click

from .addin import ADDIN_NAME, AddinError, build_addin, prepare_search


def _fail(message: str) -> None:
    # Same contract as the other commands: a Chinese message, exit code 2, no traceback.
    click.echo(message, err=True)
    sys.exit(2)


@click.group()
def addin() -> None:
    """Excel 加载项：功能区“预算公开”和 BUDGET_SUM 等工作表函数。"""


@addin.command()
@click.option("-o", "--output", default=ADDIN_NAME, show_default=True,
              type=click.Path(dir_okay=False), help="加载项保存位置")
def build(output: str) -> None:
    """生成加载项 xltools.xlam（任何系统都可以生成）。"""
    try:
        build_addin(output)
    except AddinError as exc:
        _fail(str(exc))
    click.echo(f"已生成加载项：{output}")


@addin.command()
def install() -> None:
    """在本机 Excel 中安装 xltools 加载项和 xlwings 加载项（仅 Windows）。"""
    if not sys.platform.startswith("win"):
        _fail("xltools addin install 只能在装有 Excel 的 Windows 电脑上运行。"
              "在其他系统上可以用 xltools addin build 生成 xltools.xlam，再复制到 Windows 电脑安装。")
    from .addin import install as install_addin

    with tempfile.TemporaryDirectory(prefix="xltools-addin-") as work:
        try:
            path = build_addin(os.path.join(work, ADDIN_NAME))
            for line in install_addin(path):
                click.echo(line)
            click.echo("正在编译舍位平衡的计算（约 10 秒）…")
            click.echo(prepare_search())
        except AddinError as exc:
            _fail(str(exc))
    click.echo("安装完成。请关闭并重新启动 Excel，功能区上会出现“预算公开”选项卡。")
