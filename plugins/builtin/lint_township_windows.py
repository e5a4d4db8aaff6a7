"""OW203 `township-center-windows`: a township center without an all-round and an agency window.

## What it does

Flags a township (level `township`) whose service center — all its halls together — has no
window of kind `all-round` (全能窗口) or none of kind `agency` (代办帮办窗口). A township
with no hall at all is not flagged here (it has no center to furnish).

## Why

> 至少设置1个全能窗口，负责政策解读、咨询指导、意见搜集、纠纷化解工作；至少设置1个代办帮办窗口，负责精准代办、贴心帮办工作。
>
> — seed 004, 兰山区关于进一步提升基层便民服务体系标准化信息化质量的工作方案（临兰营商办发〔2019〕5号）

The all-round window is where the center's director answers what the other windows cannot;
without it, a matter no window covers turns the applicant away. The agency window is how
people who cannot manage the procedure themselves are served. A district whose own policy
does not ask for these windows turns the rule off for its towns with
`lint township-center-windows off` in the district file.

## Example

```ow
hall 便民服务中心 {
  window 综合受理 { kind comprehensive  domains 社会事务 }
}
```

## Use instead

```ow
hall 便民服务中心 {
  window 综合受理 { kind comprehensive  domains 社会事务 }
  window 全能窗口 { kind all-round }
  window 代办帮办窗口 { kind agency }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import finding
from onewindow.dsl.model import WindowKind
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import is_township, jurisdictions

CODE = "OW203"
NAME = "township-center-windows"

REQUIRED = (
    (WindowKind.all_round, "all-round window (全能窗口)", "`window 全能窗口 { kind all-round }`"),
    (WindowKind.agency, "agency window (代办帮办窗口)", "`window 代办帮办窗口 { kind agency }`"),
)


def check(ws: Workspace) -> Iterator[Diagnostic]:
    for j in jurisdictions(ws):
        if not is_township(j) or not j.halls:
            continue
        kinds = {w.kind_of for h in j.halls for w in h.windows}
        missing = [(text, stmt) for kind, text, stmt in REQUIRED if kind not in kinds]
        if not missing:
            continue
        yield finding(
            CODE,
            j.name,
            j.halls[0].span,
            f"the service center of '{j.name}' has no "
            + " and no ".join(text for text, _ in missing),
            "add "
            + " and ".join(stmt for _, stmt in missing)
            + " — 至少设置1个全能窗口 … 至少设置1个代办帮办窗口 (seed 004)",
        )


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="A township service center lacks an all-round (全能) or an agency (帮办代办) window.",
    check=check,
    doc=__doc__ or "",
)
