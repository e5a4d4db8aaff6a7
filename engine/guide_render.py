"""Service guide (办事指南) pages as Markdown, HTML or JSON: layout only, no computation.

Every renderer takes a `Guide` and one of its pages (engine/guide.py) and returns text.
The HTML is one plain, self-contained document per jurisdiction: semantic elements, every
text escaped, a small screen style and a print style (A4, one matter per printed page,
no navigation, links shown as text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import escape

from onewindow.engine.guide import (
    NOT_STATED,
    ChainGuide,
    Guide,
    GuideMaterial,
    GuidePlace,
    JurisdictionGuide,
    MatterGuide,
    PageMatter,
)

FORMATS = ("md", "html", "json")

#: The elements of a matter's guide, in the order guides print them (label, value).
MATTER_FIELDS: tuple[tuple[str, Callable[[MatterGuide], str | None]], ...] = (
    ("事项编码", lambda m: m.code),
    ("事项类型", lambda m: m.type_text),
    ("设定依据", lambda m: m.basis),
    ("行使层级", lambda m: m.level_text),
    ("服务对象", lambda m: m.serves_text),
    ("实施部门", lambda m: m.department_text),
    ("业务领域", lambda m: m.domain),
    ("申请条件", lambda m: m.conditions),
    ("办件类型", lambda m: m.handling_text),
    ("收费标准", lambda m: m.fee_text),
    ("到办事现场次数", lambda m: m.trips_text),
    ("网上办理", lambda m: m.online_text),
    ("结果送达", lambda m: m.delivery_text),
)


def _value(text: str | None) -> str:
    return text if text else NOT_STATED


def _limits(limits) -> list[tuple[str, str]]:
    if not limits:
        return [("办结时限", NOT_STATED)]
    return [(x.kind_text, x.text) for x in limits]


def _material_note(m: GuideMaterial) -> str:
    return "可容缺受理，后补" if m.deferrable else ""


def _subtitle(guide: Guide, page: JurisdictionGuide) -> str:
    level = f"（{page.level_text}）" if page.level_text else ""
    parent = f"，上级：{page.parent}" if page.parent else ""
    if guide.as_of is not None:
        day = guide.as_of
        when = f"本指南按 {day.year}年{day.month}月{day.day}日 施行的规定编制。"
    else:
        when = "本指南列出各项规定及其施行日期。"
    return f"{page.name}{level}{parent}。{when}"


def _title(page: JurisdictionGuide) -> str:
    return f"{page.name}政务服务事项办事指南"


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md_escape(text: str) -> str:
    """Text safe inside Markdown paragraphs and table cells (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(md_escape(c) if c else " " for c in row) + " |" for row in rows]
    return out


def _md_materials(materials: tuple[GuideMaterial, ...]) -> list[str]:
    if not materials:
        return ["无需提交申请材料（或未列明）。"]
    rows = [(str(i), m.name, m.source_text, _material_note(m)) for i, m in enumerate(materials, 1)]
    return _md_table(("序号", "材料名称", "来源", "容缺受理"), rows)


def _md_places(places: tuple[GuidePlace, ...], online: str | None) -> list[str]:
    lines = [f"- {md_escape(p.text)}" for p in places]
    if online in ("full", "partial"):
        lines.append("- 网上办理：通过政务服务网申请")
    return lines or ["- 未设受理窗口，请咨询实施部门"]


def _md_matter(number: int, entry: PageMatter) -> list[str]:
    m = entry.guide
    out = [f"## {number}. {md_escape(m.name)}", ""]
    if entry.delegated_by:
        out += [f"本事项由{md_escape(entry.delegated_by)}下放办理。", ""]
    rows = [(label, _value(get(m))) for label, get in MATTER_FIELDS]
    rows += _limits(m.limits)
    out += _md_table(("项目", "内容"), rows)
    out += ["", "### 申请材料", ""]
    out += _md_materials(m.materials)
    out += ["", "### 办理地点", ""]
    out += _md_places(m.places, m.online)
    out.append("")
    return out


def _md_chain(number: int, c: ChainGuide) -> list[str]:
    rows = [
        ("牵头部门", c.lead_text),
        ("办理环节", c.steps_text),
        ("申请表单", _value(c.form)),
        *_limits(c.limits),
    ]
    out = [f"## {number}. 一件事：{md_escape(c.name)}", ""]
    out += _md_table(("项目", "内容"), rows)
    out += ["", "### 申请材料（一套材料）", ""]
    out += _md_materials(c.materials)
    out += ["", "### 办理地点", ""]
    out += _md_places(c.places, None)
    out.append("")
    return out


def render_markdown(guide: Guide, page: JurisdictionGuide) -> str:
    """One jurisdiction's guide as Markdown."""
    out = [f"# {md_escape(_title(page))}", "", md_escape(_subtitle(guide, page)), ""]
    if page.source:
        out += [f"依据：{md_escape(page.source)}", ""]
    out += ["目录：", ""]
    n = 0
    for entry in page.matters:
        n += 1
        out.append(f"{n}. {md_escape(entry.guide.name)}")
    for c in page.chains:
        n += 1
        out.append(f"{n}. 一件事：{md_escape(c.name)}")
    out.append("")
    n = 0
    for entry in page.matters:
        n += 1
        out += _md_matter(n, entry)
    for c in page.chains:
        n += 1
        out += _md_chain(n, c)
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------- HTML

STYLE = """\
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", sans-serif; line-height: 1.6; max-width: 52rem; margin: 2rem auto;
  padding: 0 1rem; color: #111; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-bottom: 1px solid #999;
  padding-bottom: .2rem; margin-top: 2.5rem; } h3 { font-size: 1.05rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f0f0f0; }
th[scope="row"] { width: 9rem; white-space: nowrap; }
.note { color: #444; }
@page { size: A4; margin: 18mm 15mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  nav { display: none; }
  article + article { break-before: page; }
  table, tr, li { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def _h(text: str | None) -> str:
    return escape(_value(text), quote=True)


def _html_rows(rows: list[tuple[str, str]]) -> list[str]:
    out = ['<table class="elements">', "<tbody>"]
    out += [f'<tr><th scope="row">{_h(k)}</th><td>{_h(v)}</td></tr>' for k, v in rows]
    out += ["</tbody>", "</table>"]
    return out


def _html_materials(materials: tuple[GuideMaterial, ...]) -> list[str]:
    if not materials:
        return ["<p>无需提交申请材料（或未列明）。</p>"]
    out = [
        '<table class="materials">',
        "<thead><tr>"
        '<th scope="col">序号</th><th scope="col">材料名称</th>'
        '<th scope="col">来源</th><th scope="col">容缺受理</th>'
        "</tr></thead>",
        "<tbody>",
    ]
    for i, m in enumerate(materials, 1):
        out.append(
            f"<tr><td>{i}</td><td>{escape(m.name)}</td><td>{escape(m.source_text)}</td>"
            f"<td>{escape(_material_note(m))}</td></tr>"
        )
    out += ["</tbody>", "</table>"]
    return out


def _html_places(places: tuple[GuidePlace, ...], online: str | None) -> list[str]:
    items = [f"<li>{escape(p.text)}</li>" for p in places]
    if online in ("full", "partial"):
        items.append("<li>网上办理：通过政务服务网申请</li>")
    if not items:
        items = ["<li>未设受理窗口，请咨询实施部门</li>"]
    return ['<ul class="places">', *items, "</ul>"]


def _html_matter(number: int, entry: PageMatter) -> list[str]:
    m = entry.guide
    out = [f'<article id="item-{number}">', f"<h2>{number}. {escape(m.name)}</h2>"]
    if entry.delegated_by:
        out.append(f'<p class="note">本事项由{escape(entry.delegated_by)}下放办理。</p>')
    rows = [(label, _value(get(m))) for label, get in MATTER_FIELDS] + _limits(m.limits)
    out += _html_rows(rows)
    out += ["<h3>申请材料</h3>", *_html_materials(m.materials)]
    out += ["<h3>办理地点</h3>", *_html_places(m.places, m.online)]
    out.append("</article>")
    return out


def _html_chain(number: int, c: ChainGuide) -> list[str]:
    rows = [
        ("牵头部门", c.lead_text),
        ("办理环节", c.steps_text),
        ("申请表单", _value(c.form)),
        *_limits(c.limits),
    ]
    out = [f'<article id="item-{number}">', f"<h2>{number}. 一件事：{escape(c.name)}</h2>"]
    out += _html_rows(rows)
    out += ["<h3>申请材料（一套材料）</h3>", *_html_materials(c.materials)]
    out += ["<h3>办理地点</h3>", *_html_places(c.places, None)]
    out.append("</article>")
    return out


def render_html(guide: Guide, page: JurisdictionGuide) -> str:
    """One jurisdiction's guide as a self-contained HTML document."""
    title = escape(_title(page))
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        "<style>",
        STYLE.rstrip("\n"),
        "</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{title}</h1>",
        f"<p>{escape(_subtitle(guide, page))}</p>",
    ]
    if page.source:
        out.append(f'<p class="note">依据：{escape(page.source)}</p>')
    out += ["</header>", '<nav aria-label="目录">', "<h2>目录</h2>", "<ol>"]
    n = 0
    for entry in page.matters:
        n += 1
        out.append(f'<li><a href="#item-{n}">{escape(entry.guide.name)}</a></li>')
    for c in page.chains:
        n += 1
        out.append(f'<li><a href="#item-{n}">一件事：{escape(c.name)}</a></li>')
    out += ["</ol>", "</nav>", "<main>"]
    n = 0
    for entry in page.matters:
        n += 1
        out += _html_matter(n, entry)
    for c in page.chains:
        n += 1
        out += _html_chain(n, c)
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- JSON


def render_json(guide: Guide, page: JurisdictionGuide) -> str:
    """One jurisdiction's guide as JSON (`Guide.page_dict`)."""
    return json.dumps(guide.page_dict(page), ensure_ascii=False, indent=2) + "\n"


def render_all_json(guide: Guide) -> str:
    """Every page in one JSON document (`Guide.as_dict`), as printed on stdout."""
    return json.dumps(guide.as_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Guide, JurisdictionGuide], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
}


def render(guide: Guide, page: JurisdictionGuide, fmt: str) -> str:
    """A page in `fmt` (md, html or json); raises KeyError for another format."""
    return RENDERERS[fmt](guide, page)
