"""The province generator (engine/generate.py) and `onewindow generate`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onewindow.dsl.check import check
from onewindow.dsl.format import format_text
from onewindow.engine.cli import generate_cmd
from onewindow.engine.generate import (
    GenerateError,
    ProvinceSpec,
    district_file,
    generate,
    province_files,
    write_tree,
)
from onewindow.engine.sim.plan import build_plan

SMALL = ProvinceSpec(districts=3, towns_per_district=3, villages_per_town=2, matters=5, seed=7)


def make_app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    generate_cmd.register(app)

    @app.command("version")  # a second command so Typer keeps `generate` as a name
    def version() -> None:
        """Unused."""

    return app


RUNNER = CliRunner()


def invoke(*args: str):
    result = RUNNER.invoke(make_app(), list(args), env={"COLUMNS": "300"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize(
    "spec",
    [
        SMALL,
        ProvinceSpec(districts=1, towns_per_district=1, villages_per_town=0, matters=1),
        ProvinceSpec(districts=2, towns_per_district=2, villages_per_town=1, matters=30, seed=3),
        ProvinceSpec(districts=12, towns_per_district=1, villages_per_town=1, matters=2, cities=3),
    ],
    ids=["small", "tiniest", "more-matters-than-the-catalogue", "several-cities"],
)
def test_generated_trees_check_clean_with_lint(spec: ProvinceSpec, tmp_path: Path) -> None:
    generate(tmp_path / "p", spec)
    result = check([tmp_path / "p"], lint=True)
    assert [str(d) for d in result.diagnostics] == []
    assert len(result.workspace.jurisdictions) == spec.jurisdiction_count


def test_tree_shape_names_delegations_and_facts(tmp_path: Path) -> None:
    generate(tmp_path / "p", SMALL)
    ws = check([tmp_path / "p"]).workspace
    assert ws.roots == ("模拟省",)
    assert [j.name for j in ws.lineage("第002区第03镇第02村")] == [
        "第002区第03镇第02村",
        "第002区第03镇",
        "第002区",
        "第01市",
        "模拟省",
    ]
    district = ws.jurisdictions["第002区"]
    assert len(district.matters) == SMALL.matters
    seals = sorted(d.seal for d in district.delegations)
    assert seals == [1, 2, 3]
    town = "第002区第01镇"
    assert ws.delegated_in(town)  # the district's matters reach the town
    assert "六统一" in ws.assessments(town)
    assert ws.facts_for(town)
    halls = ws.jurisdictions["第002区第03镇第02村"].halls
    assert [h.name for h in halls] == ["村级便民服务室"]  # from the included fragment


def test_every_matter_and_chain_has_a_window_once_delegations_hold(tmp_path: Path) -> None:
    generate(tmp_path / "p", SMALL)
    ws = check([tmp_path / "p"]).workspace
    delegation_day = max(d.valid_from for j in ws.jurisdictions.values() for d in j.delegations)
    plan = build_plan(ws, delegation_day)
    assert plan.unserved == []
    assert any(s.profile.name == "一件事办理" for h in plan.halls for s in h.streams)


@pytest.mark.parametrize(
    "spec",
    [SMALL, ProvinceSpec(districts=3, towns_per_district=2, villages_per_town=1, matters=30)],
)
def test_generated_files_are_in_canonical_form(spec: ProvinceSpec) -> None:
    """`onewindow fmt --check` on a generated tree changes nothing."""
    for path, text in province_files(spec).items():
        assert format_text(text, path).text == text, path


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    first = province_files(SMALL)
    assert province_files(SMALL) == first
    other = province_files(ProvinceSpec(**{**SMALL.__dict__, "seed": 8}))
    assert other.keys() == first.keys()
    assert other != first


def test_district_file_names_an_existing_file() -> None:
    files = province_files(SMALL)
    assert district_file(SMALL, 2) in files
    assert "jurisdiction 第003区 {" in files[district_file(SMALL, 2)]


@pytest.mark.parametrize(
    "kwargs",
    [{"districts": 0}, {"towns_per_district": 0}, {"villages_per_town": -1}, {"cities": 4}],
)
def test_bad_sizes_are_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        ProvinceSpec(**{"districts": 3, **kwargs})


def test_non_empty_folder_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "p"
    out.mkdir()
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(GenerateError, match="not empty"):
        generate(out, SMALL)
    assert (out / "mine.txt").read_text(encoding="utf-8") == "keep"
    generate(out, SMALL, force=True)
    assert not (out / "mine.txt").exists()
    assert (out / "onewindow.toml").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["p"]  # no staging folder left behind


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    generate(tmp_path / "p", SMALL)
    assert (tmp_path / "p" / "onewindow.toml").is_file()


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    def files():
        yield "onewindow.toml", "# root\n"
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_tree(files(), tmp_path / "p")
    assert list(tmp_path.iterdir()) == []


def test_written_tree_follows_the_umask(tmp_path: Path) -> None:
    generate(tmp_path / "p", SMALL)
    mode = (tmp_path / "p").stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    assert mode == 0o777 & ~mask


def test_cli_generates_a_tree_that_checks(tmp_path: Path) -> None:
    out = tmp_path / "prov"
    result = invoke(
        "generate", str(out), "--districts", "2", "--towns-per-district", "2",
        "--villages-per-town", "1", "--matters", "3", "--seed", "5",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "12 jurisdictions" in result.output
    assert check([out]).ok


def test_cli_refuses_a_non_empty_folder_then_forces(tmp_path: Path) -> None:
    out = tmp_path / "prov"
    out.mkdir()
    (out / "x.ow").write_text("", encoding="utf-8")
    result = invoke("generate", str(out), "--districts", "1")
    assert result.exit_code == 2
    assert "not empty" in result.output and "--force" in result.output
    result = invoke("generate", str(out), "--districts", "1", "--villages-per-town", "0", "--force")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "args",
    [["--districts", "0"], ["--villages-per-town", "-1"], ["--districts", "2", "--cities", "3"]],
)
def test_cli_bad_sizes_exit_2(args: list[str], tmp_path: Path) -> None:
    result = invoke("generate", str(tmp_path / "p"), *args)
    assert result.exit_code == 2
    assert not (tmp_path / "p").exists()
