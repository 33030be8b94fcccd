"""The sentences' moving parts: amounts, shares, 增加/减少/持平, 增长/下降, reasons, placeholders.

Conventions (the reference documents, minus their mistakes):
- amounts in 万元 with two decimals and thousands separators: 1,234.56万元;
- a change in money says 增加/减少, a change in percent says 增长/下降, no change says 持平;
- a change from zero has no percentage: "比上年预算增加6.79万元（上年未安排）";
- the reason follows as "主要原因是…" in the accountant's own words (a Quote);
- a change of 10% or more, or from zero, without a reason gets a visible placeholder, and
  the placeholder carries the warning (checks.reason_missing).
"""

from __future__ import annotations

from decimal import Decimal

from ..money import format_wan
from . import checks
from .document import Part, Placeholder, Quote
from .figures import share
from .prior import Comparison

_REASON_PREFIXES = ("主要原因是", "主要原因为", "主要原因：", "主要原因:", "主要原因", "原因是", "原因为",
                    "原因：", "原因:")
_TRAILING = "。；;，,. 　"


def wan(amount: int) -> str:
    return f"{format_wan(amount)}万元"


def percent(value: Decimal) -> str:
    return f"{value:.2f}%"


def share_of(amount: int, base: int) -> str:
    return f"占{percent(share(amount, base))}"


def change(c: Comparison) -> tuple[Part, ...]:
    """比上年预算增加…，增长…% | 减少…，下降…% | 与上年预算持平 | …（上年未安排）."""
    if c.prior is None:
        return ("比上年预算", Placeholder("【上年预算数未填写】", checks.amount_missing(c)))
    if c.change == 0:
        return ("与上年预算持平",)
    if c.prior == 0:
        return (f"比上年预算增加{wan(c.change)}（上年未安排）",)
    more = c.change > 0
    return (f"比上年预算{'增加' if more else '减少'}{wan(abs(c.change))}，"
            f"{'增长' if more else '下降'}{percent(abs(c.pct))}",)


def reason(c: Comparison) -> tuple[Part, ...]:
    """"，主要原因是…" — the accountant's words, a placeholder when a big change has none."""
    text = clean_reason(c.reason)
    if text:
        if "原因" in text:  # the accountant wrote the whole clause ("增长的主要原因为…")
            return ("，", Quote(text))
        return ("，主要原因是", Quote(text))
    if c.needs_reason:
        return ("，主要原因是", Placeholder("【请填写变动原因】", checks.reason_missing(c)))
    return ()


def clean_reason(text: str) -> str:
    text = " ".join(text.split()).strip(_TRAILING)
    for prefix in _REASON_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix):].strip(_TRAILING)
    return text


def purpose(text: str) -> str:
    """A 资金分配情况 text to follow "主要用于：" (without repeating it or a final 。)."""
    text = " ".join(text.split()).strip(_TRAILING)
    for prefix in ("主要用于：", "主要用于:", "主要用于", "用于"):
        if text.startswith(prefix):
            return text[len(prefix):].strip(_TRAILING)
    return text


def compared(c: Comparison | None) -> tuple[Part, ...]:
    """"，比上年预算…，主要原因是…" after an amount; nothing when there is no 上年预算 at all."""
    if c is None or (c.derived and c.prior is None):
        return ()  # a total over rows that are missing: the rows' own sentences say so
    return ("，", *change(c), *reason(c))


def headcount_change(delta: int) -> str:
    if delta == 0:
        return "与上年持平"
    return f"{'增加' if delta > 0 else '减少'}{abs(delta)}人"


def quoted(text: str) -> Quote:
    return Quote(text.strip())
