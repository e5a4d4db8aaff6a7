"""Synthetic province generator (模拟省): deterministic jurisdiction trees of a chosen size.

`province_files(spec)` returns the text of every file of a province (province → cities →
districts → towns → villages) as ordinary `.ow` jurisdiction files that check clean;
`write_tree(files, out, force=...)` writes them atomically. The same `ProvinceSpec` (seed
included) always gives the same bytes, so benchmarks and tests can rebuild a tree at will.

Names follow a fixed pattern so a reader can place any jurisdiction: 第03市, 第017区,
第017区第03镇, 第017区第03镇第12村. Districts hold the matters (事项) and delegate (下放) most
of them to every town with a numbered seal; towns carry a 便民服务中心 hall, their own matters
(from a shared fragment), the district's 六统一-style assessment facts; villages include a
shared 村级便民服务室 fragment.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from rich.cells import cell_len

from onewindow.dsl.format import format_text

PROVINCE_NAME = "模拟省"
ROOT_MARKER = "onewindow.toml"
DOMAINS = ("市场准入", "社会事务", "村镇建设")
DELEGATED_FROM = "2019-09-16"
FACTS_AS_OF = "2019-12-31"
HIGH_VOLUME = 1000  # cases a year from which a promised matter takes a material later (OW205)


@dataclass(frozen=True)
class ProvinceSpec:
    """Size and seed of a generated province.

    `cities` defaults to one city per ten districts. `matters` is the number of matters each
    district declares; about two thirds of them are delegated to every town.
    """

    districts: int = 100
    towns_per_district: int = 20
    villages_per_town: int = 35
    matters: int = 12
    cities: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("districts", "towns_per_district", "matters"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.villages_per_town < 0:
            raise ValueError("villages_per_town must be at least 0")
        if self.cities is not None and not 1 <= self.cities <= self.districts:
            raise ValueError("cities must be between 1 and the number of districts")

    @property
    def city_count(self) -> int:
        return self.cities if self.cities is not None else -(-self.districts // 10)

    @property
    def jurisdiction_count(self) -> int:
        towns = self.districts * self.towns_per_district
        return 1 + self.city_count + self.districts + towns + towns * self.villages_per_town


# ---------------------------------------------------------------- catalogue of matters


@dataclass(frozen=True)
class _MatterKind:
    name: str
    mtype: str
    domain: str
    serves: str
    basis: str
    materials: tuple[tuple[str, str], ...]  # (material, source)
    legal: int  # legal limit in workdays


def _catalogue(table: str) -> tuple[_MatterKind, ...]:
    """Matter kinds from `name | type | domain | serves | basis | legal | material:source; …`."""
    out = []
    for row in filter(None, (r.strip() for r in table.strip().splitlines())):
        name, mtype, domain, serves, basis, legal, mats = (c.strip() for c in row.split("|"))
        materials = tuple(tuple(m.strip().split(":")) for m in mats.split(";"))
        out.append(_MatterKind(name, mtype, domain, serves, basis, materials, int(legal)))  # type: ignore[arg-type]
    return tuple(out)


# Real matter names of district catalogues (区级事项); bases shortened; legal limits in workdays.
_DISTRICT_MATTERS = _catalogue(
    """
个体工商户设立登记 | licensing | 市场准入 | person | 《个体工商户条例》 | 15 | 经营者身份证明:shared; 经营场所使用证明:applicant
个体工商户变更登记 | licensing | 市场准入 | person | 《个体工商户条例》 | 15 | 经营者身份证明:shared; 营业执照:elicence
个体工商户注销登记 | licensing | 市场准入 | person | 《个体工商户条例》 | 15 | 经营者身份证明:shared; 清税证明:shared
食品经营许可 | licensing | 市场准入 | person, business | 《中华人民共和国食品安全法》第三十五条 | 20 | 营业执照:elicence; 经营场所平面布局图:applicant; 食品安全管理制度文本:applicant
药品零售企业设立 | licensing | 市场准入 | business | 《中华人民共和国药品管理法》 | 30 | 营业执照:elicence; 执业药师资格证书:elicence; 质量管理文件:applicant
公共场所卫生许可 | licensing | 市场准入 | person, business | 《公共场所卫生管理条例》第八条 | 20 | 营业执照:elicence; 从业人员健康合格证明:shared; 卫生管理制度:applicant
烟草专卖零售许可 | licensing | 市场准入 | person, business | 《中华人民共和国烟草专卖法》 | 20 | 经营者身份证明:shared; 经营场所使用证明:applicant
农民专业合作社设立登记 | licensing | 市场准入 | organisation | 《中华人民共和国农民专业合作社法》 | 15 | 合作社章程:applicant; 成员名册:applicant; 成员身份证明:shared
城乡居民养老保险参保登记 | public-service | 社会事务 | person | 《国务院关于建立统一的城乡居民基本养老保险制度的意见》 | 5 | 居民身份证:shared; 户口簿:shared
城乡居民医疗保险参保登记 | public-service | 社会事务 | person | 《中华人民共和国社会保险法》第二十五条 | 5 | 居民身份证:shared; 户口簿:shared
残疾人证办理 | public-service | 社会事务 | person | 《中华人民共和国残疾人保障法》 | 20 | 居民身份证:shared; 近期免冠彩色照片:applicant; 残疾评定表:applicant
最低生活保障审批 | payment | 社会事务 | person | 《社会救助暂行办法》第九条 | 30 | 居民身份证:shared; 户口簿:shared; 家庭经济状况核对授权书:applicant; 收入证明:applicant
特困人员救助供养审批 | payment | 社会事务 | person | 《社会救助暂行办法》第十四条 | 30 | 居民身份证:shared; 户口簿:shared; 家庭经济状况核对授权书:applicant
高龄津贴发放 | payment | 社会事务 | person | 《中华人民共和国老年人权益保障法》 | 20 | 居民身份证:shared; 银行账户信息:applicant
就业失业登记 | public-service | 社会事务 | person | 《就业服务与就业管理规定》 | 5 | 居民身份证:shared; 就业创业证:elicence
临时救助审批 | payment | 社会事务 | person | 《社会救助暂行办法》第四十七条 | 20 | 居民身份证:shared; 困难情况证明:applicant
独生子女父母光荣证办理 | confirmation | 社会事务 | person | 《中华人民共和国人口与计划生育法》 | 10 | 夫妻双方居民身份证:shared; 结婚证:shared
农村宅基地审批 | licensing | 村镇建设 | person | 《中华人民共和国土地管理法》第六十二条 | 20 | 户口簿:shared; 村民会议讨论意见:applicant; 宅基地坐落平面位置图:applicant
乡村建设规划许可证核发 | licensing | 村镇建设 | person, business, organisation | 《中华人民共和国城乡规划法》第四十一条 | 20 | 申请人身份证明:shared; 土地使用权属证明:elicence; 建设工程设计方案:applicant
农村危房改造补助 | payment | 村镇建设 | person | 《农村危房改造补助资金管理办法》 | 30 | 户口簿:shared; 危房鉴定报告:applicant
林木采伐许可证核发 | licensing | 村镇建设 | person, organisation | 《中华人民共和国森林法》第五十六条 | 20 | 林权证明:elicence; 伐区调查设计:applicant
农村土地承包经营权证变更 | confirmation | 村镇建设 | person | 《中华人民共和国农村土地承包法》 | 20 | 农村土地承包经营权证:elicence; 变更协议:applicant
"""
)

# The towns' own matters (镇级事项), shared by every town of a district through a fragment.
_TOWN_MATTERS = _catalogue(
    """
生育服务登记 | public-service | 社会事务 | person | 《人口与计划生育条例》 | 5 | 夫妻双方居民身份证:shared; 结婚证:shared
农村土地承包经营权流转合同备案 | other | 村镇建设 | person, business | 《农村土地承包经营权流转管理办法》第二十一条 | 10 | 土地承包经营权流转合同:applicant; 流转双方身份证明:shared
急难型临时救助 | payment | 社会事务 | person | 《社会救助暂行办法》第五十条 | 10 | 居民身份证:shared; 困难情况证明:applicant
"""
)

_TYPE_CODES = {
    "licensing": "XK",
    "public-service": "GG",
    "payment": "JF",
    "confirmation": "QR",
    "other": "QT",
}

_CATEGORIES = (  # 六统一 categories: (name, max)
    ("统一管理模式", 15),
    ("统一建设要求", 15),
    ("统一进驻事项", 15),
    ("统一网络平台", 15),
    ("统一运行规范", 20),
    ("统一队伍建设", 20),
)
_DEDUCT_CATEGORIES = tuple(name for name, _ in _CATEGORIES[1:])
_BONUSES = (("品牌全区推广", 20), ("统一着装", 10), ("免费复印", 5), ("免费邮寄", 5))
_PENALTY = "媒体曝光或领导批示"


# ---------------------------------------------------------------- names


def _width(count: int, least: int) -> int:
    return max(least, len(str(count)))


@dataclass(frozen=True)
class _Names:
    spec: ProvinceSpec

    def city(self, c: int) -> str:
        return f"第{c + 1:0{_width(self.spec.city_count, 2)}d}市"

    def district(self, d: int) -> str:
        return f"第{d + 1:0{_width(self.spec.districts, 3)}d}区"

    def town(self, d: int, t: int) -> str:
        return f"{self.district(d)}第{t + 1:0{_width(self.spec.towns_per_district, 2)}d}镇"

    def village(self, d: int, t: int, v: int) -> str:
        return f"{self.town(d, t)}第{v + 1:0{_width(self.spec.villages_per_town, 2)}d}村"

    def city_of(self, d: int) -> int:
        return d * self.spec.city_count // self.spec.districts


def _rng(spec: ProvinceSpec, *parts: object) -> random.Random:
    """A random stream of its own per jurisdiction, fixed by the seed and the parts."""
    return random.Random("/".join(map(str, (spec.seed, *parts))))


def _columns(text: str) -> int:
    """Terminal columns of a text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(head: str, items: list[str], tail: str, indent: str, width: int = 100) -> list[str]:
    """`head a, b, c tail` as lines about `width` columns wide, continuation lines indented."""
    lines: list[str] = []
    cur = indent + head
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if _columns(cur) + 1 + _columns(piece) > width and cur.strip() != head.strip():
            lines.append(cur)
            cur = indent + "    " + piece
        else:
            cur += " " + piece
    lines.append(cur + (" " + tail if tail else ""))
    return lines


def _pct(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"


# ---------------------------------------------------------------- matters


@dataclass(frozen=True)
class _Matter:
    kind: _MatterKind
    name: str
    code: str
    delegated: bool
    promised: int
    handling: str
    online: str
    trips: int
    volume: int
    minutes: int
    deferrable: bool


def _district_matters(spec: ProvinceSpec, d: int) -> list[_Matter]:
    rng = _rng(spec, "matters", d)
    pool = list(_DISTRICT_MATTERS)
    rng.shuffle(pool)
    out: list[_Matter] = []
    for i in range(spec.matters):
        if i < len(pool):
            kind, name = pool[i], pool[i].name
        else:
            base = rng.choice(_DISTRICT_MATTERS)
            name = f"专项审批事项{i + 1:03d}"
            kind = _MatterKind(name, base.mtype, base.domain, base.serves, base.basis,
                               base.materials, base.legal)  # fmt: skip
        promised = max(1, min(kind.legal - 1, rng.choice((1, 1, 2, 3, 5, 10))))  # 压缩时限
        handling = "immediate" if promised == 1 and rng.random() < 0.6 else "promised"
        online = rng.choice(("full", "full", "partial", "none"))
        trips = 0 if online == "full" and rng.random() < 0.5 else 1
        volume = rng.choice((100, 200, 400, 800, 1500, 3000, 6000))
        deferrable = rng.random() < 0.4
        if volume >= HIGH_VOLUME and handling == "promised":  # 容缺受理 for busy matters
            if any(source == "applicant" for _, source in kind.materials):
                deferrable = True
            else:
                handling, promised = "immediate", 1
        code = f"99{d + 1:04d}00{_TYPE_CODES.get(kind.mtype, 'QT')}{i + 1:05d}"  # fictional 99 province
        out.append(
            _Matter(
                kind=kind,
                name=name,
                code=code,
                delegated=rng.random() < 0.7 or i == 0,
                promised=promised,
                handling=handling,
                online=online,
                trips=trips,
                volume=volume,
                minutes=rng.choice((8, 10, 12, 15, 20)),
                deferrable=deferrable,
            )
        )
    kept = [i for i, m in enumerate(out) if not m.delegated]
    if len(kept) == 1:  # a window for one matter only is what 取消“只办一个事项”的窗口 forbids
        out[kept[0]] = replace(out[kept[0]], delegated=True)
    return out


def _window_groups(by_domain: dict[str, list[str]]) -> list[list[str]]:
    """Domains grouped so that each window takes in two matters or more (OW202).

    A domain with two matters or more has its own window; domains with one matter share
    one; a lone single joins the first group.
    """
    groups = [[d] for d in DOMAINS if len(by_domain.get(d, ())) >= 2]
    singles = [d for d in DOMAINS if len(by_domain.get(d, ())) == 1]
    if len(singles) >= 2 or (singles and not groups):
        groups.append(singles)
    elif singles:
        groups[0].append(singles[0])
    return groups


def _window_name(group: list[str]) -> str:
    return f"{group[0]}综合窗口" if len(group) == 1 else "综合受理窗口"


def _matter_lines(m: _Matter, level: str, department: str, indent: str) -> list[str]:
    k = m.kind
    mats = [f'"{m.name}申请表" from applicant']
    last_own = max((i for i, (_, s) in enumerate(k.materials) if s == "applicant"), default=-1)
    for i, (mat, source) in enumerate(k.materials):
        defer = " deferrable" if m.deferrable and i == last_own else ""
        mats.append(f'"{mat}" from {source}{defer}')
    # the names in one column, padded to the widest (in terminal cells), as `fmt` aligns them
    split = [(x[: x.index('" from ') + 1], x[x.index('" from ') + 2 :]) for x in mats]
    width = max(cell_len(name) for name, _ in split)
    mats = [f"{name}{' ' * (width - cell_len(name) + 1)}{rest}" for name, rest in split]
    delivery = "pickup, mail" if m.trips else "pickup, mail, elicence"
    body = [
        f"matter {m.name} {{",
        f'  code "{m.code}"',
        f"  type {k.mtype}",
        f'  basis "{k.basis}"',
        f"  level {level}",
        f'  conditions "符合{k.basis}规定的条件"',
        f"  serves {k.serves}",
        f"  department {department}",
        f"  domain {k.domain}",
        "  materials {",
        *(f"    {x}" for x in mats),
        "  }",
        f"  limit legal {k.legal} workdays, promised {m.promised} workdays",
        "  fee none",
        f"  handling {m.handling}",
        f"  online {m.online}",
        f"  trips {m.trips}",
        f"  volume {m.volume} per year",
        f"  service {m.minutes} minutes",
        f"  delivery {delivery}",
        "}",
    ]
    return [indent + line for line in body]


# ---------------------------------------------------------------- files


def _province(spec: ProvinceSpec) -> str:
    return "\n".join(
        [
            f"# {PROVINCE_NAME}: a generated province ({spec.districts} districts, "
            f"{spec.districts * spec.towns_per_district} towns, seed {spec.seed}).",
            f"jurisdiction {PROVINCE_NAME} {{",
            "  level province",
            "  calendar cn",
            '  source "generated by onewindow generate"',
            f'  department 省审批局 "{PROVINCE_NAME}行政审批服务局"',
            f"  domains {', '.join(DOMAINS)}",
            "  target one_window_share >= 60% by 2018-12-31",
            "  target one_window_share >= 80% by 2019-12-31",
            "}",
            "",
        ]
    )


def _city(spec: ProvinceSpec, names: _Names, c: int) -> str:
    city = names.city(c)
    return "\n".join(
        [
            f"# {city}: a generated city of {PROVINCE_NAME}.",
            f"jurisdiction {city} {{",
            "  level city",
            f"  parent {PROVINCE_NAME}",
            f'  department 市审批局 "{city}行政审批服务局"',
            "",
            "  assessment 营商环境考核 {",
            "    assesses district",
            "    category 政务服务 max 40 floor 0 { deduct 4 per finding }",
            "    category 一窗受理 max 60 floor 0 { shortfall one_window_share below 80% costs 1 per point }",
            "    bonus 经验全省推广 +10 once",
            '    rank bottom 1 "约谈"',
            "  }",
            "}",
            "",
        ]
    )


def _canonical(text: str) -> str:
    """`text` in `onewindow fmt`'s layout (a district's long lists are laid out by it)."""
    formatted = format_text(text)
    assert formatted.text is not None, formatted.diagnostics
    return formatted.text


def _district(spec: ProvinceSpec, names: _Names, d: int, matters: list[_Matter]) -> str:
    rng = _rng(spec, "district", d)
    district = names.district(d)
    towns = spec.towns_per_district
    lines = [
        f"# {district}: a generated district ({towns} towns, {len(matters)} matters).",
        f"jurisdiction {district} {{",
        "  level district",
        f"  parent {names.city(names.city_of(d))}",
        f'  source "{district}基层便民服务体系建设工作方案"',
        f'  department 审批局 "{district}行政审批服务局"',
        f"  seals 1..{towns}",
        "",
        "  # ---- 区级事项",
    ]
    for m in matters:
        lines += [*_matter_lines(m, "district", "审批局", "  "), ""]
    # the district's windows take in only the matters it keeps; delegated ones are handled
    # at the town centers alone (no all-round window here, it would take them in too)
    kept: dict[str, list[str]] = {}
    for m in matters:
        if not m.delegated:
            kept.setdefault(m.kind.domain, []).append(m.name)
    steps = [m.name for m in matters[:3]]
    chain = len(steps) == 3 and bool(kept)  # a comprehensive window takes the chain in
    if chain:
        lines += [
            "  chain 一件事办理 {",
            "    lead 审批局",
            f"    steps {steps[0]} -> {steps[1]} & {steps[2]}",
            '    materials { "一套材料" from applicant }',
            f'    form "{district}一件事一表通"',
            "    limit promised 5 workdays",
            "  }",
            "",
        ]
    lines += [
        "  hall 政务服务大厅 {",
        "    hours 09:00-12:00, 13:30-17:00",
    ]
    for i, group in enumerate(_window_groups(kept)):
        taken = [n for d in group for n in kept[d]]
        if i == 0 and chain:
            taken.append("一件事办理")  # the first comprehensive window takes the chain in
        lines += [
            f"    window {_window_name(group)} {{",
            f"      kind comprehensive  domains {', '.join(group)}  staff {rng.randint(1, 4)}",
            *_wrap("matters", taken, "", "      "),
            "    }",
        ]
    lines += [
        "    window 咨询窗口 { kind consultation  staff 1 }",
        "    window 帮办代办窗口 { kind agency  staff 2 }",
        "    window 出件窗口 { kind delivery  staff 1 }",
        "  }",
        "",
        "  # ---- 下放: one 审批专用章 per town",
    ]
    delegated = [m.name for m in matters if m.delegated]
    for t in range(towns):
        lines += _wrap("delegate", delegated, "", "  ")
        lines.append(f"    to {names.town(d, t)} seal {t + 1} from {DELEGATED_FROM}")
    lines += [
        "",
        "  target one_window_share >= 80% by 2019-12-31",
        "",
        "  assessment 区委考核 {",
        "    assesses township",
        "  }",
        "",
        "  assessment 六统一 folds into 区委考核 weight 10 {",
        "    assesses township",
        f"    category {_CATEGORIES[0][0]} max {_CATEGORIES[0][1]} floor 0 {{",
        "      shortfall standard_village_room_share below 40% costs 1 per point",
        "      shortfall village_room_coverage below 100% costs 1 per point",
        "    }",
    ]
    for name, top in _CATEGORIES[1:]:
        lines.append(f"    category {name} max {top} floor 0 {{ deduct 5 per finding }}")
    for name, points in _BONUSES:
        lines.append(f"    bonus {name} +{points} once")
    lines += [
        f"    penalty {_PENALTY} -20 each",
        "    threshold immediate_matter_share >= 50% gives 5",
        '    rank bottom 2 "约谈"',
        "  }",
    ]
    findings = rng.choice((0, 0, 1, 2))
    if findings:
        lines += [f"  facts as of {FACTS_AS_OF} {{", f"    findings 政务服务 {findings}", "  }"]
    lines += ["}", ""]
    return "\n".join(lines)


def _town_matters_fragment(spec: ProvinceSpec, d: int) -> str:
    rng = _rng(spec, "town-matters", d)
    lines = [
        "# Fragment: the towns' own matters (镇级事项), included inside each town block.",
        "# The including town declares `department 便民服务中心`.",
    ]
    for i, kind in enumerate(_TOWN_MATTERS):
        m = _Matter(
            kind=kind,
            name=kind.name,
            code=f"99{d + 1:04d}90{_TYPE_CODES[kind.mtype]}{i + 1:05d}",
            delegated=False,
            promised=min(kind.legal - 1, rng.choice((1, 2, 3))),
            handling="promised",
            online=rng.choice(("full", "partial")),
            trips=1,
            volume=rng.choice((40, 80, 200, 600)),
            minutes=rng.choice((8, 15, 20)),
            deferrable=False,
        )
        lines += ["", *_matter_lines(m, "township", "便民服务中心", "")]
    return "\n".join(lines) + "\n"


def _town_targets_fragment() -> str:
    return "\n".join(
        [
            "# Fragment: targets of every town's 便民服务中心, included inside the town block.",
            'target windows_single = 0 by 2019-10-31 "取消只办一个事项的窗口"',
            'target windows_all_round >= 1 by 2019-10-31 "至少设置1个全能窗口"',
            'target windows_agency >= 1 by 2019-10-31 "至少设置1个代办帮办窗口"',
            "target standard_village_room_share >= 40%",
            "target village_room_coverage >= 100%",
            "",
        ]
    )


def _village_room_fragment() -> str:
    return "\n".join(
        [
            "# Fragment: a 村级便民服务室 (agency room), included inside each village block.",
            "hall 村级便民服务室 {",
            "  hours 08:30-11:30, 14:00-17:00",
            "  window 代办点 { kind agency  staff 1 }",
            "}",
            "",
        ]
    )


def _town(spec: ProvinceSpec, names: _Names, d: int, t: int, matters: list[_Matter]) -> str:
    rng = _rng(spec, "town", d, t)
    town = names.town(d, t)
    lines = [
        f"# {town}: a generated town of {names.district(d)} (seal {t + 1}).",
        f"jurisdiction {town} {{",
        "  level township",
        f"  parent {names.district(d)}",
        f'  department 便民服务中心 "{town}便民服务中心"',
        f"  set villages = {spec.villages_per_town}",
        '  include "../common/镇级事项.ow"',
        '  include "../common/镇街目标.ow"',
        "",
        "  hall 便民服务中心 {",
        "    hours 08:30-12:00, 14:00-17:30",
    ]
    # comprehensive windows by domain without a `matters` line take in every matter the
    # town holds in their domains: its own and the delegated ones (一窗受理)
    held: dict[str, list[str]] = {}
    for name, domain in [(m.name, m.kind.domain) for m in matters if m.delegated] + [
        (k.name, k.domain) for k in _TOWN_MATTERS
    ]:
        held.setdefault(domain, []).append(name)
    for group in _window_groups(held):
        staff = rng.randint(1, 3)
        lines.append(
            f"    window {_window_name(group)} {{ kind comprehensive  domains {', '.join(group)}"
            f"  staff {staff} }}"
        )
    lines += [
        "    window 全能窗口 { kind all-round  staff 1 }",
        "    window 代办帮办窗口 { kind agency  staff 1 }",
        "  }",
        "",
        f"  facts as of {FACTS_AS_OF} {{",
        f"    metric standard_village_room_share {_pct(rng.uniform(30, 60))}",
        f"    metric village_room_coverage {_pct(rng.choice((100, 100, rng.uniform(85, 100))))}",
    ]
    for category in rng.sample(_DEDUCT_CATEGORIES, rng.randint(0, 2)):
        lines.append(f"    findings {category} {rng.randint(1, 3)}")
    for bonus, _ in _BONUSES:
        if rng.random() < 0.25:
            lines.append(f"    event {bonus}")
    if rng.random() < 0.1:
        lines.append(f"    event {_PENALTY} {rng.randint(1, 2)}")
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def _village(names: _Names, d: int, t: int, v: int) -> str:
    village = names.village(d, t, v)
    return "\n".join(
        [
            f"# {village}: a generated village.",
            f"jurisdiction {village} {{",
            "  level village",
            f"  parent {names.town(d, t)}",
            '  include "../common/村级便民服务室.ow"',
            "}",
            "",
        ]
    )


def iter_province_files(spec: ProvinceSpec) -> Iterator[tuple[str, str]]:
    """(relative path, text) of every file of the province, in a fixed order."""
    names = _Names(spec)
    prov = PROVINCE_NAME
    yield ROOT_MARKER, f"# Root of a generated province (seed {spec.seed}).\n"
    yield f"{prov}/{prov}.ow", _province(spec)
    for c in range(spec.city_count):
        yield f"{prov}/{names.city(c)}/{names.city(c)}.ow", _city(spec, names, c)
    for d in range(spec.districts):
        district = names.district(d)
        folder = f"{prov}/{names.city(names.city_of(d))}/{district}"
        matters = _district_matters(spec, d)
        yield f"{folder}/{district}.ow", _canonical(_district(spec, names, d, matters))
        yield f"{folder}/common/镇级事项.ow", _town_matters_fragment(spec, d)
        yield f"{folder}/common/镇街目标.ow", _town_targets_fragment()
        if spec.villages_per_town:
            yield f"{folder}/common/村级便民服务室.ow", _village_room_fragment()
        for t in range(spec.towns_per_district):
            town = names.town(d, t)
            yield f"{folder}/{town}/{town}.ow", _town(spec, names, d, t, matters)
            for v in range(spec.villages_per_town):
                yield f"{folder}/{town}/{names.village(d, t, v)}.ow", _village(names, d, t, v)


def province_files(spec: ProvinceSpec) -> dict[str, str]:
    """Every file of the province: relative path → text."""
    return dict(iter_province_files(spec))


def district_file(spec: ProvinceSpec, d: int) -> str:
    """Relative path of district `d`'s own file (0-based), e.g. for editing it in a benchmark."""
    names = _Names(spec)
    district = names.district(d)
    return f"{PROVINCE_NAME}/{names.city(names.city_of(d))}/{district}/{district}.ow"


# ---------------------------------------------------------------- writing


class GenerateError(Exception):
    """The output folder cannot be used: a plain message and a hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def write_tree(files: Mapping[str, str] | Iterator[tuple[str, str]], out: str | Path, *,
               force: bool = False) -> int:  # fmt: skip
    """Write the files under `out` atomically; return the number of bytes written.

    The tree is written into a temporary sibling folder and renamed into place, so `out`
    never holds half a province. A non-empty `out` is refused unless `force`, which replaces
    it as a whole (its old content is removed).
    """
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise GenerateError(f"{out} exists and is not a folder", "choose a folder to create")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise GenerateError(
            f"{out} is not empty", "choose a new or empty folder, or pass --force to replace it"
        )
    parent = target.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise GenerateError(f"cannot create a folder in {parent}: {exc.strerror}") from exc
    written = 0
    try:
        items = files.items() if isinstance(files, Mapping) else files
        made: set[Path] = set()
        for rel, text in items:
            path = staging / rel
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            data = text.encode("utf-8")
            path.write_bytes(data)
            written += len(data)
        os.chmod(staging, 0o777 & ~_umask())
        old: Path | None = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
            os.rename(target, old / "tree")
        try:
            os.rename(staging, target)
        except OSError:
            if old is not None:
                os.rename(old / "tree", target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise GenerateError(f"cannot write {out}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def generate(out: str | Path, spec: ProvinceSpec, *, force: bool = False) -> int:
    """Generate the province of `spec` into `out`; return the number of bytes written."""
    return write_tree(iter_province_files(spec), out, force=force)
