"""Service guides (办事指南): the data, golden pages in md/html/json, and `export guide`.

The golden files under tests/engine/golden/guide/ are what `onewindow export guide` writes
for tests/fixtures/everything/. After a deliberate change, read the diff, then regenerate
them with `ONEWINDOW_UPDATE_GOLDEN=1 pytest tests/engine/test_guide.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onewindow.dsl.check import check
from onewindow.dsl.load import ParseCache
from onewindow.engine.cli import export_cmd
from onewindow.engine.guide import build_guide
from onewindow.engine.guide_render import FORMATS, render, render_html, render_markdown

from ..conftest import FIXTURES, REPO

EVERYTHING = FIXTURES / "everything"
GOLDEN = Path(__file__).parent / "golden" / "guide"
UPDATE = os.environ.get("ONEWINDOW_UPDATE_GOLDEN") == "1"


def cli() -> typer.Typer:
    app = typer.Typer()
    export_cmd.register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps `export` a group
        """Nothing."""

    return app


@pytest.fixture(scope="module")
def everything():
    result = check([EVERYTHING])
    assert result.ok, result.errors
    return result


# ---------------------------------------------------------------- the data


def test_pages_list_own_and_delegated_matters_with_where_to_apply(everything) -> None:
    guide = build_guide(everything.workspace)
    assert [p.name for p in guide.pages] == ["示范区", "示范街道"]  # the others handle nothing
    district = guide.page("示范区")
    assert district is not None
    names = [e.guide.name for e in district.matters]
    assert names == ["个体工商户设立登记", "企业设立登记", "公章刻制", "发票申领"]
    assert [c.name for c in district.chains] == ["开办企业"]
    m = district.matters[0].guide
    assert (m.code, m.type_text, m.handling_text, m.fee_text) == (
        "37011300XK00001",
        "行政许可",
        "承诺件",
        "不收费",
    )
    assert [x.deferrable for x in m.materials] == [False, True, False, False, False]
    assert m.materials[2].source_text == "由「企业设立登记」办理结果提供"
    places = [(p.jurisdiction, p.hall, p.windows, p.delegated) for p in m.places]
    assert places == [
        ("示范区", "政务服务大厅", ("综合受理一",), False),
        ("示范街道", "便民服务中心", ("综合窗口",), True),
    ]
    assert m.places[1].since == dt.date(2019, 9, 16)
    assert [x.text for x in m.limits] == ["15个工作日", "3个工作日（2019年1月1日起）"]
    town = guide.page("示范街道")
    assert town is not None and town.matters[0].delegated_by == "示范区"
    assert town.matters[0].guide is m  # computed once, shared by both pages


def test_as_of_keeps_only_what_is_in_force(everything) -> None:
    before = build_guide(everything.workspace, dt.date(2019, 6, 30))
    assert [p.name for p in before.pages] == ["示范区"]  # delegated from 2019-09-16 only
    district = before.page("示范区")
    assert district is not None
    m = district.matters[0].guide
    assert [p.jurisdiction for p in m.places] == ["示范区"]
    assert [x.text for x in m.limits] == ["15个工作日", "3个工作日"]
    assert district.chains[0].limits == ()  # its limit holds from 2019-12-31
    after = build_guide(everything.workspace, dt.date(2020, 1, 1))
    assert [p.name for p in after.pages] == ["示范区", "示范街道"]
    chain = after.pages[0].chains[0]
    assert [x.text for x in chain.limits] == ["2个工作日"]


def test_text_is_escaped_in_html_and_markdown(write_tree) -> None:
    root = write_tree(
        {
            "区.ow": """
jurisdiction 测试区 {
  level district
  department 局
  matter 办证 {
    department 局  basis "<script>alert(1)</script> & 《条例》"
    conditions "a|b *c* [x](y)"
    materials { "申请表 <A>" from applicant }
  }
  hall 大厅 { window 全能 { kind all-round } }
}
"""
        }
    )
    result = check([root])
    assert result.ok, result.errors
    guide = build_guide(result.workspace)
    page = guide.pages[0]
    html = render_html(guide, page)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; 《条例》" in html
    assert "申请表 &lt;A&gt;" in html
    assert_well_formed(html)
    md = render_markdown(guide, page)
    assert r"a\|b \*c\* \[x\](y)" in md and r"\<script\>" in md
    assert "大厅：全能" in md  # the all-round window takes what no other window names


# ---------------------------------------------------------------- golden pages


class _Balance(HTMLParser):
    VOID = frozenset({"meta", "br", "hr", "img", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def assert_well_formed(html: str) -> None:
    parser = _Balance()
    parser.feed(html)
    parser.close()
    assert parser.stack == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_the_golden_pages(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / "guide"
    result = CliRunner().invoke(
        cli(), ["export", "guide", str(EVERYTHING), "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"示范区.{fmt}", f"示范街道.{fmt}"]  # no temporary file left behind
    for path in sorted(out.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert str(REPO) not in text and str(tmp_path) not in text
        assert dt.date.today().isoformat() not in text
        golden = GOLDEN / path.name
        if UPDATE:
            GOLDEN.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert golden.exists(), f"no golden {golden.name}: run with ONEWINDOW_UPDATE_GOLDEN=1"
        assert text == golden.read_text(encoding="utf-8"), f"{path.name} differs from its golden"
        if fmt == "html":
            assert_well_formed(text)
            assert "@media print" in text
        if fmt == "json":
            assert json.loads(text)["jurisdiction"]["name"] == path.stem


def test_pages_do_not_depend_on_the_working_directory(everything, monkeypatch) -> None:
    monkeypatch.chdir(REPO.parent)
    moved = check([EVERYTHING], cache=ParseCache())  # spans are shown relative to the cwd
    for fmt in FORMATS:
        a = build_guide(everything.workspace)
        b = build_guide(moved.workspace)
        assert [render(a, p, fmt) for p in a.pages] == [render(b, p, fmt) for p in b.pages]


# ---------------------------------------------------------------- the command


def test_json_goes_to_stdout_without_out() -> None:
    result = CliRunner().invoke(cli(), ["export", "guide", str(EVERYTHING), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["format"] == "onewindow-guide" and data["as_of"] is None
    assert [j["name"] for j in data["jurisdictions"]] == ["示范区", "示范街道"]
    first = data["jurisdictions"][0]["matters"][0]
    assert first["defined_at"] == "示范区/示范区.ow:12" and first["delegated_by"] is None


def test_command_errors(write_tree, tmp_path: Path) -> None:
    runner = CliRunner()
    app = cli()
    base = ["export", "guide", str(EVERYTHING)]
    no_out = runner.invoke(app, [*base, "--format", "html"])
    assert no_out.exit_code == 2 and "--out" in no_out.output
    bad_format = runner.invoke(app, [*base, "--format", "pdf"])
    assert bad_format.exit_code == 2
    bad_date = runner.invoke(app, [*base, "--format", "json", "--as-of", "2019-02-30"])
    assert bad_date.exit_code == 2 and "not a date" in bad_date.output
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    not_dir = runner.invoke(app, [*base, "--out", str(a_file)])
    assert not_dir.exit_code == 2 and "not a folder" in not_dir.output
    broken = write_tree({"坏.ow": "jurisdiction 坏 {\n  matter 甲 { department 无 }\n}\n"})
    out = tmp_path / "out"
    errors = runner.invoke(app, ["export", "guide", str(broken), "--out", str(out)])
    assert errors.exit_code == 1
    assert not out.exists()
