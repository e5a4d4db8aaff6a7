"""OW201 `catch-all-wording`: vague or catch-all words in materials and conditions (兜底条款).

## What it does

Flags an application material (申请材料) of a matter or chain whose name uses the words the
seeds strike out — 等 ("etc."), 其他/其它 ("other"), 相关 ("related"), or the catch-all
"其他材料" — and a matter whose acceptance conditions (受理条件) use them. Words inside a
title in 《…》 are not read, and neither are set phrases that merely contain the characters
(等级, 平等, 其他组织 …).

## Why

> 重点审核事项申报条件、申报材料目录，删除“等”“其他”“相关”等模糊性表述和兜底条款
>
> — seed 001, 东昌区“一窗受理、集成服务”改革工作实施方案（通昌政职转办[2018]3号）

> 必需的申请材料应注明来源渠道 … 杜绝“其他材料”等兜底性条款
>
> — seed 000, 周村区优化政务服务专项行动方案（周政办字〔2018〕112号）

An open list lets the window ask for one more paper at every visit: the applicant cannot
know in advance what to bring, and 最多跑一次 fails on the second trip.

## Example

```ow
materials {
  "申请书"         from applicant
  "其他相关材料"   from applicant
}
conditions "符合法律、法规规定的其他条件"
```

## Use instead

```ow
materials {
  "申请书"         from applicant
  "经营场所使用证明" from applicant
}
conditions "经营者具有经营能力"
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import finding
from onewindow.dsl.model import Material
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import jurisdictions

CODE = "OW201"
NAME = "catch-all-wording"

#: Phrases that contain a vague character but are precise terms.
_TERMS = (
    "其他组织",  # 公民、法人或者其他组织: a legal category
    "其它组织",
    "等级",
    "等次",
    "等第",
    "平等",
    "同等",
    "对等",
    "相等",
    "均等",
    "等同",
    "等待",
    "等候",
    "等于",
    "等额",
    "等效",
    "等量",
    "等距",
    "等高",
    "高等",
    "中等",
    "初等",
    "特等",
    "优等",
    "上等",
    "头等",
)
_RANKS = re.compile(r"[一二三四五六七八九十甲乙丙丁]等")
_TITLE = re.compile(r"《[^》]*》")
_WORDS = (
    ("其他材料", "其他材料"),
    ("其他", "其他"),
    ("其它", "其它"),
    ("相关", "相关"),
    ("等", "等"),
)


def vague_words(text: str) -> list[str]:
    """The seed's vague words found in `text` (in the order 其他材料, 其他, 其它, 相关, 等)."""
    rest = _TITLE.sub("", text)
    rest = _RANKS.sub("", rest)
    for term in _TERMS:
        rest = rest.replace(term, "")
    found: list[str] = []
    for needle, shown in _WORDS:
        if needle in rest:
            found.append(shown)
            rest = rest.replace(needle, "")
    return found


def _words(found: list[str]) -> str:
    return ", ".join(f"'{w}'" for w in found)


HINT = (
    "name each material and condition exactly; "
    "删除“等”“其他”“相关”等模糊性表述和兜底条款 (seed 001)"
)


def _material(jurisdiction: str, m: Material, where: str) -> Diagnostic | None:
    found = vague_words(m.name)
    if not found:
        return None
    return finding(
        CODE,
        jurisdiction,
        m.span,
        f"material '{m.name}' of {where} uses catch-all wording ({_words(found)}): "
        "applicants cannot tell what to bring",
        HINT,
    )


def check(ws: Workspace) -> Iterator[Diagnostic]:
    for j in jurisdictions(ws):
        for matter in j.matters:
            for m in matter.materials:
                d = _material(j.name, m, f"'{matter.name}'")
                if d is not None:
                    yield d
            found = vague_words(matter.conditions or "")
            if found:
                yield finding(
                    CODE,
                    j.name,
                    matter.span,
                    f"conditions of '{matter.name}' use open-ended wording ({_words(found)}): "
                    "staff and applicants will read them differently",
                    HINT,
                )
        for chain in j.chains:
            for m in chain.materials:
                d = _material(j.name, m, f"chain '{chain.name}'")
                if d is not None:
                    yield d


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="A material or condition uses catch-all wording (等, 其他, 相关, 其他材料).",
    check=check,
    doc=__doc__ or "",
)
