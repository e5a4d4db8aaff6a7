"""Build: a lark Transformer from the parse tree into statements, then into pydantic models."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Transformer, Tree, v_args

from onewindow.dsl import vocab
from onewindow.dsl.diagnostics import Diagnostic, did_you_mean, error
from onewindow.dsl.model import (
    Assessment,
    BonusRule,
    CalendarOverride,
    Category,
    Chain,
    Comparison,
    Declared,
    DeductRule,
    Delegation,
    Department,
    Expectation,
    Fact,
    Facts,
    Fee,
    Hall,
    Hours,
    Include,
    Jurisdiction,
    Limit,
    LintSetting,
    Material,
    MaterialSource,
    Matter,
    PenaltyRule,
    PluginRule,
    PluginUse,
    Quantity,
    Ranking,
    Ref,
    SealRange,
    Setting,
    ShortfallRule,
    Span,
    StepGroup,
    StepRef,
    Target,
    TestCase,
    ThresholdRule,
    Window,
)


@dataclass
class Stmt:
    """One statement of a block: which field it sets, its value, and where it is."""

    key: str
    value: Any
    span: Span


@dataclass
class RawJurisdiction:
    """A `jurisdiction` block before includes are spliced and the model is assembled."""

    name: str
    span: Span
    path: str
    body: list[Stmt] = field(default_factory=list)


TopItem = RawJurisdiction | Stmt

_COMPARISONS = {"≥": ">=", "≤": "<="}


def _unquote(text: str) -> str:
    """The content of a quoted string token, with `\\"` and `\\\\` unescaped."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


class _Builder(Transformer):
    """Maps each grammar rule to a `Stmt`, a value, or a model node."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.file = path
        self.diagnostics: list[Diagnostic] = []

    # ------------------------------------------------------------ helpers

    def span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return Span(file=self.file, line=1, column=1, end_line=1, end_column=1)
        return Span(
            file=self.file,
            line=meta.line,
            column=meta.column,
            end_line=meta.end_line,
            end_column=meta.end_column,
        )

    def tok_span(self, tok: Token) -> Span:
        return Span(
            file=self.file,
            line=tok.line or 1,
            column=tok.column or 1,
            end_line=tok.end_line or tok.line or 1,
            end_column=tok.end_column or (tok.column or 1) + len(tok),
        )

    def word(self, vocabulary: str, ref: Ref, what: str) -> Any:
        member = vocab.lookup(vocabulary, ref.name)
        if member is None:
            choices = vocab.spellings(vocabulary)
            english = ", ".join(vocab.VOCABULARIES[vocabulary][1])
            hint = did_you_mean(ref.name, choices) or f"use one of: {english}"
            self.diagnostics.append(error("OW101", ref.span, f"unknown {what} '{ref.name}'", hint))
        return member

    def date(self, tok: Token) -> dt.date | None:
        try:
            y, m, d = (int(p) for p in str(tok).split("-"))
            return dt.date(y, m, d)
        except ValueError:
            self.diagnostics.append(
                error(
                    "OW122",
                    self.tok_span(tok),
                    f"'{tok}' is not a real date",
                    "write dates as YYYY-MM-DD, e.g. 2019-12-31",
                )
            )
            return None

    def stmt(self, key: str, value: Any, meta: Any) -> Stmt:
        return Stmt(key, value, self.span(meta))

    # ------------------------------------------------------------ values

    @v_args(meta=True)
    def name(self, meta: Any, children: list[Token]) -> Ref:
        tok = children[0]
        text = _unquote(str(tok)) if tok.type == "STRING" else str(tok)
        return Ref(name=text, span=self.tok_span(tok))

    def name_list(self, children: list[Ref]) -> list[Ref]:
        return children

    @v_args(meta=True)
    def quantity(self, meta: Any, children: list[Token]) -> Quantity:
        tok = children[0]
        text = str(tok)
        percent = text.endswith("%")
        return Quantity(value=float(text.rstrip("%")), percent=percent, span=self.tok_span(tok))

    def signed(self, children: list[Token]) -> float:
        sign = -1.0 if len(children) == 2 and str(children[0]) == "-" else 1.0
        return sign * float(children[-1])

    def comparison(self, children: list[Token]) -> Comparison:
        text = str(children[0])
        return Comparison(_COMPARISONS.get(text, text))

    def value(self, children: list[Any]) -> str | float:
        item = children[0]
        if isinstance(item, Ref):
            return item.name
        text = str(item)
        return float(text.rstrip("%"))

    def dated(self, children: list[tuple[str, dt.date | None]]) -> dict[str, dt.date | None]:
        out: dict[str, dt.date | None] = {}
        for key, day in children:
            out[key] = day
        return out

    def from_date(self, children: list[Token]) -> tuple[str, dt.date | None]:
        return ("valid_from", self.date(children[0]))

    def by_date(self, children: list[Token]) -> tuple[str, dt.date | None]:
        return ("due_by", self.date(children[0]))

    def date_span(self, children: list[Token]) -> tuple[dt.date | None, dt.date | None, Span]:
        start = self.date(children[0])
        end = self.date(children[1]) if len(children) > 1 else start
        return start, end, self.tok_span(children[0])

    def string(self, tok: Token) -> str:
        return _unquote(str(tok))

    # ------------------------------------------------------------ jurisdiction body

    @v_args(meta=True)
    def jurisdiction(self, meta: Any, children: list[Any]) -> RawJurisdiction:
        ref: Ref = children[0]
        return RawJurisdiction(ref.name, ref.span, self.file, [c for c in children[1:] if c])

    @v_args(meta=True)
    def level_stmt(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("level", (self.word("level", c[0], "level"), c[0].span), meta)

    @v_args(meta=True)
    def parent_stmt(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("parent", c[0], meta)

    @v_args(meta=True)
    def calendar_stmt(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("calendar", c[0], meta)

    @v_args(meta=True)
    def source_stmt(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("source", _unquote(str(c[0])), meta)

    @v_args(meta=True)
    def department(self, meta: Any, c: list[Any]) -> Stmt:
        title = _unquote(str(c[1])) if len(c) > 1 else None
        return self.stmt(
            "department", Department(name=c[0].name, title=title, span=c[0].span), meta
        )

    @v_args(meta=True)
    def domains_decl(self, meta: Any, c: list[Any]) -> Stmt:
        items = [Declared(name=r.name, span=r.span) for r in c[0]]
        return self.stmt("domains", items, meta)

    @v_args(meta=True)
    def include(self, meta: Any, c: list[Any]) -> Stmt:
        span = self.span(meta)
        return Stmt("include", Include(path=_unquote(str(c[0])), span=span), span)

    @v_args(meta=True)
    def plugins(self, meta: Any, c: list[Token]) -> Stmt:
        uses = [PluginUse(name=_unquote(str(t)), span=self.tok_span(t)) for t in c]
        return self.stmt("plugins", uses, meta)

    @v_args(meta=True)
    def setting(self, meta: Any, c: list[Any]) -> Stmt:
        span = self.span(meta)
        return Stmt("setting", Setting(key=c[0].name, value=c[1], span=span), span)

    @v_args(meta=True)
    def lint_rule(self, meta: Any, c: list[Any]) -> Stmt | None:
        span = self.span(meta)
        severity = {"关闭": "off", "错误": "error", "警告": "warning", "提示": "info"}.get(
            c[1].name, c[1].name
        )
        if severity not in ("error", "warning", "info", "off"):
            self.diagnostics.append(
                error(
                    "OW101",
                    c[1].span,
                    f"unknown lint severity '{c[1].name}'",
                    did_you_mean(c[1].name, ["error", "warning", "info", "off"])
                    or "use error, warning, info or off",
                )
            )
            return None
        return Stmt("lint", LintSetting(rule=c[0].name, severity=severity, span=span), span)

    @v_args(meta=True)
    def param(self, meta: Any, c: list[Any]) -> Setting:
        return Setting(key=c[0].name, value=c[1], span=self.span(meta))

    # ------------------------------------------------------------ matters

    @v_args(meta=True)
    def matter(self, meta: Any, c: list[Any]) -> Stmt:
        ref: Ref = c[0]
        fields = self.collect(
            c[1:],
            single={
                "code",
                "type",
                "basis",
                "level",
                "conditions",
                "serves",
                "department",
                "domain",
                "materials",
                "fee",
                "handling",
                "online",
                "trips",
                "volume",
                "service_minutes",
                "delivery",
            },
            multi={"limits", "settings"},
            block=f"matter '{ref.name}'",
        )
        if "level" in fields:
            fields["level"] = fields["level"][0]
        if "materials" in fields:
            fields["materials"], fields["materials_span"] = fields["materials"]
        node = Matter(
            name=ref.name, span=ref.span, **{k: v for k, v in fields.items() if v is not None}
        )
        return self.stmt("matter", node, meta)

    def collect(
        self, stmts: Iterable[Stmt], single: set[str], multi: set[str], block: str
    ) -> dict[str, Any]:
        """Gather statements into model fields; a repeated single-valued statement is OW112."""
        out: dict[str, Any] = {}
        seen: dict[str, Span] = {}
        for s in stmts:
            if s is None:
                continue
            key = {"setting": "settings", "limit": "limits"}.get(s.key, s.key)
            if key in multi:
                value = s.value if isinstance(s.value, list) else [s.value]
                out.setdefault(key, []).extend(value)
            elif key in single:
                if key in seen:
                    self.diagnostics.append(
                        error(
                            "OW112",
                            s.span,
                            f"'{s.key}' is given twice in {block}",
                            f"keep one; the first is at line {seen[key].line}",
                            related=((seen[key], "first given here"),),
                        )
                    )
                    continue
                seen[key] = s.span
                out[key] = s.value
            else:  # statement not allowed in this block (grammar should prevent it)
                self.diagnostics.append(
                    error("OW001", s.span, f"'{s.key}' is not allowed in {block}")
                )
        for key in multi:
            if key in out:
                out[key] = tuple(out[key])
        return out

    @v_args(meta=True)
    def code(self, meta: Any, c: list[Token]) -> Stmt:
        return self.stmt("code", _unquote(str(c[0])), meta)

    @v_args(meta=True)
    def mtype(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("type", self.word("type", c[0], "matter type"), meta)

    @v_args(meta=True)
    def basis(self, meta: Any, c: list[Token]) -> Stmt:
        return self.stmt("basis", _unquote(str(c[0])), meta)

    @v_args(meta=True)
    def conditions(self, meta: Any, c: list[Token]) -> Stmt:
        return self.stmt("conditions", _unquote(str(c[0])), meta)

    @v_args(meta=True)
    def serves(self, meta: Any, c: list[Any]) -> Stmt:
        objs = [self.word("serves", r, "service object") for r in c[0]]
        return self.stmt("serves", tuple(o for o in objs if o is not None), meta)

    @v_args(meta=True)
    def department_ref(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("department", c[0], meta)

    @v_args(meta=True)
    def domain_ref(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("domain", c[0], meta)

    @v_args(meta=True)
    def materials(self, meta: Any, c: list[Material]) -> Stmt:
        span = self.span(meta)
        return Stmt("materials", (tuple(c), span), span)

    @v_args(meta=True)
    def material(self, meta: Any, c: list[Any]) -> Material:
        name = _unquote(str(c[0]))
        source = MaterialSource.applicant
        source_matter = None
        deferrable = False
        for item in c[1:]:
            if isinstance(item, tuple):
                source, source_matter = item
            elif item == "deferrable":
                deferrable = True
        return Material(
            name=name,
            source=source or MaterialSource.applicant,
            source_matter=source_matter,
            deferrable=deferrable,
            span=self.span(meta),
        )

    def material_source(self, c: list[Ref]) -> tuple[Any, None]:
        member = self.word("source", c[0], "material source")
        if member is MaterialSource.matter:
            self.diagnostics.append(
                error(
                    "OW101",
                    c[0].span,
                    "a material issued by another matter must name it",
                    'write: "营业执照" from matter 企业设立登记',
                )
            )
        return (member, None)

    def from_matter(self, c: list[Ref]) -> tuple[MaterialSource, Ref]:
        return (MaterialSource.matter, c[0])

    def deferrable(self, c: list[Any]) -> str:
        return "deferrable"

    @v_args(meta=True)
    def limit(self, meta: Any, c: list[Limit | None]) -> Stmt:
        return self.stmt("limit", [x for x in c if x is not None], meta)

    @v_args(meta=True)
    def limit_item(self, meta: Any, c: list[Any]) -> Limit | None:
        kind, amount, unit = c[0], c[1], c[2]
        dates = c[3] if len(c) > 3 else {}
        if kind is None or unit is None:
            return None
        return Limit(kind=kind, amount=float(amount), unit=unit, span=self.span(meta), **dates)

    def limit_kind(self, c: list[Token]) -> Any:
        return vocab.lookup("limit_kind", str(c[0]))

    def time_unit(self, c: list[Token]) -> Any:
        return vocab.lookup("time_unit", str(c[0]))

    @v_args(meta=True)
    def fee(self, meta: Any, c: list[Any]) -> Stmt:
        span = self.span(meta)
        item = c[0]
        if isinstance(item, Ref):
            if item.name in vocab.FEE_NONE:
                return Stmt("fee", Fee(amount=0, span=span), span)
            return Stmt("fee", Fee(text=item.name, span=span), span)
        return Stmt("fee", Fee(amount=float(item), span=span), span)

    @v_args(meta=True)
    def handling(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("handling", self.word("handling", c[0], "handling"), meta)

    @v_args(meta=True)
    def online(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("online", self.word("online", c[0], "online depth"), meta)

    @v_args(meta=True)
    def trips(self, meta: Any, c: list[Token]) -> Stmt:
        return self.stmt("trips", int(float(c[0])), meta)

    @v_args(meta=True)
    def volume(self, meta: Any, c: list[Token]) -> Stmt:
        return self.stmt("volume", float(c[0]), meta)

    @v_args(meta=True)
    def service(self, meta: Any, c: list[Token]) -> Stmt:
        return self.stmt("service_minutes", float(c[0]), meta)

    @v_args(meta=True)
    def delivery(self, meta: Any, c: list[Any]) -> Stmt:
        ways = [self.word("delivery", r, "delivery way") for r in c[0]]
        return self.stmt("delivery", tuple(w for w in ways if w is not None), meta)

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
        return self.stmt("form", _unquote(str(c[0])), meta)

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
                note = _unquote(str(item))
        node = Target(
            metric=metric, subject=subject, op=op, value=qty, note=note, span=span, **dates
        )
        return Stmt("target", node, span)

    def target_subject(self, c: list[Ref]) -> tuple[str, Ref]:
        return ("subject", c[0])

    def _override(self, meta: Any, c: list[Any], is_open: bool) -> Stmt | None:
        span = self.span(meta)
        start, end, _ = c[0]
        note = _unquote(str(c[1])) if len(c) > 1 else None
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

    # ------------------------------------------------------------ assessment

    @v_args(meta=True)
    def assessment(self, meta: Any, c: list[Any]) -> Stmt:
        ref: Ref = c[0]
        folds_into = weight = applies_to = ranking = None
        categories: list[Category] = []
        rules: list[Any] = []
        for item in c[1:]:
            if isinstance(item, tuple) and item[0] == "folds":
                folds_into, weight = item[1], item[2]
            elif isinstance(item, tuple) and item[0] == "assesses":
                applies_to = item[1]
            elif isinstance(item, Category):
                categories.append(item)
            elif isinstance(item, Ranking):
                ranking = item
            elif item is not None:
                rules.append(item)
        node = Assessment(
            name=ref.name,
            span=ref.span,
            folds_into=folds_into,
            weight=weight,
            applies_to=applies_to,
            categories=tuple(categories),
            rules=tuple(rules),
            ranking=ranking,
        )
        return self.stmt("assessment", node, meta)

    def folds(self, c: list[Any]) -> tuple[str, Ref, Quantity | None]:
        return ("folds", c[0], c[1] if len(c) > 1 else None)

    def assesses(self, c: list[Ref]) -> tuple[str, Any]:
        return ("assesses", self.word("level", c[0], "level"))

    @v_args(meta=True)
    def category(self, meta: Any, c: list[Any]) -> Category:
        ref: Ref = c[0]
        cap = float(c[1])
        floor = 0.0
        rules = []
        for item in c[2:]:
            if isinstance(item, float):
                floor = item
            elif item is not None:
                rules.append(item)
        return Category(name=ref.name, max=cap, floor=floor, rules=tuple(rules), span=ref.span)

    @v_args(meta=True)
    def deduct(self, meta: Any, c: list[Any]) -> DeductRule:
        fact = c[1].name if len(c) > 1 else None
        return DeductRule(points=float(c[0]), fact=fact, span=self.span(meta))

    @v_args(meta=True)
    def shortfall(self, meta: Any, c: list[Any]) -> ShortfallRule:
        return ShortfallRule(metric=c[0], below=c[1], points=float(c[2]), span=self.span(meta))

    @v_args(meta=True)
    def threshold(self, meta: Any, c: list[Any]) -> ThresholdRule:
        return ThresholdRule(
            metric=c[0], op=c[1], value=c[2], points=float(c[3]), span=self.span(meta)
        )

    def _event_rule(
        self, meta: Any, c: list[Any], make: Callable[..., Any], each_default: bool
    ) -> Any:
        ref: Ref = c[0]
        points = next(float(x) for x in c[1:] if isinstance(x, Token) and x.type == "NUMBER")
        each = each_default
        note = None
        for item in c[1:]:
            if isinstance(item, str) and item in ("each", "once"):
                each = item == "each"
            elif isinstance(item, Token) and item.type == "STRING":
                note = _unquote(str(item))
        return make(event=ref.name, points=points, each=each, note=note, span=self.span(meta))

    @v_args(meta=True)
    def bonus(self, meta: Any, c: list[Any]) -> BonusRule:
        return self._event_rule(meta, c, BonusRule, False)

    @v_args(meta=True)
    def penalty(self, meta: Any, c: list[Any]) -> PenaltyRule:
        return self._event_rule(meta, c, PenaltyRule, True)

    def repeat(self, c: list[Token]) -> str:
        return "each" if str(c[0]) in ("each", "每次") else "once"

    @v_args(meta=True)
    def plugin_rule(self, meta: Any, c: list[Any]) -> PluginRule:
        return PluginRule(kind_name=c[0], params=tuple(c[1:]), span=self.span(meta))

    @v_args(meta=True)
    def ranking(self, meta: Any, c: list[Token]) -> Ranking:
        action = _unquote(str(c[1])) if len(c) > 1 else None
        return Ranking(bottom=int(float(c[0])), action=action, span=self.span(meta))

    # ------------------------------------------------------------ facts, tests

    def _fact(self, meta: Any, kind: str, c: list[Any]) -> Fact:
        ref: Ref = c[0]
        if len(c) > 1 and isinstance(c[1], Quantity):
            qty = c[1]
        elif len(c) > 1:
            qty = Quantity(value=float(c[1]), span=self.tok_span(c[1]))
        else:
            qty = Quantity(value=1, span=ref.span)
        return Fact(fact=kind, name=ref.name, value=qty, span=self.span(meta))

    @v_args(meta=True)
    def fact_metric(self, meta: Any, c: list[Any]) -> Fact:
        return self._fact(meta, "value", c)

    @v_args(meta=True)
    def fact_findings(self, meta: Any, c: list[Any]) -> Fact:
        return self._fact(meta, "findings", c)

    @v_args(meta=True)
    def fact_event(self, meta: Any, c: list[Any]) -> Fact:
        return self._fact(meta, "event", c)

    @v_args(meta=True)
    def facts(self, meta: Any, c: list[Any]) -> Stmt | None:
        span = self.span(meta)
        jur = c[0] if isinstance(c[0], Ref) else None
        rest = c[1:] if jur else c
        as_of = self.date(rest[0])
        if as_of is None:
            return None
        node = Facts(jurisdiction=jur, as_of=as_of, facts=tuple(rest[1:]), span=span)
        return Stmt("facts", node, span)

    @v_args(meta=True)
    def test(self, meta: Any, c: list[Any]) -> Stmt | None:
        span = self.span(meta)
        name = _unquote(str(c[0]))
        subject = as_of = None
        facts: list[Fact] = []
        expectations: list[Expectation] = []
        for item in c[1:]:
            if isinstance(item, Expectation):
                expectations.append(item)
            elif isinstance(item, tuple) and item[0] == "subject":
                subject = item[1]
            elif isinstance(item, tuple) and item[0] == "as_of":
                as_of = item[1]
            elif isinstance(item, list):
                facts.extend(item)
        if as_of is None:
            self.diagnostics.append(
                error("OW124", span, f"test '{name}' has no 'as of' date", "add: as of 2019-12-31")
            )
            return None
        node = TestCase(
            name=name,
            jurisdiction=subject,
            as_of=as_of,
            facts=tuple(facts),
            expectations=tuple(expectations),
            span=span,
        )
        return Stmt("test", node, span)

    def test_subject(self, c: list[Ref]) -> tuple[str, Ref]:
        return ("subject", c[0])

    def test_as_of(self, c: list[Token]) -> tuple[str, dt.date | None]:
        return ("as_of", self.date(c[0]))

    def test_facts(self, c: list[Fact]) -> list[Fact]:
        return list(c)

    def path(self, c: list[Ref]) -> tuple[str, ...]:
        return tuple(r.name for r in c)

    @v_args(meta=True)
    def expect_points(self, meta: Any, c: list[Any]) -> Expectation:
        return Expectation(path=c[0], value=c[1], span=self.span(meta))

    @v_args(meta=True)
    def expect_status(self, meta: Any, c: list[Any]) -> Expectation:
        due_by = self.date(c[1]) if isinstance(c[1], Token) else None
        if isinstance(c[1], Token):
            c = [c[0], c[2]]
        status = c[1].name
        if status not in ("met", "missed", "pending", "达成", "未达成", "待定"):
            self.diagnostics.append(
                error(
                    "OW101",
                    c[1].span,
                    f"unknown target status '{status}'",
                    "use met, missed or pending",
                )
            )
        status = {"达成": "met", "未达成": "missed", "待定": "pending"}.get(status, status)
        return Expectation(
            path=("target", c[0].name), due_by=due_by, status=status, span=self.span(meta)
        )

    # ------------------------------------------------------------ top

    def start(self, children: list[Any]) -> list[TopItem]:
        return [c for c in children if c is not None]


def transform(tree: Tree, path: str) -> tuple[list[TopItem], list[Diagnostic]]:
    """Turn a parse tree into top-level items (jurisdiction blocks and loose statements)."""
    builder = _Builder(path)
    items = builder.transform(tree)
    return items, builder.diagnostics


# ---------------------------------------------------------------- assembly

_SINGLE = {"level", "parent", "calendar", "source", "seals"}
_LISTS = {
    "department": "departments",
    "domains": "domains",
    "matter": "matters",
    "chain": "chains",
    "hall": "halls",
    "delegate": "delegations",
    "target": "targets",
    "assessment": "assessments",
    "override": "overrides",
    "facts": "facts",
    "test": "tests",
    "plugins": "plugins",
    "setting": "settings",
    "lint": "lint",
}


def assemble(raw: RawJurisdiction) -> tuple[Jurisdiction, list[Diagnostic]]:
    """Assemble a jurisdiction model from its statements (includes already spliced)."""
    diagnostics: list[Diagnostic] = []
    fields: dict[str, Any] = {}
    seen: dict[str, Span] = {}
    for s in raw.body:
        if s.key in _SINGLE:
            if s.key in seen:
                diagnostics.append(
                    error(
                        "OW112",
                        s.span,
                        f"'{s.key}' is given twice in jurisdiction '{raw.name}'",
                        f"keep one; the first is at {seen[s.key]}",
                        related=((seen[s.key], "first given here"),),
                    )
                )
                continue
            seen[s.key] = s.span
            if s.key == "level":
                fields["level"], fields["level_span"] = s.value
            elif s.key == "seals":
                fields["seal_range"] = s.value
            else:
                fields[s.key] = s.value
        elif s.key in _LISTS:
            value = s.value if isinstance(s.value, list) else [s.value]
            fields.setdefault(_LISTS[s.key], []).extend(value)
        elif s.key == "include":  # unresolved include: reported by the loader
            continue
    for key in _LISTS.values():
        if key in fields:
            fields[key] = tuple(fields[key])
    node = Jurisdiction(name=raw.name, span=raw.span, file=raw.path, **fields)
    return node, diagnostics
