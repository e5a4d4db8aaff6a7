"""Completeness figures `onewindow lint` prints: 三级十同 elements and service-guide elements.

Not a plugin (no hook). Two figures per jurisdiction with matters of its own:

- the share of the ten 三级十同 elements its matters state (rule OW210 flags each gap);
- for a jurisdiction with a target on `guide_elements_complete` (东昌区 asks for the 37
  elements of its service-guide standard, 服务指南编制规范37个要素), the completeness of its
  matters against the guide elements the model can hold.

The seed gives the number 37, not the list. `GUIDE_ELEMENTS` is our list of 37 guide
elements (an assumption, documented in docs/lint.md), each with the matter statement that
holds it or None when the language has no place for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from onewindow.dsl.model import LimitKind, Matter
from onewindow.dsl.resolve import Workspace
from onewindow.plugins.builtin.lint_ten_elements import ELEMENTS

#: The metric whose target says how many guide elements a jurisdiction asks for.
GUIDE_METRIC = "guide_elements_complete"

Present = Callable[[Matter], bool]


def _limit(kind: LimitKind) -> Present:
    return lambda m: any(x.kind is kind for x in m.limits)


def _has_materials(m: Matter) -> bool:
    return bool(m.materials) or m.materials_span is not None


#: The 37 service-guide elements (办事指南要素): (要素, matter statement holding it, present?).
GUIDE_ELEMENTS: tuple[tuple[str, str | None, Present | None], ...] = (
    ("事项名称", "matter NAME", lambda m: bool(m.name)),
    ("基本编码", "code", lambda m: bool(m.code)),
    ("事项类型", "type", lambda m: m.type is not None),
    ("设定依据", "basis", lambda m: bool(m.basis)),
    ("行使层级", "level", lambda m: m.level is not None),
    ("实施主体", "department", lambda m: m.department is not None),
    ("服务对象", "serves", lambda m: bool(m.serves)),
    ("受理条件", "conditions", lambda m: bool(m.conditions)),
    ("申请材料", "materials", _has_materials),
    ("材料来源渠道", "materials: from …", lambda m: bool(m.materials)),
    ("法定办结时限", "limit legal", _limit(LimitKind.legal)),
    ("承诺办结时限", "limit promised", _limit(LimitKind.promised)),
    ("收费标准", "fee", lambda m: m.fee is not None),
    ("办件类型", "handling", lambda m: m.handling is not None),
    ("网上办理深度", "online", lambda m: m.online is not None),
    ("到办事现场次数", "trips", lambda m: m.trips is not None),
    ("结果送达方式", "delivery", lambda m: bool(m.delivery)),
    ("服务领域", "domain", lambda m: m.domain is not None),
    ("实施编码", None, None),
    ("权力来源", None, None),
    ("委托部门", None, None),
    ("审查标准", None, None),
    ("办理流程", None, None),
    ("办理地点", None, None),
    ("办理时间", None, None),
    ("咨询方式", None, None),
    ("监督投诉方式", None, None),
    ("结果名称", None, None),
    ("结果样本", None, None),
    ("申请表格", None, None),
    ("示范文本", None, None),
    ("数量限制", None, None),
    ("中介服务", None, None),
    ("特别程序", None, None),
    ("办理形式", None, None),
    ("通办范围", None, None),
    ("常见问题", None, None),
)

HELD: tuple[tuple[str, str, Present], ...] = tuple(
    (zh, stmt, f) for zh, stmt, f in GUIDE_ELEMENTS if stmt is not None and f is not None
)


@dataclass(frozen=True)
class Completeness:
    """How many of `per_matter` elements the `matters` of a jurisdiction state."""

    jurisdiction: str
    matters: int
    per_matter: int
    present: int
    complete: int

    @property
    def share(self) -> float | None:
        """Percent of elements stated (None without matters)."""
        total = self.matters * self.per_matter
        return None if total == 0 else 100.0 * self.present / total

    def as_dict(self) -> dict[str, object]:
        share = self.share
        return {
            "jurisdiction": self.jurisdiction,
            "matters": self.matters,
            "elements_per_matter": self.per_matter,
            "elements_present": self.present,
            "complete_matters": self.complete,
            "share": None if share is None else round(share, 1),
        }


@dataclass(frozen=True)
class GuideCompleteness:
    """A jurisdiction's matters against its service-guide standard (东昌区: 37 elements)."""

    asked: float
    listed: int
    held: int
    of_held: Completeness

    @property
    def share_of_listed(self) -> float | None:
        """Percent of the whole guide (all `listed` elements) the matters state."""
        m = self.of_held.matters
        return None if m == 0 else 100.0 * self.of_held.present / (m * self.listed)

    def as_dict(self) -> dict[str, object]:
        listed = self.share_of_listed
        return {
            **self.of_held.as_dict(),
            "guide_elements_asked": self.asked,
            "guide_elements_listed": self.listed,
            "guide_elements_held_by_model": self.held,
            "share_of_guide": None if listed is None else round(listed, 1),
        }


def _count(name: str, matters: list[Matter], checks: Iterable[Present]) -> Completeness:
    checks = list(checks)
    present = complete = 0
    for m in matters:
        n = sum(1 for f in checks if f(m))
        present += n
        complete += n == len(checks)
    return Completeness(name, len(matters), len(checks), present, complete)


def ten_elements(ws: Workspace, names: Iterable[str]) -> list[Completeness]:
    """三级十同 completeness of each named jurisdiction that declares matters."""
    out: list[Completeness] = []
    for name in names:
        matters = list(ws.jurisdictions[name].matters)
        if matters:
            out.append(_count(name, matters, (f for *_, f in ELEMENTS)))
    return out


def guide_elements(ws: Workspace, names: Iterable[str]) -> list[GuideCompleteness]:
    """Guide completeness of each named jurisdiction with a `guide_elements_complete` target."""
    out: list[GuideCompleteness] = []
    for name in names:
        j = ws.jurisdictions[name]
        asked = [t.value.value for t in j.targets if t.metric.name == GUIDE_METRIC]
        if not asked or not j.matters:
            continue
        counted = _count(name, list(j.matters), (f for *_, f in HELD))
        out.append(GuideCompleteness(max(asked), len(GUIDE_ELEMENTS), len(HELD), counted))
    return out
