"""OW208 `shareable-material`: a material obtainable by data sharing is still asked of the applicant.

## What it does

Flags a material a matter or chain takes `from applicant` when another matter or chain of
the same county-level tree takes a material of the same name `from shared` (数据共享) or
`from elicence` (电子证照). The county-level tree is the district (区/县) the jurisdiction
belongs to, with its towns and villages, plus the city and province above it: what one of
them fetches from the shared libraries is within reach of all of them. Names must match
exactly.

## Why

> 对政务服务事项申请材料进行分析梳理 … 提出哪些材料可以精简，哪些材料可以以哪种方式实现数据共享，切实让服务对象减少重复提交资料
>
> — seed 000, 周村区优化政务服务专项行动方案（周政办字〔2018〕112号）

> 加强人口、法人单位等基础信息应用 … 推行证明材料在线获取、申请材料跨部门复用，实现“一处填报、全网通用”。
>
> — seed 002, 山亭区关于实施流程再造推进“一窗受理·一次办好”改革的实施方案（2019年9月12日）

If the hall already reads the identity card or business licence from the population or
legal-person library for one matter, asking the applicant to bring it for another is a
paper the reform promised to remove — and a reason for a second trip.

## Example

```ow
matter 残疾人证核发 { materials { "居民身份证" from applicant } }
matter 生育服务登记 { materials { "居民身份证" from shared } }
```

## Use instead

```ow
matter 残疾人证核发 { materials { "居民身份证" from shared } }
```
"""

from __future__ import annotations

from collections.abc import Iterator

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import finding
from onewindow.dsl.model import Jurisdiction, Level, Material, MaterialSource
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import jurisdictions

CODE = "OW208"
NAME = "shareable-material"

SHARED = (MaterialSource.shared, MaterialSource.elicence)


def scope_root(ws: Workspace, name: str) -> str:
    """The county-level jurisdiction above (or equal to) `name`, else the top of its tree."""
    lineage = ws.lineage(name)
    for j in lineage:
        if j.level is not None and j.level.rank <= Level.district.rank:
            return j.name
    return lineage[-1].name


def _scope(ws: Workspace, root: str) -> list[Jurisdiction]:
    members = {j.name: j for j in ws.lineage(root)}
    members.update((d.name, d) for d in ws.descendants(root))
    return [members[n] for n in sorted(members)]


def _materials(j: Jurisdiction) -> Iterator[tuple[str, Material]]:
    for m in j.matters:
        for x in m.materials:
            yield f"'{m.name}'", x
    for c in j.chains:
        for x in c.materials:
            yield f"chain '{c.name}'", x


def check(ws: Workspace) -> Iterator[Diagnostic]:
    evidence_by_root: dict[str, dict[str, tuple[str, str, Material]]] = {}
    for j in jurisdictions(ws):
        root = scope_root(ws, j.name)
        if root not in evidence_by_root:
            found: dict[str, tuple[str, str, Material]] = {}
            for member in _scope(ws, root):
                for owner, x in _materials(member):
                    if x.source in SHARED:
                        found.setdefault(x.name, (member.name, owner, x))
            evidence_by_root[root] = found
        evidence = evidence_by_root[root]
        for owner, x in _materials(j):
            if x.source is not MaterialSource.applicant or x.name not in evidence:
                continue
            where, other, seen = evidence[x.name]
            how = "data sharing" if seen.source is MaterialSource.shared else "e-licence"
            yield finding(
                CODE,
                j.name,
                x.span,
                f"{owner} asks the applicant for '{x.name}', which {other} in '{where}' "
                f"obtains by {how}",
                f'write `"{x.name}" from {seen.source.value}` — 减少重复提交资料 (seed 000)',
                related=((seen.span, f"obtained by {how} here"),),
            )


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="A material obtainable by data sharing is still required from the applicant.",
    check=check,
    doc=__doc__ or "",
)
