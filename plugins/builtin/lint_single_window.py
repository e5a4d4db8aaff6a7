"""OW202 `single-matter-window`: a window that handles one matter only (只办一个事项的窗口).

## What it does

Flags a front-desk window that is a single-matter window: one of kind `single`, or one that
takes in matters (kind `comprehensive`, `immediate`, `online-agency` or no kind) but lists
exactly one matter. A window that lists no matters and takes its domains in, or that lists
a chain (一件事), is not flagged; neither are agency, all-round, consultation, delivery or
self-service windows.

## Why

> 取消“只办一个事项”的窗口，分领域设置综合办理窗口，负责高频事项的受理审核决定全流程工作
>
> — seed 004, 兰山区关于进一步提升基层便民服务体系标准化信息化质量的工作方案（临兰营商办发〔2019〕5号）

> 将部门分设的单一窗口整合为综合窗口，变多头受理为一口受理，变一事跑多窗为一窗办多事
>
> — seed 000, 周村区优化政务服务专项行动方案（周政办字〔2018〕112号）

A window that takes one matter idles while the queue at the next window grows, and an
applicant with two matters queues twice. With `matters` listing one matter, a
comprehensive window takes nothing else, whatever its `domains` say.

## Example

```ow
window 个体户登记窗口 { kind comprehensive  domains 市场准入  matters 个体工商户设立登记 }
```

## Use instead

```ow
window 市场准入综合窗口 { kind comprehensive  domains 市场准入 }
```
"""

from __future__ import annotations

from collections.abc import Iterator

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import finding
from onewindow.dsl.model import WindowKind
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import jurisdictions

CODE = "OW202"
NAME = "single-matter-window"

#: Window kinds that take applications in (前台受理); the others serve other purposes.
INTAKE_KINDS = (None, WindowKind.comprehensive, WindowKind.immediate, WindowKind.online_agency)


def check(ws: Workspace) -> Iterator[Diagnostic]:
    for j in jurisdictions(ws):
        chains = {c.name for c in j.chains}
        for hall in j.halls:
            for w in hall.windows:
                matters = [r.name for r in w.matters if r.name not in chains]
                listed_chains = [r.name for r in w.matters if r.name in chains]
                if w.kind_of is WindowKind.single:
                    what = (
                        f"is a single-matter window (kind single) for '{matters[0]}'"
                        if len(matters) == 1
                        else "is a department's single window (kind single)"
                    )
                elif w.kind_of in INTAKE_KINDS and len(matters) == 1 and not listed_chains:
                    what = f"takes in one matter only, '{matters[0]}'"
                else:
                    continue
                yield finding(
                    CODE,
                    j.name,
                    w.span,
                    f"window '{w.name}' of '{hall.name}' {what}",
                    "merge it into a comprehensive window by domain (kind comprehensive, "
                    "domains …, no matters line) — 取消“只办一个事项”的窗口 (seed 004)",
                )


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="A window handles a single matter (or is a department's single window).",
    check=check,
    doc=__doc__ or "",
)
