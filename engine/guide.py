"""The service guide (办事指南) as data: per jurisdiction, every matter a citizen can apply for.

`build_guide(ws, as_of)` computes, once per matter, the elements a citizen reads — name,
code, type, basis, conditions, materials and where they come from, time limits, fee,
handling, trips, delivery — and where to apply: the halls and windows of the owning
jurisdiction that accept the matter (`engine.sim.plan.eligible`, as the simulation routes
applicants) and of every jurisdiction it is delegated to (下放). A jurisdiction's page lists
the matters it handles (its own and those delegated to it) and its one-thing chains (一件事).

With `as_of`, only what is in force that day is listed (one legal and one promised limit,
delegations made by then). Without it, every dated limit and delegation is listed with its
date, so the guide never depends on today's date. Renderers (engine/guide_render.py) only
lay the data out; the Chinese wording of values is decided here, once.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, fields, is_dataclass
from pathlib import PurePath
from typing import Any

from onewindow.dsl.model import (
    Chain,
    Dated,
    Fee,
    Hall,
    Handling,
    Jurisdiction,
    Limit,
    LimitKind,
    Material,
    MaterialSource,
    Matter,
    StepGroup,
    StepRef,
    TimeUnit,
)
from onewindow.dsl.resolve import Workspace
from onewindow.dsl.vocab import render
from onewindow.engine.dated import limits_on
from onewindow.engine.sim.plan import WindowState, chain_profile, eligible, matter_profile

#: Shown for an element the files do not state.
NOT_STATED = "未列明"

MATERIAL_SOURCES = {
    MaterialSource.applicant: "申请人提供",
    MaterialSource.shared: "部门间数据共享获取，无需提交",
    MaterialSource.elicence: "电子证照库获取，无需提交",
    MaterialSource.matter: "由前置事项办理结果提供",
}

#: Handling modes as guides name them (办件类型).
HANDLING = {Handling.immediate: "即办件", Handling.promised: "承诺件"}

# ---------------------------------------------------------------- value types


@dataclass(frozen=True)
class GuideMaterial:
    """An application material (申请材料), where it comes from, and 容缺受理."""

    name: str
    source: str
    source_text: str
    source_matter: str | None
    deferrable: bool


@dataclass(frozen=True)
class GuideLimit:
    """A time limit (法定/承诺办结时限) with the day it takes effect, if dated."""

    kind: str
    kind_text: str
    amount: float
    unit: str
    valid_from: dt.date | None
    due_by: dt.date | None
    text: str


@dataclass(frozen=True)
class GuidePlace:
    """Where to apply (办理地点): a hall of a jurisdiction and the windows accepting it."""

    jurisdiction: str
    level: str | None
    level_text: str | None
    hall: str | None
    hours: str | None
    windows: tuple[str, ...]
    delegated: bool
    since: dt.date | None
    text: str


@dataclass(frozen=True)
class MatterGuide:
    """The guide of one matter (事项办事指南), computed once for its owner."""

    name: str
    owner: str
    code: str | None
    type: str | None
    type_text: str
    basis: str | None
    level: str | None
    level_text: str
    conditions: str | None
    serves: tuple[str, ...]
    serves_text: str
    department: str | None
    department_text: str
    domain: str | None
    materials: tuple[GuideMaterial, ...]
    limits: tuple[GuideLimit, ...]
    fee_text: str
    handling: str | None
    handling_text: str
    online: str | None
    online_text: str
    trips: int | None
    trips_text: str
    delivery: tuple[str, ...]
    delivery_text: str
    places: tuple[GuidePlace, ...]
    defined_at: str


@dataclass(frozen=True)
class ChainGuide:
    """A one-thing chain (一件事): its steps, one set of materials, one form, where to apply."""

    name: str
    lead: str | None
    lead_text: str
    steps: tuple[str, ...]
    steps_text: str
    materials: tuple[GuideMaterial, ...]
    form: str | None
    limits: tuple[GuideLimit, ...]
    places: tuple[GuidePlace, ...]
    defined_at: str


@dataclass(frozen=True)
class PageMatter:
    """A matter on a jurisdiction's page; `delegated_by` names the owner when delegated in."""

    guide: MatterGuide
    delegated_by: str | None


@dataclass(frozen=True)
class JurisdictionGuide:
    """One page: a jurisdiction's matters and chains, in the order they are declared."""

    name: str
    level: str | None
    level_text: str | None
    parent: str | None
    source: str | None
    matters: tuple[PageMatter, ...]
    chains: tuple[ChainGuide, ...]


@dataclass(frozen=True)
class Guide:
    """Every page of a guide, with the day it describes (None: every dated value listed)."""

    as_of: dt.date | None
    pages: tuple[JurisdictionGuide, ...]

    def page(self, name: str) -> JurisdictionGuide | None:
        return next((p for p in self.pages if p.name == name), None)

    def page_dict(self, page: JurisdictionGuide) -> dict[str, Any]:
        """One page as JSON-ready data (dates as ISO strings)."""
        return {
            "format": "onewindow-guide",
            "version": 1,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "jurisdiction": _plain(page),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": "onewindow-guide",
            "version": 1,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "jurisdictions": [_plain(p) for p in self.pages],
        }


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, tuples to lists, dates to ISO strings; a page's matter is
    its guide's fields plus `delegated_by`."""
    if isinstance(value, PageMatter):
        return {**_plain(value.guide), "delegated_by": value.delegated_by}
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------- wording


def _zh(vocabulary: str, member: Any) -> str:
    return render(vocabulary, member, "zh") if member is not None else NOT_STATED


def _since(item: Dated) -> dt.date | None:
    return item.valid_from if item.valid_from is not None else item.due_by


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def limit_text(limit: Limit, dated: bool = True) -> str:
    """`3个工作日`, `5个自然日`, with `（2019年1月1日起）` when dated."""
    amount = f"{limit.amount:g}"
    unit = "个工作日" if limit.unit is TimeUnit.workdays else "个自然日"
    since = _since(limit)
    when = f"（{_date_text(since)}起）" if dated and since is not None else ""
    return f"{amount}{unit}{when}"


def fee_text(fee: Fee | None) -> str:
    if fee is None:
        return NOT_STATED
    if fee.text:
        return fee.text
    if not fee.amount:
        return "不收费"
    return f"{fee.amount:g}元"


def trips_text(trips: int | None) -> str:
    if trips is None:
        return NOT_STATED
    if trips == 0:
        return "0次（零跑动）"
    return f"最多{trips}次"


def steps_text(steps: StepRef | StepGroup | None) -> str:
    """Chain steps: `a → （b ＋ c）` (→ in series, 串联; ＋ in parallel, 并联)."""
    if steps is None:
        return NOT_STATED
    if isinstance(steps, StepRef):
        return steps.matter.name
    sep = " ＋ " if steps.op == "parallel" else " → "
    parts = [
        f"（{steps_text(i)}）" if isinstance(i, StepGroup) and len(i.items) > 1 else steps_text(i)
        for i in steps.items
    ]
    return sep.join(parts)


def _step_names(steps: StepRef | StepGroup | None) -> tuple[str, ...]:
    if steps is None:
        return ()
    if isinstance(steps, StepRef):
        return (steps.matter.name,)
    return tuple(n for i in steps.items for n in _step_names(i))


# ---------------------------------------------------------------- building


class _Builder:
    """Builds each matter's guide once and shares it between the pages that list it."""

    def __init__(self, ws: Workspace, as_of: dt.date | None) -> None:
        self.ws = ws
        self.as_of = as_of
        self.cache: dict[tuple[str, str], MatterGuide] = {}
        # (owner, matter) → [(jurisdiction it is delegated to, since)], in tree order
        self.handlers: dict[tuple[str, str], list[tuple[str, dt.date | None]]] = {}
        for name in ws.jurisdictions:
            for d in ws.delegated_in(name, as_of):
                key = (d.owner, d.matter.name)
                self.handlers.setdefault(key, []).append((name, _since(d.delegation)))

    def defined_at(self, span_file: str, line: int) -> str:
        """`folder/file.ow:12`, relative to the tree's root (never absolute)."""
        try:
            rel = os.path.relpath(span_file, self.ws.root)
        except ValueError:  # another drive
            rel = span_file
        return f"{PurePath(rel).as_posix()}:{line}"

    def materials(self, items: tuple[Material, ...]) -> tuple[GuideMaterial, ...]:
        out = []
        for m in items:
            text = MATERIAL_SOURCES[m.source]
            if m.source is MaterialSource.matter and m.source_matter is not None:
                text = f"由「{m.source_matter.name}」办理结果提供"
            out.append(
                GuideMaterial(
                    m.name,
                    m.source.value,
                    text,
                    m.source_matter.name if m.source_matter else None,
                    m.deferrable,
                )
            )
        return tuple(out)

    def limits(self, items: tuple[Limit, ...]) -> tuple[GuideLimit, ...]:
        if self.as_of is not None:
            chosen = limits_on(items, self.as_of)
            picked = [chosen[k] for k in (LimitKind.legal, LimitKind.promised) if k in chosen]
        else:
            picked = sorted(items, key=lambda x: list(LimitKind).index(x.kind))
        return tuple(
            GuideLimit(
                x.kind.value,
                "法定办结时限" if x.kind is LimitKind.legal else "承诺办结时限",
                x.amount,
                x.unit.value,
                x.valid_from,
                x.due_by,
                limit_text(x, dated=self.as_of is None),
            )
            for x in picked
        )

    def _place(
        self, jur: str, hall: Hall | None, windows: list[str], since: dt.date | None, deleg: bool
    ) -> GuidePlace:
        j = self.ws.jurisdictions[jur]
        level = j.level.value if j.level else None
        hours = ", ".join(f"{h.start:%H:%M}-{h.end:%H:%M}" for h in hall.hours) if hall else None
        text = jur
        if hall is not None:
            text += f" {hall.name}"
            if windows:
                text += "：" + "、".join(windows)
            if hours:
                text += f"（办公时间 {hours}）"
        else:
            text += "（未指定受理窗口）"
        if deleg:
            text += "；下放办理" + (f"，{_date_text(since)}起" if since is not None else "")
        return GuidePlace(
            jur,
            level,
            _zh("level", j.level) if j.level else None,
            hall.name if hall else None,
            hours,
            tuple(windows),
            deleg,
            since,
            text,
        )

    def places_in(self, jur: str, profile: Any, since: dt.date | None, deleg: bool):
        """Halls of `jur` with a window accepting the matter or chain (as the simulation
        routes applicants); the jurisdiction alone when a handler has none."""
        found = []
        for hall in self.ws.jurisdictions[jur].halls:
            states = [
                WindowState(
                    w.name,
                    w.kind_of,
                    w.staff,
                    frozenset(r.name for r in w.matters),
                    frozenset(r.name for r in w.domains),
                )
                for w in hall.windows
            ]
            windows = [w.name for w in eligible(states, profile)]
            if windows:
                found.append(self._place(jur, hall, windows, since, deleg))
        if not found and deleg:
            found.append(self._place(jur, None, [], since, deleg))
        return found

    def matter(self, owner: str, m: Matter) -> MatterGuide:
        key = (owner, m.name)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        ws = self.ws
        places = self.places_in(owner, matter_profile(ws, owner, m, self.as_of), None, False)
        for jur, since in self.handlers.get(key, ()):
            profile = matter_profile(ws, jur, m, self.as_of)
            places += self.places_in(jur, profile, since, True)
        department = m.department.name if m.department else None
        dept = ws.departments(owner).get(department) if department else None
        department_text = (
            f"{department}（{dept.title}）"
            if dept is not None and dept.title
            else department or NOT_STATED
        )
        guide = MatterGuide(
            name=m.name,
            owner=owner,
            code=m.code,
            type=m.type.value if m.type else None,
            type_text=_zh("type", m.type),
            basis=m.basis,
            level=m.level.value if m.level else None,
            level_text=_zh("level", m.level),
            conditions=m.conditions,
            serves=tuple(s.value for s in m.serves),
            serves_text="、".join(_zh("serves", s) for s in m.serves) or NOT_STATED,
            department=department,
            department_text=department_text,
            domain=m.domain.name if m.domain else None,
            materials=self.materials(m.materials),
            limits=self.limits(m.limits),
            fee_text=fee_text(m.fee),
            handling=m.handling.value if m.handling else None,
            handling_text=HANDLING.get(m.handling, NOT_STATED),
            online=m.online.value if m.online else None,
            online_text=_zh("online", m.online),
            trips=m.trips,
            trips_text=trips_text(m.trips),
            delivery=tuple(d.value for d in m.delivery),
            delivery_text="、".join(_zh("delivery", d) for d in m.delivery) or NOT_STATED,
            places=tuple(places),
            defined_at=self.defined_at(m.span.file, m.span.line),
        )
        self.cache[key] = guide
        return guide

    def chain(self, jur: str, c: Chain) -> ChainGuide:
        held = self.ws.handled_matters(jur, self.as_of)
        profile = chain_profile(self.ws, jur, c, held, self.as_of)
        lead = c.lead.name if c.lead else None
        dept = self.ws.departments(jur).get(lead) if lead else None
        lead_text = (
            f"{lead}（{dept.title}）" if dept is not None and dept.title else lead or NOT_STATED
        )
        return ChainGuide(
            name=c.name,
            lead=lead,
            lead_text=lead_text,
            steps=_step_names(c.steps),
            steps_text=steps_text(c.steps),
            materials=self.materials(c.materials),
            form=c.form,
            limits=self.limits(c.limits),
            places=tuple(self.places_in(jur, profile, None, False)),
            defined_at=self.defined_at(c.span.file, c.span.line),
        )

    def page(self, j: Jurisdiction) -> JurisdictionGuide:
        ws = self.ws
        entries = [PageMatter(self.matter(j.name, m), None) for m in j.matters]
        own = {m.name for m in j.matters}
        seen: set[str] = set()
        for d in ws.delegated_in(j.name, self.as_of):
            if d.matter.name in own or d.matter.name in seen:
                continue
            seen.add(d.matter.name)
            entries.append(PageMatter(self.matter(d.owner, d.matter), d.owner))
        return JurisdictionGuide(
            name=j.name,
            level=j.level.value if j.level else None,
            level_text=_zh("level", j.level) if j.level else None,
            parent=j.parent.name if j.parent else None,
            source=j.source,
            matters=tuple(entries),
            chains=tuple(self.chain(j.name, c) for c in j.chains),
        )


def guide_jurisdictions(ws: Workspace) -> list[str]:
    """Jurisdictions declared in the requested files (all when none were requested)."""
    if not ws.requested:
        return list(ws.jurisdictions)
    return [n for n, j in ws.jurisdictions.items() if j.file in ws.requested]


def build_guide(
    ws: Workspace, as_of: dt.date | None = None, jurisdictions: list[str] | None = None
) -> Guide:
    """The guide of `jurisdictions` (default: those of the requested files), one page each
    for those that handle at least one matter or chain, in tree order."""
    builder = _Builder(ws, as_of)
    names = guide_jurisdictions(ws) if jurisdictions is None else jurisdictions
    pages = []
    for name in names:
        page = builder.page(ws.jurisdictions[name])
        if page.matters or page.chains:
            pages.append(page)
    return Guide(as_of, tuple(pages))
