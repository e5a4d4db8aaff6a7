"""Build chains (一件事), halls and windows, delegations, targets and calendar overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lark import Token, v_args

from onewindow.dsl.build_base import BuilderBase, Stmt, unquote
from onewindow.dsl.diagnostics import error
from onewindow.dsl.model import (
    CalendarOverride,
    Chain,
    Delegation,
    Hall,
    Hours,
    Ref,
    SealRange,
    Setting,
    StepGroup,
    StepRef,
    Target,
    Window,
)


class HallsBuilder(BuilderBase):
    """Rules of chains, halls, delegations, targets and open/closed days."""

    # ------------------------------------------------------------ chains

    @v_args(meta=True)
    def chain(self, meta: Any, c: list[Any]) -> Stmt:
        ref: Ref = c[0]
        fields = self.collect(
            c[1:],
            single={"lead", "steps", "materials", "form", "volume", "domain"},
            multi={"limits", "settings"},
            block=f"chain '{ref.name}'",
        )
        if "materials" in fields:
            fields["materials"] = fields["materials"][0]
        return self.stmt("chain", Chain(name=ref.name, span=ref.span, **fields), meta)

    @v_args(meta=True)
    def lead(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("lead", c[0], meta)

    @v_args(meta=True)
    def form(self, meta: Any, c: list[Token]) -> Stmt:
        return self.stmt("form", unquote(str(c[0])), meta)

    @v_args(meta=True)
    def steps(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("steps", c[0], meta)

    def step(self, c: list[Ref]) -> StepRef:
        return StepRef(matter=c[0])

    def _group(self, op: str, c: list[Any]) -> Any:
        items: list[Any] = []
        for item in c:
            if isinstance(item, StepGroup) and item.op == op:
                items.extend(item.items)
            else:
                items.append(item)
        return items[0] if len(items) == 1 else StepGroup(op=op, items=tuple(items))

    def serial(self, c: list[Any]) -> Any:
        return self._group("serial", c)

    def parallel(self, c: list[Any]) -> Any:
        return self._group("parallel", c)

    # ------------------------------------------------------------ halls

    @v_args(meta=True)
    def hall(self, meta: Any, c: list[Any]) -> Stmt:
        ref: Ref = c[0]
        hours: list[Hours] = []
        windows: list[Window] = []
        zones: list[Ref] = []
        settings: list[Setting] = []
        for s in c[1:]:
            if s.key == "hours":
                hours.extend(s.value)
            elif s.key == "window":
                windows.append(s.value)
            elif s.key == "zone":
                zone_ref, zone_windows = s.value
                zones.append(zone_ref)
                windows.extend(w.model_copy(update={"zone": zone_ref}) for w in zone_windows)
            elif s.key == "setting":
                settings.append(s.value)
        node = Hall(
            name=ref.name,
            span=ref.span,
            hours=tuple(hours),
            zones=tuple(zones),
            windows=tuple(windows),
            settings=tuple(settings),
        )
        return self.stmt("hall", node, meta)

    @v_args(meta=True)
    def hours(self, meta: Any, c: list[Hours | None]) -> Stmt:
        return self.stmt("hours", [h for h in c if h is not None], meta)

    @v_args(meta=True)
    def hours_range(self, meta: Any, c: list[Token]) -> Hours | None:
        span = self.span(meta)
        try:
            start, end = (dt.time(*(int(p) for p in str(t).split(":"))) for t in c)
        except ValueError:
            self.diagnostics.append(
                error(
                    "OW123",
                    span,
                    f"'{c[0]}-{c[1]}' is not a valid time range",
                    "use 24-hour times like 13:30-17:00",
                )
            )
            return None
        if end <= start:
            self.diagnostics.append(
                error(
                    "OW123",
                    span,
                    f"opening hours end ({c[1]}) before they start ({c[0]})",
                    "write the earlier time first, e.g. 09:00-12:00",
                )
            )
            return None
        return Hours(start=start, end=end, span=span)

    @v_args(meta=True)
    def hall_zone(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("zone", (c[0], [s.value for s in c[1:]]), meta)

    @v_args(meta=True)
    def window(self, meta: Any, c: list[Any]) -> Stmt:
        ref: Ref = c[0]
        fields = self.collect(
            c[1:],
            single={"kind_of", "domains", "matters", "staff"},
            multi={"settings"},
            block=f"window '{ref.name}'",
        )
        return self.stmt("window", Window(name=ref.name, span=ref.span, **fields), meta)

    @v_args(meta=True)
    def wkind(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("kind_of", self.word("kind", c[0], "window kind"), meta)

    @v_args(meta=True)
    def wdomains(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("domains", tuple(c[0]), meta)

    @v_args(meta=True)
    def wmatters(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("matters", tuple(c[0]), meta)

    @v_args(meta=True)
    def staff(self, meta: Any, c: list[Token]) -> Stmt:
        return self.stmt("staff", int(float(c[0])), meta)

    # ------------------------------------------------------------ delegation, targets, calendar

    @v_args(meta=True)
    def delegate(self, meta: Any, c: list[Any]) -> Stmt:
        span = self.span(meta)
        matters, to = c[0], c[1]
        seal = None
        seal_span = None
        dates: dict[str, Any] = {}
        for item in c[2:]:
            if isinstance(item, Token):
                seal, seal_span = int(float(item)), self.tok_span(item)
            elif isinstance(item, dict):
                dates = item
        node = Delegation(
            matters=tuple(matters), to=tuple(to), seal=seal, seal_span=seal_span, span=span, **dates
        )
        return Stmt("delegate", node, span)

    @v_args(meta=True)
    def seals(self, meta: Any, c: list[Token]) -> Stmt:
        span = self.span(meta)
        return Stmt(
            "seals", SealRange(low=int(float(c[0])), high=int(float(c[1])), span=span), span
        )

    @v_args(meta=True)
    def target(self, meta: Any, c: list[Any]) -> Stmt:
        span = self.span(meta)
        metric = c[0]
        subject = c[1][1] if isinstance(c[1], tuple) else None
        rest = c[2:] if subject else c[1:]
        op, qty = rest[0], rest[1]
        dates: dict[str, Any] = {}
        note = None
        for item in rest[2:]:
            if isinstance(item, dict):
                dates = item
            else:
                note = unquote(str(item))
        node = Target(
            metric=metric, subject=subject, op=op, value=qty, note=note, span=span, **dates
        )
        return Stmt("target", node, span)

    def target_subject(self, c: list[Ref]) -> tuple[str, Ref]:
        return ("subject", c[0])

    def _override(self, meta: Any, c: list[Any], is_open: bool) -> Stmt | None:
        span = self.span(meta)
        start, end, _ = c[0]
        note = unquote(str(c[1])) if len(c) > 1 else None
        if start is None or end is None:
            return None
        if end < start:
            self.diagnostics.append(
                error(
                    "OW122",
                    span,
                    f"date range ends ({end}) before it starts ({start})",
                    "write the earlier date first",
                )
            )
            return None
        node = CalendarOverride(open=is_open, start=start, end=end, note=note, span=span)
        return Stmt("override", node, span)

    @v_args(meta=True)
    def open_days(self, meta: Any, c: list[Any]) -> Stmt | None:
        return self._override(meta, c, True)

    @v_args(meta=True)
    def closed_days(self, meta: Any, c: list[Any]) -> Stmt | None:
        return self._override(meta, c, False)
