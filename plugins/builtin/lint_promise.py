"""OW204 `promise-not-shorter`: a promised time limit no shorter than the legal one (承诺时限).

## What it does

Flags a matter handled as a promised case (承诺件) whose promised limit in force equals its
legal limit (same unit), or that has a legal limit and no promised limit at all — either
way the service hall promises nothing beyond the law. Immediate matters (即办件) are not
flagged: the same-day handling is their promise. A promised limit *longer* than the legal
one is an error of its own (OW120). Dated limits are read as of `--as-of`.

## Why

> 结合政务服务标准化工作，进一步依法简化办事程序、合并办理环节、压缩办理时限，大幅提升服务效能
>
> — seed 001, 东昌区“一窗受理、集成服务”改革工作实施方案（通昌政职转办[2018]3号）

> 持续“减环节、减材料、减时间”，3年内大幅度压减区级行政许可办事环节、申请人提交材料及审批办理时限。
>
> — seed 002, 山亭区关于实施流程再造推进“一窗受理·一次办好”改革的实施方案（2019年9月12日）

Every seed asks the time limits to be compressed (压缩办理时限): a promise equal to the legal
maximum is no compression, and the simulation judges on-time rates against it.

## Example

```ow
limit legal 20 workdays, promised 20 workdays
```

## Use instead

```ow
limit legal 20 workdays, promised 5 workdays
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import as_of, finding
from onewindow.dsl.model import Handling, LimitKind
from onewindow.dsl.resolve import Workspace
from onewindow.engine.dated import limit_on
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import jurisdictions

CODE = "OW204"
NAME = "promise-not-shorter"

HINT = "promise fewer days than the law allows (压缩办理时限), e.g. `limit legal 20 workdays, promised 5 workdays`"


def check(ws: Workspace) -> Iterator[Diagnostic]:
    day = as_of() or dt.date.max
    for j in jurisdictions(ws):
        for m in j.matters:
            if m.handling is Handling.immediate:
                continue
            legal = limit_on(m.limits, LimitKind.legal, day)
            if legal is None:
                continue
            promised = limit_on(m.limits, LimitKind.promised, day)
            if promised is None:
                yield finding(
                    CODE,
                    j.name,
                    legal.span,
                    f"'{m.name}' has a legal limit of {legal.amount:g} {legal.unit.value} "
                    "and no promised limit: the promise is the legal maximum",
                    HINT,
                )
            elif promised.unit == legal.unit and promised.amount == legal.amount:
                yield finding(
                    CODE,
                    j.name,
                    promised.span,
                    f"'{m.name}' promises {promised.amount:g} {promised.unit.value}, "
                    "no shorter than its legal limit",
                    HINT,
                    related=((legal.span, "legal limit"),),
                )


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="A promised time limit is no shorter than the legal one (or missing).",
    check=check,
    doc=__doc__ or "",
)
