"""OW207 `beyond-delegation`: a jurisdiction exercises a delegated matter beyond its delegation (不得越权).

## What it does

Flags two ways of going beyond a delegation (下放):

- a window or chain step of a jurisdiction names a matter whose delegation to it is not yet
  in force on `--as-of` (the `delegate … from DATE` lies after that day) — the matter is
  taken in before the power was handed over;
- a jurisdiction declares its own `matter` with the name of a matter delegated to it: its
  copy replaces the delegating level's elements (conditions, materials, limits) with its
  own, so it exercises the power on terms it was not given.

Using a higher level's matter with no delegation at all is an error of its own (OW132).

## Why

> 所有区级下放事项和镇级审批服务事项均应在规定时间内审批完毕，镇级不得上推审批服务事项，不得越权行使区级审批服务事项。
>
> — seed 004, 兰山区关于进一步提升基层便民服务体系标准化信息化质量的工作方案（临兰营商办发〔2019〕5号）

> 区级下放事项均在镇级便民服务中心办理，区行政审批服务局负责制定事项名称、实施依据、办理条件、申报材料、办事流程、办理时限、表单填写等标准
>
> — seed 004 (same document)

The district sets the standard of a delegated matter and lends its seal for it; a town that
starts early or rewrites the matter acts without authority, and its decisions can be void.

## Example

```ow
delegate 个体工商户设立登记 to 兰山街道 from 2019-09-16     # in 兰山区
matter 个体工商户设立登记 { level township … }              # in 兰山街道: own copy
```

## Use instead

```ow
delegate 个体工商户设立登记 to 兰山街道 from 2019-09-16     # in 兰山区; 兰山街道 declares nothing
```
"""

from __future__ import annotations

from collections.abc import Iterator

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import as_of, finding
from onewindow.dsl.model import Jurisdiction, Ref
from onewindow.dsl.resolve import DelegatedMatter, Workspace
from onewindow.engine.dated import effective_from
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import jurisdictions, quoted, steps

CODE = "OW207"
NAME = "beyond-delegation"


def _refs(j: Jurisdiction) -> Iterator[tuple[Ref, str]]:
    """Matter names used by the jurisdiction's windows and chains, with where."""
    chains = {c.name for c in j.chains}
    for h in j.halls:
        for w in h.windows:
            for r in w.matters:
                if r.name not in chains:
                    yield r, f"window '{w.name}'"
    for c in j.chains:
        for s in steps(c.steps):
            yield s.matter, f"chain '{c.name}'"


def _early(ws: Workspace, j: Jurisdiction) -> Iterator[Diagnostic]:
    day = as_of()
    if day is None:
        return
    now = ws.handled_matters(j.name, day)
    later: dict[str, DelegatedMatter] = {}
    for item in ws.delegated_in(j.name):
        if item.matter.name not in now:
            later.setdefault(item.matter.name, item)
    early: dict[str, list[tuple[Ref, DelegatedMatter]]] = {}
    for ref, where in _refs(j):
        item = later.get(ref.name)
        if item is not None and all(r.name != ref.name for r, _ in early.get(where, [])):
            early.setdefault(where, []).append((ref, item))
    for where, found in early.items():
        ref, item = found[0]
        starts = sorted({str(effective_from(i.delegation)) for _, i in found})
        owners = sorted({i.owner for _, i in found})
        yield finding(
            CODE,
            j.name,
            ref.span,
            f"{where} of '{j.name}' takes in {len(found)} matter(s) on {day.isoformat()} "
            f"before {quoted(owners)} delegates them here (from {', '.join(starts)}): "
            + quoted([r.name for r, _ in found]),
            "take a matter in only once its delegation holds, or date the delegation "
            "earlier — 不得越权行使区级审批服务事项 (seed 004)",
            related=tuple(
                dict.fromkeys((i.delegation.span, f"'{i.owner}' delegates it") for _, i in found)
            ),
        )


def _own_copy(ws: Workspace, j: Jurisdiction) -> Iterator[Diagnostic]:
    delegated = {i.matter.name: i for i in ws.delegated_in(j.name, as_of())}
    for m in j.matters:
        item = delegated.get(m.name)
        if item is None:
            continue
        yield finding(
            CODE,
            j.name,
            m.span,
            f"'{j.name}' declares its own '{m.name}', a matter '{item.owner}' delegates to it: "
            "its copy replaces the delegated matter's conditions, materials and limits",
            f"remove this matter; '{item.owner}' sets the delegated matter's elements "
            "— 不得越权行使区级审批服务事项 (seed 004)",
            related=((item.matter.span, f"the matter of '{item.owner}'"),),
        )


def check(ws: Workspace) -> Iterator[Diagnostic]:
    for j in jurisdictions(ws):
        yield from _early(ws, j)
        yield from _own_copy(ws, j)


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="A matter is taken in before its delegation holds, or a delegated matter is redeclared.",
    check=check,
    doc=__doc__ or "",
)
