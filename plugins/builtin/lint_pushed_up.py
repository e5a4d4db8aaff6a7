"""OW206 `pushed-up-matter`: a township holds a matter its center does not take in (不得上推).

## What it does

Flags a township that handles matters — its own, or delegated to it (下放) and in force as
of `--as-of` — which no window of its halls takes in, so applicants are sent up to the
district. A window takes a matter in when it lists it, when it is a comprehensive (or
online-agency) window without a `matters` line covering the matter's domain, or, when no
window does, when the hall has an all-round window (the simulation routes the same way).
A township with such matters and no hall at all is flagged too.

## Why

> 所有区级下放事项和镇级审批服务事项均应在规定时间内审批完毕，镇级不得上推审批服务事项，不得越权行使区级审批服务事项。
>
> — seed 004, 兰山区关于进一步提升基层便民服务体系标准化信息化质量的工作方案（临兰营商办发〔2019〕5号）

A delegated matter that no township window takes in is handled nowhere near the applicant:
the delegation exists on paper only, and the applicant travels to the district.

## Example

```ow
delegate 城乡居民养老保险参保登记 to 兰山街道        # in 兰山区
hall 便民服务中心 {                                 # in 兰山街道
  window 市场准入 { kind comprehensive  domains 市场准入 }
}
```

## Use instead

```ow
hall 便民服务中心 {
  window 市场准入 { kind comprehensive  domains 市场准入 }
  window 社会事务 { kind comprehensive  domains 社会事务 }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import as_of, finding
from onewindow.dsl.model import Span
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import (
    accepted_at,
    is_township,
    jurisdictions,
    quoted,
)

CODE = "OW206"
NAME = "pushed-up-matter"


def check(ws: Workspace) -> Iterator[Diagnostic]:
    day = as_of()
    for j in jurisdictions(ws):
        if not is_township(j):
            continue
        handled = ws.handled_matters(j.name, day)
        delegated = {i.matter.name: i for i in ws.delegated_in(j.name, day)}
        own = {m.name for m in j.matters}
        left: list[str] = []
        related: list[tuple[Span, str]] = []
        for name in sorted(handled):
            if accepted_at(j, handled[name]):
                continue
            left.append(name)
            if name in own or name not in delegated:
                related.append((handled[name].span, f"'{name}' is declared here"))
            else:
                item = delegated[name]
                ref = next((r for r in item.delegation.matters if r.name == name), None)
                span = ref.span if ref is not None else item.delegation.span
                related.append((span, f"'{item.owner}' delegates '{name}' here"))
        if not left:
            continue
        where = "its service center takes none of" if j.halls else "it has no service hall for"
        yield finding(
            CODE,
            j.name,
            j.halls[0].span if j.halls else j.span,
            f"'{j.name}' handles {len(left)} matter(s) but {where} them: {quoted(left)}; "
            "applicants are sent up to the district",
            "add a window that lists them or covers their domain (kind comprehensive, "
            "domains …), or an all-round window — 镇级不得上推审批服务事项 (seed 004)",
            related=related,
        )


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="A township holds a matter (own or delegated) that no window of its center takes in.",
    check=check,
    doc=__doc__ or "",
)
