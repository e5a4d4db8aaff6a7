"""Enumerated words of the language, in English and Chinese, mapped to model enums."""

from __future__ import annotations

from enum import StrEnum

from onewindow.dsl.model import (
    Delivery,
    Handling,
    Level,
    LimitKind,
    MaterialSource,
    MatterType,
    OnlineDepth,
    ServiceObject,
    TimeUnit,
    WindowKind,
)

#: vocabulary name → (enum, {spelling: member}); the first Chinese spelling is canonical.
VOCABULARIES: dict[str, tuple[type[StrEnum], dict[str, tuple[str, ...]]]] = {
    "level": (
        Level,
        {
            "province": ("省",),
            "city": ("市",),
            "district": ("区县", "区", "县"),
            "township": ("乡镇", "镇", "乡", "街道"),
            "village": ("村", "社区", "村居"),
        },
    ),
    "type": (
        MatterType,
        {
            "licensing": ("行政许可",),
            "public-service": ("公共服务",),
            "confirmation": ("行政确认",),
            "payment": ("行政给付",),
            "reward": ("行政奖励",),
            "adjudication": ("行政裁决",),
            "penalty": ("行政处罚",),
            "enforcement": ("行政强制",),
            "inspection": ("行政检查",),
            "collection": ("行政征收",),
            "other": ("其他行政权力", "其他"),
        },
    ),
    "serves": (
        ServiceObject,
        {
            "person": ("自然人", "个人"),
            "business": ("法人", "企业"),
            "organisation": ("其他组织",),
        },
    ),
    "handling": (Handling, {"immediate": ("即办", "即办件"), "promised": ("承诺", "承诺件")}),
    "online": (
        OnlineDepth,
        {"none": ("不可网办",), "partial": ("部分网办",), "full": ("全程网办",)},
    ),
    "source": (
        MaterialSource,
        {
            "applicant": ("申请人",),
            "shared": ("共享", "数据共享"),
            "elicence": ("电子证照", "elicense"),
            "matter": ("事项",),
        },
    ),
    "delivery": (
        Delivery,
        {
            "pickup": ("窗口领取", "领取"),
            "mail": ("邮寄", "免费邮寄"),
            "elicence": ("电子证照", "elicense"),
        },
    ),
    "kind": (
        WindowKind,
        {
            "comprehensive": ("综合", "综合受理"),
            "single": ("单一", "单一事项"),
            "immediate": ("即来即办",),
            "all-round": ("全能",),
            "agency": ("帮办代办", "代办帮办", "代办"),
            "online-agency": ("网上代办",),
            "consultation": ("咨询",),
            "delivery": ("出件",),
            "self-service": ("自助",),
        },
    ),
    "limit_kind": (LimitKind, {"legal": ("法定",), "promised": ("承诺",)}),
    "time_unit": (
        TimeUnit,
        {"workdays": ("工作日", "workday"), "days": ("自然日", "day")},
    ),
}

FEE_NONE = ("none", "免费", "不收费", "无")


def lookup(vocabulary: str, word: str) -> StrEnum | None:
    """The enum member a word spells in a vocabulary, or None."""
    enum, table = VOCABULARIES[vocabulary]
    for canonical, aliases in table.items():
        if word == canonical or word in aliases:
            return enum(canonical)
    return None


def spellings(vocabulary: str) -> list[str]:
    """Every accepted spelling, English first."""
    _, table = VOCABULARIES[vocabulary]
    return list(table) + [a for aliases in table.values() for a in aliases]


def render(vocabulary: str, member: StrEnum, lang: str = "en") -> str:
    """The canonical spelling of a member in English or Chinese."""
    _, table = VOCABULARIES[vocabulary]
    if lang == "zh":
        return table[member.value][0]
    return member.value
