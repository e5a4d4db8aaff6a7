"""OW209 `chain-repeated-material`: a chain (一件事) asks the applicant for a material twice.

## What it does

Flags a chain whose applicant has to hand in the same material more than once. A chain
with its own `materials` block (the one set of materials, 一套材料) is flagged when that
block names a material twice. A chain without one takes its steps' materials: it is
flagged for each material that two or more steps ask `from applicant`. Materials a step
takes `from matter` of an earlier step, by data sharing or as an e-licence are not counted.

## Why

> 整合涉及多部门事项的共性材料，推广多业务申请表信息复用，通过“一表申请”将企业和个人基本信息材料一次收齐、后续反复使用，减少重复填写和重复提交。逐项编制并公布“一件事”服务指南 … 形成“一套材料、一张表单、一个流程”
>
> — seed 000, 周村区优化政务服务专项行动方案（周政办字〔2018〕112号）

A chain exists so that one thing is done with one set of papers; a material asked at two
steps is a repeated submission, and under the simulation an incomplete one at either step
costs a trip.

## Example

```ow
chain 开办企业 { steps 企业设立登记 & 公章刻制 }   # both steps ask "营业执照" from applicant
```

## Use instead

```ow
chain 开办企业 {
  steps 企业设立登记 & 公章刻制
  materials { "营业执照" from applicant }          # one set of materials for the chain
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import as_of, finding
from onewindow.dsl.model import Chain, Jurisdiction, MaterialSource, Span
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import jurisdictions, quoted, steps

CODE = "OW209"
NAME = "chain-repeated-material"

HINT = (
    "give the chain one `materials { … }` block naming each material once "
    "(一套材料、一张表单、一个流程, seed 000)"
)


def _own_block(j: Jurisdiction, c: Chain) -> Iterator[Diagnostic]:
    first: dict[str, Span] = {}
    for x in c.materials:
        if x.source is not MaterialSource.applicant:
            continue
        if x.name in first:
            yield finding(
                CODE,
                j.name,
                x.span,
                f"chain '{c.name}' asks the applicant for '{x.name}' twice",
                HINT,
                related=((first[x.name], "first asked here"),),
            )
        else:
            first[x.name] = x.span


def _steps(ws: Workspace, j: Jurisdiction, c: Chain) -> Iterator[Diagnostic]:
    held = ws.handled_matters(j.name, as_of())
    asked: dict[str, list[tuple[str, Span]]] = {}
    seen: set[str] = set()
    for s in steps(c.steps):
        matter = held.get(s.matter.name)
        if matter is None or matter.name in seen:
            continue
        seen.add(matter.name)
        for x in matter.materials:
            if x.source is MaterialSource.applicant:
                places = asked.setdefault(x.name, [])
                if all(step != matter.name for step, _ in places):
                    places.append((matter.name, x.span))
    for name in sorted(asked):
        places = asked[name]
        if len(places) < 2:
            continue
        yield finding(
            CODE,
            j.name,
            c.span,
            f"chain '{c.name}' asks the applicant for '{name}' at {len(places)} steps: "
            + quoted([step for step, _ in places]),
            HINT,
            related=tuple((span, f"asked by '{step}'") for step, span in places),
        )


def check(ws: Workspace) -> Iterator[Diagnostic]:
    for j in jurisdictions(ws):
        for c in j.chains:
            if c.materials:
                yield from _own_block(j, c)
            else:
                yield from _steps(ws, j, c)


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="A chain (一件事) asks the applicant for the same material more than once.",
    check=check,
    doc=__doc__ or "",
)
