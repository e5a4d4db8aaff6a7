"""OW210 `ten-elements`: a matter lacks some of the ten 三级十同 elements.

## What it does

Flags a matter that does not state all ten elements the province, city and county must
state alike for the same matter (三级十同):

| element | 要素 | the matter states |
|---|---|---|
| name | 事项名称 | its name (always present) |
| code | 编码 | `code "…"` |
| type | 类型 | `type …` |
| basis | 设定依据 | `basis "…"` |
| level | 行使层级 | `level …` |
| conditions | 受理条件 | `conditions "…"` |
| serves | 服务对象 | `serves …` |
| materials | 申请材料 | a `materials { … }` block (an empty block says "none") |
| limit | 办理时限 | at least one `limit` |
| fee | 收费项目 | `fee …` (`fee none` counts) |

`onewindow lint` also prints, per jurisdiction, the share of these elements its matters
state (see docs/lint.md).

## Why

> 推动政务服务事项标准化，2019年10月底前，实现同一事项名称、编码、类型、设定依据、行使层级、受理条件、服务对象、申请材料、办理时限、收费项目等要素省、市、县“三级十同”。
>
> — seed 002, 山亭区关于实施流程再造推进“一窗受理·一次办好”改革的实施方案（2019年9月12日）

An element left out cannot be the same at the three levels; the matter cannot be handled
"就近办、异地办" when the window elsewhere does not know its conditions, materials or limit.

## Example

```ow
matter 残疾人证核发 {
  department 残联
  materials { "残疾人证申请表" from applicant }
  limit promised 10 workdays
}
```

## Use instead

```ow
matter 残疾人证核发 {
  code "22050200GG00002"  type public-service  basis "《中华人民共和国残疾人证管理办法》"
  level district  conditions "符合残疾标准的本区户籍居民"  serves person
  department 残联
  materials { "残疾人证申请表" from applicant }
  limit promised 10 workdays
  fee none
}
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import finding
from onewindow.dsl.model import Matter
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import jurisdictions

CODE = "OW210"
NAME = "ten-elements"

#: The ten 三级十同 elements: (English name, 要素, the statement to write, present?).
ELEMENTS: tuple[tuple[str, str, str, Callable[[Matter], bool]], ...] = (
    ("name", "事项名称", "matter NAME", lambda m: bool(m.name)),
    ("code", "编码", 'code "…"', lambda m: bool(m.code)),
    ("type", "类型", "type …", lambda m: m.type is not None),
    ("basis", "设定依据", 'basis "《…》"', lambda m: bool(m.basis)),
    ("level", "行使层级", "level …", lambda m: m.level is not None),
    ("conditions", "受理条件", 'conditions "…"', lambda m: bool(m.conditions)),
    ("serves", "服务对象", "serves …", lambda m: bool(m.serves)),
    (
        "materials",
        "申请材料",
        "materials { … }",
        lambda m: bool(m.materials) or m.materials_span is not None,
    ),
    ("limit", "办理时限", "limit …", lambda m: bool(m.limits)),
    ("fee", "收费项目", "fee …", lambda m: m.fee is not None),
)


def missing_elements(m: Matter) -> list[tuple[str, str, str]]:
    """(name, 要素, statement) of each of the ten elements the matter does not state."""
    return [(n, zh, stmt) for n, zh, stmt, present in ELEMENTS if not present(m)]


def check(ws: Workspace) -> Iterator[Diagnostic]:
    for j in jurisdictions(ws):
        for m in j.matters:
            missing = missing_elements(m)
            if not missing:
                continue
            names = ", ".join(f"{n} ({zh})" for n, zh, _ in missing)
            yield finding(
                CODE,
                j.name,
                m.span,
                f"matter '{m.name}' lacks {len(missing)} of the ten 三级十同 elements: {names}",
                "state them: "
                + ", ".join(f"`{stmt}`" for _, _, stmt in missing)
                + " — 同一事项…要素省、市、县“三级十同” (seed 002)",
            )


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="A matter lacks some of the ten 三级十同 elements (code, type, basis, level, …).",
    check=check,
    doc=__doc__ or "",
)
