"""Build: a lark Transformer from the parse tree into statements, then into pydantic models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lark import Token, Tree, v_args

from onewindow.dsl import vocab
from onewindow.dsl.build_assessment import AssessmentBuilder
from onewindow.dsl.build_base import RawJurisdiction, Stmt, TopItem, unquote
from onewindow.dsl.build_halls import HallsBuilder
from onewindow.dsl.diagnostics import Diagnostic, did_you_mean, error
from onewindow.dsl.model import (
    Declared,
    Department,
    Fee,
    Include,
    Jurisdiction,
    Limit,
    LintSetting,
    Material,
    MaterialSource,
    Matter,
    PluginUse,
    Ref,
    Setting,
    Span,
)

__all__ = [
    "RawJurisdiction",
    "Stmt",
    "TopItem",
    "assemble",
    "new_builder",
    "transform",
]


class _Builder(HallsBuilder, AssessmentBuilder):
    """Maps each grammar rule to a `Stmt`, a value, or a model node (one mixin per block)."""

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
        return self.stmt("source", unquote(str(c[0])), meta)

    @v_args(meta=True)
    def department(self, meta: Any, c: list[Any]) -> Stmt:
        title = unquote(str(c[1])) if len(c) > 1 else None
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
        return Stmt("include", Include(path=unquote(str(c[0])), span=span), span)

    @v_args(meta=True)
    def plugins(self, meta: Any, c: list[Token]) -> Stmt:
        uses = [PluginUse(name=unquote(str(t)), span=self.tok_span(t)) for t in c]
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
        return self.stmt("code", unquote(str(c[0])), meta)

    @v_args(meta=True)
    def mtype(self, meta: Any, c: list[Any]) -> Stmt:
        return self.stmt("type", self.word("type", c[0], "matter type"), meta)

    @v_args(meta=True)
    def basis(self, meta: Any, c: list[Token]) -> Stmt:
        return self.stmt("basis", unquote(str(c[0])), meta)

    @v_args(meta=True)
    def conditions(self, meta: Any, c: list[Token]) -> Stmt:
        return self.stmt("conditions", unquote(str(c[0])), meta)

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
        name = unquote(str(c[0]))
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

    # ------------------------------------------------------------ top

    def start(self, children: list[Any]) -> list[TopItem]:
        return [c for c in children if c is not None]


def new_builder(path: str) -> _Builder:
    """A builder for one file; the parser may run its methods as it reduces (see parse.py)."""
    return _Builder(path)


Built = tuple[list[TopItem], list[Diagnostic]]


def transform(tree: Tree, path: str) -> Built:
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
