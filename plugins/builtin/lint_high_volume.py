"""OW205 `high-volume-matter`: a busy matter neither immediate nor open to deferred materials.

## What it does

Flags a matter whose yearly `volume` is at least the high-volume threshold and that is
neither handled immediately (`handling immediate`, 即办件) nor friendly to deferred
materials: none of its materials is `deferrable` (容缺受理) while the applicant still has to
bring some. A matter whose materials all come by data sharing, e-licence or another matter
is not flagged (nothing can be missing at the window).

The threshold is 1000 cases a year (about four a working day) unless the jurisdiction or an
ancestor says otherwise with `set lint_high_volume = N`.

## Why

> 对公安户政、工商等部门办件量大的即办事项，保留“即来即办”服务窗口。
>
> — seed 001, 东昌区“一窗受理、集成服务”改革工作实施方案（通昌政职转办[2018]3号）

> 通过提前服务、容缺受理、数据共享、材料互认等方式，打破部门边界，构建跨部门横向连通的审批服务流程。
>
> — seed 002, 山亭区关于实施流程再造推进“一窗受理·一次办好”改革的实施方案（2019年9月12日）

A busy matter that is a promised case with every material compulsory sends every applicant
missing one paper home for a second trip; at high volume that is most of the second trips
the simulation counts.

## Example

```ow
matter 个体工商户设立登记 {
  handling promised
  volume 6000 per year
  materials { "经营场所使用证明" from applicant }
}
```

## Use instead

```ow
matter 个体工商户设立登记 {
  handling immediate
  volume 6000 per year
  materials { "经营场所使用证明" from applicant deferrable }
}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.lint import finding
from onewindow.dsl.model import Handling, MaterialSource
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.api import LintRule
from onewindow.plugins.builtin.lint_support import jurisdictions, setting

CODE = "OW205"
NAME = "high-volume-matter"

#: The `set` key that changes the threshold, and its default (cases a year).
SETTING = "lint_high_volume"
DEFAULT_THRESHOLD = 1000.0


def threshold(ws: Workspace, jurisdiction: str) -> float:
    """Cases a year from which a matter counts as high-volume in `jurisdiction`."""
    value = setting(ws, jurisdiction, SETTING)
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return DEFAULT_THRESHOLD


def check(ws: Workspace) -> Iterator[Diagnostic]:
    for j in jurisdictions(ws):
        limit = threshold(ws, j.name)
        for m in j.matters:
            if m.volume is None or m.volume < limit or m.handling is Handling.immediate:
                continue
            from_applicant = [x for x in m.materials if x.source is MaterialSource.applicant]
            if not from_applicant or any(x.deferrable for x in m.materials):
                continue
            handling = "a promised case" if m.handling is Handling.promised else "not immediate"
            yield finding(
                CODE,
                j.name,
                m.span,
                f"'{m.name}' has {m.volume:g} cases a year (high-volume from {limit:g}) but is "
                f"{handling} and takes no material later (容缺受理)",
                "make it `handling immediate` (即办), or mark a material the applicant often "
                "lacks `deferrable`; change the threshold with `set lint_high_volume = N`",
            )


RULE = LintRule(
    code=CODE,
    name=NAME,
    summary="A high-volume matter is neither immediate nor accepts deferred materials.",
    check=check,
    doc=__doc__ or "",
)
