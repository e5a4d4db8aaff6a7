"""Pydantic models of a jurisdiction file: frozen values, each node with its source span."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# ---------------------------------------------------------------- basics


class Node(BaseModel):
    """Base of every model node: immutable, no I/O."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(Node):
    """Where a node sits in its source file (1-based lines and columns, end exclusive)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


UNKNOWN_SPAN = Span(file="<unknown>", line=1, column=1, end_line=1, end_column=1)


class Ref(Node):
    """A name used to point at another node (department, matter, jurisdiction, metric …)."""

    name: str
    span: Span


class Dated(Node):
    """Mixin for values that hold only from a date (`from DATE`) or are due by one (`by DATE`)."""

    valid_from: dt.date | None = None
    due_by: dt.date | None = None


class Setting(Node):
    """A `set key = value` line: an extra fact a plugin rule reads (unknown keys warn)."""

    key: str
    value: str | float | bool
    span: Span


# ---------------------------------------------------------------- enumerations


class Level(StrEnum):
    """Administrative level (行政层级)."""

    province = "province"
    city = "city"
    district = "district"
    township = "township"
    village = "village"

    @property
    def rank(self) -> int:
        """0 for a province … 4 for a village."""
        return _LEVEL_RANK[self]


_LEVEL_RANK = {level: i for i, level in enumerate(Level)}


class MatterType(StrEnum):
    """Matter type (事项类型) of the national catalogue."""

    licensing = "licensing"  # 行政许可
    public_service = "public-service"  # 公共服务
    confirmation = "confirmation"  # 行政确认
    payment = "payment"  # 行政给付
    reward = "reward"  # 行政奖励
    adjudication = "adjudication"  # 行政裁决
    penalty = "penalty"  # 行政处罚
    enforcement = "enforcement"  # 行政强制
    inspection = "inspection"  # 行政检查
    collection = "collection"  # 行政征收
    other = "other"  # 其他行政权力


class ServiceObject(StrEnum):
    """Service object (服务对象)."""

    person = "person"  # 自然人
    business = "business"  # 法人
    organisation = "organisation"  # 其他组织


class Handling(StrEnum):
    """Handling mode: immediate (即办件) or promised (承诺件)."""

    immediate = "immediate"
    promised = "promised"


class OnlineDepth(StrEnum):
    """How far a matter can be done online (网办深度)."""

    none = "none"
    partial = "partial"
    full = "full"


class MaterialSource(StrEnum):
    """Where a material comes from (材料来源)."""

    applicant = "applicant"  # 申请人提供
    shared = "shared"  # 数据共享
    elicence = "elicence"  # 电子证照
    matter = "matter"  # issued by another matter (前置事项结果)


class Delivery(StrEnum):
    """How the result reaches the applicant (出件方式)."""

    pickup = "pickup"  # 窗口领取
    mail = "mail"  # 免费邮寄
    elicence = "elicence"  # 电子证照


class WindowKind(StrEnum):
    """Window kinds (窗口类型)."""

    comprehensive = "comprehensive"  # 综合受理 by domain
    single = "single"  # 单一事项
    immediate = "immediate"  # 即来即办
    all_round = "all-round"  # 全能
    agency = "agency"  # 帮办代办
    online_agency = "online-agency"  # 网上代办
    consultation = "consultation"  # 咨询
    delivery = "delivery"  # 出件
    self_service = "self-service"  # 自助


class LimitKind(StrEnum):
    """Legal (法定) or promised (承诺) time limit."""

    legal = "legal"
    promised = "promised"


class TimeUnit(StrEnum):
    """Unit of a time limit: statutory working days (工作日) or natural days (自然日)."""

    workdays = "workdays"
    days = "days"


class Comparison(StrEnum):
    ge = ">="
    le = "<="
    gt = ">"
    lt = "<"
    eq = "="


# ---------------------------------------------------------------- matters


class Quantity(Node):
    """A number, optionally a percentage (`60%` is value 60, percent True)."""

    value: float
    percent: bool = False
    span: Span


class Material(Node):
    """An application material (申请材料) and its source; `deferrable` means 容缺受理."""

    name: str
    source: MaterialSource = MaterialSource.applicant
    source_matter: Ref | None = None
    deferrable: bool = False
    span: Span


class Limit(Dated):
    """A time limit (办理时限), legal or promised, in workdays or natural days."""

    kind: LimitKind
    amount: float
    unit: TimeUnit = TimeUnit.workdays
    span: Span


class Fee(Node):
    """Fee (收费): none, an amount in yuan, or a described fee."""

    amount: float | None = None
    text: str | None = None
    span: Span


class Matter(Node):
    """A government service matter (政务服务事项) with the ten 三级十同 elements and handling data."""

    kind: Literal["matter"] = "matter"
    name: str
    span: Span
    code: str | None = None
    type: MatterType | None = None
    basis: str | None = None
    level: Level | None = None
    conditions: str | None = None
    serves: tuple[ServiceObject, ...] = ()
    department: Ref | None = None
    domain: Ref | None = None
    materials: tuple[Material, ...] = ()
    materials_span: Span | None = None
    limits: tuple[Limit, ...] = ()
    fee: Fee | None = None
    handling: Handling | None = None
    online: OnlineDepth | None = None
    trips: int | None = None
    volume: float | None = None
    service_minutes: float | None = None
    delivery: tuple[Delivery, ...] = ()
    settings: tuple[Setting, ...] = ()


# ---------------------------------------------------------------- chains (一件事)


class StepRef(Node):
    """One matter in a chain's steps."""

    op: Literal["step"] = "step"
    matter: Ref


class StepGroup(Node):
    """Steps run in parallel (`&`, 并联) or in series (`->`, 串联)."""

    op: Literal["parallel", "serial"]
    items: tuple[StepRef | StepGroup, ...]


class Chain(Node):
    """One thing (一件事 / 一链办理): related matters under one lead department."""

    kind: Literal["chain"] = "chain"
    name: str
    span: Span
    lead: Ref | None = None
    steps: StepRef | StepGroup | None = None
    materials: tuple[Material, ...] = ()
    form: str | None = None
    limits: tuple[Limit, ...] = ()
    volume: float | None = None
    domain: Ref | None = None
    settings: tuple[Setting, ...] = ()


# ---------------------------------------------------------------- halls


class Hours(Node):
    """One opening period of a hall on a working day, e.g. 09:00-12:00."""

    start: dt.time
    end: dt.time
    span: Span


class Window(Node):
    """A service window (窗口) of a hall, optionally in a zone (专区)."""

    name: str
    span: Span
    kind_of: WindowKind | None = None
    domains: tuple[Ref, ...] = ()
    matters: tuple[Ref, ...] = ()
    staff: int = 1
    zone: Ref | None = None
    settings: tuple[Setting, ...] = ()


class Hall(Node):
    """A service hall (政务服务大厅 / 便民服务中心 / 便民服务室) with hours and windows."""

    kind: Literal["hall"] = "hall"
    name: str
    span: Span
    hours: tuple[Hours, ...] = ()
    zones: tuple[Ref, ...] = ()
    windows: tuple[Window, ...] = ()
    settings: tuple[Setting, ...] = ()


# ---------------------------------------------------------------- delegation, targets


class Delegation(Dated):
    """Matters delegated (下放) from this jurisdiction to named children, with a seal (审批专用章)."""

    matters: tuple[Ref, ...]
    to: tuple[Ref, ...]
    seal: int | None = None
    seal_span: Span | None = None
    span: Span


class SealRange(Node):
    """The declared range of approval seal numbers (兰山区: 9–20号审批专用章)."""

    low: int
    high: int
    span: Span


class Target(Dated):
    """A dated target (目标) on a named metric, e.g. `one_window_share >= 60% by 2018-12-31`."""

    metric: Ref
    subject: Ref | None = None
    op: Comparison
    value: Quantity
    note: str | None = None
    span: Span


class CalendarOverride(Node):
    """Extra open days (加开, e.g. 节假日预约办事) or extra closed days of a jurisdiction."""

    open: bool
    start: dt.date
    end: dt.date
    note: str | None = None
    span: Span


# ---------------------------------------------------------------- assessment (考核)


class DeductRule(Node):
    """`deduct N per finding`: each finding (每发现一处不达标) costs N points."""

    rule: Literal["deduct"] = "deduct"
    points: float
    fact: str | None = None
    span: Span


class ShortfallRule(Node):
    """`shortfall METRIC below X% costs N per point`: N points per percentage point short."""

    rule: Literal["shortfall"] = "shortfall"
    metric: Ref
    below: Quantity
    points: float
    span: Span


class ThresholdRule(Node):
    """`threshold METRIC >= X gives N`: N points when the comparison holds, else 0."""

    rule: Literal["threshold"] = "threshold"
    metric: Ref
    op: Comparison
    value: Quantity
    points: float
    span: Span


class BonusRule(Node):
    """`bonus EVENT +N [each]`: points added per (or once for) an event (加分)."""

    rule: Literal["bonus"] = "bonus"
    event: str
    points: float
    each: bool = False
    note: str | None = None
    span: Span


class PenaltyRule(Node):
    """`penalty EVENT -N [each]`: points taken per (or once for) an event (减分)."""

    rule: Literal["penalty"] = "penalty"
    event: str
    points: float
    each: bool = True
    note: str | None = None
    span: Span


class PluginRule(Node):
    """`rule KIND { key value … }`: a scoring rule kind provided by a plugin."""

    rule: Literal["plugin"] = "plugin"
    kind_name: Ref
    params: tuple[Setting, ...] = ()
    span: Span


Rule = Annotated[
    DeductRule | ShortfallRule | ThresholdRule | BonusRule | PenaltyRule | PluginRule,
    Field(discriminator="rule"),
]


class Category(Node):
    """A scored category (考核类别) with a cap (满分) and a floor (扣完为止 = floor 0)."""

    name: str
    max: float
    floor: float = 0
    rules: tuple[Rule, ...] = ()
    span: Span


class Ranking(Node):
    """Rank the assessed jurisdictions; flag the bottom N (e.g. 约谈 interviews)."""

    bottom: int
    action: str | None = None
    span: Span


class Assessment(Node):
    """An assessment (考核) of this jurisdiction's children, optionally folded into another."""

    kind: Literal["assessment"] = "assessment"
    name: str
    span: Span
    folds_into: Ref | None = None
    weight: Quantity | None = None
    applies_to: Level | None = None
    categories: tuple[Category, ...] = ()
    rules: tuple[Rule, ...] = ()
    ranking: Ranking | None = None


# ---------------------------------------------------------------- facts and tests


class Fact(Node):
    """One observed fact (事实): a metric value, findings in a category, or event occurrences."""

    fact: Literal["value", "findings", "event"]
    name: str
    value: Quantity
    span: Span


class Facts(Node):
    """A `facts` block: observations about one jurisdiction as of a date."""

    kind: Literal["facts"] = "facts"
    jurisdiction: Ref | None = None
    as_of: dt.date
    facts: tuple[Fact, ...] = ()
    span: Span


class Expectation(Node):
    """An expected score (`expect A.B = 10`) or target status (`expect target m met`).

    `due_by` picks one of several targets on the same metric (`expect target m by DATE met`).
    """

    path: tuple[str, ...]
    due_by: dt.date | None = None
    value: Quantity | None = None
    status: str | None = None
    span: Span


class TestCase(Node):
    """An in-file test (测试): facts in, expected points and statuses out."""

    kind: Literal["test"] = "test"
    name: str
    jurisdiction: Ref | None = None
    as_of: dt.date
    facts: tuple[Fact, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    span: Span


# ---------------------------------------------------------------- jurisdiction


class Department(Node):
    """A department (部门) with its short name and full title."""

    name: str
    title: str | None = None
    span: Span


class Declared(Node):
    """A declared name: a zone (专区) or a service domain (领域)."""

    name: str
    title: str | None = None
    span: Span


class Include(Node):
    """`include "path"`: splice another file's items here."""

    path: str
    span: Span


class PluginUse(Node):
    """`plugins "module"`: a plugin this file needs."""

    name: str
    span: Span


class LintSetting(Node):
    """`lint CODE SEVERITY`: change a lint rule's severity here and below (off silences it)."""

    rule: str
    severity: Literal["error", "warning", "info", "off"]
    span: Span


class Jurisdiction(Node):
    """A jurisdiction (行政区划) at any level, with everything declared in its file(s)."""

    name: str
    span: Span
    file: str
    level: Level | None = None
    level_span: Span | None = None
    parent: Ref | None = None
    calendar: Ref | None = None
    source: str | None = None
    departments: tuple[Department, ...] = ()
    zones: tuple[Declared, ...] = ()
    domains: tuple[Declared, ...] = ()
    matters: tuple[Matter, ...] = ()
    chains: tuple[Chain, ...] = ()
    halls: tuple[Hall, ...] = ()
    delegations: tuple[Delegation, ...] = ()
    seal_range: SealRange | None = None
    targets: tuple[Target, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    overrides: tuple[CalendarOverride, ...] = ()
    facts: tuple[Facts, ...] = ()
    tests: tuple[TestCase, ...] = ()
    plugins: tuple[PluginUse, ...] = ()
    settings: tuple[Setting, ...] = ()
    lint: tuple[LintSetting, ...] = ()


class SourceFile(Node):
    """Everything one `.ow` file declares at its top level, includes already spliced in."""

    path: str
    jurisdictions: tuple[Jurisdiction, ...] = ()
    facts: tuple[Facts, ...] = ()
    tests: tuple[TestCase, ...] = ()
    plugins: tuple[PluginUse, ...] = ()
