"""How each table is printed: its header tree and its columns, as in the published documents.

A header is a tree of ``Head``s.  Leaves are the printed columns: stub columns (codes, names,
labels — keys starting with "@") and value columns (keys ``(section, column)``, the same keys
as the tables JSON).  A parent spans its leaves on one header row; a leaf reaches down to the
last header row.  Labels follow the 2026 documents (the 2024 ones differ only in wording).
"""

from __future__ import annotations

from dataclasses import dataclass

CODE_PARTS = ("@class", "@kuan", "@xiang")  # 类 款 项: the code split as printed


@dataclass(frozen=True)
class Head:
    label: str
    children: tuple["Head", ...] = ()
    key: str | tuple[str, str] | None = None

    def leaves(self) -> list["Head"]:
        if not self.children:
            return [self]
        return [leaf for c in self.children for leaf in c.leaves()]

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


@dataclass(frozen=True)
class Layout:
    heads: tuple[Head, ...]
    two_sided: bool = False  # 表1/表4: income rows on the left, expense rows on the right
    column_numbers: bool = True  # whether a 栏次 row may be printed (not on 表1/表4)

    @property
    def leaves(self) -> list[Head]:
        return [leaf for h in self.heads for leaf in h.leaves()]

    @property
    def depth(self) -> int:
        return max(h.depth() for h in self.heads)

    @property
    def stub_width(self) -> int:
        return sum(1 for leaf in self.leaves if isinstance(leaf.key, str))


def _v(label: str, col: str, section: str = "rows") -> Head:
    return Head(label, key=(section, col))


def _group(label: str, *children: Head) -> Head:
    return Head(label, tuple(children))


def _code(levels: int = 3) -> Head:
    names = ("类", "款", "项")[:levels]
    return _group("科目代码", *(Head(n, key=k) for n, k in zip(names, CODE_PARTS)))


_NAME = Head("科目名称", key="@name")
_BY_FAMILY = (_v("合计", "total"), _group("资金来源", _v("一般公共预算", "gpb"),
                                        _v("政府性基金", "fund"), _v("国有资本经营预算", "capital")))
_BASIC_SPLIT = _group("基本支出", _v("人员经费", "personnel"), _v("公用经费", "public"))


def _income_heads(twelve: bool) -> tuple[Head, ...]:
    fiscal = [_v("财政拨款（补助）小计", "fiscal_subtotal"), _v("一般公共预算", "gpb"),
              _v("上级一般公共预算安排的转移支付", "gpb_transfer"), _v("政府性基金预算", "fund"),
              _v("上级政府性基金安排的转移支付", "fund_transfer"), _v("国有资本经营预算", "capital")]
    if twelve:
        fiscal.append(_v("上级国有资本经营预算安排的转移支付", "capital_transfer"))
    return (_code(), _NAME, _v("总计", "total"), _group("财政拨款（补助）", *fiscal),
            _v("财政专户（教育收费）", "special_account"), _v("单位资金", "unit_funds"),
            _v("财政拨款结转", "carry_fiscal"), _v("非财政拨款结转结余", "carry_nonfiscal"))


def _carry_side(label: str, prefix: str) -> Head:
    return _group(label, _v("小计", f"{prefix}_total"),
                  _group("基本支出", _v("人员经费", f"{prefix}_personnel"),
                         _v("公用经费", f"{prefix}_public")),
                  _v("项目支出", f"{prefix}_project"))


_ECON_CLASSES = (("e301", "工资福利支出"), ("e302", "商品和服务支出"), ("e303", "对个人和家庭的补助"),
                 ("e307", "债务利息及费用支出"), ("e309", "资本性支出（基本建设）"), ("e310", "资本性支出"),
                 ("e311", "对企业补助（基本建设）"), ("e312", "对企业补助"),
                 ("e313", "对社会保障基金补助"), ("e399", "其他支出"))


def layout(table_key: str, columns: tuple[str, ...]) -> Layout:
    """The printed layout of a table; ``columns`` are the value columns the table has."""
    subject = _group("科目", _code(), _NAME)
    if table_key == "T_income_expense":
        return Layout((_group("收入", Head("项目", key="@in_label"), _v("预算数", "amount", "income_rows")),
                       _group("支出", Head("科目名称", key="@ex_label"),
                              _v("预算数", "amount", "expense_rows"))), True, False)
    if table_key == "T_fiscal":
        return Layout((
            _group("财政拨款收入", Head("项目", key="@in_label"), _v("合计", "amount", "income_rows")),
            _group("财政拨款支出", Head("科目名称", key="@ex_label"),
                   *(_v(label, col, "expense_rows") for label, col in (
                       ("合计", "total"), ("一般公共预算", "gpb"), ("政府性基金预算", "fund"),
                       ("国有资本经营预算", "capital"))))), True, False)
    if table_key == "T_income":
        return Layout(_income_heads("capital_transfer" in columns))
    if table_key == "T_expense":
        return Layout((subject, _group("支出预算", _v("合计", "total"), _v("基本支出", "basic"),
                                       _v("项目支出", "project"))))
    if table_key == "T_gpb":
        return Layout((subject, _group("一般公共预算支出", _v("合计", "total"), _v("基本支出", "basic"),
                                       _v("项目支出", "project"))))
    if table_key == "T_gpb_basic":
        return Layout((_code(2), _NAME, _group("一般公共预算基本支出", _v("合计", "total"),
                                                _v("人员经费", "personnel"), _v("公用经费", "public"))))
    if table_key == "T_gpb_project":
        return Layout((_code(), _NAME, Head("项目名称", key="@project"), _v("项目支出合计", "total"),
                       *(_v(label, col) for col, label in _ECON_CLASSES)))
    if table_key in ("T_gov_fund", "T_state_capital"):
        title = "政府性基金预算支出" if table_key == "T_gov_fund" else "国有资本经营预算支出"
        return Layout((subject, _group(title, _v("合计", "total"), _BASIC_SPLIT, _v("项目支出", "project"))))
    if table_key == "T_three_public":
        return Layout((Head("“三公”经费支出内容", key="@label"), *_BY_FAMILY))
    if table_key == "T_entrusted":
        return Layout((Head("项目名称", key="@label"), *_BY_FAMILY))
    if table_key == "T_carryover":
        return Layout((Head("项目", key="@label"), _v("合计", "total"),
                       _carry_side("财政拨款", "fiscal"), _carry_side("非财政拨款", "nonfiscal")))
    raise KeyError(table_key)


# Column widths in Excel character units: a Chinese character takes about two.
WIDTHS = {"@class": 5.5, "@kuan": 4.5, "@xiang": 4.5, "@name": 30, "@project": 34,
          "@label": 40, "@in_label": 30, "@ex_label": 26}
VALUE_WIDTH = 12.5
PORTRAIT_MAX_WIDTH = 100  # wider than this prints landscape


def width(leaf: Head) -> float:
    return WIDTHS[leaf.key] if isinstance(leaf.key, str) else VALUE_WIDTH
